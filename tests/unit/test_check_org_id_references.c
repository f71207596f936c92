/* org-id-references: clean policies, Allow and Deny on the old id in each kind of policy, condition keys in any
 * case, arrays, ForAnyValue: and OU paths, another organization's id, per-item errors, missing or malformed
 * items and unreadable policies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_org_id_references;

/* The backup account with one realistic, clean item per policy source. */
static void s_clean(struct opf_fx *fx)
{
    opf_fx_account(fx, "304955176822");
    opf_fx_set_file(fx, "iam.roles", "iam:ListRoles", "hazards/iam-roles.json");
    opf_fx_set_file(fx, "s3.bucket_policies", "s3:ListBuckets+s3:GetBucketPolicy", "hazards/s3-bucket-policies.json");
    opf_fx_set_file(fx, "kms.key_policies", "kms:ListKeys+kms:GetKeyPolicy", "hazards/kms-key-policies.json");
    opf_fx_set_file(fx, "sns.topic_policies", "sns:ListTopics+sns:GetTopicAttributes", "hazards/sns-topic-policies.json");
    opf_fx_set_file(fx, "sqs.queue_policies", "sqs:ListQueues+sqs:GetQueueAttributes", "hazards/sqs-queue-policies.json");
}

/* Appends a statement (JSON text) to the policy of resource `index` of an item, creating the policy if none. */
static void s_add_statement(struct opf_fx *fx, const char *key, const char *list, size_t index, const char *statement)
{
    json_t *res = json_array_get(json_object_get(opf_fx_data(fx, key), list), index);
    assert_non_null(res);
    const char *field = strcmp(key, "iam.roles") == 0 ? "AssumeRolePolicyDocument" : "Policy";
    json_t *policy = json_object_get(res, field);
    if (!json_is_object(policy)) {
        policy = json_pack("{s:s,s:[]}", "Version", "2012-10-17", "Statement");
        json_object_set_new(res, field, policy);
    }
    json_t *st = json_loads(statement, 0, NULL);
    assert_non_null(st);
    json_array_append_new(json_object_get(policy, "Statement"), st);
}

static void clean_policies_pass(void **state)
{
    struct opf_fx *fx = *state;
    s_clean(fx);
    opf_fx_run(fx, C);
    /* 3 roles, 3 buckets, 1 key, 1 topic, 1 queue; the log bucket and the queue have no policy */
    opf_fx_assert(fx, OPF_PASS, "none of the 7 policies of 9 roles, buckets, keys, topics and queues names the old "
                                "organization o-7rmx2kq4ud");
    assert_non_null(opf_fx_cited(fx, "s3.bucket_policies"));
    assert_non_null(opf_fx_cited(fx, "iam.roles"));
}

static void allow_on_the_old_id_warns(void **state)
{
    struct opf_fx *fx = *state;
    s_clean(fx);
    s_add_statement(fx, "s3.bucket_policies", "Buckets", 0,
                    "{\"Sid\": \"OrgRead\", \"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", "
                    "\"Resource\": \"arn:aws:s3:::kuzey-backup-vault/*\", \"Condition\": {\"StringEquals\": "
                    "{\"aws:PrincipalOrgID\": \"o-7rmx2kq4ud\"}}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "1 statement depends on the old organization o-7rmx2kq4ud");
    opf_fx_assert(fx, OPF_WARN, "arn:aws:s3:::kuzey-backup-vault (statement OrgRead: Allow StringEquals "
                                "aws:PrincipalOrgID o-7rmx2kq4ud)");
    const json_t *refs = json_object_get(json_object_get(opf_fx_cited(fx, "s3.bucket_policies"), "values"),
                                         "references");
    assert_int_equal(json_array_size(refs), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(refs, 0), "Statement")), "OrgRead");
}

