/* identity-center-assignments: assignments listed, none, no Identity Center at all, and unreadable evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_identity_center_assignments;

#define SOURCE "sso-admin:ListPermissionSetsProvisionedToAccount+sso-admin:ListAccountAssignments+" \
               "sso-admin:DescribePermissionSet"

static json_t *s_sets(struct opf_fx *fx)
{
    opf_fx_account(fx, "304955176822");
    opf_fx_set_file(fx, "sso_admin.account_assignments", SOURCE, "hazards/account-assignments.json");
    return json_object_get(opf_fx_data(fx, "sso_admin.account_assignments"), "PermissionSets");
}

static void assignments_are_listed_to_recreate(void **state)
{
    struct opf_fx *fx = *state;
    s_sets(fx);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "4 Identity Center assignments end when the account leaves; recreate them in the new "
                                "organization first: AdministratorAccess (2 groups, 1 user), ReadOnlyAccess (1 group)");
    assert_int_equal(fx->finding.severity, OPF_SEV_INFO);
    const json_t *values = json_object_get(opf_fx_cited(fx, "sso_admin.account_assignments"), "values");
    assert_int_equal(json_array_size(json_object_get(values, "PermissionSets")), 3);
}

static void unnamed_sets_and_other_principals_are_described(void **state)
{
    struct opf_fx *fx = *state;
    json_t *sets = s_sets(fx);
    json_t *admin = json_array_get(sets, 0);
    json_object_del(admin, "Name");
    json_array_append_new(json_object_get(admin, "AccountAssignments"),
                          json_pack("{s:s,s:s}", "PrincipalType", "APPLICATION", "PrincipalId", "apl-1234567890"));
    json_array_remove(sets, 1);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "4 Identity Center assignments end when the account leaves; recreate them in the new "
                                "organization first: arn:aws:sso:::permissionSet/ssoins-7223a1b4c5d6e7f8/"
                                "ps-6a1f0c2e9b3d4e57 (2 groups, 1 user, 1 other)");
}

static void nothing_assigned_passes(void **state)
{
    struct opf_fx *fx = *state;
    json_t *sets = s_sets(fx);
    json_array_remove(sets, 0);
    json_array_remove(sets, 0);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "no Identity Center user or group is assigned in this account (1 permission set "
                                "provisioned)");
}

static void no_identity_center_instance_is_skipped(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_organization(fx);
    json_array_clear(json_object_get(opf_fx_data(fx, "sso_admin.instances"), "Instances"));
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_SKIPPED, "no Identity Center instance");
}

static void unreadable_evidence_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C); /* the organization runs Identity Center */
    opf_fx_assert(fx, OPF_UNKNOWN, "evidence sso_admin.account_assignments was not collected");
    opf_fx_set_error(fx, "sso_admin.account_assignments", "AccessDeniedException",
                     "not authorized to perform: sso:ListAccountAssignments");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "sso:ListAccountAssignments");
    opf_fx_set_json(fx, "sso_admin.account_assignments", SOURCE, "{\"InstanceArn\": \"arn:aws:sso:::instance/x\"}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no PermissionSets list");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(assignments_are_listed_to_recreate),
        OPF_FX_TEST(unnamed_sets_and_other_principals_are_described),
        OPF_FX_TEST(nothing_assigned_passes),
        OPF_FX_TEST(no_identity_center_instance_is_skipped),
        OPF_FX_TEST(unreadable_evidence_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
