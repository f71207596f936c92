"""Effective permissions, live: against moto with IAM enforcement on, break-glass-user sees an explicit deny
from a group, and administrator rights that come from a customer-managed policy's default version (GetPolicy +
GetPolicyVersion), and GetUser is called for every user; a collection of a selection records the whole
inventory, and a selection of no account is a usage error (moto keeps no permissions boundaries on users, so
the boundaries themselves are covered by the unit tests)."""
import json
import os
import tempfile
import unittest

import opftest
from opftest import run_cli
from orgbuilder import ADMIN, Org

NOW = "2026-11-25T09:00:00Z"
READ_ONLY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"],
                                                     "Resource": "*"}]}
DENY_IAM = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}


def finding(report, account):
    rows = [r for r in report["results"] if r["subject_id"] == account and r["check"] == "break-glass-user"]
    assert len(rows) == 1, rows
    return rows[0]


class EffectivePermissions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = opftest.Moto()
        cls.org = Org(cls.moto, members=8)
        a = cls.org.accounts
        cls.denied, cls.managed = a[6], a[7]
        # an administrator whose group denies IAM
        iam = cls.org.member_iam(cls.denied)
        Org.user(iam, "break-glass-denied", password=True, mfa=True, policy=ADMIN)
        iam.create_group(GroupName="no-iam")
        iam.put_group_policy(GroupName="no-iam", PolicyName="deny-iam", PolicyDocument=json.dumps(DENY_IAM))
        iam.add_user_to_group(GroupName="no-iam", UserName="break-glass-denied")
        # administrator rights only from a customer-managed policy, in its second (default) version
        iam = cls.org.member_iam(cls.managed)
        Org.user(iam, "break-glass-managed", password=True, mfa=True, policy=READ_ONLY)
        arn = iam.create_policy(PolicyName="EmergencyAdmin", PolicyDocument=json.dumps(READ_ONLY))["Policy"]["Arn"]
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(ADMIN), SetAsDefault=True)
        iam.attach_user_policy(UserName="break-glass-managed", PolicyArn=arn)
        cls.moto.enforce_auth()
        cls.tmp = tempfile.mkdtemp(prefix="opf-effective-")
        config = os.path.join(cls.tmp, "config.json")
        with open(config, "w") as f:
            json.dump({"break_glass": {"user_pattern": "break-glass-*"}}, f)
        env = cls.moto.env(access_key=cls.org.access_key, secret_key=cls.org.secret_key)
        env["OPF_RETRY_BASE_MS"] = "20"
        bundle = os.path.join(cls.tmp, "bundle.json")
        cls.collected = run_cli(["collect", "--config", config, "--quiet", "--checks", "break-glass-user", "--accounts",
                           ",".join([cls.denied, cls.managed]), "-o", bundle], env=env)
        cls.bundle = opftest.load_json(bundle) if os.path.exists(bundle) else None
        out = os.path.join(cls.tmp, "report.json")
        run_cli(["audit", "--evidence", bundle, "--config", config, "--now", NOW, "--checks", "break-glass-user",
                 "--format", "json", "-o", out])
        cls.report = opftest.load_json(out) if os.path.exists(out) else None
        cls.nothing = run_cli(["collect", "--config", config, "--quiet", "--accounts", "111111111111", "-o",
                               os.path.join(cls.tmp, "nothing.json")], env=env)

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    def test_ran(self):
        self.assertIsNotNone(self.bundle, self.collected.stderr)
        self.assertIsNotNone(self.report)

    def test_bundle_of_a_selection_records_the_whole_inventory(self):
        listed = self.bundle["organization"]["evidence"]["organizations.accounts"]["data"]["Accounts"]
        self.assertEqual(len(listed), 9)
        self.assertEqual(len(self.bundle["accounts"]), 2)
        self.assertEqual(self.bundle["selection"], {"accounts": ",".join([self.denied, self.managed])})

    def test_selection_of_no_account_is_a_usage_error(self):
        self.assertEqual(self.nothing.returncode, 64, self.nothing.stderr)
        self.assertIn("111111111111 is not an account of organization", self.nothing.stderr)

    def test_every_user_is_read_with_get_user(self):
        users = self.bundle["accounts"][0]["evidence"]["iam.users"]["data"]["Users"]
        self.assertTrue(users)
        for u in users:
            self.assertIn("PermissionsBoundary", u)
            self.assertIsNone(u["PermissionsBoundary"])

    def test_group_deny_is_found_live(self):
        r = finding(self.report, self.denied)
        self.assertEqual(r["status"], "fail", r["message"])
        self.assertIn("explicit Deny in identity policy deny-iam", r["message"])

    def test_customer_managed_default_version_is_read_live(self):
        r = finding(self.report, self.managed)
        self.assertEqual(r["status"], "pass", r["message"])
        self.assertIn("EmergencyAdmin", r["message"])


if __name__ == "__main__":
    unittest.main()
