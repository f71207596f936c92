/* stacksets-retain: a StackSet that deletes its stacks, ones that retain them or stop deploying, self-managed
 * ones, no instances at all, unreadable sets, listing errors and missing evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_stacksets_retain;

/* The organization's StackSets from the fixture; returns the list to edit. */
static json_t *s_stack_sets(struct opf_fx *fx)
{
    opf_fx_organization(fx);
    opf_fx_set_file(fx, "cloudformation.stack_sets",
                    "cloudformation:ListStackSets+cloudformation:DescribeStackSet+cloudformation:ListStackInstances",
                    "hazards/stack-sets.json");
    return json_object_get(opf_fx_data(fx, "cloudformation.stack_sets"), "StackSets");
}

static void deleting_stack_set_warns_with_its_regions(void **state)
{
    struct opf_fx *fx = *state;
    s_stack_sets(fx);
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    /* org-audit-role retains, backup-vault-replication is self-managed: only the baseline is listed */
    opf_fx_assert(fx, OPF_WARN, "1 service-managed StackSet deletes its stacks, and the resources in them, from "
                                "this account when it leaves the organization (RetainStacksOnAccountRemoval is "
                                "false): org-baseline-config (eu-central-1, us-east-1)");
    const json_t *values = json_object_get(opf_fx_cited(fx, "cloudformation.stack_sets"), "values");
    assert_int_equal(json_array_size(json_object_get(values, "with_instances_here")), 2);
}

static void absent_retain_flag_means_delete(void **state)
{
    struct opf_fx *fx = *state;
    json_t *sets = s_stack_sets(fx);
    json_object_del(json_object_get(json_array_get(sets, 1), "AutoDeployment"), "RetainStacksOnAccountRemoval");
    opf_fx_account(fx, "639182740516");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "org-audit-role (eu-central-1)");
}

static void retained_or_not_auto_deployed_passes(void **state)
{
    struct opf_fx *fx = *state;
    s_stack_sets(fx);
    opf_fx_account(fx, "639182740516");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "the 2 service-managed StackSets with instances in this account keep their stacks");
}

static void no_instance_here_passes(void **state)
{
    struct opf_fx *fx = *state;
    s_stack_sets(fx);
    opf_fx_account(fx, "418273645091");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "none of the organization's 4 active StackSets");
}

static void unreadable_stack_set_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    json_t *sets = s_stack_sets(fx);
    json_object_del(json_array_get(sets, 2), "AutoDeployment");
    opf_fx_account(fx, "639182740516");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "1 StackSet with instances here lacks a readable PermissionModel or "
                                   "AutoDeployment: legacy-vpc-flowlogs (eu-central-1)");
    json_object_set_new(json_array_get(sets, 2), "AutoDeployment", json_pack("{s:b}", "Enabled", 0));
    json_object_del(json_array_get(sets, 1), "PermissionModel");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "org-audit-role (eu-central-1)");
}

static void listing_errors_are_unknown_unless_a_warning_stands(void **state)
{
    struct opf_fx *fx = *state;
    s_stack_sets(fx);
    json_object_set_new(opf_fx_data(fx, "cloudformation.stack_sets"), "Errors",
                        json_pack("[{s:s,s:s,s:s,s:s}]", "Region", "eu-central-1", "Operation",
                                  "cloudformation:ListStackInstances", "Code", "StackSetNotFoundException", "Message",
                                  "StackSet org-networking not found"));
    opf_fx_account(fx, "639182740516");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "the listing is incomplete: 1 error: eu-central-1 "
                                   "cloudformation:ListStackInstances StackSetNotFoundException");
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "the listing also reported 1 error");
}

static void missing_evidence_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "evidence cloudformation.stack_sets was not collected");
    opf_fx_organization(fx);
    opf_fx_set_error(fx, "cloudformation.stack_sets", "AccessDenied", "not authorized to perform: "
                                                                       "cloudformation:ListStackSets");
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "AccessDenied");
    opf_fx_organization(fx);
    opf_fx_set_json(fx, "cloudformation.stack_sets", "cloudformation:ListStackSets", "{\"Summaries\": []}");
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no StackSets list");
    json_object_del(fx->bundle, "organization");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no organization record");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(deleting_stack_set_warns_with_its_regions),
        OPF_FX_TEST(absent_retain_flag_means_delete),
        OPF_FX_TEST(retained_or_not_auto_deployed_passes),
        OPF_FX_TEST(no_instance_here_passes),
        OPF_FX_TEST(unreadable_stack_set_is_unknown),
        OPF_FX_TEST(listing_errors_are_unknown_unless_a_warning_stands),
        OPF_FX_TEST(missing_evidence_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
