/* delegated-administrator: per-account listing, the organization-wide fallback, and missing evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_delegated_administrator;

static void no_delegated_services_passes(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "not a delegated administrator");
}

static void delegated_services_fail_and_are_listed(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "639182740516");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "2 services: securityhub.amazonaws.com, guardduty.amazonaws.com");
    const json_t *values = json_object_get(opf_fx_cited(fx, "organizations.delegated_services"), "values");
    assert_int_equal(json_array_size(json_object_get(values, "DelegatedServices")), 2);
    /* the services to deregister, for the runbook's commands */
    const json_t *services = opf_fx_fact(fx, "services");
    assert_int_equal(json_array_size(services), 2);
    assert_string_equal(json_string_value(json_array_get(services, 0)), "securityhub.amazonaws.com");
    assert_string_equal(json_string_value(json_array_get(services, 1)), "guardduty.amazonaws.com");
}

static void organization_listing_is_the_fallback(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "639182740516");
    opf_fx_set_error(fx, "organizations.delegated_services", "AccessDeniedException", "not authorized");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "is a delegated administrator");
    assert_non_null(opf_fx_cited(fx, "organizations.delegated_administrators"));

    opf_fx_account(fx, "418273645091");
    opf_fx_remove(fx, "organizations.delegated_services");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "not among the organization's 1 delegated administrators");
}

static void neither_listing_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_organization(fx);
    opf_fx_set_error(fx, "organizations.delegated_administrators", "AccessDeniedException", "not authorized");
    opf_fx_account(fx, "418273645091");
    opf_fx_set_error(fx, "organizations.delegated_services", "TooManyRequestsException", "Rate exceeded");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "TooManyRequestsException");
}

static void malformed_listing_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_set_json(fx, "organizations.delegated_services", "organizations:ListDelegatedServicesForAccount",
                    "{\"Services\": []}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no DelegatedServices");
    /* a listing cut short (its pagination token kept) is no listing: without the organization's either, unknown */
    opf_fx_set_json(fx, "organizations.delegated_services", "organizations:ListDelegatedServicesForAccount",
                    "{\"DelegatedServices\": [], \"NextToken\": \"x\"}");
    opf_fx_organization(fx);
    opf_fx_remove(fx, "organizations.delegated_administrators");
    opf_fx_account(fx, "418273645091");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "IncompleteListing");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(no_delegated_services_passes),
        OPF_FX_TEST(delegated_services_fail_and_are_listed),
        OPF_FX_TEST(organization_listing_is_the_fallback),
        OPF_FX_TEST(neither_listing_is_unknown),
        OPF_FX_TEST(malformed_listing_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
