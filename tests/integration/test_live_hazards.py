"""The migration-hazard evidence collected live from an organization built in moto (signature checking and IAM
enforcement on): policies naming the organization, trust policies, RAM shares, StackSets, Identity Center
assignments, Control Tower baselines; per-region and per-resource failures in "Errors"; the request count.

moto lacks three things these collectors read, so the test's own layer (faultproxy.FaultProxy in front of moto)
stands in for them with answers shaped on botocore's models, after moto (or, where moto does not route the
service, botocore's signer) has checked the request's signature:
  ram:GetResourceShares with resourceOwner=OTHER-ACCOUNTS (moto raises NotImplementedError),
  controltower:ListLandingZones and ListEnabledBaselines (no Control Tower in moto),
  the AutoDeployment member of cloudformation:DescribeStackSet (moto drops it).
"""
import copy
import json
import os
import tempfile
import unittest

import opftest
from faultproxy import FaultProxy, sigv4_valid
from opftest import run_cli
from orgbuilder import MEMBER_POLICY, ROLE, Org

NOW = "2026-11-25T09:00:00Z"
REGIONS = ["us-east-1", "eu-west-1"]
PLUGIN = os.path.join(os.environ.get("OPF_BINARY_DIR", os.path.join(opftest.SOURCE_DIR, "build")), "plugins",
                      "hazard_evidence.so")
HAZARD_CHECKS = ["org-id-references", "stacksets-retain", "ram-org-shares", "org-access-role-trust", "root-mfa",
                 "alternate-contacts", "identity-center-assignments", "control-tower-enrolled"]
