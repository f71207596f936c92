"""Builds an AWS organization in moto through its API, shaped on the situations orgpreflight checks."""
import json
import os

from opftest import SOURCE_DIR

MEMBER_POLICY = json.load(open(os.path.join(SOURCE_DIR, "docs", "iam-policy-member.json")))
MANAGEMENT_POLICY = json.load(open(os.path.join(SOURCE_DIR, "docs", "iam-policy-management.json")))
ROLE = "OrganizationAccountAccessRole"
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
DENY_LEAVE = {"Version": "2012-10-17", "Statement": [
    {"Sid": "DenyLeavingOrganization", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}


class Org:
    def __init__(self, moto, members=22, member_policy=MEMBER_POLICY, management_policy=MANAGEMENT_POLICY):
        self.moto = moto
        org = moto.client("organizations")
        self.org = org.create_organization(FeatureSet="ALL")["Organization"]
        self.root = org.list_roots()["Roots"][0]["Id"]
        self.ou = {}
        self.ou["Workloads"] = org.create_organizational_unit(ParentId=self.root, Name="Workloads")["OrganizationalUnit"]["Id"]
        self.ou["Prod"] = org.create_organizational_unit(ParentId=self.ou["Workloads"], Name="Prod")["OrganizationalUnit"]["Id"]
        self.ou["Sandbox"] = org.create_organizational_unit(ParentId=self.root, Name="Sandbox")["OrganizationalUnit"]["Id"]
        # root mailboxes on the test zones the DNS server serves
        domains = ["corp.test"] * (members - 3) + ["nullmx.test", "onlya.test", "missing.test"]
        self.accounts = []
        for i in range(members):
            st = org.create_account(Email="aws-%02d@%s" % (i, domains[i]), AccountName="member-%02d" % i)
            self.accounts.append(st["CreateAccountStatus"]["AccountId"])
        self.prod, self.sandbox, self.security, self.breakglass, self.norole = self.accounts[:5]
        self.nullmx, self.onlya, self.missing = self.accounts[-3:]
        org.move_account(AccountId=self.prod, SourceParentId=self.root, DestinationParentId=self.ou["Prod"])
        org.move_account(AccountId=self.sandbox, SourceParentId=self.root, DestinationParentId=self.ou["Sandbox"])
        # an SCP that denies leaving, on the Sandbox OU
        org.enable_policy_type(RootId=self.root, PolicyType="SERVICE_CONTROL_POLICY")
        p = org.create_policy(Content=json.dumps(DENY_LEAVE), Description="guardrails", Name="DenyLeave",
                              Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]
        org.attach_policy(PolicyId=p, TargetId=self.ou["Sandbox"])
        self.deny_leave = p
        # a delegated administrator
        org.enable_aws_service_access(ServicePrincipal="guardduty.amazonaws.com")
        org.register_delegated_administrator(AccountId=self.security, ServicePrincipal="guardduty.amazonaws.com")
        # alternate contacts for one account
        acct = moto.client("account")
        acct.put_alternate_contact(AccountId=self.prod, AlternateContactType="SECURITY", EmailAddress="sec@corp.test",
                                   Name="Security", PhoneNumber="+15555550100", Title="SecOps")
        # member roles: the documented read-only policy; one account has no audit role at all
        for a in self.accounts:
            iam = self.member_iam(a)
            if a == self.norole:
                iam.delete_role(RoleName=ROLE)
                continue
            iam.put_role_policy(RoleName=ROLE, PolicyName="orgpreflight-read", PolicyDocument=json.dumps(member_policy))
        # IAM users: a real break-glass user, and users that do not qualify
        iam = self.member_iam(self.breakglass)
        self.user(iam, "break-glass-admin", password=True, mfa=True, policy=ADMIN)
        self.user(iam, "ci-deployer", password=False, mfa=False, policy=ADMIN)
        iam = self.member_iam(self.prod)
        self.user(iam, "break-glass-prod", password=True, mfa=False, policy=ADMIN)
        # the operator: an IAM user in the management account with the documented policy
        self.access_key, self.secret_key = moto.create_user_keys("auditor", management_policy)

    def apply_policies(self, management, member, members=None):
        """Replaces the operator's policy and the member audit roles' policy (every member's unless `members`
        names some), with auth relaxed meanwhile."""
        self.moto.relax_auth()
        self.moto.client("iam").put_user_policy(UserName="auditor", PolicyName="auditor-policy",
                                                PolicyDocument=json.dumps(management))
        for a in members or self.accounts:
            if a != self.norole:
                self.member_iam(a).put_role_policy(RoleName=ROLE, PolicyName="orgpreflight-read",
                                                   PolicyDocument=json.dumps(member))
        self.moto.enforce_auth()

    def member_iam(self, account):
        return self.member_client(account, "iam")

    def member_client(self, account, service, region="us-east-1"):
        """A boto3 client acting in a member account through its OrganizationAccountAccessRole."""
        c = self.moto.client("sts").assume_role(RoleArn="arn:aws:iam::%s:role/%s" % (account, ROLE),
                                                RoleSessionName="setup")["Credentials"]
        return self.moto.client(service, region=region, access_key=c["AccessKeyId"], secret_key=c["SecretAccessKey"],
                                session_token=c["SessionToken"])

    @staticmethod
    def user(iam, name, password, mfa, policy):
        iam.create_user(UserName=name)
        if password:
            iam.create_login_profile(UserName=name, Password="Correct-Horse-9")
        if mfa:
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
            iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1="123456",
                                  AuthenticationCode2="654321")
        iam.put_user_policy(UserName=name, PolicyName="admin", PolicyDocument=json.dumps(policy))
