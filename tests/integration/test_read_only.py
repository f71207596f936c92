"""The audit is read-only: with moto enforcing IAM (signature checking on), the operator and the member audit
role carry an explicit Deny on every mutating verb of every service, and a full audit and collection still
complete without one AccessDenied. The Deny has teeth: under an allow-everything policy it still refuses
writes, and the audit still passes. Every request the tool sends, seen on the wire, is a read."""
import json
import os
import re
import tempfile
import unittest

import botocore.exceptions

import opftest
from faultproxy import FaultProxy
from opftest import run_cli
from orgbuilder import ADMIN, MANAGEMENT_POLICY, MEMBER_POLICY, ROLE, Org

# The verbs of AWS's mutating actions. iam:GenerateCredentialReport (a read in effect) and sts:AssumeRole
# (how the audit reaches member accounts) are not among them and stay allowed.
MUTATING_VERBS = ["Accept", "Add", "Associate", "Attach", "Cancel", "Change", "Close", "Create", "Decline",
                  "Delete", "Deregister", "Detach", "Disable", "Disassociate", "Enable", "Invite", "Leave",
                  "Modify", "Move", "PassRole", "Put", "Register", "Remove", "Reset", "Restore", "Set", "Start",
                  "Stop", "Tag", "Terminate", "Untag", "Update", "Upload"]
DENY_WRITES = {"Sid": "DenyEveryWrite", "Effect": "Deny", "Resource": "*",
               "Action": ["*:%s*" % v for v in MUTATING_VERBS]}
READ_OPERATION = re.compile(r"^[a-z0-9-]+:((Get|List|Describe|Generate)[A-Za-z]+|AssumeRole)$")


def with_deny(policy):
    return {"Version": "2012-10-17", "Statement": list(policy["Statement"]) + [DENY_WRITES]}


def denied(error):
    e = error.response["Error"]
    # moto's auth layer answers XML even on JSON services, which botocore then reads as code "403"
    return e["Code"] in ("AccessDenied", "AccessDeniedException") or (e["Code"] == "403" and "<Code>AccessDenied<" in e["Message"])


class ReadOnly(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = opftest.Moto()
        cls.dns = opftest.Dnsmasq(mx=[("corp.test", "mx1.corp.test", 10)])
        cls.org = Org(cls.moto, members=6, management_policy=with_deny(MANAGEMENT_POLICY),
                      member_policy=with_deny(MEMBER_POLICY))
        cls.moto.enforce_auth()
        cls.tmp = tempfile.mkdtemp(prefix="opf-ro-")
        cls.config = os.path.join(cls.tmp, "config.json")
        with open(cls.config, "w") as f:
            json.dump({"dns": {"servers": [cls.dns.server]}, "break_glass": {"user_pattern": "break-glass-*"}}, f)
        cls.proxy = FaultProxy(cls.moto.url)  # no fault: it only records what is sent
        cls.env = cls.moto.env(access_key=cls.org.access_key, secret_key=cls.org.secret_key)
        cls.env.update({"AWS_ENDPOINT_URL": cls.proxy.url, "OPF_RETRY_BASE_MS": "20"})

    @classmethod
    def tearDownClass(cls):
        cls.proxy.stop()
        cls.dns.stop()
        cls.moto.stop()

    def member_role_iam(self, account):
        sts = self.moto.client("sts", access_key=self.org.access_key, secret_key=self.org.secret_key)
        c = sts.assume_role(RoleArn="arn:aws:iam::%s:role/%s" % (account, ROLE), RoleSessionName="probe")["Credentials"]
        return self.moto.client("iam", access_key=c["AccessKeyId"], secret_key=c["SecretAccessKey"],
                                session_token=c["SessionToken"])

    def audit_and_collect(self):
        """Runs a live audit and a collection; returns (report, bundle, AccessDenied found, operations sent)."""
        self.proxy.clear()
        report_path, bundle_path = os.path.join(self.tmp, "r.json"), os.path.join(self.tmp, "b.json")
        r = run_cli(["audit", "--config", self.config, "--quiet", "--format", "json", "-o", report_path], env=self.env)
        self.assertEqual(r.returncode, 1, r.stderr[-1000:])
        c = run_cli(["collect", "--config", self.config, "--quiet", "-o", bundle_path], env=self.env)
        self.assertEqual(c.returncode, 0, c.stderr[-1000:])
        report, bundle = opftest.load_json(report_path), opftest.load_json(bundle_path)
        found = ["row %s %s: %s" % (row["check"], row["subject_id"], row["message"]) for row in report["results"]
                 if "AccessDenied" in row["message"]]
        subjects = [bundle["organization"], bundle["operator_session"]] + bundle["accounts"]
        found += ["evidence %s %s: %s" % (s.get("id", "session"), k, v["error"]["message"])
                  for s in subjects for k, v in s["evidence"].items()
                  if "error" in v and v["error"]["code"] in ("AccessDenied", "AccessDeniedException")]
        return report, bundle, found, dict(self.proxy.calls)

    def assert_read_only_audit(self):
        report, bundle, access_denied, sent = self.audit_and_collect()
        self.assertEqual(len(report["accounts"]), len(self.org.accounts) + 1)
        self.assertEqual(len(bundle["accounts"]), len(self.org.accounts) + 1)
        self.assertEqual(access_denied, [])
        self.assertGreater(sum(sent.values()), 100)
        self.assertEqual([op for op in sent if not READ_OPERATION.match(op)], [])
        print("\n%d requests, %d operations, all reads: %s" % (sum(sent.values()), len(sent), ", ".join(sorted(sent))))

    def test_documented_policies_with_every_write_denied(self):
        self.org.apply_policies(with_deny(MANAGEMENT_POLICY), with_deny(MEMBER_POLICY))
        self.assert_read_only_audit()

    def test_the_deny_refuses_writes_even_to_an_administrator(self):
        # The member role as AWS creates it (administrator) and an administrator operator, both with the Deny
        self.org.apply_policies(with_deny(ADMIN), with_deny(ADMIN))
        member = self.org.prod
        iam = self.member_role_iam(member)
        for write in (lambda: iam.create_user(UserName="intruder"),
                      lambda: iam.put_role_policy(RoleName=ROLE, PolicyName="x", PolicyDocument=json.dumps(ADMIN)),
                      lambda: iam.delete_login_profile(UserName="break-glass-prod")):
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                write()
            self.assertTrue(denied(e.exception), e.exception.response)
        iam.list_users()  # reads pass
        iam.generate_credential_report()  # a Generate, not denied
        orgs = self.moto.client("organizations", access_key=self.org.access_key, secret_key=self.org.secret_key)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            orgs.create_organizational_unit(ParentId=self.org.root, Name="Intruders")
        self.assertTrue(denied(e.exception), e.exception.response)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            orgs.move_account(AccountId=member, SourceParentId=self.org.ou["Prod"], DestinationParentId=self.org.root)
        self.assertTrue(denied(e.exception), e.exception.response)
        self.assert_read_only_audit()


if __name__ == "__main__":
    unittest.main()