NOOP_TEMPLATE = json.dumps({"Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}})
# what each StackSet was created with, for the DescribeStackSet member moto drops
AUTO_DEPLOYMENT = {"baseline-roles": (True, False), "central-logging": (True, True)}


def statement(effect, action, resource, condition, principal="*"):
    return {"Effect": effect, "Principal": principal, "Action": action, "Resource": resource, "Condition": condition}


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def without(doc, *actions):
    p = copy.deepcopy(doc)
    for st in p["Statement"]:
        st["Action"] = [a for a in st["Action"] if a not in actions]
    return p


def evidence(bundle, account, key):
    return next(a for a in bundle["accounts"] if a["id"] == account)["evidence"][key]


class LiveHazards(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = opftest.Moto()
        cls.dns = opftest.Dnsmasq(mx=[("corp.test", "mx1.corp.test", 10)])
        org = cls.org = Org(cls.moto, members=8)
        cls.org_id, cls.mgmt = org.org["Id"], org.org["MasterAccountId"]
        cls._resource_policies()
        cls._stack_sets()
        cls._identity_center()
        # one member whose role may not list KMS keys nor read SNS topic attributes
        org.member_iam(org.breakglass).put_role_policy(
            RoleName=ROLE, PolicyName="orgpreflight-read",
            PolicyDocument=json.dumps(without(MEMBER_POLICY, "kms:ListKeys", "sns:GetTopicAttributes")))
        org.member_client(org.breakglass, "sns").create_topic(Name="alerts")
        cls.moto.enforce_auth()
        cls.proxy = FaultProxy(cls.moto.url)
        cls.ram_fail_region = None
        cls.proxy.answer("ram:GetResourceShares", cls._ram_answer)
        cls.proxy.answer("controltower:ListLandingZones", cls._landing_zones_answer)
        cls.proxy.answer("controltower:ListEnabledBaselines", cls._controltower_answer)
        cls.proxy.answer("cloudformation:DescribeStackSet", cls._stack_set_answer)
        cls.tmp = tempfile.mkdtemp(prefix="opf-hazards-")
        cls.config = os.path.join(cls.tmp, "config.json")
        with open(cls.config, "w") as f:
            json.dump({"dns": {"servers": [cls.dns.server]}, "regions": REGIONS}, f)
        cls.env = cls.moto.env(access_key=org.access_key, secret_key=org.secret_key)
        cls.env.update(AWS_ENDPOINT_URL=cls.proxy.url, OPF_RETRY_BASE_MS="20")
        cls.bundle_path = os.path.join(cls.tmp, "bundle.json")
        cls.collected = run_cli(["collect", "--config", cls.config, "--quiet", "--plugin", PLUGIN, "-o", cls.bundle_path],
                          env=cls.env)
        cls.calls = dict(cls.proxy.calls)
        cls.bundle = opftest.load_json(cls.bundle_path) if cls.collected.returncode == 0 else None

    @classmethod
    def tearDownClass(cls):
        cls.proxy.stop()
        cls.dns.stop()
        cls.moto.stop()

    # ---- the organization ----

    @classmethod
    def _resource_policies(cls):
        org, oid = cls.org, cls.org_id
        prod_s3 = org.member_client(org.prod, "s3")
        prod_s3.create_bucket(Bucket="prod-shared-artifacts")
        prod_s3.put_bucket_policy(Bucket="prod-shared-artifacts", Policy=policy(statement(
            "Allow", "s3:GetObject", "arn:aws:s3:::prod-shared-artifacts/*", {"StringEquals": {"aws:PrincipalOrgID": oid}})))
        prod_s3.create_bucket(Bucket="prod-org-only")
        prod_s3.put_bucket_policy(Bucket="prod-org-only", Policy=policy(statement(
            "Deny", "s3:*", ["arn:aws:s3:::prod-org-only", "arn:aws:s3:::prod-org-only/*"],
            {"StringNotEquals": {"aws:PrincipalOrgID": oid}})))
        prod_s3.create_bucket(Bucket="prod-no-policy")
        kms = org.member_client(org.prod, "kms", "eu-west-1")
        cls.key_arn = kms.create_key(Description="org-shared", Policy=policy(
            statement("Allow", "kms:*", "*", {}, {"AWS": "arn:aws:iam::%s:root" % org.prod}),
            statement("Allow", ["kms:Decrypt", "kms:DescribeKey"], "*", {"StringEquals": {"aws:PrincipalOrgID": oid}})))[
            "KeyMetadata"]["Arn"]
        sns = org.member_client(org.prod, "sns")
        cls.topic_arn = sns.create_topic(Name="org-events")["TopicArn"]
        sns.set_topic_attributes(TopicArn=cls.topic_arn, AttributeName="Policy", AttributeValue=policy(statement(
            "Allow", "sns:Publish", cls.topic_arn, {"StringEquals": {"aws:PrincipalOrgID": oid}})))
        sqs = org.member_client(org.prod, "sqs", "eu-west-1")
        url = sqs.create_queue(QueueName="org-intake")["QueueUrl"]
        cls.queue_arn = "arn:aws:sqs:eu-west-1:%s:org-intake" % org.prod
        cls.org_path = "%s/%s/%s/*" % (oid, org.root, org.ou["Workloads"])
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy(statement(
            "Allow", "sqs:SendMessage", cls.queue_arn, {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [cls.org_path]}}))})
        sqs.create_queue(QueueName="plain")
        org.member_iam(org.prod).create_role(RoleName="org-readers", AssumeRolePolicyDocument=policy(statement(
            "Allow", "sts:AssumeRole", "*", {"StringEquals": {"aws:PrincipalOrgID": oid}}, {"AWS": "*"})))

    @classmethod
    def _stack_sets(cls):
        cf, org = cls.moto.client("cloudformation"), cls.org
        for name, ou, regions in (("baseline-roles", org.ou["Prod"], REGIONS), ("central-logging", org.ou["Sandbox"], ["us-east-1"])):
            enabled, retain = AUTO_DEPLOYMENT[name]
            cf.create_stack_set(StackSetName=name, TemplateBody=NOOP_TEMPLATE, PermissionModel="SERVICE_MANAGED",
                                AutoDeployment={"Enabled": enabled, "RetainStacksOnAccountRemoval": retain})
            cf.create_stack_instances(StackSetName=name, DeploymentTargets={"OrganizationalUnitIds": [ou]}, Regions=regions)

    @classmethod
    def _identity_center(cls):
        sso = cls.moto.client("sso-admin")
        cls.instance = sso.list_instances()["Instances"][0]["InstanceArn"]
        ps = sso.create_permission_set(Name="AdministratorAccess", InstanceArn=cls.instance)["PermissionSet"]
        cls.permission_set = ps["PermissionSetArn"]
        sso.provision_permission_set(InstanceArn=cls.instance, PermissionSetArn=cls.permission_set,
                                     TargetType="AWS_ACCOUNT", TargetId=cls.org.prod)
        cls.group = "9067b0c4-50e1-70a3-6b4d-ae25bf2c4bd8"
        sso.create_account_assignment(InstanceArn=cls.instance, TargetId=cls.org.prod, TargetType="AWS_ACCOUNT",
                                      PermissionSetArn=cls.permission_set, PrincipalType="GROUP", PrincipalId=cls.group)

    # ---- the answers moto cannot give ----

    @classmethod
    def _ram_answer(cls, req, status, headers, body):
        if status != 500 or json.loads(req.body or b"{}").get("resourceOwner") != "OTHER-ACCOUNTS":
            return None  # signature or policy refused by moto, or an answer moto does give
        if req.region == cls.ram_fail_region:
            return 503, {"Content-Type": "application/json", "x-amzn-ErrorType": "ServiceUnavailableException"}, \
                b'{"message":"The service is unavailable. Try again later."}'
        shares = []
        if req.region == "us-east-1" and req.access_key != cls.org.access_key:  # the owner does not see its own
            shares.append({"resourceShareArn": "arn:aws:ram:us-east-1:%s:resource-share/7ab63972-b505-4b3a-8ddc-0b3ea08e7a2b" % cls.mgmt,
                           "name": "shared-subnets", "owningAccountId": cls.mgmt, "allowExternalPrincipals": False,
                           "status": "ACTIVE", "creationTime": 1761904800.0, "lastUpdatedTime": 1761904800.0,
                           "featureSet": "STANDARD",
                           "resourceShareConfiguration": {"retainSharingOnAccountLeaveOrganization": False}})
        if req.region == "eu-west-1":
            shares.append({"resourceShareArn": "arn:aws:ram:eu-west-1:999988887777:resource-share/1c1e3c76-3f3f-4c4f-9d2c-5e0b1f5a7d11",
                           "name": "partner-transit", "owningAccountId": "999988887777", "allowExternalPrincipals": True,
                           "status": "ACTIVE", "creationTime": 1761904800.0, "lastUpdatedTime": 1761904800.0,
                           "featureSet": "STANDARD"})
        return 200, {"Content-Type": "application/json"}, json.dumps({"resourceShares": shares}).encode()

    @classmethod
    def _landing_zones_answer(cls, req, status, headers, body):
        if not sigv4_valid(req, cls.org.secret_key):
            return 403, {"Content-Type": "application/json", "x-amzn-ErrorType": "InvalidSignatureException"}, \
                b'{"message":"The request signature we calculated does not match the signature you provided."}'
        return 200, {"Content-Type": "application/json"}, json.dumps({"landingZones": [
            {"arn": "arn:aws:controltower:us-east-1:%s:landingzone/1A2B3C4D5E6F7G8H" % cls.mgmt}]}).encode()

    @classmethod
    def _controltower_answer(cls, req, status, headers, body):
        if not sigv4_valid(req, cls.org.secret_key):
            return 403, {"Content-Type": "application/json", "x-amzn-ErrorType": "InvalidSignatureException"}, \
                b'{"message":"The request signature we calculated does not match the signature you provided."}'
        ou = "arn:aws:organizations::%s:ou/%s/%s" % (cls.mgmt, cls.org_id, cls.org.ou["Prod"])
        return 200, {"Content-Type": "application/json"}, json.dumps({"enabledBaselines": [{
            "arn": "arn:aws:controltower:us-east-1:%s:enabledbaseline/XALULM96QHI525UOC" % cls.mgmt,
            "baselineIdentifier": "arn:aws:controltower:us-east-1::baseline/17BSJV3IGJ2QSGA2", "baselineVersion": "4.0",
            "targetIdentifier": ou, "statusSummary": {"status": "SUCCEEDED"}}]}).encode()

    @classmethod
    def _stack_set_answer(cls, req, status, headers, body):
        text = body.decode()
        name = next((n for n in AUTO_DEPLOYMENT if "<StackSetName>%s</StackSetName>" % n in text), None)
        if status != 200 or not name or "<AutoDeployment>" in text:
            return None
        enabled, retain = AUTO_DEPLOYMENT[name]
        member = "<AutoDeployment><Enabled>%s</Enabled><RetainStacksOnAccountRemoval>%s</RetainStacksOnAccountRemoval>" \
                 "</AutoDeployment>" % (str(enabled).lower(), str(retain).lower())
        return status, headers, text.replace("</StackSet>", member + "</StackSet>", 1).encode()

    # ---- account evidence ----

    def test_collection_ran(self):
        self.assertEqual(self.collected.returncode, 0, self.collected.stderr)

    def test_bucket_policies_decoded(self):
        data = evidence(self.bundle, self.org.prod, "s3.bucket_policies")["data"]
        buckets = {b["Name"]: b for b in data["Buckets"]}
        self.assertEqual(set(buckets), {"prod-shared-artifacts", "prod-org-only", "prod-no-policy"})
        self.assertEqual(buckets["prod-org-only"]["Arn"], "arn:aws:s3:::prod-org-only")
        st = buckets["prod-org-only"]["Policy"]["Statement"][0]
        self.assertEqual((st["Effect"], st["Condition"]["StringNotEquals"]["aws:PrincipalOrgID"]), ("Deny", self.org_id))
        st = buckets["prod-shared-artifacts"]["Policy"]["Statement"][0]
        self.assertEqual(st["Condition"]["StringEquals"]["aws:PrincipalOrgID"], self.org_id)
        self.assertIsNone(buckets["prod-no-policy"]["Policy"])  # NoSuchBucketPolicy
        self.assertEqual(data["Errors"], [])
        # S3 is global: no region list, and each bucket only in its owner's evidence
        self.assertNotIn("Regions", data)
        self.assertEqual(evidence(self.bundle, self.org.sandbox, "s3.bucket_policies")["data"]["Buckets"], [])

    def test_key_topic_and_queue_policies_region_by_region(self):
        keys = evidence(self.bundle, self.org.prod, "kms.key_policies")["data"]
        self.assertEqual(keys["Regions"], REGIONS)
        key = next(k for k in keys["Keys"] if k["KeyArn"] == self.key_arn)
        self.assertEqual(key["Region"], "eu-west-1")
        self.assertEqual(key["Policy"]["Statement"][1]["Condition"]["StringEquals"]["aws:PrincipalOrgID"], self.org_id)
        topics = evidence(self.bundle, self.org.prod, "sns.topic_policies")["data"]
        topic = next(t for t in topics["Topics"] if t["TopicArn"] == self.topic_arn)
        self.assertEqual((topic["Region"], topic["Policy"]["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalOrgID"]),
                         ("us-east-1", self.org_id))
        queues = evidence(self.bundle, self.org.prod, "sqs.queue_policies")["data"]
        by_arn = {q["QueueArn"]: q for q in queues["Queues"]}
        q = by_arn[self.queue_arn]
        self.assertEqual(q["Region"], "eu-west-1")
        self.assertTrue(q["QueueUrl"].endswith("/%s/org-intake" % self.org.prod))
        self.assertEqual(q["Policy"]["Statement"][0]["Condition"]["ForAnyValue:StringLike"]["aws:PrincipalOrgPaths"],
                         [self.org_path])
        self.assertIsNone(by_arn[self.queue_arn.replace("org-intake", "plain")]["Policy"])
        for data in (keys, topics, queues):
            self.assertEqual(data["Errors"], [])

    def test_trust_policies_decoded(self):
        roles = {r["RoleName"]: r for r in evidence(self.bundle, self.org.prod, "iam.roles")["data"]["Roles"]}
        trust = roles["org-readers"]["AssumeRolePolicyDocument"]
        self.assertEqual(trust["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalOrgID"], self.org_id)
        self.assertEqual(set(roles["org-readers"]), {"RoleName", "Arn", "Path", "CreateDate", "AssumeRolePolicyDocument"})
        access = evidence(self.bundle, self.org.prod, "iam.access_role")["data"]["Role"]
        self.assertEqual(access["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"],
                         "arn:aws:iam::%s:root" % self.mgmt)

    def test_resource_shares_from_other_accounts(self):
        data = evidence(self.bundle, self.org.sandbox, "ram.resource_shares")["data"]
        shares = {s["name"]: s for s in data["ResourceShares"]}
        self.assertEqual(set(shares), {"shared-subnets", "partner-transit"})
        org_share = shares["shared-subnets"]
        self.assertEqual((org_share["owningAccountId"], org_share["Region"]), (self.mgmt, "us-east-1"))
        self.assertIs(org_share["resourceShareConfiguration"]["retainSharingOnAccountLeaveOrganization"], False)
        self.assertEqual(data["Errors"], [])
        # the owner lists it as its own (SELF), not among the shares it receives
        mine = evidence(self.bundle, self.mgmt, "ram.resource_shares")["data"]["ResourceShares"]
        self.assertEqual([s["name"] for s in mine], ["partner-transit"])

    def test_identity_center_assignments_from_the_management_account(self):
        data = evidence(self.bundle, self.org.prod, "sso_admin.account_assignments")["data"]
        self.assertEqual(data["InstanceArn"], self.instance)
        ps = next(p for p in data["PermissionSets"] if p["PermissionSetArn"] == self.permission_set)
        self.assertEqual(ps["Name"], "AdministratorAccess")
        self.assertEqual(ps["AccountAssignments"], [{"PrincipalType": "GROUP", "PrincipalId": self.group}])
        # moto lists a provisioned permission set for every account; only prod has the assignment
        other = evidence(self.bundle, self.org.sandbox, "sso_admin.account_assignments")["data"]
        self.assertEqual([a for p in other["PermissionSets"] for a in p["AccountAssignments"]], [])
        self.assertLessEqual(self.calls.get("sso:DescribePermissionSet", 0), 1)  # described once per run

    # ---- organization evidence ----

    def test_stack_sets_with_instances_and_retention(self):
        data = self.bundle["organization"]["evidence"]["cloudformation.stack_sets"]["data"]
        self.assertEqual(data["Regions"], REGIONS)
        self.assertEqual(data["Errors"], [])
        sets = {s["StackSetName"]: s for s in data["StackSets"] if s["Region"] == "us-east-1"}
        roles = sets["baseline-roles"]
        self.assertEqual(roles["PermissionModel"], "SERVICE_MANAGED")
        self.assertEqual(roles["AutoDeployment"], {"Enabled": True, "RetainStacksOnAccountRemoval": False})
        self.assertEqual({(i["Account"], i["Region"]) for i in roles["StackInstances"]},
                         {(self.org.prod, r) for r in REGIONS})
        self.assertIn("Status", roles["StackInstances"][0])
        logging = sets["central-logging"]
        self.assertIs(logging["AutoDeployment"]["RetainStacksOnAccountRemoval"], True)
        self.assertEqual({i["Account"] for i in logging["StackInstances"]}, {self.org.sandbox})

    def test_control_tower_baselines(self):
        data = self.bundle["organization"]["evidence"]["controltower.enabled_baselines"]["data"]
        b = data["enabledBaselines"][0]
        self.assertTrue(b["targetIdentifier"].endswith("/" + self.org.ou["Prod"]))
        self.assertEqual(b["statusSummary"]["status"], "SUCCEEDED")
        # the answer given in moto's stead was signed correctly: a wrong secret is refused
        bad = dict(self.env, AWS_SECRET_ACCESS_KEY="x" * 40)
        r = run_cli(["collect", "--config", self.config, "--quiet", "--plugin", PLUGIN, "--accounts", self.org.prod,
                     "-o", os.path.join(self.tmp, "bad.json")], env=bad)
        self.assertEqual(r.returncode, 3)
        self.assertIn("SignatureDoesNotMatch", r.stderr)

    def test_without_a_landing_zone_no_baseline_is_asked_for(self):
        item = self.bundle["organization"]["evidence"]["controltower.enabled_baselines"]
        self.assertEqual(item["source"], "controltower:ListLandingZones+controltower:ListEnabledBaselines")
        self.assertEqual(len(item["data"]["landingZones"]), 1)
        self.proxy.answer("controltower:ListLandingZones",
                          lambda req, status, headers, body: (200, {"Content-Type": "application/json"},
                                                              b'{"landingZones": []}'))
        try:
            before = self.proxy.calls["controltower:ListEnabledBaselines"]
            path = os.path.join(self.tmp, "no-landing-zone.json")
            r = run_cli(["collect", "--config", self.config, "--quiet", "--plugin", PLUGIN, "--accounts",
                         self.org.prod, "-o", path], env=self.env)
            self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            self.proxy.answer("controltower:ListLandingZones", self._landing_zones_answer)
        item = opftest.load_json(path)["organization"]["evidence"]["controltower.enabled_baselines"]
        self.assertEqual(item["source"], "controltower:ListLandingZones")
        self.assertEqual(item["data"], {"landingZones": [], "enabledBaselines": []})
        self.assertEqual(self.proxy.calls["controltower:ListEnabledBaselines"], before)

    # ---- failures and cost ----

    def test_denied_listing_fails_the_item_and_denied_read_is_an_error_entry(self):
        keys = evidence(self.bundle, self.org.breakglass, "kms.key_policies")
        self.assertNotIn("data", keys)
        self.assertIn(keys["error"]["code"], ("AccessDenied", "AccessDeniedException"))  # moto's spelling, KMS's
        self.assertIn("us-east-1", keys["error"]["message"])
        topics = evidence(self.bundle, self.org.breakglass, "sns.topic_policies")["data"]
        self.assertEqual(topics["Topics"], [])
        err = topics["Errors"][0]
        self.assertEqual((err["Operation"], err["Region"]), ("sns:GetTopicAttributes", "us-east-1"))
        self.assertIn(err["Code"], ("AuthorizationError", "AccessDenied"))
        self.assertTrue(err["Resource"].endswith(":%s:alerts" % self.org.breakglass))

    def test_failed_region_is_an_error_entry(self):
        type(self).ram_fail_region = "eu-west-1"
        try:
            path = os.path.join(self.tmp, "ram.json")
            r = run_cli(["collect", "--config", self.config, "--quiet", "--plugin", PLUGIN, "--accounts", self.org.sandbox,
                         "-o", path], env=self.env)
            self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            type(self).ram_fail_region = None
        data = evidence(opftest.load_json(path), self.org.sandbox, "ram.resource_shares")["data"]
        self.assertEqual([s["name"] for s in data["ResourceShares"]], ["shared-subnets"])
        self.assertEqual([(e["Region"], e["Operation"], e["Code"]) for e in data["Errors"]],
                         [("eu-west-1", "ram:GetResourceShares", "ServiceUnavailableException")])

    def test_enabled_regions_by_default_and_requests_per_account(self):
        # with the documented policies nothing else is denied
        denied = [(a["id"], k) for a in self.bundle["accounts"] if a["id"] not in (self.org.norole, self.org.breakglass)
                  for k, v in a["evidence"].items() if "error" in v and "AccessDenied" in v["error"]["code"]]
        self.assertEqual(denied, [])
        # regional listings: one per account and region; moto answers the account without a role with HTTP 500,
        # which is retried (three attempts)
        readable = len(self.bundle["accounts"]) - 1
        for op in ("sns:ListTopics", "sqs:ListQueues", "ram:GetResourceShares"):
            self.assertGreaterEqual(self.calls[op], readable * len(REGIONS), op)
            self.assertLessEqual(self.calls[op], (readable + 3) * len(REGIONS), op)
        self.assertEqual(self.calls.get("ec2:DescribeRegions", 0), 0)  # config regions given
        # without config regions: the account's enabled regions of its partition
        config = os.path.join(self.tmp, "all-regions.json")
        with open(config, "w") as f:
            json.dump({"dns": {"servers": [self.dns.server]}}, f)
        path = os.path.join(self.tmp, "all.json")
        r = run_cli(["collect", "--config", config, "--quiet", "--plugin", PLUGIN, "--accounts", self.org.prod, "-o", path],
                    env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        regions = evidence(opftest.load_json(path), self.org.prod, "kms.key_policies")["data"]["Regions"]
        self.assertTrue({"us-east-1", "eu-west-1", "ap-southeast-2"} <= set(regions), regions)
        self.assertFalse([x for x in regions if x.startswith(("cn-", "us-gov-"))], regions)  # other partitions
        self.assertNotIn("ap-east-1", regions)  # an opt-in region not enabled
        # and the same through --regions
        r = run_cli(["collect", "--config", config, "--quiet", "--plugin", PLUGIN, "--accounts", self.org.prod,
                     "--regions", "eu-west-1", "-o", path], env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(evidence(opftest.load_json(path), self.org.prod, "kms.key_policies")["data"]["Regions"], ["eu-west-1"])

    # ---- the checks that read it ----

    def test_audit_rows_for_the_hazard_checks(self):
        listed = {c["id"] for c in json.loads(run_cli(["checks", "--format", "json"]).stdout)["checks"]}
        self.assertEqual(set(HAZARD_CHECKS) - listed, set(), "hazard checks no longer built in")
        r = run_cli(["audit", "--evidence", self.bundle_path, "--config", self.config, "--now", NOW, "--format", "json"])
        report = json.loads(r.stdout)
        for check in HAZARD_CHECKS:
            self.assertTrue([x for x in report["results"] if x["check"] == check], check)
        hazards = {"org-id-references": self.org.prod, "stacksets-retain": self.org.prod,
                   "ram-org-shares": self.org.sandbox, "identity-center-assignments": self.org.prod,
                   "control-tower-enrolled": self.org.prod}
        for check, account in hazards.items():
            row = [x for x in report["results"] if x["check"] == check and x["subject_id"] == account]
            self.assertTrue(row and row[0]["status"] != "pass", (check, row))

if __name__ == "__main__":
    unittest.main()
