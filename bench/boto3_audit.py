#!/usr/bin/env python3
"""The benchmark's boto3 baseline: the calls `orgpreflight collect` makes (bench/plan.py), written as a careful
engineer would with boto3: a ThreadPoolExecutor of --concurrency accounts, a boto3 session and clients per
thread (and per assumed role), the SDK's standard retry mode, and orgpreflight's organization-level call plan
(the tree, the SCP attachments and the delegated administrators read once; GetAccountInformation only for
recent CREATED members), each account's calls one after another as a thread pool runs them.

Uses the environment's credentials, region and AWS_ENDPOINT_URL like the aws CLI. Writes the evidence as JSON
and prints one summary line: {"calls", "retries", "errors", "throttling_errors"}.
"""
import argparse
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

CONFIG = Config(retries={"mode": "standard", "max_attempts": 3})
THROTTLING = {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"}
ROLE = "OrganizationAccountAccessRole"


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.calls = self.retries = self.errors = self.throttling = 0

    def add(self, meta, error_code=None):
        with self.lock:
            self.calls += 1
            self.retries += meta.get("RetryAttempts", 0)
            if error_code:
                self.errors += 1
                self.throttling += error_code in THROTTLING


COUNT = Counters()
LOCAL = threading.local()
ORG = {}  # the organization-wide facts, read once before the accounts: parents, scps, delegated


def call(client, op, ok_errors=(), **kw):
    """One call (pages followed), counted; an error becomes {"error": code} as orgpreflight records it."""
    try:
        if client.can_paginate(op):
            pages = []
            for page in client.get_paginator(op).paginate(**kw):
                COUNT.add(page["ResponseMetadata"])
                pages.append(page)
            return pages[0] if len(pages) == 1 else {"pages": pages}
        r = getattr(client, op)(**kw)
        COUNT.add(r["ResponseMetadata"])
        return r
    except ClientError as e:
        code = e.response["Error"]["Code"]
        COUNT.add(e.response.get("ResponseMetadata", {}), None if code in ok_errors else code)
        return {"error": code}


def items(result, key):
    if "pages" in result:
        return [x for p in result["pages"] for x in p.get(key, [])]
    return result.get(key, [])


def clients():
    """The operator's clients, one set per worker thread (boto3 clients are not shared across threads)."""
    if not hasattr(LOCAL, "mgmt"):
        LOCAL.session = boto3.session.Session()  # its loader caches the service models for the thread's clients
        LOCAL.mgmt = {n: LOCAL.session.client(n, config=CONFIG) for n in ("organizations", "account", "sts", "iam")}
    return LOCAL.mgmt


def tree(org, roots):
    """{child id: its parent {"Id","Type","Name"}}: the organization's tree, read once from the roots down."""
    parents, queue = {}, [{"Id": r["Id"], "Type": "ROOT", "Name": "Root"} for r in roots]
    for p in queue:
        for ou in items(call(org, "list_organizational_units_for_parent", ParentId=p["Id"]), "OrganizationalUnits"):
            parents[ou["Id"]] = p
            queue.append({"Id": ou["Id"], "Type": "ORGANIZATIONAL_UNIT", "Name": ou["Name"]})
        for a in items(call(org, "list_accounts_for_parent", ParentId=p["Id"]), "Accounts"):
            parents[a["Id"]] = p
    return parents


def scp_attachments(org):
    """{target id: [policy with Content]}: every SCP's targets, read once."""
    attached = {}
    for p in items(call(org, "list_policies", Filter="SERVICE_CONTROL_POLICY"), "Policies"):
        targets = items(call(org, "list_targets_for_policy", PolicyId=p["Id"]), "Targets")
        if targets:
            content = call(org, "describe_policy", PolicyId=p["Id"])["Policy"]["Content"]
            for t in targets:
                attached.setdefault(t["TargetId"], []).append(dict(p, Content=content))
    return attached


def needs_information(account, management):
    """orgpreflight's rule: GetAccountInformation only where it can change a verdict (a recent CREATED member)."""
    if account["Id"] == management:
        return False
    if "State" not in account or account.get("JoinedMethod") is None:
        return True
    joined = account["JoinedTimestamp"]
    joined = joined.timestamp() if hasattr(joined, "timestamp") else float(joined)
    return account["JoinedMethod"] == "CREATED" and time.time() < joined + 5 * 86400


def iam_evidence(iam):
    ev = {}
    for _ in range(20):
        g = call(iam, "generate_credential_report")
        if g.get("State") == "COMPLETE" or "error" in g:
            break
    ev["credential_report"] = call(iam, "get_credential_report")
    ev["account_summary"] = call(iam, "get_account_summary")
    users = []
    for u in items(call(iam, "list_users"), "Users"):
        name = u["UserName"]
        user = {"UserName": name, "User": call(iam, "get_user", UserName=name),
                "LoginProfile": call(iam, "get_login_profile", ok_errors=("NoSuchEntity",), UserName=name),
                "MFADevices": items(call(iam, "list_mfa_devices", UserName=name), "MFADevices"),
                "AttachedPolicies": items(call(iam, "list_attached_user_policies", UserName=name), "AttachedPolicies"),
                "InlinePolicies": [call(iam, "get_user_policy", UserName=name, PolicyName=p)
                                   for p in items(call(iam, "list_user_policies", UserName=name), "PolicyNames")],
                "Groups": []}
        for g in items(call(iam, "list_groups_for_user", UserName=name), "Groups"):
            gn = g["GroupName"]
            user["Groups"].append({
                "GroupName": gn,
                "AttachedPolicies": items(call(iam, "list_attached_group_policies", GroupName=gn), "AttachedPolicies"),
                "InlinePolicies": [call(iam, "get_group_policy", GroupName=gn, PolicyName=p)
                                   for p in items(call(iam, "list_group_policies", GroupName=gn), "PolicyNames")]})
        users.append(user)
    ev["users"] = users
    # the default version's document of each managed policy attached to a user or a group, once per ARN
    arns = {p["PolicyArn"] for u in users for x in [u] + u["Groups"] for p in x["AttachedPolicies"]}
    ev["policies"] = {}
    for arn in sorted(arns):
        got = call(iam, "get_policy", PolicyArn=arn)
        version = got.get("Policy", {}).get("DefaultVersionId")
        ev["policies"][arn] = call(iam, "get_policy_version", PolicyArn=arn, VersionId=version) if version else got
    return ev


def account_evidence(account, management):
    c = clients()
    org, acct = c["organizations"], c["account"]
    aid = account["Id"]
    ev = {"account": account}
    path, current = [], aid
    while not current.startswith("r-"):
        p = ORG["parents"][current]
        path.insert(0, p)
        current = p["Id"]
    ev["parents"] = path
    ev["scps"] = [{"TargetId": t, "Policies": ORG["scps"].get(t, [])} for t in [p["Id"] for p in path] + [aid]]
    ev["delegated_services"] = (call(org, "list_delegated_services_for_account", AccountId=aid)
                                if aid in ORG["delegated"] else {"DelegatedServices": []})
    target = {} if aid == management else {"AccountId": aid}
    if needs_information(account, management):
        ev["information"] = call(acct, "get_account_information", **target)
    ev["contact"] = call(acct, "get_contact_information", **target)
    ev["alternate_contacts"] = {t: call(acct, "get_alternate_contact", ok_errors=("ResourceNotFoundException",),
                                        AlternateContactType=t, **target) for t in ("BILLING", "OPERATIONS", "SECURITY")}
    if aid == management:
        iam = c["iam"]
    else:
        r = call(c["sts"], "assume_role", RoleArn="arn:aws:iam::%s:role/%s" % (aid, ROLE), RoleSessionName="orgpreflight")
        if "error" in r:
            return ev
        cr = r["Credentials"]
        keys = dict(aws_access_key_id=cr["AccessKeyId"], aws_secret_access_key=cr["SecretAccessKey"],
                    aws_session_token=cr["SessionToken"], config=CONFIG)
        ev["caller"] = call(LOCAL.session.client("sts", **keys), "get_caller_identity")
        iam = LOCAL.session.client("iam", **keys)
    ev["iam"] = iam_evidence(iam)
    return ev


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    c = clients()
    s = LOCAL.session
    org = c["organizations"]
    bundle = {"caller": call(c["sts"], "get_caller_identity")}
    bundle["organization"] = call(org, "describe_organization")
    accounts = items(call(org, "list_accounts"), "Accounts")
    bundle["roots"] = call(org, "list_roots")
    ORG["parents"] = tree(org, items(bundle["roots"], "Roots"))
    bundle["delegated_administrators"] = call(org, "list_delegated_administrators")
    ORG["delegated"] = {a["Id"] for a in items(bundle["delegated_administrators"], "DelegatedAdministrators")}
    bundle["service_access"] = call(org, "list_aws_service_access_for_organization")
    bundle["sso_instances"] = call(s.client("sso-admin", config=CONFIG), "list_instances")
    bundle["organizations_features"] = call(c["iam"], "list_organizations_features")
    ORG["scps"] = scp_attachments(org)
    management = bundle["organization"]["Organization"]["MasterAccountId"]
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        bundle["accounts"] = list(pool.map(lambda a: account_evidence(a, management), accounts))
    with open(args.output, "w") as f:
        json.dump(bundle, f, default=str)
    print(json.dumps({"calls": COUNT.calls, "retries": COUNT.retries, "errors": COUNT.errors,
                      "throttling_errors": COUNT.throttling}))


if __name__ == "__main__":
    main()
