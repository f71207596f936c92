"""`orgpreflight diff`: two audits of the example organization, the second of a changed copy two months later.

Between the two: backup's break-glass user is deleted, shared-services leaves, ml-research (a copy of security)
joins, a waiver accepts data-platform's missing payment method, and time passes: payments-staging's wait
period ends and the analytics waiver expires on 2027-01-31.
"""
import base64
import copy
import json
import os
import shutil
import tempfile
import unittest

import jsonschema

import opftest
from opftest import SOURCE_DIR, run_cli

EXAMPLES = os.path.join(SOURCE_DIR, "examples")
SCHEMA = os.path.join(SOURCE_DIR, "docs", "diff.schema.json")
OLD_NOW, NEW_NOW = "2026-11-25T09:00:00Z", "2027-02-01T09:00:00Z"
BACKUP, ANALYTICS, DATA_PLATFORM = "304955176822", "963741852096", "418273645091"
STAGING, SHARED, ML = "741852963074", "174185296307", "385601927364"


def delete_break_glass_user(account):
    """The account's only IAM user is deleted: gone from ListUsers, the credential report and the summary."""
    ev = account["evidence"]
    ev["iam.users"]["data"]["Users"] = []
    report = ev["iam.credential_report"]["data"]
    rows = base64.b64decode(report["Content"]).decode().splitlines(True)
    report["Content"] = base64.b64encode("".join(r for r in rows if not r.startswith("break-glass-")).encode()).decode()
    ev["iam.account_summary"]["data"]["SummaryMap"]["Users"] = 0


def clone_account(account, new_id, new_name):
    text = json.dumps(copy.deepcopy(account)).replace(account["id"], new_id)
    clone = json.loads(text)
    clone["name"] = new_name
    return clone


