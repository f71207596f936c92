"""The requests `orgpreflight collect` sends, per operation, for the benchmark's organization: the one place to
update when a collector adds a call (then re-record: python3 bench/record.py).

The call list is the collector's (src/collect/discover.c, tree.c, collect.c, docs/aws-client.md):
  once         the operator's GetCallerIdentity, the organization's discovery calls and ListPolicies
  pages        ListAccounts, ceil(accounts / 20) pages (the management account and N members)
  per parent   (the root and each OU) ListOrganizationalUnitsForParent, and ListAccountsForParent in pages of 20
  per SCP      ListTargetsForPolicy in pages of 20, DescribePolicy when it has a target
  per account  (the management account included) the Account API's contact reads, the IAM reads;
               ListDelegatedServicesForAccount only for the delegated administrators (none here)
  per member   AssumeRole + GetCallerIdentity with the role session
  recent       GetAccountInformation for the members created within the waiting period: every 100th
  per IAM user GetUser, GetLoginProfile, ListMFADevices, ListAttachedUserPolicies, ListUserPolicies,
               ListGroupsForUser, GetUserPolicy per inline policy; per group of the user ListAttachedGroupPolicies,
               ListGroupPolicies, GetGroupPolicy per inline policy
  per managed policy attached in an account (to a user or a group): GetPolicy, GetPolicyVersion (once per ARN)
  default      (every check: --default-audit) the tables DEFAULT_* below
Without throttling, every one of them is sent exactly once: retries would show up as extra requests.
"""
import json
import math
import os
import re

# The checks whose evidence all three clients gather (the migration blockers). The hazard checks' regional
# resource scans (S3, KMS, SNS, SQS, RAM in every enabled region) are not in the recorded answers nor in the
# peers' scripts, so orgpreflight collects only what these checks read: the same calls as the peers.
BENCH_CHECKS = ("account-state", "account-verified", "break-glass-user", "delegated-administrator",
                "management-account-last", "operator-session-not-sso", "payment-method", "root-email-reachable",
                "root-recovery", "scp-denies-leave", "sso-alias-conflict", "wait-period")

HERE = os.path.dirname(os.path.abspath(__file__))
ANSWERS = os.path.join(HERE, "recorded", "answers.json")
PAGE_SIZE = 20

ONCE = {"sts:GetCallerIdentity": 1, "organizations:DescribeOrganization": 1, "organizations:ListRoots": 1,
        "organizations:ListDelegatedAdministrators": 1, "organizations:ListAWSServiceAccessForOrganization": 1,
        "sso:ListInstances": 1, "iam:ListOrganizationsFeatures": 1, "organizations:ListPolicies": 1}
PAGES = "organizations:ListAccounts"
PER_ACCOUNT = {"account:GetContactInformation": 1, "account:GetAlternateContact": 3,
               "iam:GenerateCredentialReport": 1, "iam:GetCredentialReport": 1, "iam:GetAccountSummary": 1,
               "iam:ListUsers": 1}
PER_MEMBER = {"sts:AssumeRole": 1, "sts:GetCallerIdentity": 1}
RECENT_EVERY = 100  # replay_server.py: members 0, 100, 200, ... were created the day before
PER_RECENT_MEMBER = {"account:GetAccountInformation": 1}
PER_PARENT = {"organizations:ListOrganizationalUnitsForParent": 1}
PER_PARENT_PAGE = "organizations:ListAccountsForParent"
PER_POLICY_PAGE = "organizations:ListTargetsForPolicy"
PER_POLICY = {"organizations:DescribePolicy": 1}
# The default audit (every check) adds the hazard checks' evidence: roles, the access role, Identity Center
# assignments, and each account's resource policies and shares in every enabled region (DescribeRegions: the 17
# regions AWS enables by default, record.py). The recorded accounts hold no buckets, keys, topics, queues,
# StackSets or permission sets: listings only.
ANSWERS_DEFAULT = os.path.join(HERE, "recorded", "answers-default.json")
DEFAULT_ONCE = {"controltower:List-landingzones": 1, "ec2:DescribeRegions": 1}
DEFAULT_PER_REGION_ONCE = {"cloudformation:ListStackSets": 1}
DEFAULT_PER_ACCOUNT = {"iam:ListRoles": 1, "iam:GetRole": 1, "s3:ListBuckets": 1,
                       "sso:ListPermissionSetsProvisionedToAccount": 1}
