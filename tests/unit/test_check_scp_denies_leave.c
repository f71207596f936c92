/* scp-denies-leave: explicit denies (Action, wildcards, NotAction), implicit deny, conditions, both paths, and
 * every level of the path present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_scp_denies_leave;

#define FULL_ACCESS "{\"Id\": \"p-FullAWSAccess\", \"Name\": \"FullAWSAccess\", \"Content\": \"{\\\"Version\\\":" \
                    "\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":\\\"*\\\"," \
                    "\\\"Resource\\\":\\\"*\\\"}]}\"}"

/* The account's path: root and account with FullAWSAccess, the OU with FullAWSAccess plus `extra`. */
static void s_path(struct opf_fx *fx, const char *extra_policy_content)
{
    json_t *targets = json_pack("[{s:s,s:[]},{s:s,s:[]},{s:s,s:[]}]", "TargetId", "r-k3x9", "Policies", "TargetId",
                                "ou-k3x9-8w2hd6ra", "Policies", "TargetId", "418273645091", "Policies");
    for (size_t i = 0; i < 3; i++)
        json_array_append_new(json_object_get(json_array_get(targets, i), "Policies"),
                              json_loads(FULL_ACCESS, 0, NULL));
    if (extra_policy_content)
        json_array_append_new(json_object_get(json_array_get(targets, 1), "Policies"),
                              json_pack("{s:s,s:s,s:s}", "Id", "p-9x2kd0lq", "Name", "Guardrails", "Content",
                                        extra_policy_content));
    opf_fx_set_data(fx, "organizations.service_control_policies",
                    "organizations:ListPoliciesForTarget+organizations:DescribePolicy", json_pack("{s:o}", "Targets",
                                                                                                 targets));
}

static void full_access_only_passes(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "none of the 3 service control policies on the account's 3 levels denies "
                                "organizations:LeaveOrganization");
}

static void guardrail_deny_fails_on_leave_only(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091"); /* Workloads OU carries DenyLeaveOrganization */
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "leave path: policy DenyLeaveOrganization (p-9x2kd0lq) on ou-k3x9-8w2hd6ra, "
                                "statement DenyLeavingOrganization explicitly denies organizations:LeaveOrganization");
    const json_t *values = json_object_get(opf_fx_cited(fx, "organizations.service_control_policies"), "values");
    assert_non_null(json_object_get(values, "denied_by"));
    fx->ctx.path = OPF_PATH_DIRECT;
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "direct path");
    opf_fx_assert(fx, OPF_PASS, "organizations:AcceptHandshake");
}

static void wildcards_match_case_insensitively(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    s_path(fx, "{\"Statement\": {\"Effect\": \"Deny\", \"Action\": \"Organizations:*\", \"Resource\": \"*\"}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "explicitly denies");
    fx->ctx.path = OPF_PATH_DIRECT;
    s_path(fx, "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": [\"ec2:*\", \"organizations:Accept?andshake\"]}]}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "organizations:AcceptHandshake");
}

static void not_action_is_evaluated(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    /* the region-lock pattern: deny everything except a list of global services */
    s_path(fx, "{\"Statement\": [{\"Sid\": \"DenyOutsideAllowList\", \"Effect\": \"Deny\", \"NotAction\": "
               "[\"iam:*\", \"sts:*\", \"support:*\"], \"Resource\": \"*\"}]}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "statement DenyOutsideAllowList explicitly denies");
    s_path(fx, "{\"Statement\": [{\"Effect\": \"Deny\", \"NotAction\": [\"iam:*\", \"organizations:*\"], "
               "\"Resource\": \"*\"}]}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, NULL);
}

static void conditional_or_scoped_deny_warns(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    s_path(fx, "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"organizations:LeaveOrganization\", "
               "\"Resource\": \"*\", \"Condition\": {\"ArnNotLike\": {\"aws:PrincipalArn\": "
               "\"arn:aws:iam::*:role/OrgMigrationOperator\"}}}]}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "under a condition");
    s_path(fx, "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"organizations:LeaveOrganization\", "
               "\"Resource\": \"arn:aws:organizations::210987654321:account/o-7rmx2kq4ud/418273645091\"}]}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "some resources only");
}

static void a_level_without_allow_denies_implicitly(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    s_path(fx, NULL);
    json_t *targets = json_object_get(opf_fx_data(fx, "organizations.service_control_policies"), "Targets");
    json_object_set_new(json_array_get(targets, 1), "Policies",
                        json_pack("[{s:s,s:s,s:s}]", "Id", "p-3kq9zz01", "Name", "AllowListWorkloads", "Content",
                                  "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"ec2:*\", \"s3:*\", "
                                  "\"iam:*\"], \"Resource\": \"*\"}]}"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "no service control policy on ou-k3x9-8w2hd6ra allows");

    /* an allow that holds only under a condition cannot be evaluated either way */
    json_t *policy = json_array_get(json_object_get(json_array_get(targets, 1), "Policies"), 0);
    json_object_set_new(policy, "Content",
                        json_string("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": "
                                    "\"*\", \"Condition\": {\"StringEquals\": {\"aws:RequestedRegion\": "
                                    "\"eu-central-1\"}}}]}"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "allow organizations:LeaveOrganization only under a condition");
}

static void unreadable_policies_are_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    s_path(fx, "{\"Statement\": [");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "Guardrails (p-9x2kd0lq) on ou-k3x9-8w2hd6ra is not a readable policy");
    opf_fx_set_error(fx, "organizations.service_control_policies", "AccessDeniedException", "not authorized");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "AccessDeniedException");
    opf_fx_set_json(fx, "organizations.service_control_policies", "organizations:ListPoliciesForTarget", "{}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no Targets");
}

static void every_level_of_the_path_must_be_there(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091"); /* root r-k3x9, OU ou-k3x9-8w2hd6ra, the account */
    s_path(fx, NULL);
    json_t *targets = json_object_get(opf_fx_data(fx, "organizations.service_control_policies"), "Targets");
    json_array_remove(targets, 1); /* the OU's policies were never listed */
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "ou-k3x9-8w2hd6ra");
    json_array_clear(targets);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "r-k3x9");
    s_path(fx, NULL);
    json_array_remove(json_object_get(opf_fx_data(fx, "organizations.service_control_policies"), "Targets"), 2);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "418273645091");
}

static void a_level_with_no_policy_is_a_collection_gap(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    s_path(fx, NULL);
    json_t *targets = json_object_get(opf_fx_data(fx, "organizations.service_control_policies"), "Targets");
    json_array_clear(json_object_get(json_array_get(targets, 1), "Policies"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "ou-k3x9-8w2hd6ra has no service control policy");
    json_object_set_new(json_array_get(targets, 1), "Policies", json_string("p-FullAWSAccess"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "ou-k3x9-8w2hd6ra");
}

static void an_account_without_its_path_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    s_path(fx, NULL);
    json_object_set_new(fx->record, "ou_path", json_array());
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "path");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(full_access_only_passes),
        OPF_FX_TEST(guardrail_deny_fails_on_leave_only),
        OPF_FX_TEST(wildcards_match_case_insensitively),
        OPF_FX_TEST(not_action_is_evaluated),
        OPF_FX_TEST(conditional_or_scoped_deny_warns),
        OPF_FX_TEST(a_level_without_allow_denies_implicitly),
        OPF_FX_TEST(unreadable_policies_are_unknown),
        OPF_FX_TEST(every_level_of_the_path_must_be_there),
        OPF_FX_TEST(a_level_with_no_policy_is_a_collection_gap),
        OPF_FX_TEST(an_account_without_its_path_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
