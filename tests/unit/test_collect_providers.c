/* The account providers against canned AWS answers (shaped on botocore's output shapes and moto's answers): the
 * collection's calls go through k->aws, which this test replaces, so each provider's items are checked without
 * a network, on the helper threads the collection uses. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "aws/transport.h"
#include "collect/collect_internal.h"

#define MEMBER "222222222222"

/* Sessions are opaque to the providers: two tokens tell the operator's from the member's role. */
static int s_mgmt_token, s_role_token;
#define S_MGMT ((struct opf_aws_session *)&s_mgmt_token)
#define S_ROLE ((struct opf_aws_session *)&s_role_token)

/* One canned answer: for "service:Operation" (and, when given, an input member's value, a region, a session),
 * an output (JSON) or an error code. */
struct s_answer {
    const char *op;
    const char *match;                   /* "Member=value" of the input, or NULL */
    const char *region;                  /* NULL: any */
    struct opf_aws_session *as;          /* NULL: any */
    const char *answer;                  /* "{...}": the output; else the error code */
};

static const struct s_answer *s_answers;
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static json_t *s_calls;                  /* "service:Operation" -> count */

static bool s_matches(const struct s_answer *a, struct opf_aws_session *s, const char *region, const json_t *in)
{
    if ((a->as && a->as != s) || (a->region && (!region || strcmp(a->region, region) != 0)))
        return false;
    if (!a->match)
        return true;
    const char *eq = strchr(a->match, '=');
    char member[64];
    snprintf(member, sizeof(member), "%.*s", (int)(eq - a->match), a->match);
    const char *value = json_string_value(json_object_get(in, member));
    return value && strcmp(value, eq + 1) == 0;
}

static json_t *s_call(struct opf_aws_session *s, const char *region, const char *service, const char *operation,
                      const json_t *input, unsigned flags, struct opf_aws_error *err)
{
    (void)flags;
    char op[128];
    snprintf(op, sizeof(op), "%s:%s", service, operation);
    pthread_mutex_lock(&s_lock);
    json_object_set_new(s_calls, op, json_integer(json_integer_value(json_object_get(s_calls, op)) + 1));
    pthread_mutex_unlock(&s_lock);
    memset(err, 0, sizeof(*err));
    snprintf(err->operation, sizeof(err->operation), "%s", op);
    for (const struct s_answer *a = s_answers; a->op; a++) {
        if (strcmp(a->op, op) != 0 || !s_matches(a, s, region, input))
            continue;
        if (a->answer[0] == '{') {
            json_t *out = json_loads(a->answer, 0, NULL);
            assert_non_null(out);
            return out;
        }
        snprintf(err->code, sizeof(err->code), "%s", a->answer);
        snprintf(err->message, sizeof(err->message), "%s (canned)", a->answer);
        err->http_status = 400;
        return NULL;
    }
    snprintf(err->code, sizeof(err->code), "NoCannedAnswer");
    snprintf(err->message, sizeof(err->message), "no canned answer for %s in %s", op, region ? region : "home");
    return NULL;
}

/* A listing's pages: one entry per page, and how many records the collection held after each. */
static const struct opf_collect *s_listing;
static size_t s_records_after[16], s_pages;

static json_t *s_call_pages(struct opf_aws_session *s, const char *service, const char *operation,
                            const json_t *input, opf_aws_page_fn *on_page, void *ud, struct opf_aws_error *err)
{
    json_t *out = s_call(s, NULL, service, operation, input, OPF_AWS_PAGINATE, err);
    size_t i;
    json_t *entry;
    s_pages = 0;
    json_array_foreach(json_object_get(out, "Accounts"), i, entry) {
        json_t *page = json_pack("{s:[O], s:s}", "Accounts", entry, "NextToken", "token");
        on_page(ud, page);
        json_decref(page);
        if (s_pages < sizeof(s_records_after) / sizeof(s_records_after[0]))
            s_records_after[s_pages++] = s_listing ? s_listing->n : 0;
    }
    return out;
}

static struct opf_aws_session *s_assume_role(struct opf_aws_session *base, const char *arn, const char *external_id,
                                             const char *session_name)
{
    (void)external_id, (void)session_name;
    assert_ptr_equal(base, S_MGMT);
    assert_string_equal(arn, "arn:aws:iam::" MEMBER ":role/OrganizationAccountAccessRole");
    return S_ROLE;
}

static void s_session_free(struct opf_aws_session *s)
{
    assert_ptr_equal(s, S_ROLE);
}

static const struct opf_aws_item *s_item_begin(const struct opf_aws_client *c, struct opf_aws_item *item,
                                               const char *name)
{
    (void)c;
    const struct opf_aws_item *outer = opf_aws_item_current();
    *item = (struct opf_aws_item){.name = name, .clock = &opf_aws_system_clock, .budget_ms = 60000,
                                  .deadline_ms = opf_aws_system_clock.now_ms(NULL) + 60000};
    opf_aws_item_set(item);
    return outer;
}

