#!/usr/bin/env python3
"""Writes examples/evidence.json: the bundled example organization, deterministically.

The organization is the one of the migration story: the old management account is the production account,
eight members sit under it (invited ones with their own payment method, created ones without, a backup
account, a suspended sandbox, a security account that is a delegated administrator, one created two days
before collection), the operator is signed in through the old organization's Identity Center, and the only
break-glass IAM user of the management account has been deleted.

Every item has the shape docs/evidence.md gives, with field values as AWS returns them. Attestations are not
part of a bundle: the audit injects them from examples/attestations.json.

Run: python3 examples/generate.py [OUTPUT]  (default: examples/evidence.json next to this file)
"""
import base64
import json
import os
import sys

ORG = "o-7rmx2kq4ud"
MGMT = "210987654321"
ROOT = "r-k3x9"
COLLECTED = "2026-11-25T02:00:00Z"
OUS = {
    "backup": ("ou-k3x9-5nbq1t0e", "Backup"),
    "workloads": ("ou-k3x9-8w2hd6ra", "Workloads"),
    "security": ("ou-k3x9-q7vj3mzc", "Security"),
    "infrastructure": ("ou-k3x9-m1c8e2xw", "Infrastructure"),
    "sandbox": ("ou-k3x9-z0p4t6yb", "Sandbox"),
}
FULL_ACCESS = {"Id": "p-FullAWSAccess", "Name": "FullAWSAccess",
               "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
               "Content": json.dumps({"Version": "2012-10-17", "Statement": [
                   {"Effect": "Allow", "Action": "*", "Resource": "*"}]}, indent=2)}
DENY_LEAVE = {"Id": "p-9x2kd0lq", "Name": "WorkloadGuardrails",
              "Arn": f"arn:aws:organizations::{MGMT}:policy/{ORG}/service_control_policy/p-9x2kd0lq",
              "Content": json.dumps({"Version": "2012-10-17", "Statement": [
                  {"Sid": "DenyLeavingOrganization", "Effect": "Deny",
                   "Action": ["organizations:LeaveOrganization"], "Resource": "*"},
                  {"Sid": "DenyDisablingCloudTrail", "Effect": "Deny",
                   "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"], "Resource": "*"}]}, indent=2)}
REPORT_HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
                 "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                 "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
                 "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
                 "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
                 "cert_2_active,cert_2_last_rotated")
