/*
 * The read-only allow-list: every operation orgpreflight may send, with what the client needs to send it.
 * Names and pagination tokens follow botocore's service models (service-2.json, paginators-1.json).
 * Anything not listed here cannot be sent: the tool never changes anything in AWS.
 */
#include <string.h>

#include "aws/model.h"

#define SERVICE(n, sign, host, env, proto, target, version, glob, ...)                                             \
    {.name = n, .signing_name = sign, .host_prefix = host, .env_suffix = env, .protocol = proto,                     \
     .target_prefix = target, .api_version = version, .global = glob, __VA_ARGS__}

static const struct opf_aws_service s_services[] = {
    SERVICE("organizations", "organizations", "organizations", "ORGANIZATIONS", OPF_PROTO_JSON, "AWSOrganizationsV20161128", NULL, true),
    SERVICE("iam", "iam", "iam", "IAM", OPF_PROTO_QUERY, NULL, "2010-05-08", true),
    SERVICE("account", "account", "account", "ACCOUNT", OPF_PROTO_REST_JSON, NULL, NULL, true),
    SERVICE("sts", "sts", "sts", "STS", OPF_PROTO_QUERY, NULL, "2011-06-15", false),
    SERVICE("sso-admin", "sso", "sso", "SSO_ADMIN", OPF_PROTO_JSON, "SWBExternalService", NULL, false),
    SERVICE("ec2", "ec2", "ec2", "EC2", OPF_PROTO_EC2, NULL, "2016-11-15", false),
    SERVICE("s3", "s3", "s3", "S3", OPF_PROTO_REST_XML, NULL, NULL, false),
    SERVICE("kms", "kms", "kms", "KMS", OPF_PROTO_JSON, "TrentService", NULL, false),
    SERVICE("sns", "sns", "sns", "SNS", OPF_PROTO_QUERY, NULL, "2010-03-31", false),
    SERVICE("sqs", "sqs", "sqs", "SQS", OPF_PROTO_JSON, "AmazonSQS", NULL, false, .json_version = "1.0"),
    SERVICE("ram", "ram", "ram", "RAM", OPF_PROTO_REST_JSON, NULL, NULL, false),
    SERVICE("cloudformation", "cloudformation", "cloudformation", "CLOUDFORMATION", OPF_PROTO_QUERY, NULL, "2010-05-15", false),
    SERVICE("controltower", "controltower", "controltower", "CONTROLTOWER", OPF_PROTO_REST_JSON, NULL, NULL, false),
};

#define OP(svc, op, ...) {.service = svc, .name = op, __VA_ARGS__}
#define TOKENS(in, out, res) .input_token = in, .output_token = out, .result_key = res
#define PAGED(svc, op, res) OP(svc, op, TOKENS("NextToken", "NextToken", res))
#define MARKED(op, res, list) OP("iam", op, TOKENS("Marker", "Marker", res), .lists = list)
#define PLAIN(svc, op) OP(svc, op, .lists = NULL)
#define QUERY(svc, op, list) OP(svc, op, .lists = list)
#define REST(op, path) OP("account", op, .http_path = path)