static const struct opf_collect_aws s_fake = {s_call, s_call_pages, s_assume_role, s_session_free, s_item_begin};

struct s_run {
    struct opf_collect k;
    struct opf_collect_options opts;
    json_t *config;
};

static struct s_run *s_start(const struct s_answer *answers, const char *const *needs, const char *config)
{
    s_answers = answers;
    s_calls = json_object();
    struct s_run *r = calloc(1, sizeof(*r));
    r->config = json_loads(config ? config : "{}", 0, NULL);
    r->opts = (struct opf_collect_options){.config = r->config, .needs = needs};
    struct opf_collect *k = &r->k;
    *k = (struct opf_collect){.opts = &r->opts, .aws = &s_fake, .region = "us-east-1", .mgmt = S_MGMT,
                              .role_name = "OrganizationAccountAccessRole", .partition = "aws"};
    pthread_mutex_init(&k->lock, NULL);
    pthread_cond_init(&k->filled, NULL);
    pthread_cond_init(&k->arrived, NULL);
    k->dns_cache = json_object();
    k->iam_policy_cache = json_object();
    k->permission_set_names = json_object();
    k->delegated = json_object();
    opf_collect_pool_start(k, 3);
    return r;
}

static void s_stop(struct s_run *r, json_t *record, json_t *listed)
{
    struct opf_collect *k = &r->k;
    json_decref(record);
    json_decref(listed);
    for (size_t i = 0; i < k->n; i++) { /* the records a listing made */
        json_decref(k->records[i]);
        json_decref(k->listed[i]);
    }
    free(k->records);
    free(k->listed);
    free(k->collected);
    opf_collect_pool_stop(k);
    json_decref(k->dns_cache);
    json_decref(k->iam_policy_cache);
    json_decref(k->permission_set_names);
    json_decref(k->delegated);
    json_decref(k->sso_instance);
    opf_collect_tree_free(k);
    pthread_mutex_destroy(&k->lock);
    pthread_cond_destroy(&k->filled);
    pthread_cond_destroy(&k->arrived);
    json_decref(r->config);
    json_decref(s_calls);
    free(r);
}

static long s_count(const char *op)
{
    return (long)json_integer_value(json_object_get(s_calls, op));
}

/* The account's record as discovery makes it, and its ListAccounts entry. */
static json_t *s_record(json_t **listed, const char *joined_method)
{
    *listed = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Id", MEMBER, "Arn",
                        "arn:aws:organizations::111111111111:account/o-a1b2c3d4e5/" MEMBER, "Email",
                        "workload@example.com", "Name", "workload", "State", "ACTIVE", "JoinedMethod", joined_method,
                        "JoinedTimestamp", "2024-03-01T10:00:00Z");
    return json_pack("{s:s, s:s, s:s, s:[], s:b, s:{}}", "id", MEMBER, "name", "workload", "email",
                     "workload@example.com", "ou_path", "is_management", 0, "evidence");
}

static const json_t *s_data(const json_t *record, const char *key)
{
    const json_t *item = json_object_get(json_object_get(record, "evidence"), key);
    if (!item)
        fail_msg("no item %s", key);
    if (json_object_get(item, "error"))
        fail_msg("%s: %s", key, json_string_value(json_object_get(json_object_get(item, "error"), "message")));
    return json_object_get(item, "data");
}

static const char *s_error(const json_t *record, const char *key)
{
    const json_t *item = json_object_get(json_object_get(record, "evidence"), key);
    assert_non_null(item);
    return json_string_value(json_object_get(json_object_get(item, "error"), "code"));
}

static const char *s_source(const json_t *record, const char *key)
{
    return json_string_value(json_object_get(json_object_get(json_object_get(record, "evidence"), key), "source"));
}

/* ---- the organization's reads and the Account API, with the operator's session ---- */

