"""The documented IAM policies are exactly enough: with them a full collection sees no AccessDenied, and with
any one action removed it does (moto enforcing IAM, signature checking on). The hazard-evidence module asks for
every key, so the actions of checks that are not built in are covered too; a denied read of one resource or
region counts as well as a denied item ("Errors" entries)."""
import copy
import json
import os
import re
import tempfile
import unittest

import opftest
from opftest import run_cli
from orgbuilder import MANAGEMENT_POLICY, MEMBER_POLICY, Org

# moto answers these with 404/500 before it evaluates IAM (it has no Control Tower at all): removing them
# cannot show up as AccessDenied here
MOTO_UNIMPLEMENTED = {"account:GetAccountInformation", "account:GetContactInformation",
                      "iam:ListOrganizationsFeatures", "controltower:ListLandingZones",
                      "controltower:ListEnabledBaselines"}
NOT_EXERCISED = set()
PLUGIN = os.path.join(os.environ.get("OPF_BINARY_DIR", os.path.join(opftest.SOURCE_DIR, "build")), "plugins",
                      "hazard_evidence.so")
DENIED = ("AccessDenied", "AccessDeniedException", "AuthorizationError", "UnauthorizedOperation")
NOOP_TEMPLATE = json.dumps({"Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}})


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
            # a managed policy: its default version's document is read
            arn = iam.create_policy(PolicyName="bg", PolicyDocument=json.dumps(MEMBER_POLICY))["Policy"]["Arn"]
            iam.attach_user_policy(UserName="bg-%s" % a, PolicyArn=arn)
        # and in the management account: the operator is in a group too
        iam = cls.moto.client("iam")
        iam.create_group(GroupName="auditors")
        iam.put_group_policy(GroupName="auditors", PolicyName="p", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}))
        iam.add_user_to_group(GroupName="auditors", UserName="auditor")
        arn = iam.create_policy(PolicyName="auditors", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}))
        iam.attach_group_policy(GroupName="auditors", PolicyArn=arn["Policy"]["Arn"])
        # a resource of each kind whose policy is read, in a member and in the management account
        for where, clients in (("member", lambda svc: cls.org.member_client(cls.org.prod, svc)), ("mgmt", cls.moto.client)):
            clients("s3").create_bucket(Bucket="lp-" + where)
            clients("kms").create_key()
            clients("sns").create_topic(Name="lp-topic")
            clients("sqs").create_queue(QueueName="lp-queue")
        cf = cls.moto.client("cloudformation")
        cf.create_stack_set(StackSetName="lp", TemplateBody=NOOP_TEMPLATE, PermissionModel="SERVICE_MANAGED",
                            AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": False})
        cf.create_stack_instances(StackSetName="lp", DeploymentTargets={"OrganizationalUnitIds": [cls.org.ou["Prod"]]},
                                  Regions=["us-east-1"])
        sso = cls.moto.client("sso-admin")
        instance = sso.list_instances()["Instances"][0]["InstanceArn"]
        ps = sso.create_permission_set(Name="ReadOnly", InstanceArn=instance)["PermissionSet"]["PermissionSetArn"]
        sso.provision_permission_set(InstanceArn=instance, PermissionSetArn=ps, TargetType="AWS_ACCOUNT",
                                     TargetId=cls.org.prod)
        tmp = tempfile.mkdtemp()
        cls.config = os.path.join(tmp, "config.json")
        with open(cls.config, "w") as f:
            json.dump({"dns": {"servers": [cls.dns.server]}, "regions": ["us-east-1"]}, f)
        # ec2:DescribeRegions is read only when no regions are configured: one account, every region
        cls.all_regions = os.path.join(tmp, "all-regions.json")
        with open(cls.all_regions, "w") as f:
            json.dump({"dns": {"servers": [cls.dns.server]}}, f)
        cls.env = cls.moto.env(access_key=cls.org.access_key, secret_key=cls.org.secret_key)
        cls.env["OPF_RETRY_BASE_MS"] = "20"
        cls.env["AWS_MAX_ATTEMPTS"] = "1"  # moto's HTTP 500 for what it lacks: no use retrying, and the test is long

    @classmethod
    def tearDownClass(cls):
        cls.dns.stop()
        cls.moto.stop()

    def denied(self, action=None):
        if action == "ec2:DescribeRegions":
            return self.collect_denied(["--config", self.all_regions, "--accounts", self.org.prod])
        if not action:
            return self.collect_denied(["--config", self.config])
        if action == "organizations:ListDelegatedServicesForAccount":
            # asked only of the accounts ListDelegatedAdministrators names
            return self.collect_denied(["--config", self.config, "--accounts", self.org.security])
        # one removal at a time: the management account and one member exercise every action, quicker
        mgmt = self.org.org["MasterAccountId"]
        return self.collect_denied(["--config", self.config, "--accounts", "%s,%s" % (mgmt, self.org.prod)])

    def collect_denied(self, args):
        path = os.path.join(tempfile.mkdtemp(), "b.json")
        r = run_cli(["collect", "--quiet", "--plugin", PLUGIN, "-o", path] + args, env=self.env)
        if r.returncode != 0:
            return ["run: " + r.stderr.strip()]
        bundle = opftest.load_json(path)
        subjects = [bundle["organization"], bundle["operator_session"]] + [
            a for a in bundle["accounts"] if a["id"] != self.org.norole]
        out = []
        for s in subjects:
            for k, v in s["evidence"].items():
                errors = [v["error"]] if "error" in v else [
                    {"code": e["Code"]} for e in (v.get("data") or {}).get("Errors", []) if isinstance(e, dict)]
                out += ["%s %s" % (s.get("id", "session"), k) for e in errors if e["code"] in DENIED]
        return out

    def test_documented_policies_suffice_and_every_action_is_needed(self):
        self.org.apply_policies(MANAGEMENT_POLICY, MEMBER_POLICY)
        self.assertEqual(self.denied(), [])
        self.assertEqual(self.denied("ec2:DescribeRegions"), [])
        unnecessary = []
        for action in actions(MANAGEMENT_POLICY):
            if action in MOTO_UNIMPLEMENTED or action in NOT_EXERCISED:
                continue
            self.org.apply_policies(without(MANAGEMENT_POLICY, action), MEMBER_POLICY, [self.org.prod])
            if not self.denied(action):
                unnecessary.append("management " + action)
        for action in actions(MEMBER_POLICY):
            self.org.apply_policies(MANAGEMENT_POLICY, without(MEMBER_POLICY, action), [self.org.prod])
            if not self.denied(action):
                unnecessary.append("member " + action)
        self.assertEqual(unnecessary, [])

    def test_stackset_template_grants_the_member_policy(self):
        with open(os.path.join(opftest.SOURCE_DIR, "docs", "audit-role-stackset.yaml")) as f:
            template = set(re.findall(r"^\s+- ([a-z0-9]+:[A-Za-z]+)\s*$", f.read(), re.M))
        self.assertEqual(template, set(actions(MEMBER_POLICY)))


if __name__ == "__main__":
    unittest.main()
