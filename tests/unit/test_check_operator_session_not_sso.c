/* operator-session-not-sso: every kind of caller, SSO chains, role trust and credential expiry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_operator_session_not_sso;

static void s_caller(struct opf_fx *fx, const char *arn)
{
    opf_fx_set_data(fx, "sts.caller_identity", "sts:GetCallerIdentity",
                    json_pack("{s:s,s:s,s:s}", "UserId", "AIDAUX3KZQ7MOPERATR5", "Account", "210987654321", "Arn",
                              arn));
}

static void s_source(struct opf_fx *fx, const char *json)
{
    opf_fx_set_json(fx, "credentials.source", "local:credential-chain", json);
}

static void identity_center_session_fails(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_operator(fx);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "Identity Center session of the organization being dismantled");
    opf_fx_assert(fx, OPF_FAIL, "leave path");
    assert_int_equal(fx->finding.severity, OPF_SEV_BLOCKER);
    /* the fail needs only the caller identity */
    opf_fx_remove(fx, "credentials.source");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, NULL);
}

static void iam_user_passes_and_expiry_warns(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_operator(fx);
    s_caller(fx, "arn:aws:iam::210987654321:user/break-glass-admin");
    s_source(fx, "{\"source\": \"profile\", \"profile\": \"prod-breakglass\", \"chain\": [{\"profile\": "
                 "\"prod-breakglass\", \"source\": \"profile\"}]}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "IAM user");
    s_source(fx, "{\"source\": \"env\", \"expiration\": \"2026-11-25T09:45:00Z\"}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "expire at 2026-11-25T09:45:00Z, in 45 minutes, inside the 120-minute");
    opf_fx_config(fx, "migration.window_minutes", "30");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, NULL);
    s_source(fx, "{\"source\": \"env\", \"expiration\": \"2026-11-25T08:00:00Z\"}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "expired at");
}

static void federated_user_passes(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_operator(fx);
    s_caller(fx, "arn:aws:sts::210987654321:federated-user/migration");
    s_source(fx, "{\"source\": \"env\"}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "federated user");
}

static void root_warns(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_operator(fx);
    s_caller(fx, "arn:aws:iam::210987654321:root");
    s_source(fx, "{\"source\": \"profile\", \"profile\": \"prod-root\"}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "root user");
}

static void role_chained_from_sso_warns(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_operator(fx);
    s_caller(fx, "arn:aws:sts::210987654321:assumed-role/OrgMigrationOperator/botocore-session-1764057600");
    s_source(fx, "{\"source\": \"assume-role\", \"profile\": \"migrate\", \"role_arn\": "
                 "\"arn:aws:iam::210987654321:role/OrgMigrationOperator\", \"chain\": [{\"profile\": \"migrate\", "
                 "\"source\": \"assume-role\"}, {\"profile\": \"prod-admin\", \"source\": \"sso\"}]}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "Identity Center (SSO) profile");
}

static void role_trust_decides(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_operator(fx);
    s_caller(fx, "arn:aws:sts::210987654321:assumed-role/OrgMigrationOperator/ayse");
    s_source(fx, "{\"source\": \"assume-role\", \"profile\": \"migrate\", \"chain\": [{\"profile\": \"migrate\", "
                 "\"source\": \"assume-role\"}, {\"profile\": \"breakglass\", \"source\": \"profile\"}]}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "iam.operator_role");
    opf_fx_set_json(fx, "iam.operator_role", "iam:GetRole",
                    "{\"Role\": {\"RoleName\": \"OrgMigrationOperator\", \"Arn\": \"arn:aws:iam::210987654321:role/"
                    "OrgMigrationOperator\", \"AssumeRolePolicyDocument\": {\"Version\": \"2012-10-17\", "
                    "\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::210987654321:"
                    "user/break-glass-admin\"}, \"Action\": \"sts:AssumeRole\"}]}}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "OrgMigrationOperator, whose trust does not depend");
    opf_fx_set_json(fx, "iam.operator_role", "iam:GetRole",
                    "{\"Role\": {\"RoleName\": \"OrgMigrationOperator\", \"AssumeRolePolicyDocument\": {\"Statement\":"
                    " {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"*\"}, \"Action\": \"sts:AssumeRole\", "
                    "\"Condition\": {\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-7rmx2kq4ud\"}}}}}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "old organization's id o-7rmx2kq4ud");
    opf_fx_set_json(fx, "iam.operator_role", "iam:GetRole",
                    "{\"Role\": {\"RoleName\": \"OrgMigrationOperator\", \"AssumeRolePolicyDocument\": \"{\\\""
                    "Statement\\\": [{\\\"Effect\\\": \\\"Allow\\\", \\\"Principal\\\": {\\\"AWS\\\": \\\"arn:aws:iam"
                    "::210987654321:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_8219a806"
                    "ceb01083\\\"}, \\\"Action\\\": \\\"sts:AssumeRole\\\"}]}\"}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "admits only Identity Center roles of the old organization");
}

static void trust_of_sso_roles_through_a_condition_is_found(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_operator(fx);
    s_caller(fx, "arn:aws:sts::210987654321:assumed-role/OrgMigrationOperator/ayse");
    s_source(fx, "{\"source\": \"assume-role\", \"profile\": \"migrate\"}");
    opf_fx_set_json(fx, "iam.operator_role", "iam:GetRole",
                    "{\"Role\": {\"RoleName\": \"OrgMigrationOperator\", \"AssumeRolePolicyDocument\": {\"Statement\":"
                    " [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::210987654321:root\"}, \"Action\": "
                    "\"sts:AssumeRole\", \"Condition\": {\"ArnLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::210987654321:"
                    "role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AdministratorAccess_*\"}}}]}}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "admits only Identity Center roles of the old organization");
    opf_fx_set_json(fx, "iam.operator_role", "iam:GetRole",
                    "{\"Role\": {\"RoleName\": \"OrgMigrationOperator\", \"AssumeRolePolicyDocument\": {\"Statement\":"
                    " [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::210987654321:root\"}, \"Action\": "
                    "\"sts:AssumeRole\", \"Condition\": {\"StringLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::*:"
                    "role/aws-reserved/sso.amazonaws.com/*\"}}}, {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": "
                    "\"arn:aws:iam::210987654321:user/break-glass-admin\"}, \"Action\": \"sts:AssumeRole\"}]}}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "Identity Center role");
    /* a trust policy that cannot be read proves nothing */
    opf_fx_set_json(fx, "iam.operator_role", "iam:GetRole", "{\"Role\": {\"RoleName\": \"OrgMigrationOperator\"}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "could not be read");
    opf_fx_set_json(fx, "iam.operator_role", "iam:GetRole",
                    "{\"Role\": {\"RoleName\": \"OrgMigrationOperator\", \"AssumeRolePolicyDocument\": "
                    "{\"Statement\": [null]}}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "could not be read");
}

static void unknown_evidence_or_principal_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_operator(fx);
    opf_fx_set_error(fx, "sts.caller_identity", "ExpiredToken", "The security token included in the request is expired");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "ExpiredToken");
    s_caller(fx, "arn:aws:iam::210987654321:user/ayse");
    opf_fx_remove(fx, "credentials.source");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "credentials.source");
    s_caller(fx, "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com");
    s_source(fx, "{\"source\": \"web-identity\", \"expiration\": \"2026-11-25T09:10:00Z\"}");
    opf_fx_run(fx, C);
    /* an expiry never turns an unknown into a warning */
    opf_fx_assert(fx, OPF_UNKNOWN, "not a kind of principal");
}

static void caller_without_arn_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_operator(fx);
    opf_fx_set_json(fx, "sts.caller_identity", "sts:GetCallerIdentity", "{\"UserId\": \"\", \"Account\": \"\"}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no Arn");
    s_caller(fx, "not-an-arn");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "not a kind of principal");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(identity_center_session_fails),
        OPF_FX_TEST(iam_user_passes_and_expiry_warns),
        OPF_FX_TEST(federated_user_passes),
        OPF_FX_TEST(root_warns),
        OPF_FX_TEST(role_chained_from_sso_warns),
        OPF_FX_TEST(role_trust_decides),
        OPF_FX_TEST(trust_of_sso_roles_through_a_condition_is_found),
        OPF_FX_TEST(unknown_evidence_or_principal_is_unknown),
        OPF_FX_TEST(caller_without_arn_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