static const struct s_answer s_org_answers[] = {
    {"organizations:ListOrganizationalUnitsForParent", "ParentId=r-ab12", NULL, S_MGMT,
     "{\"OrganizationalUnits\": [{\"Id\": \"ou-ab12-11111111\", \"Arn\": \"arn:aws:organizations::111111111111:ou/"
     "o-a1b2c3d4e5/ou-ab12-11111111\", \"Name\": \"Workloads\"}]}"},
    {"organizations:ListOrganizationalUnitsForParent", "ParentId=ou-ab12-11111111", NULL, S_MGMT,
     "{\"OrganizationalUnits\": []}"},
    {"organizations:ListAccountsForParent", "ParentId=r-ab12", NULL, S_MGMT,
     "{\"Accounts\": [{\"Id\": \"111111111111\", \"Name\": \"management\", \"Status\": \"ACTIVE\"}]}"},
    {"organizations:ListAccountsForParent", "ParentId=ou-ab12-11111111", NULL, S_MGMT,
     "{\"Accounts\": [{\"Id\": \"" MEMBER "\", \"Name\": \"workload\", \"State\": \"ACTIVE\"}]}"},
    {"organizations:ListPolicies", "Filter=SERVICE_CONTROL_POLICY", NULL, S_MGMT,
     "{\"Policies\": [{\"Id\": \"p-FullAWSAccess\", \"Arn\": \"arn:aws:organizations::aws:policy/"
     "service_control_policy/p-FullAWSAccess\", \"Name\": \"FullAWSAccess\", \"Type\": \"SERVICE_CONTROL_POLICY\", "
     "\"AwsManaged\": true}, {\"Id\": \"p-denyleave1\", \"Name\": \"DenyLeave\", \"Type\": \"SERVICE_CONTROL_POLICY\"}]}"},
    {"organizations:ListTargetsForPolicy", "PolicyId=p-FullAWSAccess", NULL, S_MGMT,
     "{\"Targets\": [{\"TargetId\": \"r-ab12\", \"Name\": \"Root\", \"Type\": \"ROOT\"}]}"},
    {"organizations:ListTargetsForPolicy", "PolicyId=p-denyleave1", NULL, S_MGMT,
     "{\"Targets\": [{\"TargetId\": \"ou-ab12-11111111\", \"Name\": \"Workloads\", \"Type\": \"ORGANIZATIONAL_UNIT\"}]}"},
    {"organizations:DescribePolicy", "PolicyId=p-FullAWSAccess", NULL, S_MGMT,
     "{\"Policy\": {\"PolicySummary\": {\"Id\": \"p-FullAWSAccess\"}, \"Content\": \"{\\\"Version\\\":\\\"2012-10-17\\\","
     "\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":\\\"*\\\",\\\"Resource\\\":\\\"*\\\"}]}\"}}"},
    {"organizations:DescribePolicy", "PolicyId=p-denyleave1", NULL, S_MGMT,
     "{\"Policy\": {\"PolicySummary\": {\"Id\": \"p-denyleave1\"}, \"Content\": \"{\\\"Version\\\":\\\"2012-10-17\\\","
     "\\\"Statement\\\":[{\\\"Effect\\\":\\\"Deny\\\",\\\"Action\\\":\\\"organizations:LeaveOrganization\\\","
     "\\\"Resource\\\":\\\"*\\\"}]}\"}}"},
    {"sts:GetCallerIdentity", NULL, NULL, S_ROLE,
     "{\"UserId\": \"AROAEXAMPLEID:orgpreflight\", \"Account\": \"" MEMBER "\", \"Arn\": \"arn:aws:sts::" MEMBER
     ":assumed-role/OrganizationAccountAccessRole/orgpreflight\"}"},
    {"account:GetContactInformation", "AccountId=" MEMBER, NULL, S_MGMT,
     "{\"ContactInformation\": {\"AddressLine1\": \"1 Main St\", \"City\": \"Seattle\", \"CountryCode\": \"US\", "
     "\"FullName\": \"Workload Owner\", \"PhoneNumber\": \"+12065550100\", \"PostalCode\": \"98101\"}}"},
    {"account:GetAlternateContact", "AlternateContactType=BILLING", NULL, S_MGMT,
     "{\"AlternateContact\": {\"AlternateContactType\": \"BILLING\", \"EmailAddress\": \"billing@example.com\", "
     "\"Name\": \"Billing\", \"PhoneNumber\": \"+12065550101\", \"Title\": \"Finance\"}}"},
    {"account:GetAlternateContact", "AlternateContactType=OPERATIONS", NULL, S_MGMT, "ResourceNotFoundException"},
    {"account:GetAlternateContact", "AlternateContactType=SECURITY", NULL, S_MGMT,
     "{\"AlternateContact\": {\"AlternateContactType\": \"SECURITY\", \"EmailAddress\": \"sec@example.com\", "
     "\"Name\": \"Security\", \"PhoneNumber\": \"+12065550102\", \"Title\": \"CISO\"}}"},
    {"account:GetAccountInformation", "AccountId=" MEMBER, NULL, S_MGMT,
     "{\"AccountId\": \"" MEMBER "\", \"AccountName\": \"workload\", \"AccountCreatedDate\": \"2024-03-01T09:59:00Z\", "
     "\"AccountState\": \"ACTIVE\"}"},
    {"sso-admin:ListPermissionSetsProvisionedToAccount", "AccountId=" MEMBER, "us-east-1", S_MGMT,
     "{\"PermissionSets\": [\"arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222\"]}"},
    {"sso-admin:DescribePermissionSet", NULL, "us-east-1", S_MGMT,
     "{\"PermissionSet\": {\"Name\": \"AdministratorAccess\", \"PermissionSetArn\": "
     "\"arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222\"}}"},
    {"sso-admin:ListAccountAssignments", "AccountId=" MEMBER, "us-east-1", S_MGMT,
     "{\"AccountAssignments\": [{\"AccountId\": \"" MEMBER "\", \"PermissionSetArn\": \"arn:aws:sso:::permissionSet/"
     "ssoins-1111111111111111/ps-2222222222222222\", \"PrincipalType\": \"GROUP\", \"PrincipalId\": "
     "\"906744e5d2-6f5a5b52-7dc1-4a1e-8c8b-1b1b1b1b1b1b\"}]}"},
    {0},
};