class CliDiff(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="opf-diff-")
        bundle = opftest.load_json(os.path.join(EXAMPLES, "evidence.json"))
        by_name = {a["name"]: a for a in bundle["accounts"]}
        old_bundle = copy.deepcopy(bundle)
        delete_break_glass_user(by_name["backup"])
        bundle["accounts"] = [a for a in bundle["accounts"] if a["id"] != SHARED]
        bundle["accounts"].append(clone_account(by_name["security"], ML, "ml-research"))
        cls.new_bundle = cls.write("new-bundle.json", bundle)
        waivers = opftest.load_json(os.path.join(EXAMPLES, "waivers.json"))
        waivers["waivers"].append({"check": "payment-method", "account_id": DATA_PLATFORM,
                                   "reason": "card being added by finance", "owner": "finance@kuzeylabs.io",
                                   "expires": "2027-03-31"})
        cls.new_waivers = cls.write("new-waivers.json", waivers)
        cls.old = cls.audit(os.path.join(EXAMPLES, "evidence.json"), OLD_NOW, "old.json")
        cls.new = cls.audit(cls.new_bundle, NEW_NOW, "new.json", "--waivers", cls.new_waivers)
        # the same day, only the break-glass user deleted: a single new failure, of severity high
        only_user = copy.deepcopy(old_bundle)
        delete_break_glass_user(next(a for a in only_user["accounts"] if a["id"] == BACKUP))
        cls.user_only = cls.audit(cls.write("user-only.json", only_user), OLD_NOW, "user-only-report.json")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def write(cls, name, doc):
        path = os.path.join(cls.tmp, name)
        with open(path, "w") as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc))
        return path

    @classmethod
    def audit(cls, bundle, now, out, *extra):
        path = os.path.join(cls.tmp, out)
        r = run_cli(["audit", "--evidence", bundle, "--config", os.path.join(EXAMPLES, "config.json"), "--now", now,
                     "--format", "json", "-o", path] + list(extra))
        assert r.returncode == 1, r.stderr  # the example organization is not ready either time
        return path

    def diff(self, *args):
        return run_cli(["diff"] + list(args))

    @staticmethod
    def rows(changes):
        return sorted((c["check"], c["subject_id"], c["old_status"], c["new_status"], c["gating"]) for c in changes)

    def json_diff(self, *args):
        r = self.diff(self.old, self.new, "--format", "json", *args)
        doc = json.loads(r.stdout)
        jsonschema.Draft202012Validator(opftest.load_json(SCHEMA),
                                        format_checker=jsonschema.FormatChecker()).validate(doc)
        return r, doc

    def test_json_lists_exactly_the_changes(self):
        r, d = self.json_diff()
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr, "")
        self.assertEqual(self.rows(d["new_failures"]), sorted([
            ("break-glass-user", BACKUP, "pass", "fail", True),
            ("root-email-reachable", ANALYTICS, "waived", "fail", True),    # its waiver expired
            ("account-verified", ML, None, "fail", True),                   # the new account's problems
            ("delegated-administrator", ML, None, "fail", True),
            ("payment-method", ML, None, "fail", True),
            ("control-tower-enrolled", ML, None, "fail", True),             # the Security OU is Control Tower's
            ("org-id-references", ML, None, "unknown", True),               # a region refused its key policies
        ]))
        self.assertEqual(self.rows(d["fixed"]), [("wait-period", STAGING, "fail", "pass", False)])
        self.assertEqual(self.rows(d["changed"]), [("payment-method", DATA_PLATFORM, "fail", "waived", False)])
        self.assertEqual([(a["id"], a["name"], a["ou_path"]) for a in d["accounts_added"]],
                         [(ML, "ml-research", "Root/Security")])
        self.assertEqual([(a["id"], a["name"]) for a in d["accounts_removed"]], [(SHARED, "shared-services")])
        self.assertEqual([(w["check"], w["account_id"], w["expires"]) for w in d["waivers_expired"]],
                         [("root-email-reachable", ANALYTICS, "2027-01-31")])
        self.assertEqual(d["summary"], {"new_failures": 7, "gating": 7, "fixed": 1, "changed": 1, "accounts_added": 1,
                                        "accounts_removed": 1, "waivers_expired": 1})
        self.assertEqual((d["old"]["file"], d["old"]["generated_at"], d["new"]["generated_at"], d["fail_on"]),
                         (self.old, OLD_NOW, NEW_NOW, "high"))
        # rows of the account that left are not "fixed": they are gone with it
        self.assertNotIn(SHARED, {c["subject_id"] for k in ("new_failures", "fixed", "changed") for c in d[k]})

    def test_fail_on_marks_gating_rows(self):
        _, d = self.json_diff("--fail-on", "blocker")
        self.assertEqual(d["fail_on"], "blocker")
        self.assertEqual({c["check"] for c in d["new_failures"] if not c["gating"]},
                         {"break-glass-user", "root-email-reachable", "org-id-references"})  # high, below blocker
        self.assertEqual(d["summary"]["gating"], 4)

    def test_text(self):
        r = self.diff(self.old, self.new)
        self.assertEqual(r.returncode, 1, r.stderr)
        out = r.stdout
        self.assertTrue(out.startswith("orgpreflight diff: %s (generated %s, not-ready) -> %s (generated %s, not-ready), "
                                       "gate at high\n" % (self.old, OLD_NOW, self.new, NEW_NOW)), out)
        for line in ["New failures (7, 7 at or above the gate):",
                     "  pass    -> fail    high     break-glass-user           account %s backup" % BACKUP,
                     "  waived  -> fail    high     root-email-reachable       account %s analytics" % ANALYTICS,
                     "  (none)  -> fail    blocker  payment-method             account %s ml-research" % ML,
                     "Fixed (1):",
                     "  fail    -> pass    blocker  wait-period                account %s payments-staging" % STAGING,
                     "Other status changes (1):",
                     "  fail    -> waived  blocker  payment-method             account %s data-platform" % DATA_PLATFORM,
                     "Accounts added (1):", "  %s ml-research (ACTIVE, Root/Security)" % ML,
                     "Accounts gone (1):", "  %s shared-services (ACTIVE, Root/Infrastructure)" % SHARED,
                     "Waivers expired since the old report (1):",
                     "Summary: new failures 7 (at or above the gate 7), fixed 1, other changes 1, accounts added 1, "
                     "accounts gone 1, waivers expired 1"]:
            self.assertIn(line + "\n", out)
        self.assertIn("  root-email-reachable for %s, expired 2027-01-31 (owner platform@kuzeylabs.io): " % ANALYTICS, out)
        self.assertNotIn("below the gate", out)

    def test_markdown_to_a_file(self):
        out = os.path.join(self.tmp, "md", "diff.md")
        os.makedirs(os.path.dirname(out))
        r = self.diff(self.old, self.new, "--format", "markdown", "-o", out)
        self.assertEqual((r.returncode, r.stdout, r.stderr), (1, "", ""))
        self.assertEqual(os.listdir(os.path.dirname(out)), ["diff.md"])  # written atomically, nothing left over
        with open(out) as f:
            md = f.read()
        self.assertTrue(md.startswith("# orgpreflight diff\n"))
        for line in ["## New failures (7, 7 at or above the gate)",
                     "| was | now | severity | check | subject | message |",
                     # markdown punctuation in the text is escaped: break-glass-\* is not emphasis
                     "| pass | **fail** | high | break-glass-user | account %s backup | leave path: no IAM user matching "
                     "break-glass-\\* has a console password" % BACKUP,
                     "## Fixed (1)", "## Other status changes (1)",
                     "| fail | waived | blocker | payment-method | account %s data-platform |" % DATA_PLATFORM,
                     "## Accounts added (1)", "| %s | ml-research | ACTIVE | Root/Security |" % ML,
                     "## Accounts gone (1)", "| %s | shared-services | ACTIVE | Root/Infrastructure |" % SHARED,
                     "## Waivers expired since the old report (1)",
                     "| root-email-reachable | %s | 2027-01-31 | platform@kuzeylabs.io |" % ANALYTICS]:
            self.assertIn(line, md)
        statuses = ("pass", "warn", "fail", "unknown", "skipped", "waived", "(none)")
        change_rows = [l for l in md.splitlines() if l.startswith("| ") and l[2:].split(" | ")[0] in statuses]
        self.assertEqual(len(change_rows), 7 + 1 + 1)  # every change once

    def test_exit_codes_follow_the_gate(self):
        # one new failure of severity high: the default gate (high) stops, a blocker gate does not
        r = self.diff(self.old, self.user_only)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("New failures (1, 1 at or above the gate):", r.stdout)
        r = self.diff(self.old, self.user_only, "--fail-on", "blocker")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("New failures (1, 0 at or above the gate):", r.stdout)
        self.assertIn("account %s backup  (below the gate)\n" % BACKUP, r.stdout)
        # the other way round the user came back: fixed, nothing new
        r = self.diff(self.user_only, self.old, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(self.rows(json.loads(r.stdout)["fixed"]), [("break-glass-user", BACKUP, "fail", "pass", False)])
        r = self.diff(self.new, self.new)
        self.assertEqual(r.returncode, 0)
        self.assertIn("\nNo changes.\n", r.stdout)

    def test_fail_to_unknown_is_a_new_failure(self):
        # hand-made reports: statuses moving between fail and unknown both count, an added check too
        old = opftest.load_json(self.old)
        new = copy.deepcopy(old)
        row = next(x for x in new["results"] if x["check"] == "scp-denies-leave" and x["subject_id"] == DATA_PLATFORM)
        row["status"], row["message"] = "unknown", "organizations:ListPoliciesForTarget failed: AccessDenied"
        new["results"] = [x for x in new["results"] if not (x["check"] == "account-state" and x["subject_id"] == BACKUP)]
        r = self.diff(self.write("o.json", old), self.write("n.json", new), "--format", "json")
        self.assertEqual(r.returncode, 1)
        d = json.loads(r.stdout)
        self.assertEqual(self.rows(d["new_failures"]), [("scp-denies-leave", DATA_PLATFORM, "fail", "unknown", True)])
        self.assertEqual(self.rows(d["changed"]), [("account-state", BACKUP, "pass", None, False)])

    def assert_bad_input(self, r, *expected):
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        for e in expected:
            self.assertIn(e, r.stderr)

    def test_bad_reports_one_line_exit_3(self):
        missing = os.path.join(self.tmp, "missing.json")
        self.assert_bad_input(self.diff(self.old, missing), missing + ": cannot open: No such file or directory")
        self.assert_bad_input(self.diff(self.tmp, self.new), self.tmp + ": is a directory")
        bad = self.write("bad.json", '{"schema": "orgpreflight/report/v1",\n "results": [}')
        self.assert_bad_input(self.diff(bad, self.new), bad + ": line 2 column 14: invalid JSON")
        evidence = os.path.join(EXAMPLES, "evidence.json")
        self.assert_bad_input(self.diff(self.old, evidence), evidence + ": $.schema: \"orgpreflight/evidence/v1\" is an "
                              "evidence bundle, not a report")
        report = opftest.load_json(self.old)
        self.assert_bad_input(self.diff(self.old, self.write("v2.json", dict(report, schema="orgpreflight/report/v2"))),
                              "v2.json: $.schema: unsupported version \"orgpreflight/report/v2\"")
        broken = copy.deepcopy(report)
        broken["results"][7]["status"] = "passed"
        self.assert_bad_input(self.diff(self.write("st.json", broken), self.new),
                              "st.json: $.results[7].status: expected pass, warn, fail, unknown, skipped or waived")
        twice = copy.deepcopy(report)
        twice["results"].append(twice["results"][3])
        self.assert_bad_input(self.diff(self.old, self.write("dup.json", twice)),
                              "dup.json: $.results[%d]: a second row for check" % (len(twice["results"]) - 1))
        no_results = dict(report)
        del no_results["results"]
        self.assert_bad_input(self.diff(self.old, self.write("nr.json", no_results)), "nr.json: $.results: missing")

    def test_usage_errors_exit_64(self):
        for args in ([self.old], [self.old, self.new, self.new], [self.old, self.new, "--format", "html"],
                     [self.old, self.new, "--fail-on", "critical"], [self.old, self.new, "--bogus"],
                     [self.old, self.new, "-o"]):
            r = self.diff(*args)
            self.assertEqual(r.returncode, 64, (args, r.stderr))
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertTrue(r.stderr.startswith("orgpreflight diff: "), r.stderr)
        r = self.diff("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("usage: orgpreflight diff OLD.json NEW.json", r.stdout)


if __name__ == "__main__":
    unittest.main()
