/* account-verified: every branch of the leave path, plus management and direct. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_account_verified;

static void management_passes_and_direct_is_skipped(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "210987654321");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "management account");
    fx->ctx.path = OPF_PATH_DIRECT;
    opf_fx_account(fx, "418273645091");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_SKIPPED, "direct path");
}

static void pending_activation_fails(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    json_object_set_new(opf_fx_data(fx, "account.information"), "AccountState", json_string("PENDING_ACTIVATION"));
    opf_fx_attest(fx, "phone-verified", "true", "2026-11-20");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "PENDING_ACTIVATION");
}

static void missing_contact_information_or_phone_fails(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_set_error(fx, "account.contact_information", "ResourceNotFoundException",
                     "The specified resource can't be found.");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "no contact information");
    opf_fx_set_json(fx, "account.contact_information", "account:GetContactInformation",
                    "{\"ContactInformation\": {\"FullName\": \"Ayse Demir\", \"AddressLine1\": \"Buyukdere Cd. "
                    "No:185\", \"City\": \"Istanbul\", \"PostalCode\": \"34394\", \"CountryCode\": \"TR\"}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "no phone number");
}

static void phone_number_is_never_cited(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    const json_t *values = json_object_get(opf_fx_cited(fx, "account.contact_information"), "values");
    assert_true(json_is_true(json_object_get(values, "PhoneNumberPresent")));
    char *dump = json_dumps(fx->finding.evidence, 0);
    assert_null(strstr(dump, "555 0142"));
    free(dump);
}

static void attestation_passes_or_fails(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_attest(fx, "phone-verified", "true", "2026-11-20");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "phone verification is attested");
    opf_fx_attest(fx, "phone-verified", "false", "2026-11-20");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "not verified");
}

static void invited_passes_with_a_note(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "verified when it signed up");
}

static void created_without_attestation_fails_even_without_the_account_api(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "never went through sign-up");
    opf_fx_remove(fx, "account.information");
    opf_fx_set_error(fx, "account.contact_information", "AccessDeniedException", "not authorized");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "never went through sign-up");
}

static void a_pass_needs_the_account_api(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_set_error(fx, "account.contact_information", "AccessDeniedException", "not authorized");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "account.contact_information");
    opf_fx_account(fx, "418273645091");
    opf_fx_attest(fx, "phone-verified", "true", "2026-11-20");
    opf_fx_remove(fx, "account.information");
    json_t *account = json_object_get(opf_fx_data(fx, "organizations.account"), "Account");
    json_object_del(account, "State");
    json_object_del(account, "Status");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "account.information was not collected");
}

/* The collector asks GetAccountInformation only where it can change a verdict: elsewhere ListAccounts' State
 * (the same lifecycle states) tells whether sign-up is complete. */
static void organizations_state_stands_in_for_account_information(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_attest(fx, "phone-verified", "true", "2026-11-20");
    opf_fx_remove(fx, "account.information");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "phone verification is attested");
    const json_t *values = json_object_get(opf_fx_cited(fx, "organizations.account"), "values");
    assert_string_equal(json_string_value(json_object_get(values, "State")), "ACTIVE");
    json_t *account = json_object_get(opf_fx_data(fx, "organizations.account"), "Account");
    json_object_set_new(account, "State", json_string("PENDING_ACTIVATION"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "PENDING_ACTIVATION");
    /* a record from before State existed: Status is its fallback, as for account-state */
    json_object_del(account, "State");
    json_object_set_new(account, "Status", json_string("PENDING_ACTIVATION"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "PENDING_ACTIVATION");
    values = json_object_get(opf_fx_cited(fx, "organizations.account"), "values");
    assert_string_equal(json_string_value(json_object_get(values, "Status")), "PENDING_ACTIVATION");
}

static void unknown_joined_method_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    json_object_del(json_object_get(opf_fx_data(fx, "organizations.account"), "Account"), "JoinedMethod");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "JoinedMethod");
}

static void account_information_without_state_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    json_object_del(opf_fx_data(fx, "account.information"), "AccountState");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no AccountState");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(management_passes_and_direct_is_skipped),
        OPF_FX_TEST(pending_activation_fails),
        OPF_FX_TEST(missing_contact_information_or_phone_fails),
        OPF_FX_TEST(phone_number_is_never_cited),
        OPF_FX_TEST(attestation_passes_or_fails),
        OPF_FX_TEST(invited_passes_with_a_note),
        OPF_FX_TEST(created_without_attestation_fails_even_without_the_account_api),
        OPF_FX_TEST(a_pass_needs_the_account_api),
        OPF_FX_TEST(organizations_state_stands_in_for_account_information),
        OPF_FX_TEST(unknown_joined_method_is_unknown),
        OPF_FX_TEST(account_information_without_state_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
