/* account-state: every State an account can be in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_account_state;

static void s_set_state(struct opf_fx *fx, const char *state)
{
    json_object_set_new(json_object_get(opf_fx_data(fx, "organizations.account"), "Account"), "State",
                        json_string(state));
}

static void active_passes(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "ACTIVE");
    const json_t *cite = opf_fx_cited(fx, "organizations.account");
    assert_non_null(cite);
    assert_string_equal(json_string_value(json_object_get(json_object_get(cite, "values"), "State")), "ACTIVE");
    assert_string_equal(json_string_value(opf_fx_fact(fx, "state")), "ACTIVE");
    assert_true(json_is_true(opf_fx_fact(fx, "can_move")));
}

static void suspended_fails_and_names_the_90_days(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "527381946503");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "SUSPENDED");
    opf_fx_assert(fx, OPF_FAIL, "90 days");
    assert_string_equal(json_string_value(opf_fx_fact(fx, "state")), "SUSPENDED");
    assert_true(json_is_false(opf_fx_fact(fx, "can_move")));
}

static void pending_closure_closed_and_pending_activation_fail(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    s_set_state(fx, "PENDING_CLOSURE");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "PENDING_CLOSURE");
    s_set_state(fx, "CLOSED");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "closed account cannot be migrated");
    s_set_state(fx, "PENDING_ACTIVATION");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "activation is incomplete");
}

static void unknown_state_value_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    s_set_state(fx, "MIGRATING");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "MIGRATING");
}

static void status_is_the_fallback_when_state_is_absent(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "527381946503");
    json_t *account = json_object_get(opf_fx_data(fx, "organizations.account"), "Account");
    json_object_del(account, "State");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "SUSPENDED");
    json_object_del(account, "Status");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no State");
}

static void missing_or_errored_evidence_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_set_error(fx, "organizations.account", "AccessDeniedException",
                     "You don't have permissions to access this resource.");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "AccessDeniedException");
    opf_fx_remove(fx, "organizations.account");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "not collected");
    opf_fx_set_json(fx, "organizations.account", "organizations:DescribeAccount", "{}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no Account");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(active_passes),
        OPF_FX_TEST(suspended_fails_and_names_the_90_days),
        OPF_FX_TEST(pending_closure_closed_and_pending_activation_fail),
        OPF_FX_TEST(unknown_state_value_is_unknown),
        OPF_FX_TEST(status_is_the_fallback_when_state_is_absent),
        OPF_FX_TEST(missing_or_errored_evidence_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
