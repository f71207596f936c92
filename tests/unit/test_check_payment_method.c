/* payment-method: management, direct path, attestations (fresh, false, stale, invalid), invited, created. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_payment_method;

static void management_account_passes(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "210987654321");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "pays the organization's bill");
    /* the management account always leaves, whatever the configured path */
    fx->ctx.path = OPF_PATH_DIRECT;
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "leave path");
}

static void direct_path_is_skipped(void **state)
{
    struct opf_fx *fx = *state;
    fx->ctx.path = OPF_PATH_DIRECT;
    opf_fx_account(fx, "418273645091");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_SKIPPED, "direct path");
}

static void fresh_attestation_decides(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_attest(fx, "payment-method", "true", "2026-11-20");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "leave path: a valid payment method is attested");
    const json_t *cite = opf_fx_cited(fx, "attestation.payment-method");
    assert_non_null(cite);
    assert_string_equal(json_string_value(json_object_get(json_object_get(cite, "values"), "attested_by")),
                        "finance@kuzeylabs.io");
    opf_fx_attest(fx, "payment-method", "false", "2026-11-20T10:00:00Z");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "no valid payment method");
}

static void invited_without_attestation_warns(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "still valid");
}

static void created_without_attestation_fails(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "created by the organization");
}

static void stale_or_invalid_attestation_is_ignored_and_said(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_attest(fx, "payment-method", "true", "2026-05-01");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "stale (208 days old, maximum 90)");
    opf_fx_attest(fx, "payment-method", "true", "2027-03-01");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "dated in the future");
    opf_fx_attest(fx, "payment-method", "\"yes\"", "2026-11-20");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "not true or false");
    opf_fx_attest(fx, "payment-method", "true", "last week");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "no readable value or date");
}

static void missing_account_evidence_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_set_error(fx, "organizations.account", "AccessDeniedException", "not authorized");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "AccessDeniedException");
}

static void unknown_joined_method_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    json_object_del(json_object_get(opf_fx_data(fx, "organizations.account"), "Account"), "JoinedMethod");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "JoinedMethod");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(management_account_passes),
        OPF_FX_TEST(direct_path_is_skipped),
        OPF_FX_TEST(fresh_attestation_decides),
        OPF_FX_TEST(invited_without_attestation_warns),
        OPF_FX_TEST(created_without_attestation_fails),
        OPF_FX_TEST(stale_or_invalid_attestation_is_ignored_and_said),
        OPF_FX_TEST(missing_account_evidence_is_unknown),
        OPF_FX_TEST(unknown_joined_method_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
