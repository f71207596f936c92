"""Scope against inventory, offline: a selection from a saved bundle is audited as a part of the organization,
organization-wide checks still count every account, and a selection that matches nothing is a usage error."""
import copy
import json
import os
import tempfile
import unittest

import opftest
from opftest import run_cli

EXAMPLE = os.path.join(opftest.SOURCE_DIR, "examples")
BUNDLE = os.path.join(EXAMPLE, "evidence.json")
CONFIG = os.path.join(EXAMPLE, "config.json")
NOW = "2026-11-25T09:00:00Z"
MGMT = "210987654321"


def audit(*args, bundle=BUNDLE):
    return run_cli(["audit", "--evidence", bundle, "--config", CONFIG, "--now", NOW] + list(args))


def row(report, subject, check):
    rows = [r for r in report["results"] if r["subject_id"] == subject and r["check"] == check]
    assert len(rows) == 1, rows
    return rows[0]


class Scope(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="opf-scope-")
        cls.bundle = opftest.load_json(BUNDLE)

    def write(self, bundle):
        path = os.path.join(self.tmp, "b%d.json" % len(os.listdir(self.tmp)))
        with open(path, "w") as f:
            json.dump(bundle, f)
        return path

    def test_management_account_alone_still_counts_every_member(self):
        r = audit("--accounts", MGMT, "--format", "json")
        self.assertEqual(r.returncode, 1, r.stderr)
        report = json.loads(r.stdout)
        self.assertEqual(report["summary"]["scope"], {"accounts": 1, "of": 9, "selection": {"accounts": MGMT}})
        last = row(report, "o-7rmx2kq4ud", "management-account-last")
        self.assertEqual(last["status"], "fail", last["message"])
        self.assertIn("sandbox (527381946503)", last["message"])
        self.assertEqual([a["id"] for a in report["accounts"]], [MGMT])
        text = audit("--accounts", MGMT)
        self.assertIn("scope: 1 of 9 accounts (--accounts %s)" % MGMT, text.stdout)

    def test_ou_and_exclusion_select_from_the_bundle(self):
        r = audit("--ou", "ou-k3x9-m1c8e2xw", "--exclude-accounts", "852963741085", "--format", "json")
        report = json.loads(r.stdout)
        self.assertEqual(sorted(a["id"] for a in report["accounts"]), ["174185296307", "963741852096"])
        self.assertEqual(report["summary"]["scope"]["of"], 9)

    def test_selection_matching_nothing_is_a_usage_error(self):
        for args, says in ((["--accounts", "111111111111"], "111111111111"),
                           (["--ou", "ou-nope-12345678"], "ou-nope-12345678"),
                           (["--accounts", "304955176822", "--exclude-accounts", "304955176822"], "select no account")):
            r = audit(*args)
            self.assertEqual(r.returncode, 64, (args, r.stdout[-300:], r.stderr))
            self.assertIn(says, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)

    def test_bundle_without_accounts_is_refused(self):
        b = copy.deepcopy(self.bundle)
        b["accounts"] = []
        r = audit(bundle=self.write(b))
        self.assertEqual(r.returncode, 64, r.stdout[-300:])
        self.assertIn("holds no account", r.stderr)

    def test_bundle_without_inventory_cannot_be_ready(self):
        b = copy.deepcopy(self.bundle)
        del b["organization"]["evidence"]["organizations.accounts"]
        r = audit("--accounts", "304955176822", "--format", "json", bundle=self.write(b))
        report = json.loads(r.stdout)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(report["summary"]["scope"]["of"], None)
        self.assertEqual(row(report, "o-7rmx2kq4ud", "management-account-last")["status"], "unknown")
        self.assertEqual(row(report, "o-p4n8x2w6qe", "target-organization-ready")["status"] in ("unknown", "fail"), True)
        text = audit("--accounts", "304955176822", bundle=self.write(b))
        self.assertIn("does not record the organization's inventory", text.stdout)

    def test_plan_of_a_part_keeps_the_others_before_the_deletion(self):
        r = run_cli(["plan", "--evidence", BUNDLE, "--config", CONFIG, "--now", NOW, "--accounts", "304955176822",
                     "--format", "json"])
        runbook = json.loads(r.stdout)
        delete = [s for s in runbook["steps"] if s["id"] == "delete-organization"][0]
        texts = [a["text"] for a in delete["actions"] if a["blocking"]]
        self.assertTrue(any("covers 1 of the organization's 9 accounts" in t for t in texts), texts)


if __name__ == "__main__":
    unittest.main()