static const struct opf_aws_operation s_operations[] = {
    QUERY("sts", "GetCallerIdentity", NULL),
    QUERY("sts", "AssumeRole", NULL),
    QUERY("sts", "AssumeRoleWithWebIdentity", NULL),
    PLAIN("organizations", "DescribeOrganization"),
    PAGED("organizations", "ListAccounts", "Accounts"),
    PLAIN("organizations", "DescribeAccount"),
    PAGED("organizations", "ListParents", "Parents"),
    PAGED("organizations", "ListRoots", "Roots"),
    PAGED("organizations", "ListOrganizationalUnitsForParent", "OrganizationalUnits"),
    PAGED("organizations", "ListAccountsForParent", "Accounts"),
    PLAIN("organizations", "DescribeOrganizationalUnit"),
    PAGED("organizations", "ListDelegatedAdministrators", "DelegatedAdministrators"),
    PAGED("organizations", "ListDelegatedServicesForAccount", "DelegatedServices"),
    PAGED("organizations", "ListAWSServiceAccessForOrganization", "EnabledServicePrincipals"),
    PAGED("organizations", "ListPoliciesForTarget", "Policies"),
    PAGED("organizations", "ListPolicies", "Policies"),
    PAGED("organizations", "ListTargetsForPolicy", "Targets"),
    PLAIN("organizations", "DescribePolicy"),
    PAGED("organizations", "ListHandshakesForOrganization", "Handshakes"),
    QUERY("iam", "GenerateCredentialReport", NULL),
    QUERY("iam", "GetCredentialReport", NULL),
    QUERY("iam", "GetAccountSummary", NULL),
    MARKED("ListUsers", "Users", "Users"),
    QUERY("iam", "GetLoginProfile", NULL),
    MARKED("ListMFADevices", "MFADevices", "MFADevices"),
    MARKED("ListAttachedUserPolicies", "AttachedPolicies", "AttachedPolicies"),
    MARKED("ListUserPolicies", "PolicyNames", "PolicyNames"),
    QUERY("iam", "GetUserPolicy", NULL),
    MARKED("ListGroupsForUser", "Groups", "Groups"),
    MARKED("ListAttachedGroupPolicies", "AttachedPolicies", "AttachedPolicies"),
    MARKED("ListGroupPolicies", "PolicyNames", "PolicyNames"),
    QUERY("iam", "GetGroupPolicy", NULL),
    QUERY("iam", "GetRole", "Tags"),
    MARKED("ListRoles", "Roles", "Roles"),
    MARKED("ListAccountAliases", "AccountAliases", "AccountAliases"),
    QUERY("iam", "ListOrganizationsFeatures", "EnabledFeatures"),
    REST("GetAlternateContact", "/getAlternateContact"),
    REST("GetContactInformation", "/getContactInformation"),
    REST("GetPrimaryEmail", "/getPrimaryEmail"),
    REST("GetAccountInformation", "/getAccountInformation"),
    PAGED("sso-admin", "ListInstances", "Instances"),
    PAGED("sso-admin", "ListPermissionSetsProvisionedToAccount", "PermissionSets"),
    PAGED("sso-admin", "ListAccountAssignments", "AccountAssignments"),
    PLAIN("sso-admin", "DescribePermissionSet"),
    /* resource policies and shares, region by region */
    OP("ec2", "DescribeRegions", .lists = "regionInfo", .renames = "regionInfo=Regions,regionEndpoint=Endpoint"),
    OP("s3", "ListBuckets", .http_method = "GET",
       .http_path = "/?max-buckets={MaxBuckets}&continuation-token={ContinuationToken}",
       TOKENS("ContinuationToken", "ContinuationToken", "Buckets"), .lists = "Buckets"),
    OP("s3", "GetBucketPolicy", .http_method = "GET", .http_path = "/{Bucket}?policy", .payload = "Policy"),
    OP("kms", "ListKeys", TOKENS("Marker", "NextMarker", "Keys")),
    PLAIN("kms", "GetKeyPolicy"),
    OP("sns", "ListTopics", TOKENS("NextToken", "NextToken", "Topics"), .lists = "Topics"),
    QUERY("sns", "GetTopicAttributes", NULL),
    PAGED("sqs", "ListQueues", "QueueUrls"),
    PLAIN("sqs", "GetQueueAttributes"),
    OP("ram", "GetResourceShares", .http_path = "/getresourceshares", TOKENS("nextToken", "nextToken", "resourceShares")),
    /* organization-wide, from the management account */
    OP("cloudformation", "ListStackSets", TOKENS("NextToken", "NextToken", "Summaries"), .lists = "Summaries"),
    QUERY("cloudformation", "DescribeStackSet", "Parameters,Capabilities,Tags,Regions,OrganizationalUnitIds"),
    OP("cloudformation", "ListStackInstances", TOKENS("NextToken", "NextToken", "Summaries"), .lists = "Summaries"),
    OP("controltower", "ListLandingZones", .http_path = "/list-landingzones",
       TOKENS("nextToken", "nextToken", "landingZones")),
    OP("controltower", "ListEnabledBaselines", .http_path = "/list-enabled-baselines",
       TOKENS("nextToken", "nextToken", "enabledBaselines")),
};

const struct opf_aws_service *opf_aws_service_find(const char *name)
{
    for (size_t i = 0; i < sizeof(s_services) / sizeof(s_services[0]); i++)
        if (strcmp(s_services[i].name, name) == 0)
            return &s_services[i];
    return NULL;
}

const struct opf_aws_operation *opf_aws_operation_find(const char *service, const char *operation)
{
    for (size_t i = 0; i < sizeof(s_operations) / sizeof(s_operations[0]); i++)
        if (strcmp(s_operations[i].service, service) == 0 && strcmp(s_operations[i].name, operation) == 0)
            return &s_operations[i];
    return NULL;
}