static void s_org_tree(struct opf_collect *k)
{
    json_t *roots = json_loads("{\"source\": \"organizations:ListRoots\", \"data\": {\"Roots\": [{\"Id\": \"r-ab12\", "
                               "\"Name\": \"Root\", \"PolicyTypes\": []}]}}", 0, NULL);
    opf_collect_tree(k, roots);
    json_decref(roots);
    opf_collect_tree_scps(k);
    assert_true(k->tree.ok);
    assert_true(k->scps.ok);
}

static void organization_reads_and_account_api(void **state)
{
    (void)state;
    static const char *const needs[] = {"organizations.account", "organizations.parents",
                                        "organizations.service_control_policies", "organizations.delegated_services",
                                        "account.information", "account.contact_information",
                                        "account.alternate_contacts", "sso_admin.account_assignments", NULL};
    struct s_run *r = s_start(s_org_answers, needs, NULL);
    s_org_tree(&r->k);
    r->k.sso_instance = json_pack("{s:s, s:s}", "InstanceArn", "arn:aws:sso:::instance/ssoins-1111111111111111",
                                  "Region", "us-east-1");
    json_t *listed, *record = s_record(&listed, "INVITED");
    opf_collect_account(&r->k, record, listed);

    /* the tree: the record's path and the parents item, root first */
    assert_int_equal(json_array_size(json_object_get(record, "ou_path")), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(record, "ou_path"), 1), "name")),
                        "Workloads");
    const json_t *parents = json_object_get(s_data(record, "organizations.parents"), "Parents");
    assert_string_equal(json_string_value(json_object_get(json_array_get(parents, 0), "Type")), "ROOT");
    /* the SCPs along the path: the root's, the OU's, the account's own (none) */
    const json_t *targets = json_object_get(s_data(record, "organizations.service_control_policies"), "Targets");
    assert_int_equal(json_array_size(targets), 3);
    const json_t *ou = json_array_get(targets, 1);
    assert_string_equal(json_string_value(json_object_get(ou, "TargetId")), "ou-ab12-11111111");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(ou, "Policies"), 0), "Name")),
                        "DenyLeave");
    assert_int_equal(json_array_size(json_object_get(json_array_get(targets, 2), "Policies")), 0);
    /* not named by ListDelegatedAdministrators: an empty list without asking */
    assert_int_equal(json_array_size(json_object_get(s_data(record, "organizations.delegated_services"),
                                                     "DelegatedServices")), 0);
    assert_string_equal(s_source(record, "organizations.delegated_services"),
                        "organizations:ListDelegatedAdministrators");
    assert_int_equal(s_count("organizations:ListDelegatedServicesForAccount"), 0);
    /* an invited, active account: GetAccountInformation cannot change a verdict, so it is not asked */
    assert_null(json_object_get(json_object_get(record, "evidence"), "account.information"));
    assert_int_equal(s_count("account:GetAccountInformation"), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(s_data(record, "account.contact_information"),
                                                                          "ContactInformation"), "City")), "Seattle");
    const json_t *alternates = json_object_get(s_data(record, "account.alternate_contacts"), "AlternateContacts");
    assert_true(json_is_null(json_object_get(alternates, "OPERATIONS")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(alternates, "SECURITY"), "EmailAddress")),
                        "sec@example.com");
    const json_t *sets = json_object_get(s_data(record, "sso_admin.account_assignments"), "PermissionSets");
    assert_string_equal(json_string_value(json_object_get(json_array_get(sets, 0), "Name")), "AdministratorAccess");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(json_array_get(sets, 0),
                                                                                         "AccountAssignments"), 0),
                                                          "PrincipalType")), "GROUP");
    /* the role session, always; nothing the checks do not read */
    assert_string_equal(json_string_value(json_object_get(json_object_get(s_data(record, "sts.assume_role"),
                                                                          "AssumedRoleUser"), "Arn")),
                        "arn:aws:sts::" MEMBER ":assumed-role/OrganizationAccountAccessRole/orgpreflight");
    assert_int_equal(json_object_size(json_object_get(record, "evidence")), 8);
    assert_int_equal(s_count("iam:ListUsers") + s_count("kms:ListKeys") + s_count("s3:ListBuckets"), 0);
    s_stop(r, record, listed);
}

