/*
 * The read-only allow-list: every operation orgpreflight may send, with what the client needs to send it.
 * Names and pagination tokens follow botocore's service models (service-2.json, paginators-1.json).
 * Anything not listed here cannot be sent: the tool never changes anything in AWS.
 */
#include <stdio.h>
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
#define PAGED(svc, op, res, ...) OP(svc, op, TOKENS("NextToken", "NextToken", res), __VA_ARGS__)
#define MARKED(op, res, list, ...) OP("iam", op, TOKENS("Marker", "Marker", res), .lists = list, __VA_ARGS__)
#define PLAIN(svc, op) OP(svc, op, .lists = NULL)
#define QUERY(svc, op, list) OP(svc, op, .lists = list)
#define REST(op, path) OP("account", op, .http_path = path)

static const struct opf_aws_operation s_operations[] = {
    OP("sts", "GetCallerIdentity", .required = "Account:string,Arn:string"),
    OP("sts", "AssumeRole", .required = "Credentials:structure"),
    QUERY("sts", "AssumeRoleWithWebIdentity", NULL),
    OP("organizations", "DescribeOrganization", .required = "Organization:structure"),
    PAGED("organizations", "ListAccounts", "Accounts", .required = "Accounts:list"),
    OP("organizations", "DescribeAccount", .required = "Account:structure"),
    PAGED("organizations", "ListParents", "Parents", .required = "Parents:list"),
    PAGED("organizations", "ListRoots", "Roots", .required = "Roots:list"),
    PAGED("organizations", "ListOrganizationalUnitsForParent", "OrganizationalUnits", .required = "OrganizationalUnits:list"),
    PAGED("organizations", "ListAccountsForParent", "Accounts", .required = "Accounts:list"),
    OP("organizations", "DescribeOrganizationalUnit", .required = "OrganizationalUnit:structure"),
    PAGED("organizations", "ListDelegatedAdministrators", "DelegatedAdministrators"),
    PAGED("organizations", "ListDelegatedServicesForAccount", "DelegatedServices"),
    PAGED("organizations", "ListAWSServiceAccessForOrganization", "EnabledServicePrincipals"),
    PAGED("organizations", "ListPoliciesForTarget", "Policies", .required = "Policies:list"),
    PAGED("organizations", "ListPolicies", "Policies", .required = "Policies:list"),
    PAGED("organizations", "ListTargetsForPolicy", "Targets", .required = "Targets:list"),
    OP("organizations", "DescribePolicy", .required = "Policy:structure"),
    PAGED("organizations", "ListHandshakesForOrganization", "Handshakes"),
    QUERY("iam", "GenerateCredentialReport", NULL),
    QUERY("iam", "GetCredentialReport", NULL),
    QUERY("iam", "GetAccountSummary", NULL),
    MARKED("ListUsers", "Users", "Users", .required = "Users:list"),
    OP("iam", "GetUser", .lists = "Tags", .required = "User:structure"),
    OP("iam", "GetLoginProfile", .required = "LoginProfile:structure"),
    MARKED("ListMFADevices", "MFADevices", "MFADevices", .required = "MFADevices:list"),
    MARKED("ListAttachedUserPolicies", "AttachedPolicies", "AttachedPolicies"),
    MARKED("ListUserPolicies", "PolicyNames", "PolicyNames", .required = "PolicyNames:list"),
    OP("iam", "GetUserPolicy", .required = "UserName:string,PolicyName:string,PolicyDocument:string"),
    MARKED("ListGroupsForUser", "Groups", "Groups", .required = "Groups:list"),
    MARKED("ListAttachedGroupPolicies", "AttachedPolicies", "AttachedPolicies"),
    MARKED("ListGroupPolicies", "PolicyNames", "PolicyNames", .required = "PolicyNames:list"),
    OP("iam", "GetGroupPolicy", .required = "GroupName:string,PolicyName:string,PolicyDocument:string"),
    OP("iam", "GetPolicy", .lists = "Tags", .required = "Policy:structure"),
    OP("iam", "GetPolicyVersion", .required = "PolicyVersion:structure"),
    OP("iam", "GetRole", .lists = "Tags", .required = "Role:structure"),
    MARKED("ListRoles", "Roles", "Roles", .required = "Roles:list"),
    MARKED("ListAccountAliases", "AccountAliases", "AccountAliases", .required = "AccountAliases:list"),
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
       TOKENS("nextToken", "nextToken", "landingZones"), .required = "landingZones:list"),
    OP("controltower", "ListEnabledBaselines", .http_path = "/list-enabled-baselines",
       TOKENS("nextToken", "nextToken", "enabledBaselines"), .required = "enabledBaselines:list"),
};

const struct opf_aws_service *opf_aws_service_find(const char *name)
{
    for (size_t i = 0; i < sizeof(s_services) / sizeof(s_services[0]); i++)
        if (strcmp(s_services[i].name, name) == 0)
            return &s_services[i];
    return NULL;
}

const struct opf_aws_service *opf_aws_service_at(size_t i)
{
    return i < sizeof(s_services) / sizeof(s_services[0]) ? &s_services[i] : NULL;
}

const struct opf_aws_operation *opf_aws_operation_find(const char *service, const char *operation)
{
    for (size_t i = 0; i < sizeof(s_operations) / sizeof(s_operations[0]); i++)
        if (strcmp(s_operations[i].service, service) == 0 && strcmp(s_operations[i].name, operation) == 0)
            return &s_operations[i];
    return NULL;
}

/* Is v of the model's type ("list", "structure", "string")? */
static bool s_typed(const json_t *v, const char *type, size_t n)
{
    if (strncmp(type, "list", n) == 0)
        return json_is_array(v);
    if (strncmp(type, "structure", n) == 0)
        return json_is_object(v);
    return json_is_string(v);
}

int opf_aws_output_check(const struct opf_aws_operation *op, const json_t *out, struct opf_aws_error *err)
{
    char member[64] = "";
    const char *why = NULL;
    for (const char *m = op->required; m && *m && !why;) {
        size_t len = strcspn(m, ","), colon = strcspn(m, ":");
        snprintf(member, sizeof(member), "%.*s", (int)colon, m);
        const json_t *v = json_object_get(out, member);
        if (!v)
            why = "is missing";
        else if (!s_typed(v, m + colon + 1, len - colon - 1))
            why = "is not of its type";
        m += len + (m[len] == ',');
    }
    const json_t *list = op->result_key ? json_object_get(out, op->result_key) : NULL;
    const json_t *token = op->output_token ? json_object_get(out, op->output_token) : NULL;
    if (!why && list && !json_is_array(list)) {
        snprintf(member, sizeof(member), "%s", op->result_key);
        why = "is not a list";
    } else if (!why && token && !json_is_string(token)) {
        snprintf(member, sizeof(member), "%s", op->output_token);
        why = "is not a string";
    }
    if (!why)
        return 0;
    snprintf(err->code, sizeof(err->code), "MalformedResponse");
    snprintf(err->message, sizeof(err->message), "the answer of %s:%s does not have the operation's output shape: %s %s",
             op->service, op->name, member, why);
    return -1;
}
