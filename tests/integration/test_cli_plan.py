"""`orgpreflight plan` on the bundled example organization: the runbook's order respects every blocker.

No account appears in a step that moves it while it has a blocking finding in the audit of the same evidence,
delegated administrators are deregistered before they move, the portal alias is claimed before the
organization is deleted, the management account moves last, the JSON validates against docs/runbook.schema.json
and the Markdown has its sections.
"""
import json
import os
import tempfile
import unittest

import jsonschema

import opftest
from opftest import SOURCE_DIR, run_cli

EXAMPLE = os.path.join(SOURCE_DIR, "examples", "evidence.json")
CONFIG = os.path.join(SOURCE_DIR, "examples", "config.json")
SCHEMA = os.path.join(SOURCE_DIR, "docs", "runbook.schema.json")
NOW = "2026-11-25T09:00:00Z"
SEVERITIES = ["info", "low", "medium", "high", "blocker"]
MOVE_STEPS = ("move-now", "move-after-fixes", "move-after-wait-period", "move-management-account")


class CliPlan(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="opf-plan-")
        self.schema = opftest.load_json(SCHEMA)

    def run_both(self, *extra, bundle=EXAMPLE):
        """The audit report and the runbook of the same evidence, inputs and time."""
        report_path = os.path.join(self.tmp, "report.json")
        runbook_path = os.path.join(self.tmp, "runbook.json")
        common = ["--evidence", bundle, "--config", CONFIG, "--now", NOW] + list(extra)
        audit = run_cli(["audit"] + common + ["--format", "json", "-o", report_path])
        self.assertIn(audit.returncode, (0, 1, 2), audit.stderr)
        plan = run_cli(["plan"] + common + ["--format", "json", "-o", runbook_path, "--format", "markdown"])
        self.assertEqual(plan.stderr, "")
        runbook = opftest.load_json(runbook_path)
        jsonschema.Draft202012Validator(self.schema, format_checker=jsonschema.FormatChecker()).validate(runbook)
        return opftest.load_json(report_path), runbook, plan

    def blocking(self, report):
        """Rows that block at the report's gate: fail or unknown at or above it."""
        gate = SEVERITIES.index(report["migration"]["fail_on"])
        return [r for r in report["results"]
                if r["status"] in ("fail", "unknown") and SEVERITIES.index(r["severity"]) >= gate]

    def assert_same_readiness(self, report, runbook):
        """The runbook and the audit report give each account the same readiness and wait-period end."""
        mine = {a["id"]: (a["readiness"], a["wait_until"]) for a in runbook["accounts"]}
        theirs = {a["id"]: (a["readiness"], a["wait_until"]) for a in report["accounts"]}
        self.assertEqual(mine, theirs)
        counts = report["summary"]["readiness"]
        self.assertEqual([runbook["summary"][k] for k in ("ready", "blocked", "cannot_move", "undetermined")],
                         [counts[k] for k in ("ready", "blocked", "cannot-move", "undetermined")])

    def steps(self, runbook):
        return {s["id"]: s for s in runbook["steps"]}

    def check_order(self, report, runbook):
        steps = self.steps(runbook)
        numbers = [s["number"] for s in runbook["steps"]]
        self.assertEqual(numbers, list(range(1, len(numbers) + 1)))
        for s in runbook["steps"]:
            self.assertTrue(all(d < s["number"] for d in s["depends_on"]), s["id"])
        blocking = self.blocking(report)
        blocked_accounts = {r["subject_id"] for r in blocking if r["subject_type"] == "account"}
        org_wide = [r for r in blocking if r["subject_type"] != "account"
                    and r["check"] not in ("management-account-last", "sso-alias-conflict")]

        # nothing blocked moves now; an organization-wide blocker holds every account
        now = steps.get("move-now", {"accounts": []})["accounts"]
        self.assertFalse(set(now) & blocked_accounts, "blocked accounts in move-now")
        if org_wide:
            self.assertEqual(now, [])
        for acc in runbook["accounts"]:
            if acc["id"] in blocked_accounts or org_wide:
                self.assertNotEqual(acc["readiness"], "ready", acc["id"])

        # every blocking finding is addressed in a step before the account's move
        for row in blocking:
            if row["subject_type"] != "account" or row["check"] in ("account-state", "wait-period"):
                continue
            acc = next(a for a in runbook["accounts"] if a["id"] == row["subject_id"])
            where = [s["number"] for s in runbook["steps"] for a in s["actions"]
                     if a["account"] == row["subject_id"] and a["finding"]
                     and a["finding"]["check"] == row["check"] and a["blocking"]]
            self.assertTrue(where, "%s on %s is in no step" % (row["check"], row["subject_id"]))
            self.assertLess(max(where), acc["move_step"], "%s on %s" % (row["check"], row["subject_id"]))

        # members first, the management account last, after the organization is deleted
        mgmt = report["organization"]["management_account_id"]
        delete = steps["delete-organization"]["number"]
        self.assertEqual(steps["move-management-account"]["accounts"], [mgmt])
        self.assertEqual(steps["move-management-account"]["number"], delete + 1)
        for acc in runbook["accounts"]:
            if acc["id"] == mgmt:
                self.assertEqual(acc["move_step"], delete + 1)
            elif acc["readiness"] != "cannot-move":
                self.assertLess(acc["move_step"], delete, acc["id"])
            for sid in MOVE_STEPS:
                if acc["id"] in steps.get(sid, {"accounts": []})["accounts"]:
                    self.assertEqual(steps[sid]["number"], acc["move_step"], acc["id"])
        self.assertEqual(runbook["steps"][-1]["id"], "after-the-move")

        # delegated administrators are deregistered before their move
        for row in blocking:
            if row["check"] == "delegated-administrator":
                acc = next(a for a in runbook["accounts"] if a["id"] == row["subject_id"])
                dereg = steps["deregister-delegated-administrators"]
                self.assertIn(acc["id"], dereg["accounts"])
                self.assertLess(dereg["number"], acc["move_step"])

        # wait periods: the account moves in the wait step, not before the date
        for row in blocking:
            if row["check"] == "wait-period" and row["status"] == "fail":
                acc = next(a for a in runbook["accounts"] if a["id"] == row["subject_id"])
                self.assertEqual(acc["move_step"], steps["move-after-wait-period"]["number"])
                self.assertIn(acc["wait_until"], row["message"])  # the same date the check gives
                self.assertGreaterEqual(steps["move-after-wait-period"]["not_before"], acc["wait_until"])

        # the alias is claimed while the old organization still exists
        self.assertLess(steps["claim-portal-alias"]["number"], delete)
        self.assertEqual(runbook["portal_alias"]["step"], steps["claim-portal-alias"]["number"])

    def test_example_runbook_respects_every_blocker(self):
        report, runbook, plan = self.run_both()
        self.assertEqual(plan.returncode, 1)  # some accounts are blocked
        self.assertEqual(runbook["summary"]["verdict"], "blocked")
        self.check_order(report, runbook)
        self.assert_same_readiness(report, runbook)
        steps = self.steps(runbook)
        # the example's facts land where the story needs them
        self.assertIn("639182740516", steps["deregister-delegated-administrators"]["accounts"])
        self.assertEqual([w["account"] for w in runbook["wait_periods"]], ["741852963074"])
        self.assertEqual(runbook["wait_periods"][0]["ends_at"], "2026-11-27T14:12:09Z")
        self.assertIn("527381946503", steps["resolve-unmovable-accounts"]["accounts"])
        self.assertIn("d-9067c2a1f3", runbook["portal_alias"]["held_by_old_organization"])
        keep = {b["account"]: b["user"] for b in runbook["break_glass"]}
        self.assertEqual(keep["304955176822"], "break-glass-admin")
        self.assertIsNone(keep["210987654321"])
        fix = [a for a in steps["fix-blockers"]["actions"]
               if a["account"] == "418273645091" and a["finding"]["check"] == "payment-method"]
        self.assertEqual(fix[0]["attest"], ["payment-method"])
        self.assertTrue(any(c.endswith("--accounts 418273645091 --checks scp-denies-leave,payment-method,"
                                       "account-verified,root-recovery,org-id-references,control-tower-enrolled")
                            for c in steps["fix-blockers"]["rerun"]))
        # the target organization's quota holds every account back until it is raised
        self.assertNotIn("move-now", steps)
        self.assertIn("target-organization-ready",
                      [a["finding"]["check"] for a in steps["organization-prerequisites"]["actions"] if a["finding"]])
        self.assertTrue(all(c.startswith("orgpreflight audit --config %s" % CONFIG)
                            for s in runbook["steps"] for c in s["rerun"]))

    def test_without_the_organization_wide_blockers_some_members_move_now(self):
        report, runbook, plan = self.run_both("--skip-checks", "operator-session-not-sso,target-organization-ready")
        self.assertEqual(plan.returncode, 1)
        self.check_order(report, runbook)
        self.assertEqual(sorted(self.steps(runbook)["move-now"]["accounts"]), ["174185296307", "304955176822"])
        self.assertEqual(runbook["summary"]["move_now"], 2)
        self.assert_same_readiness(report, runbook)
        self.assertEqual(report["summary"]["readiness"]["ready"], 2)

    def test_markdown_has_the_sections(self):
        _, runbook, plan = self.run_both()
        md = plan.stdout
        for heading in ("# Migration runbook: organization o-7rmx2kq4ud", "## Summary", "## Accounts", "## Steps",
                        "## Wait periods", "## Access-portal alias", "## Break-glass access"):
            self.assertIn("\n" + heading if not heading.startswith("# ") else heading, md)
        for step in runbook["steps"]:
            self.assertIn("### Step %d. " % step["number"], md)
        self.assertIn("| 741852963074 | payments-staging | 2026-11-27T14:12:09Z |", md)
        self.assertIn("```sh\norgpreflight audit --config", md)
        self.assertNotIn("\033[", md)

    def test_markdown_escapes_names_from_the_evidence(self):
        bundle = opftest.load_json(EXAMPLE)
        for a in bundle["accounts"]:
            if a["id"] == "304955176822":
                a["name"] = "back|up *x* <b>`y`</b>"
        path = os.path.join(self.tmp, "hostile.json")
        with open(path, "w") as f:
            json.dump(bundle, f)
        _, runbook, plan = self.run_both(bundle=path)
        self.assertIn("| 304955176822 | back\\|up \\*x\\* &lt;b&gt;\\`y\\`&lt;/b&gt; | ACTIVE |", plan.stdout)
        self.assertNotIn("<b>", plan.stdout)
        self.assertEqual(runbook["accounts"][1]["name"], "back|up *x* <b>`y`</b>")  # JSON keeps it as is

    def test_ready_organization_exits_zero(self):
        """The example reduced to the accounts nothing blocks, with the organization-level blockers skipped."""
        bundle = opftest.load_json(EXAMPLE)
        keep = {"210987654321", "304955176822", "174185296307"}
        bundle["accounts"] = [a for a in bundle["accounts"] if a["id"] in keep]
        inventory = bundle["organization"]["evidence"]["organizations.accounts"]["data"]
        inventory["Accounts"] = [a for a in inventory["Accounts"] if a["Id"] in keep]  # an organization of those three
        path = os.path.join(self.tmp, "ready.json")
        with open(path, "w") as f:
            json.dump(bundle, f)
        report, runbook, plan = self.run_both(
            "--skip-checks", "operator-session-not-sso,break-glass-user,sso-alias-conflict", bundle=path)
        self.assertEqual(self.blocking(report), [])
        self.assertEqual(plan.returncode, 0, plan.stdout)
        self.assertEqual(runbook["summary"]["verdict"], "ready")
        self.assertEqual(sorted(self.steps(runbook)["move-now"]["accounts"]), ["174185296307", "304955176822"])

    def test_usage_and_input_errors(self):
        r = run_cli(["plan", "--evidence", EXAMPLE, "--format", "text"])
        self.assertEqual(r.returncode, 64)
        self.assertIn('unknown format "text"', r.stderr)
        r = run_cli(["plan", "--evidence", os.path.join(self.tmp, "missing.json"), "--now", NOW])
        self.assertEqual(r.returncode, 3)
        self.assertIn("missing.json", r.stderr)
        r = run_cli(["plan", "--help"])
        self.assertEqual(r.returncode, 0)
        self.assertIn("--format NAME          markdown (default), json", r.stdout)


if __name__ == "__main__":
    unittest.main()
