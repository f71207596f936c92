#!/usr/bin/env python3
"""Writes examples/evidence.json: the bundled example organization, deterministically.

The organization is the one of the migration story: the old management account is the production account,
eight members sit under it (invited ones with their own payment method, created ones without, a backup
account, a suspended sandbox, a security account that is a delegated administrator, one created two days
before collection), the operator is signed in through the old organization's Identity Center, and the only
break-glass IAM user of the management account has been deleted. Control Tower manages the Security and
Workloads OUs, a StackSet there deletes its stacks from accounts that leave, a data-lake bucket refuses
everyone outside the old organization, and the new organization is too small for every account.

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
REGIONS = ["eu-central-1", "us-east-1"]  # examples/config.json "regions"
TARGET = "o-p4n8x2w6qe"
TARGET_MGMT = "864209753186"
SSO_INSTANCE = "arn:aws:sso:::instance/ssoins-7223a1b4c5d6e7f8"
PERMISSION_SETS = {"AdministratorAccess": "ps-6a1f0c2e9b3d4e57", "ReadOnlyAccess": "ps-0b7e3d9c2a1f4e68",
                   "Billing": "ps-e5d4c3b2a1f06978", "DataEngineer": "ps-3c9d1e7f5a2b4c06"}
GROUPS = {"platform-admins": "94482488-3041-7026-18f3-b45b2a1c0d9e", "finance": "c4e8a4b8-7011-70a3-5d2b-9f8e7d6c5b4a",
          "data-engineers": "2458d4f8-1031-70e4-7c3b-8a9b0c1d2e3f", "security-team": "b4f8e4c8-2051-7012-3c4d-5e6f7a8b9c0d",
          "marketing": "d4a8c4e8-6091-70f1-8e9f-0a1b2c3d4e5f"}
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
            "PermissionsBoundary": None,
            "AttachedPolicies": list(attached), "InlinePolicies": list(inline), "Groups": list(groups)}


# The default version's document of each managed policy the example users have attached.
MANAGED_DOCUMENTS = {ADMIN["PolicyArn"]: ("v1", {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})}


def users_item(users):
    attached = {p["PolicyArn"]: p["PolicyName"] for u in users
                for p in u["AttachedPolicies"] + [q for g in u["Groups"] for q in g["AttachedPolicies"]]}
    policies = {arn: {"PolicyName": name, "DefaultVersionId": MANAGED_DOCUMENTS[arn][0],
                      "Document": MANAGED_DOCUMENTS[arn][1]} for arn, name in sorted(attached.items())}
    return item("iam:ListUsers+iam:GetUser+iam:GetLoginProfile+iam:ListMFADevices+iam:ListAttachedUserPolicies+"
                "iam:ListUserPolicies+iam:GetUserPolicy+iam:ListGroupsForUser+iam:ListAttachedGroupPolicies+"
                "iam:ListGroupPolicies+iam:GetGroupPolicy+iam:GetPolicy+iam:GetPolicyVersion",
                {"Users": users, "Policies": policies}, at="2026-11-25T02:00:06Z")


def summary(password_present, mfa, users):
    return item("iam:GetAccountSummary", {"SummaryMap": {
        "AccountMFAEnabled": mfa, "AccountPasswordPresent": password_present, "AccountAccessKeysPresent": 0,
        "AccountSigningCertificatesPresent": 0, "Users": users, "Groups": 1 if users else 0,
        "Roles": 14, "Policies": 3, "MFADevices": users, "MFADevicesInUse": users}})


def dns(domain, rcode="NOERROR", mx=GOOGLE_MX):
    return item("probe:dns", {"domain": domain, "rcode": rcode, "mx": mx if rcode == "NOERROR" else [],
                              "a": [], "aaaa": [], "servers": ["10.0.0.2:53"]}, at="2026-11-25T02:00:02Z")


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def role(acct, name, rid, created, trust, path="/"):
    return {"Path": path, "RoleName": name, "RoleId": rid, "Arn": f"arn:aws:iam::{acct}:role{path}{name}",
            "CreateDate": created, "AssumeRolePolicyDocument": trust, "MaxSessionDuration": 3600}


def trusts_account(acct):
    return policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{acct}:root"}, "Action": "sts:AssumeRole"})


def trusts_service(service):
    return policy({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})


def bucket(name, pol=None):
    return {"Name": name, "Arn": f"arn:aws:s3:::{name}", "Policy": pol}


def regional(source, key, entries, errors=()):
    return item(source, {"Regions": REGIONS, key: list(entries), "Errors": list(errors)}, at="2026-11-25T02:00:09Z")


def policies(rec, roles=(), buckets=(), keys=(), topics=(), queues=(), key_errors=()):
    """The resource and trust policies of an account; every account has the two roles AWS creates."""
    aid = rec["id"]
    base = [role(aid, "AWSServiceRoleForSupport", "AROA" + aid[:8] + "SUPPORT", "2021-02-11T09:31:40+00:00",
                 trusts_service("support.amazonaws.com"), path="/aws-service-role/support.amazonaws.com/"),
            role(aid, "AWSServiceRoleForOrganizations", "AROA" + aid[:8] + "ORGSSLR",
                 "2021-02-11T09:31:42+00:00", trusts_service("organizations.amazonaws.com"),
                 path="/aws-service-role/organizations.amazonaws.com/")]
    if not rec["is_management"]:
        base.insert(0, role(aid, "OrganizationAccountAccessRole", "AROA" + aid[:8] + "ORGACCS",
                            rec["joined_timestamp"][:19] + "+00:00", trusts_account(MGMT)))
    ev = rec["evidence"]
    ev["iam.roles"] = item("iam:ListRoles", {"Roles": base + list(roles)}, at="2026-11-25T02:00:08Z")
    ev["s3.bucket_policies"] = item("s3:ListBuckets+s3:GetBucketPolicy",
                                    {"Buckets": list(buckets), "Errors": []}, at="2026-11-25T02:00:09Z")
    ev["kms.key_policies"] = regional("kms:ListKeys+kms:GetKeyPolicy", "Keys", keys, key_errors)
    ev["sns.topic_policies"] = regional("sns:ListTopics+sns:GetTopicAttributes", "Topics", topics)
    ev["sqs.queue_policies"] = regional("sqs:ListQueues+sqs:GetQueueAttributes", "Queues", queues)


def kms_key(acct, kid, pol_statements):
    arn = f"arn:aws:kms:eu-central-1:{acct}:key/{kid}"
    return {"KeyId": kid, "KeyArn": arn, "Region": "eu-central-1", "Policy": {
        "Version": "2012-10-17", "Id": "key-consolepolicy-3", "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{acct}:root"},
             "Action": "kms:*", "Resource": "*"}] + list(pol_statements)}}


def org_id_condition(op="StringEquals", value=ORG, key_name="aws:PrincipalOrgID"):
    return {op: {key_name: value}}


def resource_shares(rec, shares):
    rec["evidence"]["ram.resource_shares"] = regional("ram:GetResourceShares", "ResourceShares", shares)


def share(owner, sid, name, created, retain=None):
    d = {"resourceShareArn": f"arn:aws:ram:eu-central-1:{owner}:resource-share/{sid}", "name": name,
         "owningAccountId": owner, "allowExternalPrincipals": False, "status": "ACTIVE", "tags": [],
         "creationTime": created, "lastUpdatedTime": created, "featureSet": "STANDARD"}
    if retain is not None:
        d["resourceShareConfiguration"] = {"retainSharingOnAccountLeaveOrganization": retain}
    d["Region"] = "eu-central-1"
    return d


def assignments(rec, sets):
    """Identity Center assignments: {permission set name: [group name, ...]}."""
    rec["evidence"]["sso_admin.account_assignments"] = item(
        "sso-admin:ListPermissionSetsProvisionedToAccount+sso-admin:ListAccountAssignments+"
        "sso-admin:DescribePermissionSet", {"InstanceArn": SSO_INSTANCE, "PermissionSets": [
            {"PermissionSetArn": f"arn:aws:sso:::permissionSet/ssoins-7223a1b4c5d6e7f8/{PERMISSION_SETS[name]}",
             "Name": name, "AccountAssignments": [{"PrincipalType": "GROUP", "PrincipalId": GROUPS[g]} for g in groups]}
            for name, groups in sets.items()]}, at="2026-11-25T02:00:03Z")


def contacts(rec, *missing):
    """Alternate contacts; every account has SECURITY, the named types are not set."""
    people = {"BILLING": ("Finance", "Finance Team", "finance@kuzeylabs.io", "+90 212 555 0110"),
              "OPERATIONS": ("Platform", "Platform On-Call", "platform-oncall@kuzeylabs.io", "+90 212 555 0120"),
              "SECURITY": ("Security", "Security Team", "security@kuzeylabs.io", "+90 212 555 0100")}
    rec["evidence"]["account.alternate_contacts"]["data"]["AlternateContacts"] = {
        t: None if t in missing else {"AlternateContactType": t, "Name": n, "Title": title, "EmailAddress": e,
                                      "PhoneNumber": ph}
        for t, (n, title, e, ph) in people.items()}


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
        ev["iam.access_role"] = item("iam:GetRole", {"Role": {
            "Path": "/", "RoleName": "OrganizationAccountAccessRole", "RoleId": "AROA" + aid[:8] + "ORGACCS",
            "Arn": f"arn:aws:iam::{aid}:role/OrganizationAccountAccessRole", "CreateDate": joined[:19] + "+00:00",
            "AssumeRolePolicyDocument": trusts_account(MGMT), "MaxSessionDuration": 3600,
            "RoleLastUsed": {"LastUsedDate": "2026-11-25T02:00:03+00:00", "Region": "eu-central-1"}}})
    else:
        # the management account has no access role of its own
        ev["iam.access_role"] = error("iam:GetRole", "NoSuchEntity",
                                      "The role with name OrganizationAccountAccessRole cannot be found.", 404)
    return {"id": aid, "arn": arn, "name": name, "email": email, "state": state, "joined_method": method,
            "joined_timestamp": joined, "ou_path": path, "is_management": is_mgmt, "evidence": ev}


def no_users(rec, created):
    """A created account nobody set up: root without a password, no IAM users."""
    aid = rec["id"]
    rec["evidence"]["iam.credential_report"] = credential_report(
        aid, [report_row(aid, "<root_account>", created, False, False, last_used="no_information")])
    rec["evidence"]["iam.users"] = users_item([])
    rec["evidence"]["iam.account_summary"] = summary(0, 0, 0)


def break_glass(rec, created, mfa=True, name=None, root_mfa=True):
    aid = rec["id"]
    name = name or "break-glass-admin"
    group = {"GroupName": "BreakGlass", "AttachedPolicies": [ADMIN], "InlinePolicies": []}
    rec["evidence"]["iam.credential_report"] = credential_report(aid, [
        report_row(aid, "<root_account>", created, True, root_mfa, last_used="2026-06-11T08:40:19+00:00"),
        report_row(aid, name, created, True, mfa, last_used="2026-09-30T13:02:51+00:00")])
    rec["evidence"]["iam.users"] = users_item([iam_user(aid, name, "AIDA" + aid[:6] + "BRKGLS" + aid[-6:], created,
                                                        mfa=mfa, groups=[group])])
    rec["evidence"]["iam.account_summary"] = summary(1, 1 if root_mfa else 0, 1)


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
    trail = "arn:aws:s3:::kuzey-org-cloudtrail"
    policies(rec, roles=[
        role(MGMT, "TerraformDeploy", "AROATB3KWWJQ5TFDPLY", "2020-02-11T10:05:00+00:00", policy(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{MGMT}:user/terraform-ci"},
             "Action": "sts:AssumeRole"})),
        role(MGMT, "AWSControlTowerAdmin", "AROATB3KWWJQ5CTADMN", "2024-06-18T08:40:11+00:00",
             trusts_service("controltower.amazonaws.com"), path="/service-role/")],
        buckets=[
            bucket("kuzey-org-cloudtrail", policy(
                {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:GetBucketAcl", "Resource": trail},
                {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:PutObject", "Resource": f"{trail}/AWSLogs/{ORG}/*",
                 "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                                "aws:SourceArn": f"arn:aws:cloudtrail:eu-central-1:{MGMT}:trail/org-trail"}}})),
            # every account's pipelines read the shared Terraform state through the organization id
            bucket("kuzey-terraform-state", policy(
                {"Sid": "OrgReadState", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"],
                 "Resource": ["arn:aws:s3:::kuzey-terraform-state", "arn:aws:s3:::kuzey-terraform-state/*"],
                 "Condition": org_id_condition()}))],
        topics=[{"TopicArn": f"arn:aws:sns:us-east-1:{MGMT}:org-billing-alerts", "Region": "us-east-1", "Policy": {
            "Version": "2008-10-17", "Id": "__default_policy_ID", "Statement": [
                {"Sid": "OrgAccountsPublish", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "SNS:Publish",
                 "Resource": f"arn:aws:sns:us-east-1:{MGMT}:org-billing-alerts", "Condition": org_id_condition()}]}}])
    resource_shares(rec, [])
    assignments(rec, {"AdministratorAccess": ["platform-admins"], "Billing": ["finance"]})
    return rec


# the management account's transit gateway, shared with the Workloads OU without retention
TGW_SHARE = share(MGMT, "6f2d1c0b-9a8e-4d7c-b6a5-4e3d2c1b0a9f", "transit-gateway-eu", "2023-03-01T10:21:44.512000+00:00")


def members():
    out = []
    backup = account("304955176822", "backup", "aws-backup@kuzeylabs.io", "INVITED",
                     "2025-10-06T09:14:37.204000+00:00", "backup", created="2025-09-29T07:51:12Z")
    break_glass(backup, "2025-09-29T08:03:10+00:00")
    policies(backup, buckets=[bucket("kuzey-backup-vault", policy(
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::kuzey-backup-vault", "arn:aws:s3:::kuzey-backup-vault/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}})), bucket("kuzey-backup-logs")],
        keys=[kms_key(backup["id"], "5f0c2e1a-7d4b-4c8e-9a31-2b6f0d8e4c17", [])])
    resource_shares(backup, [])
    assignments(backup, {"AdministratorAccess": ["platform-admins"]})
    contacts(backup)
    out.append(backup)

    data = account("418273645091", "data-platform", "aws-data@kuzeylabs.io", "CREATED",
                   "2023-02-20T10:03:17.889000+00:00", "workloads")
    no_users(data, "2023-02-20T10:03:17+00:00")
    lake = "arn:aws:s3:::kuzey-data-lake"
    policies(data, roles=[
        role(data["id"], "AWSControlTowerExecution", "AROAY2DATAP0CTEXEC1", "2024-06-18T09:12:40+00:00",
             trusts_account(MGMT)),
        role(data["id"], "data-lake-reader", "AROAY2DATAP0LAKERD2", "2023-05-04T12:00:00+00:00", policy(
            {"Sid": "AnyOrgPrincipal", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
             "Condition": org_id_condition()}))],
        # the data perimeter: nobody outside the old organization, the account itself once it has moved
        buckets=[bucket("kuzey-data-lake", policy(
            {"Sid": "DenyOutsideOrganization", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [lake, lake + "/*"],
             "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": ORG},
                           "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}))],
        queues=[{"QueueUrl": f"https://sqs.eu-central-1.amazonaws.com/{data['id']}/ingest-events",
                 "QueueArn": f"arn:aws:sqs:eu-central-1:{data['id']}:ingest-events", "Region": "eu-central-1",
                 "Policy": None}])
    resource_shares(data, [TGW_SHARE])
    assignments(data, {"DataEngineer": ["data-engineers"], "ReadOnlyAccess": ["platform-admins"]})
    contacts(data, "OPERATIONS")
    out.append(data)

    security = account("639182740516", "security", "aws-security@kuzeylabs.io", "CREATED",
                       "2021-09-01T07:45:10.004000+00:00", "security")
    security["evidence"]["organizations.delegated_services"]["data"]["DelegatedServices"] = [
        {"ServicePrincipal": "securityhub.amazonaws.com", "DelegationEnabledDate": "2021-09-03T12:00:41.155000+00:00"},
        {"ServicePrincipal": "guardduty.amazonaws.com", "DelegationEnabledDate": "2021-09-03T12:02:13.809000+00:00"}]
    break_glass(security, "2021-09-02T10:11:45+00:00")
    # one region refused the key listing: the findings key is read, the rest is unknown
    policies(security, roles=[role(security["id"], "AWSControlTowerExecution", "AROAY6SECUR1CTEXEC1",
                                   "2024-06-18T09:12:40+00:00", trusts_account(MGMT))],
             keys=[kms_key(security["id"], "8d2a6f4c-1e9b-4a7d-b3c5-0f6e2d8a4b19", [
                 {"Sid": "AllowSecurityOUDecrypt", "Effect": "Allow", "Principal": {"AWS": "*"},
                  "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*",
                  "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"{ORG}/{ROOT}/{OUS['security'][0]}/*"]}}}])],
             key_errors=[{"Region": "us-east-1", "Operation": "kms:GetKeyPolicy", "Code": "AccessDeniedException",
                          "Message": "User: arn:aws:sts::639182740516:assumed-role/OrganizationAccountAccessRole/"
                                     "orgpreflight is not authorized to perform: kms:GetKeyPolicy on this resource "
                                     "because the key policy does not allow it",
                          "Resource": "arn:aws:kms:us-east-1:639182740516:key/0d3c9a55-1b2e-4f70-8c6d-5e4a3b2c1d0f"}])
    resource_shares(security, [])
    assignments(security, {"AdministratorAccess": ["security-team"], "ReadOnlyAccess": ["platform-admins"]})
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
    for key_name, source in (("iam.roles", "iam:ListRoles"), ("s3.bucket_policies", "s3:ListBuckets"),
                             ("kms.key_policies", "kms:ListKeys"), ("sns.topic_policies", "sns:ListTopics"),
                             ("sqs.queue_policies", "sqs:ListQueues"), ("ram.resource_shares", "ram:GetResourceShares"),
                             ("iam.access_role", "iam:GetRole")):
        ev[key_name] = error(source, "AccessDenied", denied, 403)
    assignments(sandbox, {})
    out.append(sandbox)

    # created two days before collection: inside the four-day wait period
    staging = account("741852963074", "payments-staging", "aws-payments-staging@kuzeylabs.io", "CREATED",
                      "2026-11-23T14:12:09.771000+00:00", "workloads")
    no_users(staging, "2026-11-23T14:12:09+00:00")
    policies(staging, roles=[role(staging["id"], "AWSControlTowerExecution", "AROAY7STAGE1CTEXEC1",
                                  "2026-11-23T14:20:31+00:00", trusts_account(MGMT))])
    resource_shares(staging, [TGW_SHARE])
    assignments(staging, {})  # nobody has been given access yet
    contacts(staging, "BILLING", "OPERATIONS")
    out.append(staging)

    # an individual's account with its own card, invited in 2020; its root address is a Google Group and its
    # admin user never enrolled MFA
    marketing = account("852963741085", "marketing-site", "aws-marketing@kuzeylabs.io", "INVITED",
                        "2020-07-08T12:30:55.617000+00:00", "infrastructure", created="2018-04-16T18:42:07Z")
    break_glass(marketing, "2019-01-21T09:30:00+00:00", mfa=False, name="break-glass-marketing")
    policies(marketing, buckets=[bucket("kuzey-marketing-site", policy(
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::kuzey-marketing-site/*"}))])
    resource_shares(marketing, [])
    assignments(marketing, {"AdministratorAccess": ["marketing"]})
    out.append(marketing)

    # invited with an acquisition; the acquired company's domain was retired
    analytics = account("963741852096", "analytics", "aws-root@kuzey-analytics.com", "INVITED",
                        "2021-05-17T06:58:31.092000+00:00", "infrastructure", created="2019-11-02T10:15:44Z")
    analytics["evidence"]["probe.dns"] = dns("kuzey-analytics.com", rcode="NXDOMAIN")
    # the acquired company's root user kept its password but lost its MFA device with the old owner, and its
    # Control Tower left the execution role behind
    break_glass(analytics, "2021-05-18T11:20:00+00:00", root_mfa=False)
    policies(analytics, roles=[role(analytics["id"], "AWSControlTowerExecution", "AROAY9ANALY1CTEXEC1",
                                    "2020-03-02T16:45:00+00:00", trusts_account("402918375610"))])
    resource_shares(analytics, [share("174185296307", "8e7d6c5b-4a3f-4e2d-9c1b-0a9f8e7d6c5b", "resolver-rules",
                                      "2025-02-03T09:15:27.904000+00:00", retain=True)])
    assignments(analytics, {"DataEngineer": ["data-engineers"]})
    out.append(analytics)

    # created by the organization, then set up properly: sign-up completed, root password recovered
    shared = account("174185296307", "shared-services", "aws-shared-services@kuzeylabs.io", "CREATED",
                     "2022-03-09T15:27:48.330000+00:00", "infrastructure")
    break_glass(shared, "2026-11-12T09:05:00+00:00")
    policies(shared)
    resource_shares(shared, [])
    assignments(shared, {"AdministratorAccess": ["platform-admins"], "ReadOnlyAccess": ["data-engineers"]})
    contacts(shared)
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
                "cloudformation.stack_sets": item(
                    "cloudformation:ListStackSets+cloudformation:DescribeStackSet+cloudformation:ListStackInstances",
                    {"StackSets": stack_sets()}, at="2026-11-25T02:00:02Z"),
                "controltower.enabled_baselines": item("controltower:ListEnabledBaselines", {"enabledBaselines": [
                    enabled_baseline("XALULM96QHI525UOC", "security"),
                    enabled_baseline("XOM12BEL4EM1R2P9H", "workloads")]}, at="2026-11-25T02:00:02Z"),
            }}


# Members by OU, for the StackSets that deploy to OUs
OU_MEMBERS = {"backup": ["304955176822"], "security": ["639182740516"],
              "workloads": ["418273645091", "741852963074"],
              "infrastructure": ["852963741085", "963741852096", "174185296307"]}


def stack_set(name, sid, ous, enabled, retain, regions=("eu-central-1",)):
    set_id = f"{name}:{sid}"
    instances = [{"StackSetId": set_id, "Region": r, "Account": a,
                  "StackId": f"arn:aws:cloudformation:{r}:{a}:stack/StackSet-{name}-{sid[:8]}/{sid}",
                  "Status": "CURRENT", "StackInstanceStatus": {"DetailedStatus": "SUCCEEDED"},
                  "OrganizationalUnitId": OUS[ou][0], "DriftStatus": "NOT_CHECKED"}
                 for ou in ous for a in OU_MEMBERS[ou] for r in regions]
    auto = {"Enabled": enabled}
    if enabled:
        auto["RetainStacksOnAccountRemoval"] = retain
    return {"StackSetName": name, "StackSetId": set_id, "Status": "ACTIVE", "PermissionModel": "SERVICE_MANAGED",
            "StackSetARN": f"arn:aws:cloudformation:eu-central-1:{MGMT}:stackset/{set_id}", "AutoDeployment": auto,
            "StackInstances": instances}


def stack_sets():
    return [
        # AWS Config in the regulated OUs: deleted with the account's recorder when it leaves
        stack_set("org-config-recorder", "3f1d2c4b-5a6e-4b7c-8d9e-0f1a2b3c4d5e", ["security", "workloads"], True, False,
                  regions=REGIONS),
        stack_set("org-audit-role", "7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d",
                  ["backup", "security", "workloads", "infrastructure"], True, True),
        stack_set("legacy-vpc-flowlogs", "1b2c3d4e-5f6a-4b7c-8d9e-0a1b2c3d4e5f", ["infrastructure"], False, None),
        {"StackSetName": "backup-vault-replication", "StackSetId": "backup-vault-replication:9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b",
         "Status": "ACTIVE", "PermissionModel": "SELF_MANAGED",
         "StackSetARN": f"arn:aws:cloudformation:eu-central-1:{MGMT}:stackset/backup-vault-replication:9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b",
         "StackInstances": [{"StackSetId": "backup-vault-replication:9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b",
                             "Region": "eu-west-1", "Account": "304955176822",
                             "StackId": "arn:aws:cloudformation:eu-west-1:304955176822:stack/StackSet-backup-vault-replication-9e8d7c6b/9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b",
                             "Status": "CURRENT", "StackInstanceStatus": {"DetailedStatus": "SUCCEEDED"},
                             "DriftStatus": "NOT_CHECKED"}]},
    ]


def enabled_baseline(eid, ou):
    """Control Tower's AWSControlTowerBaseline on a registered OU."""
    return {"arn": f"arn:aws:controltower:eu-central-1:{MGMT}:enabledbaseline/{eid}",
            "baselineIdentifier": "arn:aws:controltower:eu-central-1::baseline/17BSJV3IGJ2QSGA2", "baselineVersion": "4.0",
            "targetIdentifier": f"arn:aws:organizations::{MGMT}:ou/{ORG}/{OUS[ou][0]}",
            "statusSummary": {"status": "SUCCEEDED", "lastOperationIdentifier": "7e3f2c1d-0b9a-4c8d-9e7f-6a5b4c3d2e1f"},
            "driftStatusSummary": {"types": {"inheritance": {"status": "IN_SYNC"}}}}


