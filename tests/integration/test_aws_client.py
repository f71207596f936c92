"""The AWS client against moto with signature checking on: the three protocols, wrong keys, role assumption,
pagination, retries of throttled calls, the credential chain, the read-only allow-list, secret redaction."""
import http.server
import json
import os
import socketserver
import tempfile
import threading
import unittest

import opftest
from faultproxy import FaultProxy

DRIVER = os.path.join(os.environ.get("OPF_BINARY_DIR", os.path.join(opftest.SOURCE_DIR, "build")), "tests", "opf-aws-call")


def call(env, *args):
    r = opftest.run(args, program=DRIVER, env=env, timeout=120)
    return r.returncode, (json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else None), r.stderr


class CredentialServer:
    """A loopback server playing the ECS container endpoint, EC2 IMDSv2 or the Identity Center portal."""

    def __init__(self, creds):
        self.hits = []
        owner = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _json(self, doc, status=200):
                data = json.dumps(doc).encode() if not isinstance(doc, bytes) else doc
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_PUT(self):
                owner.hits.append(("PUT", self.path, dict(self.headers)))
                if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                    return self._json(b"imds-session-token")
                self._json({}, 403)

            def do_GET(self):
                owner.hits.append(("GET", self.path, dict(self.headers)))
                if self.path.startswith("/latest/meta-data/iam/security-credentials"):
                    if self.headers.get("X-aws-ec2-metadata-token") != "imds-session-token":
                        return self._json({}, 401)
                    if self.path.endswith("/"):
                        return self._json(b"audit-instance-role")
                    return self._json({"Code": "Success", "AccessKeyId": creds[0], "SecretAccessKey": creds[1],
                                       "Token": "", "Expiration": "2099-01-01T00:00:00Z"})
                if self.path.startswith("/federation/credentials"):
                    if self.headers.get("x-amz-sso_bearer_token") != "cached-sso-access-token":
                        return self._json({"message": "bad token"}, 401)
                    return self._json({"roleCredentials": {"accessKeyId": creds[0], "secretAccessKey": creds[1],
                                                           "sessionToken": None, "expiration": 4070908800000}})
                if self.path == "/creds":
                    if self.headers.get("Authorization") != "container-auth-token":
                        return self._json({}, 401)
                    return self._json({"AccessKeyId": creds[0], "SecretAccessKey": creds[1], "Token": "",
                                       "Expiration": "2099-01-01T00:00:00Z"})
                self._json({}, 404)

        class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.port = opftest.free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.server = S(("127.0.0.1", self.port), H)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class AwsClient(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = opftest.Moto()
        org = cls.moto.client("organizations")
        org.create_organization(FeatureSet="ALL")
        cls.members = [org.create_account(Email="m%d@corp.test" % i, AccountName="m%d" % i)["CreateAccountStatus"]["AccountId"]
                       for i in range(25)]
        cls.ak, cls.sk = cls.moto.create_user_keys()
        iam = cls.moto.client("iam")
        for i in range(3):
            iam.create_user(UserName="user-%d" % i)
        # one resource of each kind the hazard collectors read
        s3 = cls.moto.client("s3")
        s3.create_bucket(Bucket="audit-logs-bucket")
        s3.put_bucket_policy(Bucket="audit-logs-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::audit-logs-bucket/*"}]}))
        cls.key = cls.moto.client("kms").create_key()["KeyMetadata"]["KeyId"]
        cls.topic = cls.moto.client("sns").create_topic(Name="alerts")["TopicArn"]
        cls.queue = cls.moto.client("sqs").create_queue(QueueName="intake")["QueueUrl"]
        cls.moto.client("cloudformation").create_stack_set(StackSetName="baseline", TemplateBody=json.dumps(
            {"Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}}))
        sso = cls.moto.client("sso-admin")
        cls.instance = sso.list_instances()["Instances"][0]["InstanceArn"]
        cls.permission_set = sso.create_permission_set(Name="ReadOnly", InstanceArn=cls.instance)["PermissionSet"][
            "PermissionSetArn"]
        cls.moto.enforce_auth()
        cls.env = cls.moto.env(access_key=cls.ak, secret_key=cls.sk)
        cls.env["OPF_RETRY_BASE_MS"] = "20"

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    def test_each_protocol_signs_correctly_and_wrong_key_is_refused(self):
        bad = dict(self.env, AWS_SECRET_ACCESS_KEY="y" * 40)
        for service, op, body in (("organizations", "DescribeOrganization", None), ("iam", "GetAccountSummary", None),
                                  ("sts", "GetCallerIdentity", None), ("sso-admin", "ListInstances", None),
                                  ("account", "GetAlternateContact", '{"AlternateContactType":"BILLING"}')):
            args = [service, op] + ([body] if body else [])
            rc, out, err = call(self.env, *args)
            if service == "account":  # not set: a proper AWS error, parsed
                self.assertEqual(rc, 1, err)
                self.assertIn("ResourceNotFoundException", err)
            else:
                self.assertEqual(rc, 0, err)
            rc, out, err = call(bad, *args)
            self.assertEqual(rc, 1)
            self.assertIn("SignatureDoesNotMatch", err.splitlines()[0], service)
        rc, out, _ = call(self.env, "iam", "GetAccountSummary")
        self.assertIsInstance(out["SummaryMap"]["Users"], int)  # typed like botocore's parse

    def test_every_allowed_operation(self):
        m = self.members[0]
        rc, roots, err = call(self.env, "organizations", "ListRoots")
        root = roots["Roots"][0]["Id"]
        ops = [
            ("sts", "GetCallerIdentity", None), ("organizations", "DescribeOrganization", None),
            ("organizations", "ListAccounts", None), ("organizations", "DescribeAccount", {"AccountId": m}),
            ("organizations", "ListParents", {"ChildId": m}), ("organizations", "ListRoots", None),
            ("organizations", "ListOrganizationalUnitsForParent", {"ParentId": root}),
            ("organizations", "ListDelegatedAdministrators", None),
            ("organizations", "ListAWSServiceAccessForOrganization", None),
            ("organizations", "ListPoliciesForTarget", {"TargetId": root, "Filter": "SERVICE_CONTROL_POLICY"}),
            ("iam", "GenerateCredentialReport", None), ("iam", "GetCredentialReport", None),
            ("iam", "GetAccountSummary", None), ("iam", "ListUsers", None),
            ("iam", "ListMFADevices", {"UserName": "user-0"}), ("iam", "ListAttachedUserPolicies", {"UserName": "user-0"}),
            ("iam", "ListUserPolicies", {"UserName": "user-0"}), ("iam", "ListGroupsForUser", {"UserName": "user-0"}),
            ("iam", "ListRoles", None), ("iam", "ListAccountAliases", None),
            ("account", "GetAlternateContact", {"AlternateContactType": "SECURITY", "AccountId": m}),
            ("sso-admin", "ListInstances", None),
            ("sso-admin", "ListPermissionSetsProvisionedToAccount", {"InstanceArn": self.instance, "AccountId": m}),
            ("sso-admin", "ListAccountAssignments", {"InstanceArn": self.instance, "AccountId": m,
                                                     "PermissionSetArn": self.permission_set}),
            ("sso-admin", "DescribePermissionSet", {"InstanceArn": self.instance, "PermissionSetArn": self.permission_set}),
            ("iam", "GetRole", {"RoleName": "OrganizationAccountAccessRole"}),
            ("ec2", "DescribeRegions", None), ("s3", "ListBuckets", {"MaxBuckets": 1000}),
            ("s3", "GetBucketPolicy", {"Bucket": "audit-logs-bucket"}), ("kms", "ListKeys", None),
            ("kms", "GetKeyPolicy", {"KeyId": self.key, "PolicyName": "default"}), ("sns", "ListTopics", None),
            ("sns", "GetTopicAttributes", {"TopicArn": self.topic}), ("sqs", "ListQueues", {"MaxResults": 1000}),
            ("sqs", "GetQueueAttributes", {"QueueUrl": self.queue, "AttributeNames": ["QueueArn"]}),
            ("ram", "GetResourceShares", {"resourceOwner": "SELF"}), ("cloudformation", "ListStackSets", {"Status": "ACTIVE"}),
            ("cloudformation", "DescribeStackSet", {"StackSetName": "baseline"}),
            ("cloudformation", "ListStackInstances", {"StackSetName": "baseline"}),
        ]
        outputs = {}
        for service, op, body in ops:
            args = [service, op] + ([json.dumps(body)] if body else [])
            rc, out, err = call(self.env, *args)
            outputs[service, op] = out
            if (service, op) == ("account", "GetAlternateContact"):
                self.assertIn("ResourceNotFoundException", err)  # not set: AWS's own error, parsed
            elif (service, op) == ("iam", "GetRole"):
                self.assertIn("NoSuchEntity", err)  # the management account has no such role
            else:
                self.assertEqual(rc, 0, "%s:%s %s" % (service, op, err))
        # each protocol's answer in botocore's shape
        self.assertIn("us-east-1", [r["RegionName"] for r in outputs["ec2", "DescribeRegions"]["Regions"]])
        self.assertEqual([b["Name"] for b in outputs["s3", "ListBuckets"]["Buckets"]], ["audit-logs-bucket"])
        self.assertEqual(json.loads(outputs["s3", "GetBucketPolicy"]["Policy"])["Statement"][0]["Effect"], "Deny")
        self.assertEqual(json.loads(outputs["kms", "GetKeyPolicy"]["Policy"])["Version"], "2012-10-17")
        self.assertEqual(outputs["sns", "ListTopics"]["Topics"], [{"TopicArn": self.topic}])
        self.assertEqual(outputs["sns", "GetTopicAttributes"]["Attributes"]["TopicArn"], self.topic)
        self.assertEqual(outputs["sqs", "ListQueues"]["QueueUrls"], [self.queue])
        self.assertEqual(outputs["cloudformation", "ListStackSets"]["Summaries"][0]["StackSetName"], "baseline")
        self.assertEqual(outputs["sso-admin", "DescribePermissionSet"]["PermissionSet"]["Name"], "ReadOnly")
        # operations moto does not implement: a clear error, never data
        for service, op, body in (("account", "GetContactInformation", {"AccountId": m}),
                                  ("organizations", "ListHandshakesForOrganization", None),
                                  ("ram", "GetResourceShares", {"resourceOwner": "OTHER-ACCOUNTS"}),
                                  ("controltower", "ListLandingZones", None),
                                  ("controltower", "ListEnabledBaselines", None)):
            rc, out, err = call(self.env, service, op, json.dumps(body) if body else "{}")
            self.assertEqual(rc, 1)
            self.assertRegex(err.splitlines()[0], "HTTP(404|500)|NotImplemented|not (yet )?implemented", err)

    def test_pagination_merges_every_page(self):
        rc, out, err = call(self.env, "--paginate", "organizations", "ListAccounts", '{"MaxResults": 5}')
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out["Accounts"]), 26)
        self.assertNotIn("NextToken", out)
        self.assertRegex(err, r"stats requests=6 ")
        rc, out, err = call(self.env, "--paginate", "iam", "ListUsers", '{"MaxItems": 2}')
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out["Users"]), 4)  # three users and the auditor
        self.assertNotIn("IsTruncated", out)

    def test_assume_role_into_a_member_then_call_there(self):
        rc, out, err = call(self.env, "--assume", "arn:aws:iam::%s:role/OrganizationAccountAccessRole" % self.members[0],
                            "sts", "GetCallerIdentity")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["Account"], self.members[0])
        self.assertIn('"source":"assume-role"', err)
        self.assertRegex(err, r'"expiration":"\d{4}-')

    def test_throttled_then_successful_calls_are_retried(self):
        proxy = FaultProxy(self.moto.url)
        try:
            env = dict(self.env, AWS_ENDPOINT_URL=proxy.url)
            proxy.add("organizations:DescribeOrganization", "throttle", first=2)
            proxy.add("iam:GetAccountSummary", "throttle", first=1)
            proxy.add("sts:GetCallerIdentity", "error500", first=2)
            for service, op in (("organizations", "DescribeOrganization"), ("iam", "GetAccountSummary"),
                                ("sts", "GetCallerIdentity")):
                rc, out, err = call(env, service, op)
                self.assertEqual(rc, 0, err)
            self.assertEqual(proxy.calls["organizations:DescribeOrganization"], 3)
            # throttling costs no evidence: retried past the attempts (3), only the call's time budget ends it
            proxy.add("organizations:DescribeOrganization", "throttle", first=5)
            rc, out, err = call(env, "organizations", "DescribeOrganization")
            self.assertEqual(rc, 0, err)
            self.assertEqual(proxy.calls["organizations:DescribeOrganization"], 3 + 6)
            # other errors end after the attempts: the error is reported with them
            proxy.add("organizations:DescribeOrganization", "error503", first=5)
            rc, out, err = call(env, "organizations", "DescribeOrganization")
            self.assertEqual(rc, 1)
            self.assertIn("ServiceUnavailable", err)
            self.assertIn("3 attempts", err)
            rc, out, err = call(dict(env, AWS_MAX_ATTEMPTS="6"), "organizations", "DescribeOrganization")
            self.assertEqual(rc, 0, err)
            proxy.add("iam:ListUsers", "truncate", first=1)
            rc, out, err = call(env, "iam", "ListUsers")
            self.assertEqual(rc, 0, err)  # a truncated body is retried like a transient fault
        finally:
            proxy.stop()

    def test_allow_list_refuses_writes(self):
        rc, out, err = call(self.env, "organizations", "LeaveOrganization")
        self.assertEqual(rc, 1)
        self.assertIn("OperationNotAllowed", err)
        self.assertRegex(err, "stats requests=0 ")  # never sent

    def test_debug_trace_redacts_secrets(self):
        rc, out, err = call(self.env, "--debug", "--assume",
                            "arn:aws:iam::%s:role/OrganizationAccountAccessRole" % self.members[1], "sts", "GetCallerIdentity")
        self.assertEqual(rc, 0, err)
        self.assertIn("AssumeRole", err)
        self.assertNotIn(self.sk, err)
        self.assertRegex(err, r"<SecretAccessKey>\*+</SecretAccessKey>")
        self.assertRegex(err, r"<SessionToken>\*+</SessionToken>")

    def _home(self, config="", credentials=""):
        home = tempfile.mkdtemp(prefix="opf-home-")
        os.makedirs(os.path.join(home, ".aws"))
        with open(os.path.join(home, ".aws", "config"), "w") as f:
            f.write(config)
        with open(os.path.join(home, ".aws", "credentials"), "w") as f:
            f.write(credentials)
        env = {k: v for k, v in self.env.items() if not k.startswith("AWS_ACCESS") and not k.startswith("AWS_SECRET")}
        env.update(HOME=home, AWS_CONFIG_FILE=os.path.join(home, ".aws", "config"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, ".aws", "credentials"))
        return env, home

    def test_profiles_static_assume_role_chain_process_and_errors(self):
        member = self.members[2]
        proc = os.path.join(tempfile.mkdtemp(), "creds.sh")
        with open(proc, "w") as f:
            f.write("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"%s\", \"SecretAccessKey\": \"%s\"}'\n" % (self.ak, self.sk))
        os.chmod(proc, 0o755)
        env, _ = self._home(
            config="[profile base]\nregion = us-east-1\n"
                   "[profile member]\nrole_arn = arn:aws:iam::%s:role/OrganizationAccountAccessRole\nsource_profile = base\n"
                   "[profile hop]\nrole_arn = arn:aws:iam::%s:role/OrganizationAccountAccessRole\nsource_profile = member\n"
                   "[profile proc]\ncredential_process = %s\n"
                   "[profile loop-a]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = loop-b\n"
                   "[profile loop-b]\nrole_arn = arn:aws:iam::1:role/y\nsource_profile = loop-a\n" % (member, member, proc),
            credentials="[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (self.ak, self.sk))
        rc, out, err = call(dict(env, AWS_PROFILE="base"), "sts", "GetCallerIdentity")
        self.assertEqual(rc, 0, err)
        self.assertIn('"source":"profile"', err)
        rc, out, err = call(dict(env, AWS_PROFILE="member"), "sts", "GetCallerIdentity")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["Account"], member)
        # two hops: the first AssumeRole succeeds, moto's policy engine refuses the member role the second
        rc, out, err = call(dict(env, AWS_PROFILE="hop"), "sts", "GetCallerIdentity")
        self.assertEqual(rc, 1, err)
        self.assertIn("AssumeRole arn:aws:iam::%s:role/OrganizationAccountAccessRole" % member, err)
        self.assertRegex(err, "stats requests=2 ")
        self.assertRegex(err, r'"chain":\[\{"profile":"hop","source":"assume-role","role_arn":"[^"]+"\},'
                              r'\{"profile":"member","source":"assume-role","role_arn":"[^"]+"\},'
                              r'\{"source":"profile","profile":"base","file":"credentials file"\}\]')
        rc, out, err = call(dict(env, AWS_PROFILE="proc"), "sts", "GetCallerIdentity")
        self.assertEqual(rc, 0, err)
        self.assertIn('"source":"process"', err)
        rc, out, err = call(dict(env, AWS_PROFILE="loop-a"), "sts", "GetCallerIdentity")
        self.assertEqual(rc, 3)
        self.assertIn("loops back", err)
        rc, out, err = call(dict(env, AWS_PROFILE="nope"), "sts", "GetCallerIdentity")
        self.assertEqual(rc, 3)
        self.assertIn("profile nope is not in the AWS config", err)
        broken, home = self._home(config="[profile base]\nregion us-east-1\n")
        rc, out, err = call(broken, "sts", "GetCallerIdentity")
        self.assertEqual(rc, 3)
        self.assertIn(os.path.join(home, ".aws", "config") + ":2:", err)

    def test_whoami(self):
        r = opftest.run_cli(["whoami", "--format", "json"], env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertRegex(doc["caller"]["account"], r"^\d{12}$")
        self.assertRegex(doc["caller"]["arn"], r"^arn:aws:iam::%s:user/" % doc["caller"]["account"])
        self.assertEqual(doc["credentials"]["source"], "env")
        self.assertEqual(doc["region"], "us-east-1")
        self.assertEqual(doc["endpoints"]["iam"], {"url": self.moto.url, "signing_region": "us-east-1",
                                                   "signing_name": "iam", "source": "AWS_ENDPOINT_URL"})
        self.assertEqual(sorted(doc["endpoints"]), sorted(["organizations", "iam", "account", "sts", "sso-admin", "ec2", "s3",
                                                           "kms", "sns", "sqs", "ram", "cloudformation", "controltower"]))
        # a role chain, in words; --region beats the profile's region; no secret anywhere
        env, _ = self._home(config="[profile audit]\nregion = eu-west-1\nrole_arn = arn:aws:iam::%s:role/"
                                   "OrganizationAccountAccessRole\nsource_profile = base\n" % self.members[0],
                            credentials="[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (self.ak, self.sk))
        r = opftest.run_cli(["whoami", "--profile", "audit", "--region", "eu-central-1"], env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("caller       arn:aws:sts::%s:assumed-role/OrganizationAccountAccessRole/" % self.members[0], r.stdout)
        self.assertIn("credentials  role chain role arn:aws:iam::%s:role/OrganizationAccountAccessRole (profile audit) "
                      "<- profile base (keys in the credentials file)" % self.members[0], r.stdout)
        self.assertIn("region       eu-central-1 (from --region)", r.stdout)
        self.assertRegex(r.stdout, r"  kms +%s  signed eu-central-1/kms  from AWS_ENDPOINT_URL" % self.moto.url)
        for secret in (self.sk, opftest.TEST_SECRET_KEY):
            self.assertNotIn(secret, r.stdout + r.stderr)
        r = opftest.run_cli(["whoami"], env=dict(env, AWS_PROFILE="missing"))
        self.assertEqual(r.returncode, 3)
        self.assertEqual(r.stderr, "orgpreflight: AWS configuration: profile missing is not in the AWS config or "
                                   "credentials file\n")

    def test_environment_comes_first(self):
        env, _ = self._home(credentials="[default]\naws_access_key_id = AKIAWRONGWRONGWRONG1\naws_secret_access_key = nope\n")
        rc, out, err = call(dict(env, AWS_ACCESS_KEY_ID=self.ak, AWS_SECRET_ACCESS_KEY=self.sk), "sts", "GetCallerIdentity")
        self.assertEqual(rc, 0, err)
        self.assertIn('"source":"env"', err)
        rc, out, err = call(env, "sts", "GetCallerIdentity")  # the default profile's wrong key
        self.assertEqual(rc, 1)

    def test_web_identity(self):
        # AssumeRoleWithWebIdentity is unsigned: moto with signature checking on answers it with HTTP 500,
        # so this one runs against a moto that does not check signatures
        with opftest.Moto() as plain:
            env, home = self._home()
            env["AWS_ENDPOINT_URL"] = plain.url
            token = os.path.join(home, "token")
            with open(token, "w") as f:
                f.write("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJl\n")
            rc, out, err = call(dict(env, AWS_WEB_IDENTITY_TOKEN_FILE=token, AWS_ROLE_SESSION_NAME="ci-run",
                                     AWS_ROLE_ARN="arn:aws:iam::210987654321:role/ci-deployer"), "sts", "GetCallerIdentity")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["Account"], "210987654321")
        self.assertIn('"source":"web-identity"', err)
        self.assertNotIn("c2lnbmF0dXJl", err)

    def test_container_imds_and_identity_center(self):
        server = CredentialServer((self.ak, self.sk))
        try:
            env, home = self._home()
            env.pop("AWS_EC2_METADATA_DISABLED", None)
            rc, out, err = call(dict(env, AWS_CONTAINER_CREDENTIALS_FULL_URI=server.url + "/creds",
                                     AWS_CONTAINER_AUTHORIZATION_TOKEN="container-auth-token"), "sts", "GetCallerIdentity")
            self.assertEqual(rc, 0, err)
            self.assertIn('"source":"container"', err)
            rc, out, err = call(dict(env, AWS_EC2_METADATA_SERVICE_ENDPOINT=server.url), "sts", "GetCallerIdentity")
            self.assertEqual(rc, 0, err)
            self.assertIn('"source":"imds"', err)
            self.assertIn(("PUT", "/latest/api/token"), [(m, p) for m, p, _ in server.hits])
            rc, out, err = call(dict(env, AWS_EC2_METADATA_DISABLED="true"), "sts", "GetCallerIdentity")
            self.assertEqual(rc, 3)
            self.assertIn("no AWS credentials", err)
            # Identity Center: the token `aws sso login` cached, exchanged at the portal
            import hashlib
            os.makedirs(os.path.join(home, ".aws", "sso", "cache"))
            with open(os.path.join(home, ".aws", "sso", "cache", hashlib.sha1(b"corp").hexdigest() + ".json"), "w") as f:
                json.dump({"startUrl": "https://kuzeylabs.awsapps.com/start", "region": "us-east-1",
                           "accessToken": "cached-sso-access-token", "expiresAt": "2099-01-01T00:00:00Z"}, f)
            with open(os.path.join(home, ".aws", "config"), "w") as f:
                f.write("[sso-session corp]\nsso_start_url = https://kuzeylabs.awsapps.com/start\nsso_region = us-east-1\n"
                        "[profile admin]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = AdministratorAccess\n")
            rc, out, err = call(dict(env, AWS_PROFILE="admin", AWS_ENDPOINT_URL_SSO=server.url), "sts", "GetCallerIdentity")
            self.assertEqual(rc, 0, err)
            self.assertIn('"source":"sso"', err)
            self.assertIn('"sso_start_url":"https://kuzeylabs.awsapps.com/start"', err)
            self.assertNotIn("cached-sso-access-token", err)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