/* A created account within the waiting period: GetAccountInformation can change a verdict, and is asked. */
static void account_information_when_it_matters(void **state)
{
    (void)state;
    static const char *const needs[] = {"account.information", NULL};
    struct s_run *r = s_start(s_org_answers, needs, "{\"migration\": {\"wait_period_days\": 36500}}");
    s_org_tree(&r->k);
    json_t *listed, *record = s_record(&listed, "CREATED");
    opf_collect_account(&r->k, record, listed);
    assert_string_equal(json_string_value(json_object_get(s_data(record, "account.information"), "AccountCreatedDate")),
                        "2024-03-01T09:59:00Z");
    assert_int_equal(s_count("account:GetAccountInformation"), 1);
    s_stop(r, record, listed);
}

/* ---- the member's own reads, with its role session ---- */

#define POLICY_TEXT "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C" \
                    "%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"

static const struct s_answer s_member_answers[] = {
    {"sts:GetCallerIdentity", NULL, NULL, S_ROLE,
     "{\"UserId\": \"AROAEXAMPLEID:orgpreflight\", \"Account\": \"" MEMBER "\", \"Arn\": \"arn:aws:sts::" MEMBER
     ":assumed-role/OrganizationAccountAccessRole/orgpreflight\"}"},
    {"iam:ListUsers", NULL, NULL, S_ROLE,
     "{\"Users\": [{\"Path\": \"/\", \"UserName\": \"breakglass\", \"UserId\": \"AIDAEXAMPLE1\", \"Arn\": "
     "\"arn:aws:iam::" MEMBER ":user/breakglass\", \"CreateDate\": \"2024-03-02T08:00:00Z\"}]}"},
    {"iam:GetUser", "UserName=breakglass", NULL, S_ROLE,
     "{\"User\": {\"Path\": \"/\", \"UserName\": \"breakglass\", \"UserId\": \"AIDAEXAMPLE1\", \"Arn\": "
     "\"arn:aws:iam::" MEMBER ":user/breakglass\", \"CreateDate\": \"2024-03-02T08:00:00Z\"}}"},
    {"iam:GetLoginProfile", "UserName=breakglass", NULL, S_ROLE,
     "{\"LoginProfile\": {\"UserName\": \"breakglass\", \"CreateDate\": \"2024-03-02T08:01:00Z\", "
     "\"PasswordResetRequired\": false}}"},
    {"iam:ListMFADevices", NULL, NULL, S_ROLE, "{\"MFADevices\": []}"},
    {"iam:ListAttachedUserPolicies", NULL, NULL, S_ROLE, "{\"AttachedPolicies\": []}"},
    {"iam:ListUserPolicies", NULL, NULL, S_ROLE, "{\"PolicyNames\": []}"},
    {"iam:ListGroupsForUser", NULL, NULL, S_ROLE,
     "{\"Groups\": [{\"Path\": \"/\", \"GroupName\": \"admins\", \"GroupId\": \"AGPAEXAMPLE1\", \"Arn\": "
     "\"arn:aws:iam::" MEMBER ":group/admins\", \"CreateDate\": \"2024-03-02T08:00:00Z\"}]}"},
    {"iam:ListAttachedGroupPolicies", "GroupName=admins", NULL, S_ROLE,
     "{\"AttachedPolicies\": [{\"PolicyName\": \"AdministratorAccess\", \"PolicyArn\": "
     "\"arn:aws:iam::aws:policy/AdministratorAccess\"}]}"},
    {"iam:ListGroupPolicies", "GroupName=admins", NULL, S_ROLE, "{\"PolicyNames\": []}"},
    {"iam:GetPolicy", "PolicyArn=arn:aws:iam::aws:policy/AdministratorAccess", NULL, S_ROLE,
     "{\"Policy\": {\"PolicyName\": \"AdministratorAccess\", \"PolicyId\": \"ANPAEXAMPLE1\", \"Arn\": "
     "\"arn:aws:iam::aws:policy/AdministratorAccess\", \"Path\": \"/\", \"DefaultVersionId\": \"v1\", "
     "\"AttachmentCount\": 1, \"IsAttachable\": true}}"},
    {"iam:GetPolicyVersion", "VersionId=v1", NULL, S_ROLE,
     "{\"PolicyVersion\": {\"Document\": \"" POLICY_TEXT "\", \"VersionId\": \"v1\", \"IsDefaultVersion\": true}}"},
    {"iam:GetRole", "RoleName=OrganizationAccountAccessRole", NULL, S_ROLE,
     "{\"Role\": {\"Path\": \"/\", \"RoleName\": \"OrganizationAccountAccessRole\", \"RoleId\": \"AROAEXAMPLEID\", "
     "\"Arn\": \"arn:aws:iam::" MEMBER ":role/OrganizationAccountAccessRole\", \"CreateDate\": "
     "\"2024-03-01T10:00:00Z\", \"AssumeRolePolicyDocument\": \"" POLICY_TEXT "\"}}"},
    {"kms:ListKeys", NULL, "us-east-1", S_ROLE,
     "{\"Keys\": [{\"KeyId\": \"1234abcd-12ab-34cd-56ef-1234567890ab\", \"KeyArn\": \"arn:aws:kms:us-east-1:" MEMBER
     ":key/1234abcd-12ab-34cd-56ef-1234567890ab\"}]}"},
    {"kms:ListKeys", NULL, "eu-west-1", S_ROLE, "InternalFailure"},
    {"kms:GetKeyPolicy", "PolicyName=default", "us-east-1", S_ROLE,
     "{\"Policy\": \"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\","
     "\\\"Principal\\\":{\\\"AWS\\\":\\\"*\\\"},\\\"Action\\\":\\\"kms:*\\\",\\\"Resource\\\":\\\"*\\\","
     "\\\"Condition\\\":{\\\"StringEquals\\\":{\\\"aws:PrincipalOrgID\\\":\\\"o-a1b2c3d4e5\\\"}}}]}\", "
     "\"PolicyName\": \"default\"}"},
    {"s3:ListBuckets", NULL, NULL, S_ROLE,
     "{\"Buckets\": [{\"Name\": \"workload-logs\", \"CreationDate\": \"2024-03-02T08:00:00Z\", "
     "\"BucketRegion\": \"eu-west-1\"}], \"Owner\": {\"ID\": \"abc\"}}"},
    {"s3:GetBucketPolicy", "Bucket=workload-logs", "eu-west-1", S_ROLE, "NoSuchBucketPolicy"},
    {0},
};

