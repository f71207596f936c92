/* control-tower-enrolled: baselines on the account's OU or on the account, the execution role with or without
 * baselines, an unmanaged account, and unreadable evidence from either source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_control_tower_enrolled;

/* The organization's baselines, then the account with its roles (plus Control Tower's role when asked). */
static void s_setup(struct opf_fx *fx, const char *account, bool execution_role)
{
    opf_fx_organization(fx);
    opf_fx_set_file(fx, "controltower.enabled_baselines", "controltower:ListEnabledBaselines",
                    "hazards/enabled-baselines.json");
    opf_fx_account(fx, account);
    opf_fx_set_file(fx, "iam.roles", "iam:ListRoles", "hazards/iam-roles.json");
    if (execution_role)
        json_array_append_new(json_object_get(opf_fx_data(fx, "iam.roles"), "Roles"),
                              json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:[{s:s,s:{s:s},s:s}]}}", "Path", "/", "RoleName",
                                        "AWSControlTowerExecution", "RoleId", "AROAUX3KZQ7MCTEXEC04", "Arn",
                                        "arn:aws:iam::304955176822:role/AWSControlTowerExecution", "CreateDate",
                                        "2024-06-18T09:12:40+00:00", "AssumeRolePolicyDocument", "Version",
                                        "2012-10-17", "Statement", "Effect", "Allow", "Principal", "AWS",
                                        "arn:aws:iam::210987654321:root", "Action", "sts:AssumeRole"));
}

static void baseline_on_the_accounts_ou_fails(void **state)
{
    struct opf_fx *fx = *state;
    s_setup(fx, "418273645091", false);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "Control Tower manages this account: 1 enabled baseline targets it: baseline "
                                "arn:aws:controltower:eu-central-1::baseline/17BSJV3IGJ2QSGA2 on its OU Workloads "
                                "(ou-k3x9-8w2hd6ra) (UNDER_CHANGE)");
    const json_t *values = json_object_get(opf_fx_cited(fx, "controltower.enabled_baselines"), "values");
    assert_int_equal(json_array_size(json_object_get(values, "targeting_account")), 1);
}

static void baselines_on_the_account_and_the_role_fail_together(void **state)
{
    struct opf_fx *fx = *state;
    s_setup(fx, "639182740516", true);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "2 enabled baselines target it");
    opf_fx_assert(fx, OPF_FAIL, "baseline arn:aws:controltower:eu-central-1::baseline/LN25R72TTG6IGPTQ on the account "
                                "(SUCCEEDED); the AWSControlTowerExecution role is present");
}

static void execution_role_alone_fails(void **state)
{
    struct opf_fx *fx = *state;
    s_setup(fx, "304955176822", true);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "the AWSControlTowerExecution role is present: the account is (or was) enrolled in "
                                "Control Tower, although no enabled baseline targets it");
    opf_fx_organization(fx);
    opf_fx_remove(fx, "controltower.enabled_baselines");
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "enrolled in Control Tower");
}

static void unmanaged_account_passes(void **state)
{
    struct opf_fx *fx = *state;
    s_setup(fx, "304955176822", false);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "no Control Tower baseline targets the account or its OUs, and it has no "
                                "AWSControlTowerExecution role");
    assert_non_null(opf_fx_cited(fx, "iam.roles"));
}

static void either_source_unreadable_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    s_setup(fx, "304955176822", false);
    opf_fx_set_error(fx, "iam.roles", "AccessDenied", "not authorized to perform: iam:ListRoles");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "Control Tower enrollment cannot be ruled out: iam.roles unavailable: iam:ListRoles: "
                                   "AccessDenied");
    opf_fx_set_json(fx, "iam.roles", "iam:ListRoles", "{\"IsTruncated\": false}");
    opf_fx_organization(fx);
    opf_fx_set_error(fx, "controltower.enabled_baselines", "ResourceNotFoundException", "No landing zone");
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "controltower.enabled_baselines unavailable: controltower:ListEnabledBaselines: "
                                   "ResourceNotFoundException; iam.roles has no Roles "
                                   "list");
    opf_fx_organization(fx);
    opf_fx_set_json(fx, "controltower.enabled_baselines", "controltower:ListEnabledBaselines", "{}");
    opf_fx_account(fx, "304955176822");
    opf_fx_remove(fx, "iam.roles");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "controltower.enabled_baselines has no enabledBaselines list; iam.roles was not "
                                   "collected");
    json_object_del(fx->bundle, "organization");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "controltower.enabled_baselines was not collected");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(baseline_on_the_accounts_ou_fails),
        OPF_FX_TEST(baselines_on_the_account_and_the_role_fail_together),
        OPF_FX_TEST(execution_role_alone_fails),
        OPF_FX_TEST(unmanaged_account_passes),
        OPF_FX_TEST(either_source_unreadable_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