static void deny_outside_the_old_organization_fails(void **state)
{
    struct opf_fx *fx = *state;
    s_clean(fx);
    s_add_statement(fx, "kms.key_policies", "Keys", 0,
                    "{\"Sid\": \"DenyOutsideOrg\", \"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"kms:*\", "
                    "\"Resource\": \"*\", \"Condition\": {\"StringNotEqualsIfExists\": {\"aws:PrincipalOrgID\": "
                    "\"o-7rmx2kq4ud\"}, \"Bool\": {\"aws:PrincipalIsAWSService\": \"false\"}}}");
    s_add_statement(fx, "iam.roles", "Roles", 2,
                    "{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"*\"}, \"Action\": \"sts:AssumeRole\", "
                    "\"Condition\": {\"StringEquals\": {\"aws:PrincipalOrgID\": [\"o-7rmx2kq4ud\"]}}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "1 Deny statement refuses everyone outside the old organization o-7rmx2kq4ud");
    opf_fx_assert(fx, OPF_FAIL, "arn:aws:kms:eu-central-1:304955176822:key/5f0c2e1a-7d4b-4c8e-9a31-2b6f0d8e4c17 "
                                "(statement DenyOutsideOrg: Deny StringNotEqualsIfExists aws:PrincipalOrgID");
    /* the trust policy's statement has no Sid: it is named by its index */
    opf_fx_assert(fx, OPF_FAIL, "1 other statement also names it: arn:aws:iam::304955176822:role/backup-restore-ci "
                                "(statement Statement[1]: Allow");
}

static void keys_any_case_arrays_foranyvalue_and_ou_paths_count(void **state)
{
    struct opf_fx *fx = *state;
    s_clean(fx);
    /* an OU path with a wildcard for the organization: recognised by the OU id alone */
    s_add_statement(fx, "sqs.queue_policies", "Queues", 0,
                    "{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"sqs:SendMessage\", \"Condition\": "
                    "{\"ForAnyValue:StringLike\": {\"AWS:principalorgpaths\": [\"o-*/r-k3x9/ou-k3x9-5nbq1t0e/*\", "
                    "\"o-a1b2c3d4e5/*\"]}}}");
    s_add_statement(fx, "sns.topic_policies", "Topics", 0,
                    "{\"Sid\": \"Publish\", \"Effect\": \"Allow\", \"Principal\": {\"Service\": "
                    "\"events.amazonaws.com\"}, \"Action\": \"sns:Publish\", \"Condition\": {\"StringEquals\": "
                    "{\"aws:ResourceOrgID\": \"O-7RMX2KQ4UD\"}}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "2 statements depend on the old organization");
    opf_fx_assert(fx, OPF_WARN, "ForAnyValue:StringLike AWS:principalorgpaths ou-k3x9-5nbq1t0e");
    opf_fx_assert(fx, OPF_WARN, "backup-alerts (statement Publish: Allow StringEquals aws:ResourceOrgID o-7rmx2kq4ud)");
}

static void another_organization_or_other_keys_pass(void **state)
{
    struct opf_fx *fx = *state;
    s_clean(fx);
    /* the new organization's id, and the old id under a key that is not an organization key */
    s_add_statement(fx, "s3.bucket_policies", "Buckets", 0,
                    "{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Condition\": "
                    "{\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-p4n8x2w6qe\", \"aws:PrincipalTag/org\": "
                    "\"o-7rmx2kq4ud\"}}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "names the old organization");
}

static void deny_on_the_old_organization_itself_warns(void **state)
{
    struct opf_fx *fx = *state;
    s_clean(fx);
    /* denies the old organization's principals: stale after the move, but it locks nobody of this account out */
    s_add_statement(fx, "s3.bucket_policies", "Buckets", 2,
                    "{\"Sid\": \"NoOldOrgWrites\", \"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": "
                    "\"s3:PutObject\", \"Condition\": {\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-7rmx2kq4ud\"}}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "(statement NoOldOrgWrites: Deny StringEquals aws:PrincipalOrgID o-7rmx2kq4ud)");
}

static void item_errors_are_unknown_unless_a_deny_fails(void **state)
{
    struct opf_fx *fx = *state;
    s_clean(fx);
    json_array_append_new(json_object_get(opf_fx_data(fx, "kms.key_policies"), "Errors"),
                          json_pack("{s:s,s:s,s:s,s:s,s:s}", "Region", "us-east-1", "Operation", "kms:GetKeyPolicy",
                                    "Code", "AccessDeniedException", "Message", "not authorized", "Resource",
                                    "arn:aws:kms:us-east-1:304955176822:key/0d3c9a55-1b2e-4f70-8c6d-5e4a3b2c1d0f"));
    s_add_statement(fx, "s3.bucket_policies", "Buckets", 0,
                    "{\"Sid\": \"OrgRead\", \"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", "
                    "\"Condition\": {\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-7rmx2kq4ud\"}}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "kms.key_policies listed 1 error: us-east-1 kms:GetKeyPolicy "
                                   "AccessDeniedException on arn:aws:kms:us-east-1:304955176822:key/");
    opf_fx_assert(fx, OPF_UNKNOWN, "among those read, statements name the old organization: arn:aws:s3:::");
    s_add_statement(fx, "s3.bucket_policies", "Buckets", 0,
                    "{\"Sid\": \"OnlyOrg\", \"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", "
                    "\"Condition\": {\"StringNotEquals\": {\"aws:PrincipalOrgID\": \"o-7rmx2kq4ud\"}}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "OnlyOrg");
}

static void missing_or_failed_items_are_unknown(void **state)
{
    struct opf_fx *fx = *state;
    s_clean(fx);
    opf_fx_remove(fx, "sns.topic_policies");
    opf_fx_set_error(fx, "iam.roles", "AccessDenied", "User is not authorized to perform: iam:ListRoles");
    opf_fx_run(fx, C);
    /* the failed call is named, whatever its message says */
    opf_fx_set_error(fx, "kms.key_policies", "MalformedResponse", "malformed JSON at line 1 column 7: invalid token");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "iam.roles (iam:ListRoles): AccessDenied: User is not authorized to perform: iam:ListRoles");
    opf_fx_assert(fx, OPF_UNKNOWN, "kms.key_policies (kms:ListKeys+kms:GetKeyPolicy): MalformedResponse: malformed JSON");
    opf_fx_assert(fx, OPF_UNKNOWN, "sns.topic_policies was not collected");
    opf_fx_set_json(fx, "sns.topic_policies", "sns:ListTopics+sns:GetTopicAttributes", "{\"Regions\": []}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "sns.topic_policies has no Topics list");
    /* what was read is enough to fail */
    s_add_statement(fx, "sqs.queue_policies", "Queues", 0,
                    "{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"sqs:*\", \"Condition\": "
                    "{\"StringNotEquals\": {\"aws:PrincipalOrgID\": \"o-7rmx2kq4ud\"}}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "restore-requests (statement Statement[0]: Deny");
}

static void policies_as_text_are_read_and_garbage_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    s_clean(fx);
    json_t *queue = json_array_get(json_object_get(opf_fx_data(fx, "sqs.queue_policies"), "Queues"), 0);
    json_object_set_new(queue, "Policy", json_string("{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": "
                                                     "\"Allow\", \"Principal\": \"*\", \"Action\": \"sqs:*\", "
                                                     "\"Condition\": {\"StringEquals\": {\"aws:PrincipalOrgID\": "
                                                     "\"o-7rmx2kq4ud\"}}}}"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "restore-requests (statement Statement[0]: Allow");
    json_object_set_new(queue, "Policy", json_string("%7B%22Version%22"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "the policy of arn:aws:sqs:eu-central-1:304955176822:restore-requests is not a "
                                   "policy document");
}

static void an_organization_without_id_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    s_clean(fx);
    json_object_del(json_object_get(fx->bundle, "organization"), "id");
    json_t *acct;
    size_t i;
    json_array_foreach(json_object_get(fx->bundle, "accounts"), i, acct) json_object_del(acct, "ou_path");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no id");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(clean_policies_pass),
        OPF_FX_TEST(allow_on_the_old_id_warns),
        OPF_FX_TEST(deny_outside_the_old_organization_fails),
        OPF_FX_TEST(keys_any_case_arrays_foranyvalue_and_ou_paths_count),
        OPF_FX_TEST(another_organization_or_other_keys_pass),
        OPF_FX_TEST(deny_on_the_old_organization_itself_warns),
        OPF_FX_TEST(item_errors_are_unknown_unless_a_deny_fails),
        OPF_FX_TEST(missing_or_failed_items_are_unknown),
        OPF_FX_TEST(policies_as_text_are_read_and_garbage_is_unknown),
        OPF_FX_TEST(an_organization_without_id_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