static const char *const s_member_needs[] = {"iam.users", "iam.access_role", "iam.roles", "kms.key_policies",
                                             "s3.bucket_policies", NULL};

static void member_iam_and_resource_policies(void **state)
{
    (void)state;
    struct s_run *r = s_start(s_member_answers, s_member_needs, "{\"regions\": [\"us-east-1\", \"eu-west-1\"]}");
    json_t *listed, *record = s_record(&listed, "INVITED");
    opf_collect_account(&r->k, record, listed);

    const json_t *users = s_data(record, "iam.users");
    const json_t *user = json_array_get(json_object_get(users, "Users"), 0);
    assert_string_equal(json_string_value(json_object_get(user, "UserName")), "breakglass");
    assert_true(json_is_null(json_object_get(user, "PermissionsBoundary")));
    assert_non_null(json_object_get(json_object_get(user, "LoginProfile"), "CreateDate"));
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(user, "Groups"), 0),
                                                          "GroupName")), "admins");
    const json_t *admin = json_object_get(json_object_get(users, "Policies"), "arn:aws:iam::aws:policy/AdministratorAccess");
    /* the managed policy's default version, decoded from the Query answer's URL-encoding */
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(admin, "Document"),
                                                                                         "Statement"), 0), "Effect")),
                        "Allow");
    assert_null(json_object_get(users, "Errors"));
    assert_true(json_is_object(json_object_get(json_object_get(s_data(record, "iam.access_role"), "Role"),
                                               "AssumeRolePolicyDocument")));
    /* ListRoles has no canned answer: that item alone carries the error */
    assert_string_equal(s_error(record, "iam.roles"), "NoCannedAnswer");

    /* KMS in both configured regions: the region that failed is listed, the other's key read */
    const json_t *kms = s_data(record, "kms.key_policies");
    assert_int_equal(json_array_size(json_object_get(kms, "Regions")), 2);
    assert_int_equal(json_array_size(json_object_get(kms, "Keys")), 1);
    const json_t *failed = json_array_get(json_object_get(kms, "Errors"), 0);
    assert_string_equal(json_string_value(json_object_get(failed, "Region")), "eu-west-1");
    assert_string_equal(json_string_value(json_object_get(failed, "Code")), "InternalFailure");
    assert_string_equal(s_source(record, "kms.key_policies"), "kms:ListKeys+kms:GetKeyPolicy");
    /* S3 once, globally; the bucket read at its own region; no policy is null */
    const json_t *bucket = json_array_get(json_object_get(s_data(record, "s3.bucket_policies"), "Buckets"), 0);
    assert_string_equal(json_string_value(json_object_get(bucket, "Arn")), "arn:aws:s3:::workload-logs");
    assert_true(json_is_null(json_object_get(bucket, "Policy")));
    assert_int_equal(s_count("s3:ListBuckets"), 1);
    /* the table runs only what is read */
    assert_int_equal(s_count("iam:GenerateCredentialReport") + s_count("sns:ListTopics") + s_count("ec2:DescribeRegions"), 0);
    s_stop(r, record, listed);
}

