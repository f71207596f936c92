/* root-mfa: password with and without MFA, no password, the credential report as the MFA fallback, and
 * unreadable evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_root_mfa;

static json_t *s_summary(struct opf_fx *fx)
{
    return json_object_get(opf_fx_data(fx, "iam.account_summary"), "SummaryMap");
}

static void password_with_mfa_passes(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "the root user has MFA");
    const json_t *values = json_object_get(opf_fx_cited(fx, "iam.account_summary"), "values");
    assert_int_equal(json_integer_value(json_object_get(values, "AccountMFAEnabled")), 1);
    assert_null(opf_fx_cited(fx, "iam.credential_report")); /* the summary was enough */
}

static void password_without_mfa_fails(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    json_object_set_new(s_summary(fx), "AccountMFAEnabled", json_integer(0));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "the root user has a password and no MFA");
}

static void no_root_password_passes_with_the_note(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091"); /* created, never set up: 0 and 0 */
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "the root user has no password (centralized root access, or never set)");
}

static void credential_report_answers_for_mfa(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_credential_report(fx, "backup.csv");
    opf_fx_remove(fx, "iam.account_summary");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "the root user has MFA");
    assert_string_equal(json_string_value(json_object_get(json_object_get(opf_fx_cited(fx, "iam.credential_report"),
                                                                          "values"), "mfa_active")), "true");
    /* the summary says there is a password but not whether MFA is on; the report says it is off */
    opf_fx_account(fx, "418273645091");
    opf_fx_credential_report(fx, "root-only.csv");
    opf_fx_set_json(fx, "iam.account_summary", "iam:GetAccountSummary", "{\"SummaryMap\": {\"AccountPasswordPresent\": 1}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "a password and no MFA");
}

static void unknown_when_neither_source_decides(void **state)
{
    struct opf_fx *fx = *state;
    /* root MFA off in the report, but whether there is a password only the summary says */
    opf_fx_account(fx, "418273645091");
    opf_fx_credential_report(fx, "root-only.csv");
    opf_fx_set_error(fx, "iam.account_summary", "AccessDenied", "not authorized to perform: iam:GetAccountSummary");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "whether the root user has a password is unknown (evidence iam.account_summary "
                                   "unavailable: iam:GetAccountSummary: AccessDenied");
    /* a password, and MFA neither in the summary nor in a readable report */
    opf_fx_set_json(fx, "iam.account_summary", "iam:GetAccountSummary", "{\"SummaryMap\": {\"AccountPasswordPresent\": 1}}");
    opf_fx_set_json(fx, "iam.credential_report", "iam:GetCredentialReport",
                    "{\"Content\": \"not base64!\", \"ReportFormat\": \"text/csv\"}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "whether the root user has MFA is unknown (iam.account_summary lacks "
                                   "AccountPasswordPresent or AccountMFAEnabled; the credential report's Content is "
                                   "not valid base64)");
    opf_fx_set_json(fx, "iam.credential_report", "iam:GetCredentialReport",
                    "{\"Content\": \"dXNlcixhcm4sdXNlcl9jcmVhdGlvbl90aW1lLHBhc3N3b3JkX2VuYWJsZWQsbWZhX2FjdGl2ZQpicmVhay1"
                    "nbGFzcy1hZG1pbixhcm46YXdzOmlhbTo6MzA0OTU1MTc2ODIyOnVzZXIvYnJlYWstZ2xhc3MtYWRtaW4sMjAyMi0wNS0xMFQw"
                    "NzozMDoxMiswMDowMCx0cnVlLHRydWUK\", \"ReportFormat\": \"text/csv\"}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "the credential report has no <root_account> row");
    opf_fx_set_error(fx, "iam.credential_report", "ReportInProgress", "Report generation in progress.");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "iam.credential_report ReportInProgress");
    opf_fx_remove(fx, "iam.credential_report");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "iam.credential_report was not collected");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(password_with_mfa_passes),
        OPF_FX_TEST(password_without_mfa_fails),
        OPF_FX_TEST(no_root_password_passes_with_the_note),
        OPF_FX_TEST(credential_report_answers_for_mfa),
        OPF_FX_TEST(unknown_when_neither_source_decides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
