/*
 * The evidence providers, one row per key (providers.h). Adding an API-backed key is one row here: its operations
 * (each in the allow-list of src/aws/model.c), its IAM actions (tests hold docs/iam-policy-*.json to them), its
 * line of docs/evidence.md (tests hold the document to it) and the job or scan that collects it.
 */
#include <string.h>

#include "collect/collect_internal.h"
#include "collect/providers.h"

#define ORG OPF_SUBJECT_ORGANIZATION
#define ACCOUNT OPF_SUBJECT_ACCOUNT
#define OPERATOR OPF_SUBJECT_OPERATOR_SESSION
#define TARGET OPF_SUBJECT_TARGET_ORGANIZATION
#define ONCE OPF_SCOPE_ORGANIZATION
#define EACH OPF_SCOPE_ACCOUNT
#define REGION OPF_SCOPE_REGION
#define AS_OPERATOR OPF_CALLER_OPERATOR
#define AS_MEMBER OPF_CALLER_MEMBER
#define AS_TARGET OPF_CALLER_TARGET
#define LOCAL OPF_CALLER_LOCAL

static const struct opf_provider s_providers[] = {
    /* the organization, read by discovery (discover.c, tree.c) and organization.c */
    {"organizations.organization", ORG, ONCE, AS_OPERATOR, "organizations:DescribeOrganization",
     "organizations:DescribeOrganization", "DescribeOrganization", .run = NULL},
    {"organizations.accounts", ORG, ONCE, AS_OPERATOR, "organizations:ListAccounts", "organizations:ListAccounts",
     "ListAccounts", .run = NULL},
    {"organizations.roots", ORG, ONCE, AS_OPERATOR, "organizations:ListRoots", "organizations:ListRoots", "ListRoots",
     .run = NULL},
    {"organizations.delegated_administrators", ORG, ONCE, AS_OPERATOR, "organizations:ListDelegatedAdministrators",
     "organizations:ListDelegatedAdministrators", "ListDelegatedAdministrators", .run = NULL},
    {"organizations.service_access", ORG, ONCE, AS_OPERATOR, "organizations:ListAWSServiceAccessForOrganization",
     "organizations:ListAWSServiceAccessForOrganization", "ListAWSServiceAccessForOrganization", .run = NULL},
    {"sso_admin.instances", ORG, ONCE, AS_OPERATOR, "sso-admin:ListInstances", "sso:ListInstances",
     "sso-admin ListInstances (management account)", .run = NULL},
    {"iam.organizations_features", ORG, ONCE, AS_OPERATOR, "iam:ListOrganizationsFeatures",
     "iam:ListOrganizationsFeatures", "iam ListOrganizationsFeatures", .run = NULL},
    {"cloudformation.stack_sets", ORG, REGION, AS_OPERATOR,
     "cloudformation:ListStackSets+cloudformation:DescribeStackSet+cloudformation:ListStackInstances",
     "cloudformation:ListStackSets cloudformation:DescribeStackSet cloudformation:ListStackInstances",
     "cloudformation ListStackSets (`Status=ACTIVE`) + DescribeStackSet + ListStackInstances", .run = NULL},
    {"controltower.enabled_baselines", ORG, ONCE, AS_OPERATOR,
     "controltower:ListLandingZones+controltower:ListEnabledBaselines",
     "controltower:ListLandingZones controltower:ListEnabledBaselines",
     "controltower ListLandingZones + ListEnabledBaselines", .run = NULL},
    {"local.sso_start_urls", ORG, ONCE, LOCAL, "local:aws-config", "", "`local:aws-config`", .run = NULL},

    /* each account: the organization's reads (account_org.c) and the role session (member.c), then the jobs */
    {"organizations.account", ACCOUNT, EACH, AS_OPERATOR, "organizations:ListAccounts", "organizations:ListAccounts",
     "ListAccounts / DescribeAccount", .run = NULL},
    {"organizations.parents", ACCOUNT, EACH, AS_OPERATOR,
     "organizations:ListOrganizationalUnitsForParent+organizations:ListAccountsForParent",
     "organizations:ListOrganizationalUnitsForParent organizations:ListAccountsForParent",
     "the organization's tree, read once: ListOrganizationalUnitsForParent + ListAccountsForParent from each root "
     "down", .run = NULL},
    {"organizations.service_control_policies", ACCOUNT, EACH, AS_OPERATOR,
     "organizations:ListPolicies+organizations:ListTargetsForPolicy+organizations:DescribePolicy",
     "organizations:ListPolicies organizations:ListTargetsForPolicy organizations:DescribePolicy",
     "every SCP's attachments, read once: ListPolicies + ListTargetsForPolicy + DescribePolicy; the policies of each "
     "target along the path", .run = NULL},
    {"organizations.delegated_services", ACCOUNT, EACH, AS_OPERATOR, "organizations:ListDelegatedServicesForAccount",
     "organizations:ListDelegatedServicesForAccount",
     "ListDelegatedServicesForAccount for the accounts ListDelegatedAdministrators names; for the others the empty "
     "list, with the source `organizations:ListDelegatedAdministrators`", .run = NULL},
    {"sts.assume_role", ACCOUNT, EACH, AS_OPERATOR, "sts:AssumeRole", "sts:AssumeRole",
     "sts AssumeRole into the audit role", .run = NULL},
    {"iam.credential_report", ACCOUNT, EACH, AS_MEMBER, "iam:GenerateCredentialReport+iam:GetCredentialReport",
     "iam:GenerateCredentialReport iam:GetCredentialReport", "iam GenerateCredentialReport + GetCredentialReport",
     .run = opf_collect_credential_report_job},
    {"iam.account_summary", ACCOUNT, EACH, AS_MEMBER, "iam:GetAccountSummary", "iam:GetAccountSummary",
     "iam GetAccountSummary", .run = opf_collect_account_summary_job},
    {"iam.users", ACCOUNT, EACH, AS_MEMBER, OPF_COLLECT_USERS_SOURCE,
     "iam:ListUsers iam:GetUser iam:GetLoginProfile iam:ListMFADevices iam:ListAttachedUserPolicies "
     "iam:ListUserPolicies iam:GetUserPolicy iam:ListGroupsForUser iam:ListAttachedGroupPolicies "
     "iam:ListGroupPolicies iam:GetGroupPolicy iam:GetPolicy iam:GetPolicyVersion",
     "iam ListUsers + per user GetUser, GetLoginProfile, ListMFADevices, ListAttachedUserPolicies, ListUserPolicies, "
     "GetUserPolicy, ListGroupsForUser, ListAttachedGroupPolicies, ListGroupPolicies, GetGroupPolicy; per attached "
     "managed policy and per permissions boundary GetPolicy + GetPolicyVersion (its default version, read once per "
     "policy ARN across accounts)",
     .run = opf_collect_users_job},
    {"iam.account_aliases", ACCOUNT, EACH, AS_MEMBER, "iam:ListAccountAliases", "iam:ListAccountAliases",
     "iam ListAccountAliases", .run = opf_collect_aliases_job},
    {"iam.access_role", ACCOUNT, EACH, AS_MEMBER, "iam:GetRole", "iam:GetRole",
     "iam GetRole of the configured access role", .run = opf_collect_access_role_job},
    {"iam.roles", ACCOUNT, EACH, AS_MEMBER, "iam:ListRoles", "iam:ListRoles", "iam ListRoles",
     .run = opf_collect_roles_job},
    {"s3.bucket_policies", ACCOUNT, EACH, AS_MEMBER, "s3:ListBuckets+s3:GetBucketPolicy",
     "s3:ListAllMyBuckets s3:GetBucketPolicy", "s3 ListBuckets + GetBucketPolicy", .scan = &opf_scan_buckets},
    {"kms.key_policies", ACCOUNT, REGION, AS_MEMBER, "kms:ListKeys+kms:GetKeyPolicy",
     "ec2:DescribeRegions kms:ListKeys kms:GetKeyPolicy", "kms ListKeys + GetKeyPolicy, per region",
     .scan = &opf_scan_keys},
    {"sns.topic_policies", ACCOUNT, REGION, AS_MEMBER, "sns:ListTopics+sns:GetTopicAttributes",
     "ec2:DescribeRegions sns:ListTopics sns:GetTopicAttributes", "sns ListTopics + GetTopicAttributes, per region",
     .scan = &opf_scan_topics},
    {"sqs.queue_policies", ACCOUNT, REGION, AS_MEMBER, "sqs:ListQueues+sqs:GetQueueAttributes",
     "ec2:DescribeRegions sqs:ListQueues sqs:GetQueueAttributes", "sqs ListQueues + GetQueueAttributes, per region",
     .scan = &opf_scan_queues},
    {"ram.resource_shares", ACCOUNT, REGION, AS_MEMBER, "ram:GetResourceShares",
     "ec2:DescribeRegions ram:GetResourceShares",
     "ram GetResourceShares (`resourceOwner=OTHER-ACCOUNTS`), per region", .scan = &opf_scan_shares},
    {"account.information", ACCOUNT, EACH, AS_OPERATOR, "account:GetAccountInformation",
     "account:GetAccountInformation",
     "account GetAccountInformation, only where it can change a verdict: a member whose ListAccounts entry has no "
     "`State`, or that the organization created (`JoinedMethod` `CREATED`) less than `migration.wait_period_days` + 1 "
     "days before collection; absent otherwise (`account-verified` then reads `organizations.account`'s `State`, "
     "`wait-period` its `JoinedTimestamp`)",
     .run = opf_collect_information_job},
    {"account.contact_information", ACCOUNT, EACH, AS_OPERATOR, "account:GetContactInformation",
     "account:GetContactInformation", "account GetContactInformation", .run = opf_collect_contact_job},
    {"account.primary_email", ACCOUNT, EACH, AS_OPERATOR, "account:GetPrimaryEmail", "",
     "account GetPrimaryEmail: not collected by this version (the root address is `organizations.account`'s "
     "`Email`, see docs/aws-client.md); read by `root-email-reachable` when a bundle has it", .run = NULL},
    {"account.alternate_contacts", ACCOUNT, EACH, AS_OPERATOR, "account:GetAlternateContact",
     "account:GetAlternateContact", "account GetAlternateContact ×3", .run = opf_collect_alternates_job},
    {"sso_admin.account_assignments", ACCOUNT, EACH, AS_OPERATOR,
     "sso-admin:ListPermissionSetsProvisionedToAccount+sso-admin:ListAccountAssignments"
     "+sso-admin:DescribePermissionSet",
     "sso:ListInstances sso:ListPermissionSetsProvisionedToAccount sso:ListAccountAssignments "
     "sso:DescribePermissionSet",
     "sso-admin ListPermissionSetsProvisionedToAccount + ListAccountAssignments + DescribePermissionSet (management "
     "account, instance from ListInstances)",
     .run = opf_collect_assignments_job},
    {"probe.dns", ACCOUNT, EACH, LOCAL, "probe:dns", "", "`probe:dns` (c-ares) for the root e-mail's domain",
     .run = opf_collect_probes_job},
    {"probe.smtp", ACCOUNT, EACH, LOCAL, "probe:smtp", "", "`probe:smtp` (only with `root_email.smtp_probe`)",
     .run = opf_collect_probes_job},
    {"attestation.FACT", ACCOUNT, EACH, LOCAL, "attestation", "",
     "`attestation` (injected at audit time from the attestations file)", .run = NULL},

    /* the operator's session (discover.c) */
    {"sts.caller_identity", OPERATOR, ONCE, AS_OPERATOR, "sts:GetCallerIdentity", "", "sts GetCallerIdentity",
     .run = NULL},
    {"credentials.source", OPERATOR, ONCE, LOCAL, "local:credential-chain", "", "`local:credential-chain`",
     .run = NULL},
    {"iam.operator_role", OPERATOR, ONCE, AS_OPERATOR, "iam:GetRole", "iam:GetRole",
     "iam GetRole of the caller's role (assumed-role sessions that are not Identity Center's)", .run = NULL},

    /* the target organization (discover.c, with --target-profile) */
    {"organizations.organization", TARGET, ONCE, AS_TARGET, "organizations:DescribeOrganization",
     "organizations:DescribeOrganization", "DescribeOrganization with the target profile", .run = NULL},
    {"organizations.handshakes", TARGET, ONCE, AS_TARGET, "organizations:ListHandshakesForOrganization",
     "organizations:ListHandshakesForOrganization", "ListHandshakesForOrganization", .run = NULL},
    {"organizations.accounts", TARGET, ONCE, AS_TARGET, "organizations:ListAccounts", "organizations:ListAccounts",
     "ListAccounts", .run = NULL},
    {"sso_admin.instances", TARGET, ONCE, AS_TARGET, "sso-admin:ListInstances", "sso:ListInstances",
     "sso-admin ListInstances", .run = NULL},
};

const struct opf_provider *opf_provider_at(size_t i)
{
    return i < sizeof(s_providers) / sizeof(s_providers[0]) ? &s_providers[i] : NULL;
}

const struct opf_provider *opf_provider_find(const char *key)
{
    for (const struct opf_provider *p = s_providers; p < s_providers + sizeof(s_providers) / sizeof(s_providers[0]);
         p++) {
        size_t n = strlen(p->key);
        bool pattern = n > 5 && strcmp(p->key + n - 5, ".FACT") == 0; /* a family of keys: "attestation.*" */
        if (pattern ? strncmp(key, p->key, n - 4) == 0 && key[n - 4] : strcmp(key, p->key) == 0)
            return p;
    }
    return NULL;
}

bool opf_collect_wants_regions(const struct opf_collect *k)
{
    for (const struct opf_provider *p = s_providers; p < s_providers + sizeof(s_providers) / sizeof(s_providers[0]);
         p++)
        if (p->subject == OPF_SUBJECT_ACCOUNT && p->scope == OPF_SCOPE_REGION && opf_collect_want(k, p->key))
            return true;
    return false;
}