/* The role cannot be assumed: every item of the member is that error, and nothing is asked with it. */
static void member_denied(void **state)
{
    (void)state;
    static const struct s_answer answers[] = {
        {"sts:GetCallerIdentity", NULL, NULL, S_ROLE, "AccessDenied"},
        {0},
    };
    struct s_run *r = s_start(answers, s_member_needs, NULL);
    json_t *listed, *record = s_record(&listed, "INVITED");
    opf_collect_account(&r->k, record, listed);
    for (const char *const *key = s_member_needs; *key; key++)
        assert_string_equal(s_error(record, *key), "AccessDenied");
    assert_string_equal(s_error(record, "sts.assume_role"), "AccessDenied");
    assert_int_equal(json_object_size(s_calls), 1); /* GetCallerIdentity only */
    s_stop(r, record, listed);
}

/* ---- the organization-wide reads of the management account ---- */

static const struct s_answer s_organization_answers[] = {
    {"cloudformation:ListStackSets", "Status=ACTIVE", "us-east-1", S_MGMT,
     "{\"Summaries\": [{\"StackSetName\": \"audit-role\", \"StackSetId\": \"audit-role:0b6e5e8c\", "
     "\"Status\": \"ACTIVE\", \"PermissionModel\": \"SERVICE_MANAGED\"}]}"},
    {"cloudformation:DescribeStackSet", "StackSetName=audit-role", "us-east-1", S_MGMT,
     "{\"StackSet\": {\"StackSetName\": \"audit-role\", \"StackSetId\": \"audit-role:0b6e5e8c\", \"Status\": "
     "\"ACTIVE\", \"PermissionModel\": \"SERVICE_MANAGED\", \"AutoDeployment\": {\"Enabled\": \"true\", "
     "\"RetainStacksOnAccountRemoval\": \"false\"}}}"},
    {"cloudformation:ListStackInstances", "StackSetName=audit-role", "us-east-1", S_MGMT,
     "{\"Summaries\": [{\"StackSetId\": \"audit-role:0b6e5e8c\", \"Region\": \"us-east-1\", \"Account\": \""
     MEMBER "\", \"Status\": \"CURRENT\", \"StackInstanceStatus\": {\"DetailedStatus\": \"SUCCEEDED\"}}]}"},
    {"controltower:ListLandingZones", NULL, NULL, S_MGMT, "{\"landingZones\": []}"},
    {0},
};

/* StackSets with their instances (Query's text booleans as booleans); no landing zone: Control Tower's lists are
 * empty without asking for baselines. */
static void organization_wide_reads(void **state)
{
    (void)state;
    static const char *const needs[] = {"cloudformation.stack_sets", "controltower.enabled_baselines", NULL};
    struct s_run *r = s_start(s_organization_answers, needs, "{\"regions\": [\"us-east-1\"]}");
    json_decref(r->k.permission_set_names); /* opf_collect_organization makes its own */
    json_t *bundle = json_pack("{s:{s:s, s:{}}, s:{s:s}}", "organization", "management_account_id", "111111111111",
                               "evidence", "operator_session", "account", "111111111111");
    opf_collect_organization(&r->k, bundle);
    const json_t *org = json_object_get(bundle, "organization");
    const json_t *set = json_array_get(json_object_get(s_data(org, "cloudformation.stack_sets"), "StackSets"), 0);
    assert_true(json_is_true(json_object_get(json_object_get(set, "AutoDeployment"), "Enabled")));
    assert_true(json_is_false(json_object_get(json_object_get(set, "AutoDeployment"), "RetainStacksOnAccountRemoval")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(set, "StackInstances"), 0),
                                                          "Account")), MEMBER);
    const json_t *tower = s_data(org, "controltower.enabled_baselines");
    assert_int_equal(json_array_size(json_object_get(tower, "enabledBaselines")), 0);
    assert_int_equal(s_count("controltower:ListEnabledBaselines"), 0);
    assert_string_equal(s_source(org, "controltower.enabled_baselines"), "controltower:ListLandingZones");
    opf_collect_organization_free(&r->k);
    r->k.sso_instance = r->k.permission_set_names = NULL;
    json_decref(bundle);
    s_stop(r, NULL, NULL);
}

/* ---- the accounts' listing ---- */

