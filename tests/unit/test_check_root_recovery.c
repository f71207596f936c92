/* root-recovery: a root password present, absent on each path, the cause named, and missing evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_root_recovery;

static void root_password_present_passes(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "leave path: the root user has a password");
}

static void no_root_password_fails_on_leave_and_warns_on_direct(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "IAMCreateRootUserPassword");
    opf_fx_assert(fx, OPF_FAIL, "RootCredentialsManagement");
    fx->ctx.path = OPF_PATH_DIRECT;
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "direct path");
}

static void the_cause_falls_back_to_the_joined_method(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_organization(fx);
    opf_fx_set_json(fx, "iam.organizations_features", "iam:ListOrganizationsFeatures",
                    "{\"OrganizationId\": \"o-7rmx2kq4ud\", \"EnabledFeatures\": []}");
    opf_fx_account(fx, "418273645091");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "created by the organization");
    opf_fx_account(fx, "304955176822");
    json_object_set_new(json_object_get(opf_fx_data(fx, "iam.account_summary"), "SummaryMap"),
                        "AccountPasswordPresent", json_integer(0));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "root credentials were removed");
}

static void management_always_takes_the_leave_path(void **state)
{
    struct opf_fx *fx = *state;
    fx->ctx.path = OPF_PATH_DIRECT;
    opf_fx_account(fx, "210987654321");
    json_object_set_new(json_object_get(opf_fx_data(fx, "iam.account_summary"), "SummaryMap"),
                        "AccountPasswordPresent", json_integer(0));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "leave path");
}

static void missing_summary_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_set_error(fx, "iam.account_summary", "AccessDenied", "not authorized to perform iam:GetAccountSummary");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "AccessDenied");
    opf_fx_set_json(fx, "iam.account_summary", "iam:GetAccountSummary", "{\"SummaryMap\": {\"Users\": 0}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "AccountPasswordPresent");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(root_password_present_passes),
        OPF_FX_TEST(no_root_password_fails_on_leave_and_warns_on_direct),
        OPF_FX_TEST(the_cause_falls_back_to_the_joined_method),
        OPF_FX_TEST(management_always_takes_the_leave_path),
        OPF_FX_TEST(missing_summary_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
