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
    opf_fx_assert(fx, OPF_PASS, "break-glass-admin has a console password, MFA and every administrator action "
                                "(allowed by identity policy AdministratorAccess)");
    assert_string_equal(json_string_value(opf_fx_fact(fx, "user")), "break-glass-admin"); /* the one to keep */
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
    opf_fx_assert(fx, OPF_PASS, "auditor has a console password, MFA and every administrator action (allowed by "
                                "identity policy full-admin)");
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
    /* a condition it cannot decide: maybe an administrator, so never a pass */
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "auditor has a console password and MFA, but whether it is an administrator "
                                   "cannot be decided: iam:CreateUser: identity policy ip-bound allows it only under "
                                   "a condition");
    json_t *policy = json_object_get(auditor, "InlinePolicies");
    json_array_remove(policy, json_array_size(policy) - 1);
    json_array_append_new(policy, json_pack("{s:s,s:s}", "PolicyName", "vault-only", "PolicyDocument",
                                            "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"*:*\"], "
                                            "\"Resource\": \"arn:aws:s3:::kuzey-backup-vault\"}]}"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "none of the 1 IAM users with a console password is an administrator with MFA");
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
                    "\"MFADevices\": [], \"PermissionsBoundary\": null, \"AttachedPolicies\": [{\"PolicyName\": \"AdministratorAccess\", "
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

/* The backup account's break-glass-admin (AdministratorAccess through group BreakGlass, MFA), edited. */
static json_t *s_admin(struct opf_fx *fx)
{
    opf_fx_account(fx, "304955176822");
    opf_fx_credential_report(fx, "backup.csv");
    return json_array_get(json_object_get(opf_fx_data(fx, "iam.users"), "Users"), 0);
}

static void explicit_deny_takes_administrator_away(void **state)
{
    struct opf_fx *fx = *state;
    json_t *admin = s_admin(fx);
    json_array_append_new(json_object_get(admin, "InlinePolicies"),
                          json_pack("{s:s,s:{s:s,s:[{s:s,s:s,s:s}]}}", "PolicyName", "lockdown", "PolicyDocument",
                                    "Version", "2012-10-17", "Statement", "Effect", "Deny", "Action", "*",
                                    "Resource", "*"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "explicit Deny in identity policy lockdown");
}

static void group_deny_of_iam_takes_administrator_away(void **state)
{
    struct opf_fx *fx = *state;
    json_t *admin = s_admin(fx);
    json_t *group = json_array_get(json_object_get(admin, "Groups"), 0);
    json_array_append_new(json_object_get(group, "InlinePolicies"),
                          json_pack("{s:s,s:{s:[{s:s,s:s,s:s}]}}", "PolicyName", "no-iam", "PolicyDocument",
                                    "Statement", "Effect", "Deny", "Action", "iam:*", "Resource", "*"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "no-iam");
}

static void read_only_boundary_takes_administrator_away(void **state)
{
    struct opf_fx *fx = *state;
    json_t *admin = s_admin(fx);
    json_object_set_new(admin, "PermissionsBoundary",
                        json_pack("{s:s,s:s}", "PermissionsBoundaryType", "Policy", "PermissionsBoundaryArn",
                                  "arn:aws:iam::aws:policy/ReadOnlyAccess"));
    /* without the boundary's document nothing is certain */
    json_object_del(json_object_get(opf_fx_data(fx, "iam.users"), "Policies"), "arn:aws:iam::aws:policy/ReadOnlyAccess");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "ReadOnlyAccess");
    json_t *read_only = json_pack("{s:{s:s,s:s,s:{s:s,s:[{s:s,s:[s,s],s:s}]}}}",
                                  "arn:aws:iam::aws:policy/ReadOnlyAccess", "PolicyName", "ReadOnlyAccess",
                                  "DefaultVersionId", "v118", "Document", "Version", "2012-10-17", "Statement",
                                  "Effect", "Allow", "Action", "iam:Get*", "iam:List*", "Resource", "*");
    json_object_update(json_object_get(opf_fx_data(fx, "iam.users"), "Policies"), read_only);
    json_decref(read_only);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "no permissions boundary allows it");
}

static void boundary_not_read_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    json_t *admin = s_admin(fx);
    json_object_del(admin, "PermissionsBoundary"); /* ListUsers alone: boundaries are not listed */
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "permissions boundary");
}

