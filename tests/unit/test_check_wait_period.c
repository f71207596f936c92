/* wait-period: invited, created long ago, created just now, and each source of the creation date. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_wait_period;

static void invited_passes_without_a_date(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_remove(fx, "account.information");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "invited");
    opf_fx_assert(fx, OPF_PASS, "leave path");
}

static void old_created_account_passes(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "2023-02-20T10:03:17Z");
    assert_non_null(opf_fx_cited(fx, "account.information"));
}

static void just_created_fails_with_the_date_it_may_leave(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "741852963074");
    opf_fx_run(fx, C);
    /* created 2026-11-23T14:12:09Z; now 2026-11-25T09:00:00Z; 4 days later is 2026-11-27T14:12:09Z */
    opf_fx_assert(fx, OPF_FAIL, "from 2026-11-27T14:12:09Z (in 54 hours)");
    /* and the date in the finding itself, for the reports and the runbook */
    time_t when;
    assert_true(opf_time_parse("2026-11-27T14:12:09Z", &when));
    assert_int_equal(fx->finding.not_before, when);
    assert_string_equal(json_string_value(opf_fx_fact(fx, "allowed_at")), "2026-11-27T14:12:09Z");
    assert_int_equal(json_integer_value(opf_fx_fact(fx, "days")), 4);
    fx->ctx.path = OPF_PATH_DIRECT;
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "direct path");
}

static void the_period_is_configurable(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "741852963074");
    opf_fx_config(fx, "migration.wait_period_days", "1");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "more than 1 days");
    assert_int_equal(fx->finding.not_before, 0); /* a pass waits for nothing */
    opf_fx_config(fx, "migration.wait_period_days", "7");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "2026-11-30T14:12:09Z");
    assert_string_equal(json_string_value(opf_fx_fact(fx, "allowed_at")), "2026-11-30T14:12:09Z");
    assert_int_equal(json_integer_value(opf_fx_fact(fx, "days")), 7); /* the runbook's wait_periods read it */
}

static void account_created_date_wins_over_joined_timestamp(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "741852963074");
    /* AccountCreatedDate is the authority when both dates exist */
    json_object_set_new(opf_fx_data(fx, "account.information"), "AccountCreatedDate",
                        json_string("2026-11-01T00:00:00Z"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "2026-11-01");
}

static void joined_timestamp_is_the_fallback(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "741852963074");
    opf_fx_set_error(fx, "account.information", "AccessDeniedException", "not authorized");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "2026-11-27T14:12:09Z");
    const json_t *cite = opf_fx_cited(fx, "organizations.account");
    assert_non_null(cite);
    assert_non_null(json_object_get(json_object_get(cite, "values"), "JoinedTimestamp"));
}

static void no_date_or_no_method_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "741852963074");
    opf_fx_remove(fx, "account.information");
    json_t *account = json_object_get(opf_fx_data(fx, "organizations.account"), "Account");
    json_object_del(account, "JoinedTimestamp");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "creation date is unknown");
    json_object_del(account, "JoinedMethod");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "JoinedMethod");
    opf_fx_remove(fx, "organizations.account");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "organizations.account");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(invited_passes_without_a_date),
        OPF_FX_TEST(old_created_account_passes),
        OPF_FX_TEST(just_created_fails_with_the_date_it_may_leave),
        OPF_FX_TEST(the_period_is_configurable),
        OPF_FX_TEST(account_created_date_wins_over_joined_timestamp),
        OPF_FX_TEST(joined_timestamp_is_the_fallback),
        OPF_FX_TEST(no_date_or_no_method_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
