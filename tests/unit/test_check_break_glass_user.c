/* break-glass-user: admin with password and MFA (direct, group, inline), without MFA, none, the user
 * pattern, per-subject severity and unreadable evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_break_glass_user;

static void admin_through_a_group_with_mfa_passes(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_credential_report(fx, "backup.csv");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "break-glass-admin has a console password, MFA and AdministratorAccess attached "
                                "through group BreakGlass");
    assert_int_equal(fx->finding.severity, OPF_SEV_HIGH);
    const json_t *values = json_object_get(opf_fx_cited(fx, "iam.credential_report"), "values");
    assert_int_equal(json_integer_value(json_object_get(values, "users_with_password")), 2);
}

static void inline_star_policy_counts_as_administrator(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_credential_report(fx, "backup.csv");
    json_t *users = json_object_get(opf_fx_data(fx, "iam.users"), "Users");
    json_t *auditor = json_array_get(users, 2);
    json_array_remove(users, 0); /* break-glass-admin gone: auditor is the only candidate */
    json_array_append_new(json_object_get(auditor, "InlinePolicies"),
                          json_pack("{s:s,s:{s:s,s:{s:s,s:s,s:s}}}", "PolicyName", "full-admin", "PolicyDocument",
                                    "Version", "2012-10-17", "Statement", "Effect", "Allow", "Action", "*",
                                    "Resource", "*"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "inline policy full-admin to the user allows * on *");
}

static void conditional_or_scoped_star_is_not_administrator(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_credential_report(fx, "backup.csv");
    json_t *users = json_object_get(opf_fx_data(fx, "iam.users"), "Users");
    json_array_remove(users, 0);
    json_t *auditor = json_array_get(users, 1);
    json_array_append_new(json_object_get(auditor, "InlinePolicies"),
                          json_pack("{s:s,s:s}", "PolicyName", "ip-bound",
                                    "PolicyDocument", "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", "
                                    "\"Resource\": \"*\", \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": "
                                    "\"198.51.100.0/24\"}}}, {\"Effect\": \"Allow\", \"Action\": [\"*:*\"], "
                                    "\"Resource\": \"arn:aws:s3:::kuzey-backup-vault\"}]}"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "none of the 2 IAM users with a console password is an administrator with MFA");
}

static void admin_without_mfa_fails(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_credential_report(fx, "no-mfa.csv");
    opf_fx_set_json(fx, "iam.users", "iam:ListUsers",
                    "{\"Users\": [{\"UserName\": \"emergency-admin\", \"Arn\": \"arn:aws:iam::304955176822:user/"
                    "emergency-admin\", \"UserId\": \"AIDAUX3KZQ7MEMERGEN4\", \"CreateDate\": "
                    "\"2023-08-21T11:45:09+00:00\", \"LoginProfile\": {\"UserName\": \"emergency-admin\"}, "
                    "\"MFADevices\": [], \"AttachedPolicies\": [{\"PolicyName\": \"AdministratorAccess\", "
                    "\"PolicyArn\": \"arn:aws:iam::aws:policy/AdministratorAccess\"}], \"InlinePolicies\": [], "
                    "\"Groups\": []}]}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "emergency-admin is an administrator with a console password but no MFA");
}

static void management_without_any_user_fails_as_blocker(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "210987654321");
    opf_fx_credential_report(fx, "none.csv"); /* CRLF line ends, as RFC 4180 writes them */
    opf_fx_remove(fx, "iam.users");           /* not needed to see that nobody has a password */
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "no IAM user has a console password");
    assert_int_equal(fx->finding.severity, OPF_SEV_BLOCKER);
}

static void root_is_never_break_glass(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_credential_report(fx, "root-only.csv");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "no IAM user has a console password");
}

static void user_pattern_narrows_the_candidates(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_credential_report(fx, "backup.csv");
    opf_fx_config(fx, "break_glass.user_pattern", "\"emergency-*\"");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "no IAM user matching emergency-* has a console password");
    opf_fx_config(fx, "break_glass.user_pattern", "\"break-glass-*\"");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "break-glass-admin");
}

static void unreadable_evidence_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_set_error(fx, "iam.credential_report", "ReportInProgress", "Report generation in progress.");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "ReportInProgress");
    opf_fx_set_json(fx, "iam.credential_report", "iam:GetCredentialReport",
                    "{\"Content\": \"not base64!\", \"ReportFormat\": \"text/csv\"}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "not valid base64");
    opf_fx_credential_report(fx, "backup.csv");
    opf_fx_set_error(fx, "iam.users", "AccessDenied", "User is not authorized to perform: iam:ListUsers");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "iam.users");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(admin_through_a_group_with_mfa_passes),
        OPF_FX_TEST(inline_star_policy_counts_as_administrator),
        OPF_FX_TEST(conditional_or_scoped_star_is_not_administrator),
        OPF_FX_TEST(admin_without_mfa_fails),
        OPF_FX_TEST(management_without_any_user_fails_as_blocker),
        OPF_FX_TEST(root_is_never_break_glass),
        OPF_FX_TEST(user_pattern_narrows_the_candidates),
        OPF_FX_TEST(unreadable_evidence_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
