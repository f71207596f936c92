"""`orgpreflight attest` and `waive`: entries appended to the operator's files, picked up by the next audit.

Each test works on a copy of the example configuration with its attestations and waivers files.
"""
import json
import os
import shutil
import stat
import tempfile
import unittest

import opftest
from opftest import SOURCE_DIR, run_cli

EXAMPLES = os.path.join(SOURCE_DIR, "examples")
PLUGINS = os.path.join(os.environ.get("OPF_BINARY_DIR", os.path.join(SOURCE_DIR, "build")), "plugins")
NOW = "2026-11-25T09:00:00Z"
DATA_PLATFORM, ORG = "418273645091", "o-7rmx2kq4ud"


class CliAttestWaive(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="opf-inputs-")
        for name in ("config.json", "attestations.json", "waivers.json"):
            shutil.copy(os.path.join(EXAMPLES, name), self.tmp)
        self.config = os.path.join(self.tmp, "config.json")
        self.attestations = os.path.join(self.tmp, "attestations.json")
        self.waivers = os.path.join(self.tmp, "waivers.json")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def cli(self, *args):
        return run_cli(list(args))

    def attest(self, *args):
        return self.cli("attest", *args, "--config", self.config, "--now", NOW)

    def waive(self, *args):
        return self.cli("waive", *args, "--config", self.config, "--now", NOW)

    def audit(self, *args):
        r = self.cli("audit", "--evidence", os.path.join(EXAMPLES, "evidence.json"), "--config", self.config, "--now",
                     NOW, "--format", "json", *args)
        self.assertIn(r.returncode, (0, 1, 2), r.stderr)
        return json.loads(r.stdout)

    def row(self, report, check, subject):
        return next(x for x in report["results"] if x["check"] == check and x["subject_id"] == subject)

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def assert_no_temporary_files(self):
        self.assertEqual(sorted(os.listdir(self.tmp)), ["attestations.json", "config.json", "waivers.json"])

    def test_attestation_round_trip_flips_payment_method(self):
        before = opftest.load_json(self.attestations)["attestations"]
        self.assertEqual(self.row(self.audit(), "payment-method", DATA_PLATFORM)["status"], "fail")
        os.chmod(self.attestations, 0o640)
        r = self.attest(DATA_PLATFORM, "payment-method", "true", "--by", "finance@kuzeylabs.io",
                        "--note", "company virtual card ending 4417 added", "--at", "2026-11-24T16:30:00+03:00")
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertEqual(r.stdout, "%s: finance@kuzeylabs.io attests payment-method = true for %s at "
                         "2026-11-24T13:30:00Z\n" % (self.attestations, DATA_PLATFORM))
        after = opftest.load_json(self.attestations)["attestations"]
        self.assertEqual(after[:-1], before)  # existing entries kept, in order
        self.assertEqual(after[-1], {"account_id": DATA_PLATFORM, "fact": "payment-method", "value": True,
                                     "attested_by": "finance@kuzeylabs.io", "attested_at": "2026-11-24T13:30:00Z",
                                     "note": "company virtual card ending 4417 added"})
        self.assertEqual(stat.S_IMODE(os.stat(self.attestations).st_mode), 0o640)
        self.assert_no_temporary_files()
        row = self.row(self.audit(), "payment-method", DATA_PLATFORM)
        self.assertEqual(row["status"], "pass", row["message"])
        # a later "false" is the newest attestation: the check fails on it, citing it
        r = self.attest(DATA_PLATFORM, "payment-method", "false", "--by", "finance@kuzeylabs.io",
                        "--at", "2026-11-25T08:00:00Z")
        self.assertEqual(r.returncode, 0, r.stderr)
        row = self.row(self.audit(), "payment-method", DATA_PLATFORM)
        self.assertEqual(row["status"], "fail")
        self.assertIn("the attestation says the account has no valid payment method", row["message"])
        self.assertNotIn("note", opftest.load_json(self.attestations)["attestations"][-1])

    def test_attest_creates_a_missing_file_and_defaults_to_now(self):
        path = os.path.join(self.tmp, "new", "attestations.json")
        os.makedirs(os.path.dirname(path))
        r = self.cli("attest", DATA_PLATFORM, "phone-verified", "true", "--by", "ops", "--file", path, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(opftest.load_json(path), {"attestations": [
            {"account_id": DATA_PLATFORM, "fact": "phone-verified", "value": True, "attested_by": "ops",
             "attested_at": NOW}]})
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o644)
        self.assertEqual(os.listdir(os.path.dirname(path)), ["attestations.json"])
        row = self.row(self.audit("--attestations", path), "account-verified", DATA_PLATFORM)
        self.assertEqual(row["status"], "pass", row["message"])

    def test_attest_through_a_symbolic_link_keeps_the_link(self):
        link = os.path.join(self.tmp, "link.json")
        os.symlink(self.attestations, link)
        r = self.cli("attest", DATA_PLATFORM, "root-mailbox-confirmed", "true", "--by", "ops", "--file", link, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.islink(link))
        self.assertEqual(opftest.load_json(self.attestations)["attestations"][-1]["fact"], "root-mailbox-confirmed")

    def test_waiver_round_trip(self):
        before = opftest.load_json(self.waivers)["waivers"]
        r = self.waive("payment-method", DATA_PLATFORM, "--reason", "card being added by finance", "--owner",
                       "finance@kuzeylabs.io", "--expires", "2026-12-31")
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertEqual(r.stdout, "%s: payment-method waived for %s until 2026-12-31 (owner finance@kuzeylabs.io)\n"
                         % (self.waivers, DATA_PLATFORM))
        after = opftest.load_json(self.waivers)["waivers"]
        self.assertEqual(after[:-1], before)
        self.assertEqual(after[-1], {"check": "payment-method", "account_id": DATA_PLATFORM,
                                     "reason": "card being added by finance", "owner": "finance@kuzeylabs.io",
                                     "expires": "2026-12-31"})
        self.assert_no_temporary_files()
        # an organization-level check is waived by the organization's id; the text report shows both kinds
        r = self.waive("sso-alias-conflict", ORG, "--reason", "new alias chosen after the move", "--owner", "platform",
                       "--expires", "2026-11-25")  # today: valid through the end of the day
        self.assertEqual(r.returncode, 0, r.stderr)
        report = self.audit()
        row = self.row(report, "payment-method", DATA_PLATFORM)
        self.assertEqual((row["status"], row["waiver"]["original_status"]), ("waived", "fail"))
        self.assertEqual(self.row(report, "sso-alias-conflict", ORG)["status"], "waived")
        text = self.cli("audit", "--evidence", os.path.join(EXAMPLES, "evidence.json"), "--config", self.config,
                        "--now", NOW).stdout
        self.assertIn("WAIVED   blocker  payment-method", text)
        self.assertIn("waived, was fail: card being added by finance (owner finance@kuzeylabs.io, until 2026-12-31)",
                      text)
        self.assertIn("waiver EXPIRED on 2026-10-31, not applied: MFA device", text)  # the example's expired one
        self.assertIn("Expired waivers (no longer applied):\n  break-glass-user for 852963741085, expired 2026-10-31", text)

    def test_a_second_waiver_for_the_same_finding_replaces_the_first(self):
        args = ["payment-method", DATA_PLATFORM, "--reason", "card being added by finance", "--owner", "finance"]
        self.assertEqual(self.waive(*args, "--expires", "2026-12-31").returncode, 0)
        count = len(opftest.load_json(self.waivers)["waivers"])
        r = self.waive(*args[:3], "card arrives in January", "--owner", "finance", "--expires", "2027-01-31")
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertIn("replaces the waiver of payment-method for %s until 2026-12-31 (owner finance)" % DATA_PLATFORM,
                      r.stdout)
        waivers = opftest.load_json(self.waivers)["waivers"]
        self.assertEqual(len(waivers), count)
        mine = [w for w in waivers if w["check"] == "payment-method" and w["account_id"] == DATA_PLATFORM]
        self.assertEqual([(w["reason"], w["expires"]) for w in mine], [("card arrives in January", "2027-01-31")])

    def test_impossible_dates_are_refused(self):
        for args, flag in ((["attest", DATA_PLATFORM, "payment-method", "true", "--by", "ops", "--at", "2026-11-31"],
                            "--at 2026-11-31"),
                           (["attest", DATA_PLATFORM, "payment-method", "true", "--by", "ops", "--now",
                             "2026-02-31T10:00:00Z"], "--now 2026-02-31T10:00:00Z"),
                           (["waive", "payment-method", DATA_PLATFORM, "--reason", "r", "--owner", "o", "--expires",
                             "2027-02-29"], "--expires 2027-02-29")):
            r = self.cli(*args, "--config", self.config)
            self.assertEqual(r.returncode, 64, (args, r.stderr))
            self.assertIn(flag, r.stderr)
            self.assertIn("not a real", r.stderr)
        r = self.cli("audit", "--evidence", os.path.join(EXAMPLES, "evidence.json"), "--now", "2026-02-31")
        self.assertEqual(r.returncode, 64)
        self.assertIn("--now 2026-02-31: not a real", r.stderr)

    def test_attest_warns_about_an_account_outside_the_organization(self):
        bundle = os.path.join(EXAMPLES, "evidence.json")
        r = self.attest("123456789012", "payment-method", "true", "--by", "ops", "--evidence", bundle)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("warning: 123456789012 is not an account of organization o-7rmx2kq4ud", r.stderr)
        self.assertEqual(opftest.load_json(self.attestations)["attestations"][-1]["account_id"], "123456789012")
        r = self.attest(DATA_PLATFORM, "payment-method", "true", "--by", "ops", "--evidence", bundle)
        self.assertEqual((r.returncode, r.stderr), (0, ""))

    def test_waive_accepts_plugin_checks_with_the_plugin(self):
        plugin = os.path.join(PLUGINS, "account_name_convention.so")
        opftest.require(os.path.exists(plugin), "example plugin not built: " + plugin)
        args = ("account-name-convention", "*", "--reason", "names fixed after the move", "--owner", "platform",
                "--expires", "2027-01-15")
        r = self.waive(*args)
        self.assertEqual(r.returncode, 64)
        self.assertIn("unknown check \"account-name-convention\"", r.stderr)
        self.assertEqual(self.waive(*args, "--plugin", plugin).returncode, 0)

    def assert_refused(self, r, code, message, path):
        self.assertEqual(r.returncode, code, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn(message, r.stderr)
        self.assertEqual(self.read(path), self._snapshot, "the file changed")

    def test_attest_validation_errors(self):
        self._snapshot = self.read(self.attestations)
        ok = [DATA_PLATFORM, "payment-method", "true", "--by", "ops"]
        for args, message in [
            (["41827364509", "payment-method", "true", "--by", "ops"], "ACCOUNT \"41827364509\" is not a 12-digit"),
            ([DATA_PLATFORM, "payment", "true", "--by", "ops"],
             "unknown fact \"payment\": expected one of payment-method, phone-verified, root-mailbox-confirmed, "
             "support-plan, billing-access-for-iam"),
            ([DATA_PLATFORM, "payment-method", "yes", "--by", "ops"], "VALUE \"yes\": expected true or false"),
            ([DATA_PLATFORM, "payment-method", "true"], "--by NAME is required"),
            ([DATA_PLATFORM, "payment-method", "true", "--by", "  "], "--by NAME is required"),
            (ok + ["--at", "yesterday"], "--at yesterday: not a real date and time"),
            (ok + ["--at", "2026-11-26T00:00:00Z"], "--at 2026-11-26T00:00:00Z is in the future"),
            (ok + ["--note", ""], "--note is empty"),
            ([DATA_PLATFORM, "payment-method"], "takes ACCOUNT FACT true|false"),
        ]:
            self.assert_refused(self.attest(*args), 64, "orgpreflight attest: " + message, self.attestations)
        r = self.cli("attest", *ok, "--now", NOW)
        self.assert_refused(r, 64, "--file PATH is required", self.attestations)
        bare = os.path.join(self.tmp, "bare-config.json")
        with open(bare, "w") as f:
            f.write("{}")
        self.assert_refused(self.cli("attest", *ok, "--config", bare), 64, bare + " sets no attestations.file",
                            self.attestations)

    def test_waive_validation_errors(self):
        self._snapshot = self.read(self.waivers)
        good = ["--reason", "r", "--owner", "o", "--expires", "2026-12-31"]
        for args, message in [
            (["no-such-check", DATA_PLATFORM] + good, "unknown check \"no-such-check\""),
            (["payment-method", ORG] + good, "SUBJECT \"o-7rmx2kq4ud\": payment-method concerns accounts"),
            (["payment-method", DATA_PLATFORM, "--owner", "o", "--expires", "2026-12-31"], "--reason TEXT is required"),
            (["payment-method", DATA_PLATFORM, "--reason", " ", "--owner", "o", "--expires", "2026-12-31"],
             "--reason TEXT is required"),
            (["payment-method", DATA_PLATFORM, "--reason", "r", "--expires", "2026-12-31"], "--owner NAME is required"),
            (["payment-method", DATA_PLATFORM, "--reason", "r", "--owner", "o"], "--expires YYYY-MM-DD is required"),
            (["payment-method", DATA_PLATFORM, "--reason", "r", "--owner", "o", "--expires", "2027-02-30"],
             "--expires 2027-02-30: not a real date YYYY-MM-DD"),
            (["payment-method", DATA_PLATFORM, "--reason", "r", "--owner", "o", "--expires", "2026-12-31T00:00:00Z"],
             "--expires 2026-12-31T00:00:00Z: not a real date YYYY-MM-DD"),
            (["payment-method", DATA_PLATFORM, "--reason", "r", "--owner", "o", "--expires", "2026-11-24"],
             "--expires 2026-11-24 is in the past"),
            (["payment-method"] + good, "takes CHECK SUBJECT"),
        ]:
            self.assert_refused(self.waive(*args), 64, "orgpreflight waive: " + message, self.waivers)

    def test_malformed_existing_files_are_left_untouched(self):
        cases = [
            (self.attestations, '{"attestations": [\n  {"account_id": "418273645091",\n',
             "line 3 column 0: invalid JSON"),
            (self.attestations, '{"attestations": [{"account_id": "4182", "fact": "payment-method", "value": true, '
             '"attested_by": "x", "attested_at": "2026-11-01T00:00:00Z"}]}',
             "$.attestations[0].account_id: expected a 12-digit account id"),
            (self.attestations, '[]', "$.attestations: expected {\"attestations\": [...]}"),
            (self.waivers, '{"waivers": [{"check": "no-such-check", "account_id": "*", "reason": "r", "owner": "o", '
             '"expires": "2027-01-01"}]}', "$.waivers[0].check: unknown check no-such-check"),
            (self.waivers, '', "line 1 column 0: invalid JSON"),
        ]
        for path, content, message in cases:
            with open(path, "w") as f:
                f.write(content)
            os.chmod(path, 0o600)
            self._snapshot = self.read(path)
            if path == self.attestations:
                r = self.attest(DATA_PLATFORM, "payment-method", "true", "--by", "ops")
            else:
                r = self.waive("payment-method", DATA_PLATFORM, "--reason", "r", "--owner", "o", "--expires", "2026-12-31")
            self.assert_refused(r, 3, "orgpreflight: %s: %s" % (path, message), path)
            self.assertIn("(left unchanged)", r.stderr)
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
            self.assert_no_temporary_files()


class LiveOrganizationCheck(unittest.TestCase):
    """With AWS access, attest and waive list the organization's accounts and warn about one outside it."""

    @classmethod
    def setUpClass(cls):
        cls.moto = opftest.Moto()
        org = cls.moto.client("organizations")
        org.create_organization(FeatureSet="ALL")
        cls.member = org.create_account(Email="m@corp.test", AccountName="member")["CreateAccountStatus"]["AccountId"]
        cls.env = cls.moto.env()
        del cls.env["AWS_ENDPOINT_URL"]  # only the flags give AWS access
        cls.env["OPF_RETRY_BASE_MS"] = "20"

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="opf-inputs-")
        self.attestations = os.path.join(self.tmp, "attestations.json")
        self.waivers = os.path.join(self.tmp, "waivers.json")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def attest(self, account, *access):
        return run_cli(["attest", account, "payment-method", "true", "--by", "ops", "--file", self.attestations,
                        "--now", NOW, *access], env=self.env)

    def waive(self, account, *access):
        return run_cli(["waive", "payment-method", account, "--reason", "paid by invoice", "--owner", "ops",
                        "--expires", "2027-01-31", "--file", self.waivers, "--now", NOW, *access], env=self.env)

    def written(self, path):
        return opftest.load_json(path)[os.path.basename(path)[:-5]][-1]["account_id"]

    def test_an_account_of_the_organization_gives_no_warning(self):
        for run, path in ((self.attest, self.attestations), (self.waive, self.waivers)):
            r = run(self.member, "--endpoint-url", self.moto.url, "--region", "us-east-1")
            self.assertEqual((r.returncode, r.stderr), (0, ""))
            self.assertEqual(self.written(path), self.member)

    def test_an_unknown_account_is_warned_about_and_still_recorded(self):
        with open(self.env["AWS_CONFIG_FILE"], "w") as f:
            f.write("[profile ops]\nregion = us-east-1\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                    % (opftest.TEST_ACCESS_KEY, opftest.TEST_SECRET_KEY))
        for run, path, verb in ((self.attest, self.attestations, "attested"), (self.waive, self.waivers, "waived")):
            r = run("210987654321", "--profile", "ops", "--endpoint-url", self.moto.url)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stderr.splitlines(), [
                "orgpreflight %s: warning: 210987654321 is not one of the 2 accounts of the organization "
                "(organizations:ListAccounts); %s anyway" % (verb[:-1] if verb == "waived" else "attest", verb)])
            self.assertEqual(self.written(path), "210987654321")

    def test_an_unreachable_endpoint_is_named_in_one_line_and_the_entry_still_written(self):
        url = "http://127.0.0.1:%d" % opftest.free_port()
        for run, path in ((self.attest, self.attestations), (self.waive, self.waivers)):
            r = run("210987654321", "--endpoint-url", url)
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = r.stderr.splitlines()
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertIn("cannot list the organization's accounts (organizations:ListAccounts", lines[0])
            self.assertIn("not checked", lines[0])
            self.assertEqual(self.written(path), "210987654321")

    def test_no_access_flag_makes_no_call(self):
        env = dict(self.env, AWS_ENDPOINT_URL="http://127.0.0.1:%d" % opftest.free_port())
        r = run_cli(["attest", "210987654321", "payment-method", "true", "--by", "ops", "--file", self.attestations,
                     "--now", NOW], env=env)
        self.assertEqual((r.returncode, r.stderr), (0, ""))


if __name__ == "__main__":
    unittest.main()
