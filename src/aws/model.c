/*
 * The read-only allow-list: every operation orgpreflight may send, with what the client needs to send it.
 * Names and pagination tokens follow botocore's service models (service-2.json, paginators-1.json).
 * Anything not listed here cannot be sent: the tool never changes anything in AWS.
 */
#include <string.h>

#include "aws/model.h"

static const struct opf_aws_service s_services[] = {
    {"organizations", "organizations", "organizations", "ORGANIZATIONS", OPF_PROTO_JSON, "AWSOrganizationsV20161128", NULL, true},
    {"iam", "iam", "iam", "IAM", OPF_PROTO_QUERY, NULL, "2010-05-08", true},
    {"account", "account", "account", "ACCOUNT", OPF_PROTO_REST_JSON, NULL, NULL, true},
    {"sts", "sts", "sts", "STS", OPF_PROTO_QUERY, NULL, "2011-06-15", false},
    {"sso-admin", "sso", "sso", "SSO_ADMIN", OPF_PROTO_JSON, "SWBExternalService", NULL, false},
};

#define PAGED(svc, op, res) {svc, op, NULL, "NextToken", "NextToken", res, NULL}
#define MARKED(op, res, lists) {"iam", op, NULL, "Marker", "Marker", res, lists}
#define PLAIN(svc, op) {svc, op, NULL, NULL, NULL, NULL, NULL}
#define QUERY(svc, op, lists) {svc, op, NULL, NULL, NULL, NULL, lists}
#define REST(op, path) {"account", op, path, NULL, NULL, NULL, NULL}

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
    PLAIN("organizations", "DescribeOrganizationalUnit"),
    PAGED("organizations", "ListDelegatedAdministrators", "DelegatedAdministrators"),
    PAGED("organizations", "ListDelegatedServicesForAccount", "DelegatedServices"),
    PAGED("organizations", "ListAWSServiceAccessForOrganization", "EnabledServicePrincipals"),
    PAGED("organizations", "ListPoliciesForTarget", "Policies"),
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