static const struct s_answer s_listing_answers[] = {
    {"organizations:ListAccounts", NULL, NULL, S_MGMT,
     "{\"Accounts\": [{\"Id\": \"111111111111\", \"Name\": \"management\", \"Email\": \"root@example.com\", "
     "\"State\": \"ACTIVE\", \"JoinedMethod\": \"INVITED\", \"JoinedTimestamp\": \"2023-01-01T00:00:00Z\"}, "
     "{\"Id\": \"" MEMBER "\", \"Name\": \"workload\", \"Email\": \"workload@example.com\", \"Status\": \"ACTIVE\", "
     "\"JoinedMethod\": \"CREATED\", \"JoinedTimestamp\": \"2024-03-01T10:00:00Z\"}, "
     "{\"Id\": \"12345\", \"Name\": \"short\"}, {\"Id\": \"" MEMBER "\", \"Name\": \"again\"}, "
     "{\"Id\": \"333333333333\", \"Name\": \"sandbox\", \"State\": \"SUSPENDED\"}]}"},
    {0},
};

static json_t *s_bundle(void)
{
    return json_pack("{s:{s:s, s:s, s:{s:n}}, s:[], s:{s:s}}", "organization", "id", "o-a1b2c3d4e5",
                     "management_account_id", "111111111111", "evidence", "organizations.accounts", "accounts",
                     "operator_session", "arn", "arn:aws:sts::111111111111:assumed-role/Admin/ops");
}

/* Each page's selected accounts go to the workers as soon as it arrives, their records made only when a worker
 * takes them (waiting accounts hold their ListAccounts entry alone); entries no record can hold are named; the
 * listing as a whole is the organization's inventory, whatever is selected. */
static void accounts_arrive_page_by_page(void **state)
{
    (void)state;
    struct s_run *r = s_start(s_listing_answers, NULL, NULL);
    r->opts.exclude_accounts = "333333333333";
    s_listing = &r->k;
    json_t *bundle = s_bundle();
    struct opf_error err = {0};
    opf_collect_listing_start(&r->k, "111111111111");
    assert_int_equal(opf_collect_listing_finish(&r->k, bundle, &err), 0);
    s_listing = NULL;
    assert_int_equal(s_pages, 5);
    static const size_t after[] = {1, 2, 2, 2, 2};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(s_records_after[i], after[i]);
    assert_true(r->k.listing_done);
    assert_false(r->k.listing_failed);
    assert_int_equal(r->k.n, 2);
    assert_null(r->k.records[0]);
    assert_null(r->k.records[1]);
    json_t *mgmt = opf_collect_record(&r->k, r->k.listed[0]), *member = opf_collect_record(&r->k, r->k.listed[1]);
    assert_true(json_is_true(json_object_get(mgmt, "is_management")));
    assert_false(json_is_true(json_object_get(member, "is_management")));
    assert_string_equal(json_string_value(json_object_get(member, "state")), "ACTIVE"); /* from Status */
    assert_string_equal(json_string_value(json_object_get(member, "joined_timestamp")), "2024-03-01T10:00:00Z");
    json_decref(mgmt);
    json_decref(member);
    const json_t *org = json_object_get(bundle, "organization");
    assert_int_equal(json_array_size(json_object_get(s_data(org, "organizations.accounts"), "Accounts")), 5);
    const char *rejected = json_string_value(json_object_get(json_object_get(json_object_get(
        json_object_get(org, "evidence"), "organizations.accounts_rejected"), "error"), "message"));
    assert_non_null(strstr(rejected, "12345 (not a 12-digit id)"));
    assert_non_null(strstr(rejected, MEMBER " (listed twice)"));
    assert_true(r->k.listing_incomplete);
    json_decref(bundle);
    s_stop(r, NULL, NULL);
}

/* A listing that fails is discovery's failure: said as such, and the workers stop waiting. */
static void listing_refused(void **state)
{
    (void)state;
    static const struct s_answer answers[] = {
        {"organizations:ListAccounts", NULL, NULL, S_MGMT, "AccessDeniedException"},
        {0},
    };
    struct s_run *r = s_start(answers, NULL, NULL);
    json_t *bundle = s_bundle();
    struct opf_error err = {0};
    opf_collect_listing_start(&r->k, "111111111111");
    assert_int_equal(opf_collect_listing_finish(&r->k, bundle, &err), -1);
    assert_true(r->k.listing_done);
    assert_true(r->k.listing_failed);
    assert_non_null(strstr(err.message, "arn:aws:sts::111111111111:assumed-role/Admin/ops is not the management "
                                        "account or a delegated administrator of an organization"));
    json_decref(bundle);
    s_stop(r, NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(organization_reads_and_account_api),
        cmocka_unit_test(account_information_when_it_matters),
        cmocka_unit_test(member_iam_and_resource_policies),
        cmocka_unit_test(member_denied),
        cmocka_unit_test(organization_wide_reads),
        cmocka_unit_test(accounts_arrive_page_by_page),
        cmocka_unit_test(listing_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