static void customer_managed_policy_document_decides(void **state)
{
    struct opf_fx *fx = *state;
    json_t *admin = s_admin(fx);
    json_t *group = json_array_get(json_object_get(admin, "Groups"), 0);
    json_array_clear(json_object_get(group, "AttachedPolicies"));
    json_array_append_new(json_object_get(admin, "AttachedPolicies"),
                          json_pack("{s:s,s:s}", "PolicyName", "EmergencyAdmin", "PolicyArn",
                                    "arn:aws:iam::304955176822:policy/EmergencyAdmin"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "EmergencyAdmin");
    json_object_set_new(opf_fx_data(fx, "iam.users"), "Policies",
                        json_pack("{s:{s:s,s:s,s:{s:s,s:{s:s,s:s,s:s}}}}",
                                  "arn:aws:iam::304955176822:policy/EmergencyAdmin", "PolicyName", "EmergencyAdmin",
                                  "DefaultVersionId", "v3", "Document", "Version", "2012-10-17", "Statement", "Effect",
                                  "Allow", "Action", "*", "Resource", "*"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "EmergencyAdmin");
}

static void force_mfa_deny_still_passes(void **state)
{
    struct opf_fx *fx = *state;
    json_t *admin = s_admin(fx);
    json_array_append_new(json_object_get(admin, "InlinePolicies"),
                          json_pack("{s:s,s:s}", "PolicyName", "force-mfa", "PolicyDocument",
                                    "{\"Statement\": [{\"Effect\": \"Deny\", \"NotAction\": [\"iam:*MFA*\"], "
                                    "\"Resource\": \"*\", \"Condition\": {\"BoolIfExists\": "
                                    "{\"aws:MultiFactorAuthPresent\": \"false\"}}}]}"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "break-glass-admin");
}

static void live_answers_beat_the_credential_report(void **state)
{
    struct opf_fx *fx = *state;
    json_t *admin = s_admin(fx);
    /* the report (up to four hours old) still shows the MFA device removed since */
    json_array_clear(json_object_get(admin, "MFADevices"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "break-glass-admin is an administrator with a console password but no MFA");
    const json_t *values = json_object_get(opf_fx_cited(fx, "iam.users"), "values");
    assert_string_equal(json_string_value(json_object_get(json_array_get(values, 0), "decided_by")),
                        "iam:GetLoginProfile+iam:ListMFADevices");
    /* and the console password deleted since */
    json_object_set_new(admin, "LoginProfile", json_null());
    opf_fx_run(fx, C);
    assert_int_not_equal(fx->finding.status, OPF_PASS);
}

static void report_decides_when_live_answers_are_absent(void **state)
{
    struct opf_fx *fx = *state;
    json_t *admin = s_admin(fx);
    json_object_del(admin, "MFADevices");
    json_object_del(admin, "LoginProfile");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "break-glass-admin");
    const json_t *values = json_object_get(opf_fx_cited(fx, "iam.users"), "values");
    assert_string_equal(json_string_value(json_object_get(json_array_get(values, 0), "decided_by")),
                        "iam.credential_report");
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
        OPF_FX_TEST(explicit_deny_takes_administrator_away),
        OPF_FX_TEST(group_deny_of_iam_takes_administrator_away),
        OPF_FX_TEST(read_only_boundary_takes_administrator_away),
        OPF_FX_TEST(boundary_not_read_is_unknown),
        OPF_FX_TEST(customer_managed_policy_document_decides),
        OPF_FX_TEST(force_mfa_deny_still_passes),
        OPF_FX_TEST(live_answers_beat_the_credential_report),
        OPF_FX_TEST(report_decides_when_live_answers_are_absent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