ADMIN = {"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
GOOGLE_MX = [{"preference": 1, "exchange": "aspmx.l.google.com"},
             {"preference": 5, "exchange": "alt1.aspmx.l.google.com"},
             {"preference": 5, "exchange": "alt2.aspmx.l.google.com"},
             {"preference": 10, "exchange": "alt3.aspmx.l.google.com"},
             {"preference": 10, "exchange": "alt4.aspmx.l.google.com"}]


def item(source, data, at=COLLECTED):
    return {"source": source, "collected_at": at, "data": data}


def error(source, code, message, status, at=COLLECTED):
    return {"source": source, "collected_at": at, "error": {"code": code, "message": message, "http_status": status}}


def report_row(acct, user, created, password, mfa, last_used="N/A", key=None):
    """One credential-report line; the root row's password columns are not_supported, as IAM writes them."""
    is_root = user == "<root_account>"
    arn = f"arn:aws:iam::{acct}:root" if is_root else f"arn:aws:iam::{acct}:user/{user}"
    pw = "not_supported" if is_root else ("true" if password else "false")
    changed = "not_supported" if is_root else (created if password else "N/A")
    rotation = "not_supported" if is_root else "N/A"
    k1 = ["true", created, key[0], key[1], key[2]] if key else ["false", "N/A", "N/A", "N/A", "N/A"]
    return ",".join([user, arn, created, pw, last_used if (password or is_root) else "N/A", changed, rotation,
                     "true" if mfa else "false", *k1, "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "false",
                     "N/A"])


def credential_report(acct, rows):
    csv = "\n".join([REPORT_HEADER] + rows)
    return item("iam:GenerateCredentialReport+iam:GetCredentialReport",
                {"Content": base64.b64encode(csv.encode()).decode(), "ReportFormat": "text/csv",
                 "GeneratedTime": "2026-11-25T01:58:40Z"}, at="2026-11-25T02:00:04Z")


def iam_user(acct, name, uid, created, password=True, mfa=True, groups=(), attached=(), inline=()):
    return {"UserName": name, "Arn": f"arn:aws:iam::{acct}:user/{name}", "UserId": uid, "Path": "/",
            "CreateDate": created,
            "LoginProfile": {"UserName": name, "CreateDate": created, "PasswordResetRequired": False}
            if password else None,
            "MFADevices": [{"UserName": name, "SerialNumber": f"arn:aws:iam::{acct}:mfa/{name}",
                            "EnableDate": created}] if mfa else [],
            "AttachedPolicies": list(attached), "InlinePolicies": list(inline), "Groups": list(groups)}


def users_item(users):
    return item("iam:ListUsers+iam:GetLoginProfile+iam:ListMFADevices+iam:ListAttachedUserPolicies+"
                "iam:ListUserPolicies+iam:GetUserPolicy+iam:ListGroupsForUser+iam:ListAttachedGroupPolicies+"
                "iam:ListGroupPolicies+iam:GetGroupPolicy", {"Users": users}, at="2026-11-25T02:00:06Z")


def summary(password_present, mfa, users):
    return item("iam:GetAccountSummary", {"SummaryMap": {
        "AccountMFAEnabled": mfa, "AccountPasswordPresent": password_present, "AccountAccessKeysPresent": 0,
        "AccountSigningCertificatesPresent": 0, "Users": users, "Groups": 1 if users else 0,
        "Roles": 14, "Policies": 3, "MFADevices": users, "MFADevicesInUse": users}})


def dns(domain, rcode="NOERROR", mx=GOOGLE_MX):
    return item("probe:dns", {"domain": domain, "rcode": rcode, "mx": mx if rcode == "NOERROR" else [],
                              "a": [], "aaaa": [], "servers": ["10.0.0.2:53"]}, at="2026-11-25T02:00:02Z")


def account(aid, name, email, method, joined, ou, state="ACTIVE", created=None, is_mgmt=False):
    """The record and the evidence every reachable account has; callers add or replace items."""
    arn = f"arn:aws:organizations::{MGMT}:account/{ORG}/{aid}"
    acc = {"Id": aid, "Arn": arn, "Email": email, "Name": name, "Status": "SUSPENDED" if state == "SUSPENDED"
           else "ACTIVE", "State": state, "JoinedMethod": method, "JoinedTimestamp": joined}
    path = [{"id": ROOT, "name": "Root", "type": "ROOT"}]
    if ou:
        path.append({"id": OUS[ou][0], "name": OUS[ou][1], "type": "ORGANIZATIONAL_UNIT"})
    targets = [{"TargetId": p["id"], "Policies": [FULL_ACCESS]} for p in path]
    targets.append({"TargetId": aid, "Policies": [FULL_ACCESS]})
    if ou == "workloads":
        targets[1]["Policies"] = [FULL_ACCESS, DENY_LEAVE]
    ev = {
        "organizations.account": item("organizations:DescribeAccount", {"Account": acc}),
        "organizations.parents": item("organizations:ListParents+organizations:DescribeOrganizationalUnit",
                                      {"Parents": [{"Id": p["id"], "Type": p["type"], "Name": p["name"]}
                                                   for p in path]}),
        "organizations.delegated_services": item("organizations:ListDelegatedServicesForAccount",
                                                 {"DelegatedServices": []}),
        "organizations.service_control_policies": item(
            "organizations:ListPoliciesForTarget+organizations:DescribePolicy", {"Targets": targets}),
        "account.information": item("account:GetAccountInformation", {
            "AccountId": aid, "AccountName": name, "AccountCreatedDate": created or joined, "AccountState": state}),
        "account.contact_information": item("account:GetContactInformation", {"ContactInformation": {
            "FullName": "Kuzey Labs Platform Team", "AddressLine1": "Buyukdere Cd. No:185", "City": "Istanbul",
            "StateOrRegion": "Istanbul", "PostalCode": "34394", "CountryCode": "TR",
            "PhoneNumber": "+90 212 555 0142", "CompanyName": "Kuzey Labs"}}),
        "account.alternate_contacts": item("account:GetAlternateContact", {"AlternateContacts": {
            "BILLING": {"AlternateContactType": "BILLING", "Name": "Finance", "Title": "Finance Team",
                        "EmailAddress": "finance@kuzeylabs.io", "PhoneNumber": "+90 212 555 0110"},
            "OPERATIONS": None,
            "SECURITY": {"AlternateContactType": "SECURITY", "Name": "Security", "Title": "Security Team",
                         "EmailAddress": "security@kuzeylabs.io", "PhoneNumber": "+90 212 555 0100"}}}),
        "iam.account_aliases": item("iam:ListAccountAliases", {"AccountAliases": [f"kuzeylabs-{name}"]}),
        "probe.dns": dns(email.split("@")[1]),
    }
    if not is_mgmt:
        # the management account cannot name itself to GetPrimaryEmail, and is audited with its own credentials
        ev["account.primary_email"] = item("account:GetPrimaryEmail", {"PrimaryEmail": email})
        ev["sts.assume_role"] = item("sts:AssumeRole", {
            "AssumedRoleUser": {"Arn": f"arn:aws:sts::{aid}:assumed-role/OrganizationAccountAccessRole/orgpreflight",
                                "AssumedRoleId": "AROA" + aid[:8] + "EXAMPLE:orgpreflight"},
            "RoleArn": f"arn:aws:iam::{aid}:role/OrganizationAccountAccessRole"})
    return {"id": aid, "arn": arn, "name": name, "email": email, "state": state, "joined_method": method,
            "joined_timestamp": joined, "ou_path": path, "is_management": is_mgmt, "evidence": ev}


def no_users(rec, created):
    """A created account nobody set up: root without a password, no IAM users."""
    aid = rec["id"]
    rec["evidence"]["iam.credential_report"] = credential_report(
        aid, [report_row(aid, "<root_account>", created, False, False, last_used="no_information")])
    rec["evidence"]["iam.users"] = users_item([])
    rec["evidence"]["iam.account_summary"] = summary(0, 0, 0)


def break_glass(rec, created, mfa=True, name=None):
    aid = rec["id"]
    name = name or "break-glass-admin"
    group = {"GroupName": "BreakGlass", "AttachedPolicies": [ADMIN], "InlinePolicies": []}
    rec["evidence"]["iam.credential_report"] = credential_report(aid, [
        report_row(aid, "<root_account>", created, True, True, last_used="2026-06-11T08:40:19+00:00"),
        report_row(aid, name, created, True, mfa, last_used="2026-09-30T13:02:51+00:00")])
    rec["evidence"]["iam.users"] = users_item([iam_user(aid, name, "AIDA" + aid[:6] + "BRKGLS" + aid[-6:], created,
                                                        mfa=mfa, groups=[group])])
    rec["evidence"]["iam.account_summary"] = summary(1, 1, 1)


def management():
    rec = account(MGMT, "prod", "aws-prod@kuzeylabs.io", "INVITED", "2019-03-14T08:21:44.112000+00:00", None,
                  created="2017-06-02T11:05:31Z", is_mgmt=True)
    ev = rec["evidence"]
    # the break-glass user "prod-backup-admin" was deleted after the first attempt: only CI keys are left
    ev["iam.credential_report"] = credential_report(MGMT, [
        report_row(MGMT, "<root_account>", "2017-06-02T11:05:31+00:00", True, True,
                   last_used="2026-02-17T19:22:03+00:00"),
        report_row(MGMT, "terraform-ci", "2020-02-11T10:00:00+00:00", False, False,
                   key=("2026-11-24T23:10:00+00:00", "eu-central-1", "sts"))])
    ev["iam.users"] = users_item([iam_user(MGMT, "terraform-ci", "AIDATB3KWWJQ5TFCI001", "2020-02-11T10:00:00+00:00",
                                           password=False, mfa=False, inline=[{
                                               "PolicyName": "assume-deploy-roles", "PolicyDocument": {
                                                   "Version": "2012-10-17", "Statement": [{
                                                       "Effect": "Allow", "Action": "sts:AssumeRole",
                                                       "Resource": "arn:aws:iam::*:role/TerraformDeploy"}]}}])])
    ev["iam.account_summary"] = summary(1, 1, 1)
    return rec


def members():
    out = []
    backup = account("304955176822", "backup", "aws-backup@kuzeylabs.io", "INVITED",
                     "2025-10-06T09:14:37.204000+00:00", "backup", created="2025-09-29T07:51:12Z")
    break_glass(backup, "2025-09-29T08:03:10+00:00")
    out.append(backup)

    data = account("418273645091", "data-platform", "aws-data@kuzeylabs.io", "CREATED",
                   "2023-02-20T10:03:17.889000+00:00", "workloads")
    no_users(data, "2023-02-20T10:03:17+00:00")
    out.append(data)

    security = account("639182740516", "security", "aws-security@kuzeylabs.io", "CREATED",
                       "2021-09-01T07:45:10.004000+00:00", "security")
    security["evidence"]["organizations.delegated_services"]["data"]["DelegatedServices"] = [
        {"ServicePrincipal": "securityhub.amazonaws.com", "DelegationEnabledDate": "2021-09-03T12:00:41.155000+00:00"},
        {"ServicePrincipal": "guardduty.amazonaws.com", "DelegationEnabledDate": "2021-09-03T12:02:13.809000+00:00"}]
    break_glass(security, "2021-09-02T10:11:45+00:00")
    out.append(security)

    # closed by its owner in October: suspended, so no role can be assumed in it any more
    sandbox = account("527381946503", "sandbox", "aws-sandbox@kuzeylabs.io", "CREATED",
                      "2020-11-18T16:20:41.350000+00:00", "sandbox", state="SUSPENDED")
    denied = ("User: arn:aws:iam::210987654321:user/terraform-ci is not authorized to perform: sts:AssumeRole on "
              "resource: arn:aws:iam::527381946503:role/OrganizationAccountAccessRole")
    ev = sandbox["evidence"]
    ev["sts.assume_role"] = error("sts:AssumeRole", "AccessDenied", denied, 403)
    for key, source in (("iam.credential_report", "iam:GenerateCredentialReport"), ("iam.users", "iam:ListUsers"),
                        ("iam.account_summary", "iam:GetAccountSummary"),
                        ("iam.account_aliases", "iam:ListAccountAliases")):
        ev[key] = error(source, "AccessDenied", denied, 403)
    ev["account.information"]["data"]["AccountState"] = "SUSPENDED"
    out.append(sandbox)

    # created two days before collection: inside the four-day wait period
    staging = account("741852963074", "payments-staging", "aws-payments-staging@kuzeylabs.io", "CREATED",
                      "2026-11-23T14:12:09.771000+00:00", "workloads")
    no_users(staging, "2026-11-23T14:12:09+00:00")
    out.append(staging)

    # an individual's account with its own card, invited in 2020; its root address is a Google Group and its
    # admin user never enrolled MFA
    marketing = account("852963741085", "marketing-site", "aws-marketing@kuzeylabs.io", "INVITED",
                        "2020-07-08T12:30:55.617000+00:00", "infrastructure", created="2018-04-16T18:42:07Z")
    break_glass(marketing, "2019-01-21T09:30:00+00:00", mfa=False, name="break-glass-marketing")
    out.append(marketing)

    # invited with an acquisition; the acquired company's domain was retired
    analytics = account("963741852096", "analytics", "aws-root@kuzey-analytics.com", "INVITED",
                        "2021-05-17T06:58:31.092000+00:00", "infrastructure", created="2019-11-02T10:15:44Z")
    analytics["evidence"]["probe.dns"] = dns("kuzey-analytics.com", rcode="NXDOMAIN")
    break_glass(analytics, "2021-05-18T11:20:00+00:00")
    out.append(analytics)

    # created by the organization, then set up properly: sign-up completed, root password recovered
    shared = account("174185296307", "shared-services", "aws-shared-services@kuzeylabs.io", "CREATED",
                     "2022-03-09T15:27:48.330000+00:00", "infrastructure")
    break_glass(shared, "2026-11-12T09:05:00+00:00")
    out.append(shared)
    return out


def organization():
    org_arn = f"arn:aws:organizations::{MGMT}:organization/{ORG}"
    return {"id": ORG, "arn": org_arn, "management_account_id": MGMT, "management_account_email":
            "aws-prod@kuzeylabs.io", "feature_set": "ALL", "evidence": {
                "organizations.organization": item("organizations:DescribeOrganization", {"Organization": {
                    "Id": ORG, "Arn": org_arn, "FeatureSet": "ALL",
                    "MasterAccountArn": f"arn:aws:organizations::{MGMT}:account/{ORG}/{MGMT}",
                    "MasterAccountId": MGMT, "MasterAccountEmail": "aws-prod@kuzeylabs.io",
                    "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}}),
                "organizations.roots": item("organizations:ListRoots", {"Roots": [{
                    "Id": ROOT, "Arn": f"arn:aws:organizations::{MGMT}:root/{ORG}/{ROOT}", "Name": "Root",
                    "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}]}),
                "organizations.delegated_administrators": item("organizations:ListDelegatedAdministrators", {
                    "DelegatedAdministrators": [{
                        "Id": "639182740516", "Arn": f"arn:aws:organizations::{MGMT}:account/{ORG}/639182740516",
                        "Email": "aws-security@kuzeylabs.io", "Name": "security", "Status": "ACTIVE",
                        "State": "ACTIVE", "JoinedMethod": "CREATED",
                        "JoinedTimestamp": "2021-09-01T07:45:10.004000+00:00",
                        "DelegationEnabledDate": "2021-09-03T12:00:41.155000+00:00"}]}),
                "organizations.service_access": item("organizations:ListAWSServiceAccessForOrganization", {
                    "EnabledServicePrincipals": [
                        {"ServicePrincipal": "account.amazonaws.com", "DateEnabled": "2023-05-02T08:00:12.000000+00:00"},
                        {"ServicePrincipal": "guardduty.amazonaws.com", "DateEnabled": "2021-09-03T11:58:02.000000+00:00"},
                        {"ServicePrincipal": "iam.amazonaws.com", "DateEnabled": "2025-01-14T10:31:40.000000+00:00"},
                        {"ServicePrincipal": "securityhub.amazonaws.com", "DateEnabled": "2021-09-03T11:58:40.000000+00:00"},
                        {"ServicePrincipal": "sso.amazonaws.com", "DateEnabled": "2021-02-11T09:29:55.000000+00:00"}]}),
                "sso_admin.instances": item("sso-admin:ListInstances", {"Instances": [{
                    "InstanceArn": "arn:aws:sso:::instance/ssoins-7223a1b4c5d6e7f8", "IdentityStoreId": "d-9067c2a1f3",
                    "OwnerAccountId": MGMT, "Name": "kuzeylabs", "CreatedDate": "2021-02-11T09:30:12.450000+00:00",
                    "Status": "ACTIVE"}]}),
                "iam.organizations_features": item("iam:ListOrganizationsFeatures", {
                    "OrganizationId": ORG, "EnabledFeatures": ["RootCredentialsManagement", "RootSessions"]}),
                "local.sso_start_urls": item("local:aws-config", {"start_urls": [
                    {"url": "https://kuzeylabs.awsapps.com/start", "section": "sso-session kuzeylabs"}]}),
            }}


def operator_session():
    arn = f"arn:aws:sts::{MGMT}:assumed-role/AWSReservedSSO_AdministratorAccess_8219a806ceb01083/ayse.demir@kuzeylabs.io"
    user_id = "AROATB3KWWJQ5KZ7EXAMP:ayse.demir@kuzeylabs.io"
    return {"arn": arn, "account": MGMT, "user_id": user_id, "evidence": {
        "sts.caller_identity": item("sts:GetCallerIdentity", {"UserId": user_id, "Account": MGMT, "Arn": arn}),
        "credentials.source": item("local:credential-chain", {
            "source": "sso", "profile": "prod-admin", "chain": [{"profile": "prod-admin", "source": "sso"}],
            "sso_start_url": "https://kuzeylabs.awsapps.com/start", "expiration": "2026-11-25T13:58:20Z"}),
    }}


def main():
    bundle = {"schema": "orgpreflight/evidence/v1", "tool": {"name": "orgpreflight", "version": "0.1.0"},
              "collected_at": COLLECTED, "complete": True, "organization": organization(),
              "accounts": [management()] + members(), "operator_session": operator_session()}
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "evidence.json")
    with open(out, "w") as f:
        json.dump(bundle, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