def target_organization():
    """The new organization: two weeks old, three accounts of its own, two invitations pending and one expired;
    its default quota of ten accounts is too small for the eight that can move."""
    arn = f"arn:aws:organizations::{TARGET_MGMT}:organization/{TARGET}"
    email = "aws-root@kuzey.cloud"

    def member(aid, name, mail, joined, method="CREATED"):
        return {"Id": aid, "Arn": f"arn:aws:organizations::{TARGET_MGMT}:account/{TARGET}/{aid}", "Email": mail,
                "Name": name, "Status": "ACTIVE", "State": "ACTIVE", "JoinedMethod": method, "JoinedTimestamp": joined}

    def invite(hid, account, state, requested, expires):
        return {"Id": hid, "Arn": f"arn:aws:organizations::{TARGET_MGMT}:handshake/{TARGET}/invite/{hid}",
                "Parties": [{"Id": TARGET[2:], "Type": "ORGANIZATION"}, {"Id": account, "Type": "ACCOUNT"}],
                "State": state, "RequestedTimestamp": requested, "ExpirationTimestamp": expires, "Action": "INVITE",
                "Resources": [{"Value": TARGET, "Type": "ORGANIZATION", "Resources": [
                    {"Value": email, "Type": "MASTER_EMAIL"}, {"Value": "kuzey-cloud", "Type": "MASTER_NAME"},
                    {"Value": "ALL", "Type": "ORGANIZATION_FEATURE_SET"}]}, {"Value": account, "Type": "ACCOUNT"}]}

    return {"id": TARGET, "arn": arn, "management_account_id": TARGET_MGMT, "management_account_email": email,
            "feature_set": "ALL", "profile": "kuzey-cloud-mgmt", "evidence": {
                "organizations.organization": item("organizations:DescribeOrganization", {"Organization": {
                    "Id": TARGET, "Arn": arn, "FeatureSet": "ALL",
                    "MasterAccountArn": f"arn:aws:organizations::{TARGET_MGMT}:account/{TARGET}/{TARGET_MGMT}",
                    "MasterAccountId": TARGET_MGMT, "MasterAccountEmail": email,
                    "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}},
                    at="2026-11-25T02:00:10Z"),
                "organizations.accounts": item("organizations:ListAccounts", {"Accounts": [
                    member(TARGET_MGMT, "kuzey-cloud-management", email, "2026-11-10T07:42:18.031000+00:00", "INVITED"),
                    member("135792468024", "network", "aws-network@kuzey.cloud", "2026-11-10T08:15:02.774000+00:00"),
                    member("246813579135", "log-archive", "aws-log-archive@kuzey.cloud",
                           "2026-11-10T08:16:40.120000+00:00")]}, at="2026-11-25T02:00:10Z"),
                "organizations.handshakes": item("organizations:ListHandshakesForOrganization", {"Handshakes": [
                    invite("h-3b7f0d2e9a4c8e15", "304955176822", "OPEN", "2026-11-23T10:05:11.402000+00:00",
                           "2026-12-08T10:05:11.402000+00:00"),
                    invite("h-9c1e4a7d2b5f8a36", "963741852096", "OPEN", "2026-11-23T10:06:40.918000+00:00",
                           "2026-12-08T10:06:40.918000+00:00"),
                    invite("h-5d8a2c6e0f3b7d49", "852963741085", "EXPIRED", "2026-11-02T14:20:03.555000+00:00",
                           "2026-11-17T14:20:03.555000+00:00")]}, at="2026-11-25T02:00:10Z"),
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
    accounts = [management()] + members()
    org = organization()
    # the complete inventory (ListAccounts), after DescribeOrganization
    inventory = item("organizations:ListAccounts", {"Accounts": [
        a["evidence"]["organizations.account"]["data"]["Account"] for a in accounts]}, at="2026-11-25T02:00:01Z")
    org["evidence"] = dict([next(iter(org["evidence"].items())), ("organizations.accounts", inventory)] +
                           list(org["evidence"].items())[1:])
    bundle = {"schema": "orgpreflight/evidence/v1", "tool": {"name": "orgpreflight", "version": "0.1.0"},
              "collected_at": COLLECTED, "complete": True, "organization": org, "accounts": accounts,
              "operator_session": operator_session(), "target_organization": target_organization()}
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "evidence.json")
    with open(out, "w") as f:
        json.dump(bundle, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
