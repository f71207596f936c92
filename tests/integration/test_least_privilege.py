"""The documented IAM policies are exactly enough: with them a full audit sees no AccessDenied, and with
any one action removed it does (moto enforcing IAM, signature checking on)."""
import copy
import json
import os
import tempfile
import unittest

import opftest
from opftest import run_cli
from orgbuilder import MANAGEMENT_POLICY, MEMBER_POLICY, Org

# moto answers these with 404/500 before it evaluates IAM: removing them cannot show up as AccessDenied here
MOTO_UNIMPLEMENTED = {"account:GetAccountInformation", "account:GetContactInformation", "account:GetPrimaryEmail",
                      "iam:ListOrganizationsFeatures"}
# iam:GetRole is read only when the operator is an assumed role (its trust policy); this operator is a user
NOT_EXERCISED = {"iam:GetRole"}


def without(policy, action):
    p = copy.deepcopy(policy)
    for st in p["Statement"]:
        acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        st["Action"] = [a for a in acts if a != action]
    p["Statement"] = [st for st in p["Statement"] if st["Action"]]
    return p


def actions(policy):
    out = []
    for st in policy["Statement"]:
        out += st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
    return out


class LeastPrivilege(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = opftest.Moto()
        cls.dns = opftest.Dnsmasq(mx=[("corp.test", "mx1.corp.test", 10)])
        cls.org = Org(cls.moto, members=8)
        # break-glass users in every member, so every per-user IAM read is exercised
        for a in cls.org.accounts:
            if a == cls.org.norole:
                continue
            iam = cls.org.member_iam(a)
            iam.create_group(GroupName="admins")
            iam.put_group_policy(GroupName="admins", PolicyName="p", PolicyDocument=json.dumps(MEMBER_POLICY))
            iam.create_user(UserName="bg-%s" % a)
            iam.add_user_to_group(GroupName="admins", UserName="bg-%s" % a)
            iam.put_user_policy(UserName="bg-%s" % a, PolicyName="p", PolicyDocument=json.dumps(MEMBER_POLICY))
        # and in the management account: the operator is in a group too
        iam = cls.moto.client("iam")
        iam.create_group(GroupName="auditors")
        iam.put_group_policy(GroupName="auditors", PolicyName="p", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}))
        iam.add_user_to_group(GroupName="auditors", UserName="auditor")
        cls.config = os.path.join(tempfile.mkdtemp(), "config.json")
        with open(cls.config, "w") as f:
            json.dump({"dns": {"servers": [cls.dns.server]}}, f)
        cls.env = cls.moto.env(access_key=cls.org.access_key, secret_key=cls.org.secret_key)
        cls.env["OPF_RETRY_BASE_MS"] = "20"

    @classmethod
    def tearDownClass(cls):
        cls.dns.stop()
        cls.moto.stop()

    def denied(self):
        path = os.path.join(tempfile.mkdtemp(), "b.json")
        r = run_cli(["collect", "--config", self.config, "--quiet", "-o", path], env=self.env)
        if r.returncode != 0:
            return ["run: " + r.stderr.strip()]
        bundle = opftest.load_json(path)
        subjects = [bundle["organization"], bundle["operator_session"]] + [
            a for a in bundle["accounts"] if a["id"] != self.org.norole]
        return ["%s %s" % (s.get("id", "session"), k) for s in subjects for k, v in s["evidence"].items()
                if "error" in v and v["error"]["code"] in ("AccessDenied", "AccessDeniedException")]

    def test_documented_policies_suffice_and_every_action_is_needed(self):
        self.org.apply_policies(MANAGEMENT_POLICY, MEMBER_POLICY)
        self.assertEqual(self.denied(), [])
        unnecessary = []
        for action in actions(MANAGEMENT_POLICY):
            if action in MOTO_UNIMPLEMENTED or action in NOT_EXERCISED:
                continue
            self.org.apply_policies(without(MANAGEMENT_POLICY, action), MEMBER_POLICY)
            if not self.denied():
                unnecessary.append("management " + action)
        for action in actions(MEMBER_POLICY):
            self.org.apply_policies(MANAGEMENT_POLICY, without(MEMBER_POLICY, action))
            if not self.denied():
                unnecessary.append("member " + action)
        self.assertEqual(unnecessary, [])


if __name__ == "__main__":
    unittest.main()
