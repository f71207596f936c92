"""The requests `orgpreflight collect` sends, per operation, for the benchmark's organization: the one place to
update when a collector adds a call (then re-record: python3 bench/record.py).

The call list is the collector's (src/collect/discover.c, src/collect/collect.c, docs/live-audit.md):
  once         the operator's GetCallerIdentity and the organization's discovery calls
  pages        ListAccounts, ceil(accounts / 20) pages (the management account and N members)
  per account  (the management account included) ListParents, ListPoliciesForTarget, ListDelegatedServicesForAccount,
               the Account API reads, the IAM reads
  per member   AssumeRole + GetCallerIdentity with the role session, GetPrimaryEmail
  per OU       ListParents, DescribeOrganizationalUnit, ListPoliciesForTarget (once each, however many accounts)
  per root     ListPoliciesForTarget; per SCP in use: DescribePolicy
  per IAM user GetUser, GetLoginProfile, ListMFADevices, ListAttachedUserPolicies, ListUserPolicies,
               ListGroupsForUser, GetUserPolicy per inline policy; per group of the user ListAttachedGroupPolicies,
               ListGroupPolicies, GetGroupPolicy per inline policy
  per managed policy attached in an account (to a user or a group): GetPolicy, GetPolicyVersion (once per ARN)
Without throttling, every one of them is sent exactly once: retries would show up as extra requests.
"""
import json
import math
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ANSWERS = os.path.join(HERE, "recorded", "answers.json")
PAGE_SIZE = 20

ONCE = {"sts:GetCallerIdentity": 1, "organizations:DescribeOrganization": 1, "organizations:ListRoots": 1,
        "organizations:ListDelegatedAdministrators": 1, "organizations:ListAWSServiceAccessForOrganization": 1,
        "sso:ListInstances": 1, "iam:ListOrganizationsFeatures": 1}
PAGES = "organizations:ListAccounts"
PER_ACCOUNT = {"organizations:ListParents": 1, "organizations:ListPoliciesForTarget": 1,
               "organizations:ListDelegatedServicesForAccount": 1,
               "account:GetAccountInformation": 1, "account:GetContactInformation": 1, "account:GetAlternateContact": 3,
               "iam:GenerateCredentialReport": 1, "iam:GetCredentialReport": 1, "iam:GetAccountSummary": 1,
               "iam:ListUsers": 1}
PER_MEMBER = {"sts:AssumeRole": 1, "sts:GetCallerIdentity": 1, "account:GetPrimaryEmail": 1}
PER_OU = {"organizations:ListParents": 1, "organizations:DescribeOrganizationalUnit": 1,
          "organizations:ListPoliciesForTarget": 1}
PER_ROOT = {"organizations:ListPoliciesForTarget": 1}
PER_POLICY = {"organizations:DescribePolicy": 1}
PER_USER = {"iam:GetUser": 1, "iam:GetLoginProfile": 1, "iam:ListMFADevices": 1, "iam:ListAttachedUserPolicies": 1,
            "iam:ListUserPolicies": 1, "iam:ListGroupsForUser": 1}
PER_MANAGED_POLICY = {"iam:GetPolicy": 1, "iam:GetPolicyVersion": 1}
PER_USER_POLICY = {"iam:GetUserPolicy": 1}
PER_GROUP = {"iam:ListAttachedGroupPolicies": 1, "iam:ListGroupPolicies": 1}
PER_GROUP_POLICY = {"iam:GetGroupPolicy": 1}


def _answers(path):
    return json.load(open(path))


def _count(answers, operation, profile, tag):
    """Occurrences of <tag> in the recorded answers of one operation for one profile."""
    return sum(v["body"].count("<%s>" % tag) for k, v in answers.items() if k.startswith("%s|%s|" % (operation, profile)))


def shape(path=ANSWERS):
    """The organization's shape, read from the recorded answers: OUs, roots, SCPs, and IAM per profile."""
    doc = _answers(path)
    a = doc["answers"]
    ous = sum(1 for k in a if k.startswith("organizations:DescribeOrganizationalUnit|"))
    policies = sum(1 for k in a if k.startswith("organizations:DescribePolicy|"))
    roots = len(re.findall(r'"Id":\s*"r-', next(v["body"] for k, v in a.items() if k.startswith("organizations:ListRoots|"))))
    iam = {}
    for p in doc["profiles"]:
        attached = "".join(v["body"] for k, v in a.items() if k.startswith(("iam:ListAttachedUserPolicies|%s|" % p,
                                                                            "iam:ListAttachedGroupPolicies|%s|" % p)))
        iam[p] = {"users": _count(a, "iam:ListUsers", p, "UserName"),
                  "managed_policies": len(set(re.findall(r"<PolicyArn>([^<]+)</PolicyArn>", attached))),
                  "user_policies": _count(a, "iam:ListUserPolicies", p, "member"),
                  "groups": _count(a, "iam:ListGroupsForUser", p, "GroupName"),
                  "group_policies": _count(a, "iam:ListGroupPolicies", p, "member")}
    members = sorted(p for p in doc["profiles"] if p != "management")
    return {"ous": ous, "roots": roots, "policies": policies, "iam": iam, "member_profiles": members}


def _add(total, table, times):
    for op, n in table.items():
        total[op] = total.get(op, 0) + n * times


def expected(members, path=ANSWERS):
    """{operation: requests} for an organization of `members` member accounts (member i has profile i mod 3)."""
    s = shape(path)
    accounts = members + 1
    total = {}
    _add(total, ONCE, 1)
    _add(total, {PAGES: 1}, math.ceil(accounts / PAGE_SIZE))
    _add(total, PER_ACCOUNT, accounts)
    _add(total, PER_MEMBER, members)
    _add(total, PER_OU, s["ous"])
    _add(total, PER_ROOT, s["roots"])
    _add(total, PER_POLICY, s["policies"])
    profiles = s["member_profiles"]
    count = {p: len(range(i, members, len(profiles))) for i, p in enumerate(profiles)}
    count["management"] = 1
    for p, n in count.items():
        iam = s["iam"][p]
        _add(total, PER_USER, n * iam["users"])
        _add(total, PER_USER_POLICY, n * iam["user_policies"])
        _add(total, PER_GROUP, n * iam["groups"])
        _add(total, PER_GROUP_POLICY, n * iam["group_policies"])
        _add(total, PER_MANAGED_POLICY, n * iam["managed_policies"])
    return {k: v for k, v in sorted(total.items()) if v}


if __name__ == "__main__":
    import sys
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    e = expected(n)
    print(json.dumps(e, indent=1))
    print("total", sum(e.values()), "per member %.2f" % ((sum(e.values()) - sum(expected(0).values())) / max(n, 1)))
