"""A live audit of an organization built in moto, with signature checking and IAM enforcement on, and a real
DNS server for the root mailboxes' domains."""
import json
import os
import tempfile
import unittest

import opftest
from opftest import run_cli
from orgbuilder import Org

NOW = "2026-11-25T09:00:00Z"
ZONES = dict(mx=[("corp.test", "mx1.corp.test", 10), ("nullmx.test", ".", 0)],
             a=[("onlya.test", "127.0.0.9"), ("mx1.corp.test", "127.0.0.10")])


def rows(report, account=None, check=None):
    return [r for r in report["results"] if (account is None or r["subject_id"] == account)
            and (check is None or r["check"] == check)]


def status(report, account, check):
    found = rows(report, account, check)
    assert len(found) == 1, (account, check, found)
    return found[0]


class LiveAudit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = opftest.Moto()
        cls.dns = opftest.Dnsmasq(**ZONES)
        cls.org = Org(cls.moto)
        cls.moto.enforce_auth()
        cls.tmp = tempfile.mkdtemp(prefix="opf-live-")
        cls.config = os.path.join(cls.tmp, "config.json")
        with open(cls.config, "w") as f:
            json.dump({"dns": {"servers": [cls.dns.server], "timeout_ms": 2000},
                       "break_glass": {"user_pattern": "break-glass-*"}}, f)
        cls.env = cls.moto.env(access_key=cls.org.access_key, secret_key=cls.org.secret_key)
        cls.env["OPF_RETRY_BASE_MS"] = "20"  # the same retries, with a shorter backoff
        cls.live_json = os.path.join(cls.tmp, "live.json")
        cls.live = run_cli(["audit", "--config", cls.config, "--now", NOW, "--quiet", "--format", "json", "-o",
                            cls.live_json], env=cls.env)
        cls.report = opftest.load_json(cls.live_json) if os.path.exists(cls.live_json) else None

    @classmethod
    def tearDownClass(cls):
        cls.dns.stop()
        cls.moto.stop()

    def test_target_profile_collects_the_target_organization(self):
        # moto holds one organization per account: a target profile with the operator's own keys names the old
        # organization, which target-organization-ready must refuse, from evidence collected live
        env = dict(self.env)
        env["AWS_CONFIG_FILE"] = os.path.join(self.tmp, "target-config")
        with open(env["AWS_CONFIG_FILE"], "w") as f:
            f.write("[profile target]\naws_access_key_id = %s\naws_secret_access_key = %s\nregion = us-east-1\n"
                    % (self.org.access_key, self.org.secret_key))
        out = os.path.join(self.tmp, "target.json")
        r = run_cli(["audit", "--config", self.config, "--now", NOW, "--quiet", "--target-profile", "target",
                     "--checks", "target-organization-ready", "--format", "json", "-o", out], env=env)
        self.assertEqual(r.returncode, 1, r.stderr)
        report = opftest.load_json(out)
        row = [x for x in report["results"] if x["subject_type"] == "target-organization"]
        self.assertEqual(len(row), 1, report["results"])
        self.assertEqual((row[0]["check"], row[0]["status"]), ("target-organization-ready", "fail"))
        self.assertIn("the target is the old organization %s itself" % self.org.org["Id"], row[0]["message"])
        cited = {e["item"]: e for e in row[0]["evidence"]}
        self.assertEqual(cited["organizations.organization"]["source"], "organizations:DescribeOrganization")

    def test_inventory_and_every_account_has_every_check(self):
        self.assertEqual(self.live.returncode, 1, self.live.stderr)
        ids = {a["id"] for a in self.report["accounts"]}
        self.assertEqual(len(ids), len(self.org.accounts) + 1)  # the members and the management account
        self.assertTrue(set(self.org.accounts) <= ids)
        checks = json.loads(run_cli(["checks", "--format", "json"]).stdout)["checks"]
        account_checks = {c["id"] for c in checks if c["subject"] == "account"}
        for a in ids:
            self.assertEqual({r["check"] for r in rows(self.report, a)}, account_checks, a)
        paths = {a["id"]: a["ou_path"] for a in self.report["accounts"]}
        self.assertEqual(paths[self.org.prod], "Root/Workloads/Prod")
        self.assertEqual(paths[self.org.sandbox], "Root/Sandbox")
        self.assertGreater(self.report["stats"]["api_calls"], 100)

    def test_blockers_found(self):
        r = status(self.report, self.org.security, "delegated-administrator")
        self.assertEqual(r["status"], "fail")
        self.assertIn("guardduty.amazonaws.com", r["message"])
        self.assertEqual(status(self.report, self.org.sandbox, "scp-denies-leave")["status"], "fail")
        self.assertEqual(status(self.report, self.org.prod, "scp-denies-leave")["status"], "pass")
        # every member was created by the organization moments ago: inside the wait period
        self.assertEqual(status(self.report, self.org.prod, "wait-period")["status"], "fail")

    def test_break_glass_users(self):
        self.assertEqual(status(self.report, self.org.breakglass, "break-glass-user")["status"], "pass")
        r = status(self.report, self.org.prod, "break-glass-user")
        self.assertEqual(r["status"], "fail")
        self.assertIn("no MFA", r["message"])
        self.assertEqual(status(self.report, self.org.sandbox, "break-glass-user")["status"], "fail")

    def test_root_mailbox_domains_through_real_dns(self):
        self.assertEqual(status(self.report, self.org.nullmx, "root-email-reachable")["status"], "fail")
        self.assertEqual(status(self.report, self.org.missing, "root-email-reachable")["status"], "fail")
        self.assertEqual(status(self.report, self.org.onlya, "root-email-reachable")["status"], "warn")
        # MX present, mailbox not confirmed by an attestation: never a pass
        self.assertEqual(status(self.report, self.org.prod, "root-email-reachable")["status"], "warn")

    def test_missing_role_makes_member_checks_unknown_with_the_reason(self):
        r = status(self.report, self.org.norole, "break-glass-user")
        self.assertEqual(r["status"], "unknown")
        # AWS refuses AssumeRole (AccessDenied); moto grants it and then answers HTTP 500 for a role it lacks
        self.assertRegex(r["message"], "iam:GenerateCredentialReport.*(AccessDenied|HTTP500)")
        # checks that need only management-side evidence still run for that account
        self.assertIn(status(self.report, self.org.norole, "delegated-administrator")["status"], ("pass",))

    def test_operations_moto_lacks_are_recorded_as_errors(self):
        bundle_path = os.path.join(self.tmp, "bundle.json")
        r = run_cli(["collect", "--config", self.config, "--quiet", "-o", bundle_path], env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.stat(bundle_path).st_mode & 0o777, 0o600)
        bundle = opftest.load_json(bundle_path)
        member = next(a for a in bundle["accounts"] if a["id"] == self.org.prod)
        info = member["evidence"]["account.information"]
        self.assertIn("error", info)  # moto does not implement GetAccountInformation
        feats = bundle["organization"]["evidence"]["iam.organizations_features"]
        self.assertIn("error", feats)
        # with the documented policies nothing is denied, except in the account whose role is missing
        denied = [(a["id"], k) for a in bundle["accounts"] for k, v in a["evidence"].items()
                  if "error" in v and v["error"]["code"] == "AccessDenied" and a["id"] != self.org.norole]
        self.assertEqual(denied, [])

    def test_collect_then_audit_equals_live_audit(self):
        bundle_path = os.path.join(self.tmp, "replay-bundle.json")
        self.assertEqual(run_cli(["collect", "--config", self.config, "--quiet", "-o", bundle_path], env=self.env).returncode, 0)
        # -o - writes the bundle to standard output, never to a file named "-"
        piped = run_cli(["collect", "--config", self.config, "--quiet", "-o", "-"], env=self.env)
        self.assertEqual(piped.returncode, 0, piped.stderr)
        self.assertEqual(json.loads(piped.stdout)["schema"], "orgpreflight/evidence/v1")
        self.assertFalse(os.path.exists("-"))
        replay = run_cli(["audit", "--evidence", bundle_path, "--config", self.config, "--now", NOW, "--format", "json"])
        self.assertEqual(replay.returncode, self.live.returncode)
        offline = json.loads(replay.stdout)

        def key(report):
            out = []
            for r in report["results"]:
                ev = [{k: v for k, v in e.items() if k != "collected_at"} for e in r["evidence"]]
                out.append((r["check"], r["subject_id"], r["status"], r["severity"], r["message"], json.dumps(ev, sort_keys=True)))
            return out
        self.assertEqual(key(offline), key(self.report))
        self.assertEqual(offline["summary"], self.report["summary"])

    def test_selection_and_bad_credentials(self):
        out = os.path.join(self.tmp, "sel.json")
        r = run_cli(["audit", "--config", self.config, "--quiet", "--accounts", "%s,%s" % (self.org.prod, self.org.sandbox),
                     "--format", "json", "-o", out], env=self.env)
        self.assertIn(r.returncode, (1, 2), r.stderr)
        self.assertEqual({a["id"] for a in opftest.load_json(out)["accounts"]}, {self.org.prod, self.org.sandbox})
        r = run_cli(["audit", "--config", self.config, "--quiet", "--ou", self.org.ou["Workloads"], "--format", "json"],
                    env=self.env)
        self.assertEqual({a["id"] for a in json.loads(r.stdout)["accounts"]}, {self.org.prod})
        bad = self.moto.env(access_key=self.org.access_key, secret_key="x" * 40)
        r = run_cli(["audit", "--config", self.config, "--quiet"], env=bad)
        self.assertEqual(r.returncode, 3)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("SignatureDoesNotMatch", r.stderr)


if __name__ == "__main__":
    unittest.main()