DEFAULT_PER_MEMBER = {"ec2:DescribeRegions": 1}
DEFAULT_PER_ACCOUNT_REGION = {"kms:ListKeys": 1, "sns:ListTopics": 1, "sqs:ListQueues": 1, "ram:Getresourceshares": 1}

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


def _listing(a, operation, list_key, id_key, members):
    """{parameter: (entries that are not recorded members, [profiles of the recorded members listed])} for an
    organization-wide list the replay server expands."""
    out = {}
    for k, v in a.items():
        if k.startswith(operation + "|"):
            entries = json.loads(v["body"]).get(list_key) or []
            named = [members[e[id_key]] for e in entries if e[id_key] in members]
            out[k.split("|", 2)[2]] = (len(entries) - len(named), named)
    return out


def shape(path=ANSWERS):
    """The organization's shape, read from the recorded answers: parents, SCPs, and IAM per profile."""
    doc = _answers(path)
    a = doc["answers"]
    members = {i: p for p, i in doc["profiles"].items() if p != "management"}
    iam = {}
    for p in doc["profiles"]:
        attached = "".join(v["body"] for k, v in a.items() if k.startswith(("iam:ListAttachedUserPolicies|%s|" % p,
                                                                            "iam:ListAttachedGroupPolicies|%s|" % p)))
        iam[p] = {"users": _count(a, "iam:ListUsers", p, "UserName"),
                  "managed_policies": len(set(re.findall(r"<PolicyArn>([^<]+)</PolicyArn>", attached))),
                  "user_policies": _count(a, "iam:ListUserPolicies", p, "member"),
                  "groups": _count(a, "iam:ListGroupsForUser", p, "GroupName"),
                  "group_policies": _count(a, "iam:ListGroupPolicies", p, "member")}
    regions = [v["body"].count("<regionName>") for k, v in a.items() if k.startswith("ec2:DescribeRegions|")]
    return {"parents": _listing(a, PER_PARENT_PAGE, "Accounts", "Id", members), "regions": max(regions or [0]),
            "policies": _listing(a, PER_POLICY_PAGE, "Targets", "TargetId", members),
            "iam": iam, "member_profiles": sorted(members.values())}


def _pages(fixed, profiles, count):
    return max(1, math.ceil((fixed + sum(count[p] for p in profiles)) / PAGE_SIZE))


def _add(total, table, times):
    for op, n in table.items():
        total[op] = total.get(op, 0) + n * times


def expected(members, default_audit=False):
    """{operation: requests} for an organization of `members` member accounts (member i has profile i mod 3), for
    the blocker checks or, with default_audit, for every check."""
    s = shape(ANSWERS_DEFAULT if default_audit else ANSWERS)
    accounts = members + 1
    total = {}
    if default_audit:
        _add(total, DEFAULT_ONCE, 1)
        _add(total, DEFAULT_PER_REGION_ONCE, s["regions"])
        _add(total, DEFAULT_PER_ACCOUNT, accounts)
        _add(total, DEFAULT_PER_MEMBER, members)
        _add(total, DEFAULT_PER_ACCOUNT_REGION, accounts * s["regions"])
    _add(total, ONCE, 1)
    _add(total, {PAGES: 1}, math.ceil(accounts / PAGE_SIZE))
    _add(total, PER_ACCOUNT, accounts)
    _add(total, PER_MEMBER, members)
    _add(total, PER_RECENT_MEMBER, math.ceil(members / RECENT_EVERY))
    profiles = s["member_profiles"]
    count = {p: len(range(i, members, len(profiles))) for i, p in enumerate(profiles)}
    _add(total, PER_PARENT, len(s["parents"]))
    for fixed, named in s["parents"].values():
        _add(total, {PER_PARENT_PAGE: 1}, _pages(fixed, named, count))
    for fixed, named in s["policies"].values():
        _add(total, {PER_POLICY_PAGE: 1}, _pages(fixed, named, count))
        _add(total, PER_POLICY, 1 if fixed + sum(count[p] for p in named) else 0)
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
    default = "--default-audit" in sys.argv
    e = expected(n, default)
    print(json.dumps(e, indent=1))
    print("total", sum(e.values()), "per member %.2f" % ((sum(e.values()) - sum(expected(0, default).values())) / max(n, 1)))
