/* org-access-role-trust: the role trusting the old management account (root, bare id, a role of it), trusting
 * others, absent in invited and created accounts, and unreadable evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_org_access_role_trust;

/* The backup account's access role; returns its trust policy's statements to edit. */
static json_t *s_role(struct opf_fx *fx, const char *account)
{
    opf_fx_account(fx, account);
    opf_fx_set_file(fx, "iam.access_role", "iam:GetRole", "hazards/access-role.json");
    json_t *role = json_object_get(opf_fx_data(fx, "iam.access_role"), "Role");
    return json_object_get(json_object_get(role, "AssumeRolePolicyDocument"), "Statement");
}

static void trust_in_the_old_management_account_warns(void **state)
{
    struct opf_fx *fx = *state;
    s_role(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "the role OrganizationAccountAccessRole trusts the old management account "
                                "210987654321 (arn:aws:iam::210987654321:root): after the move that account keeps "
                                "its way in");
    const json_t *values = json_object_get(opf_fx_cited(fx, "iam.access_role"), "values");
    assert_int_equal(json_array_size(json_object_get(values, "TrustedOldManagementPrincipals")), 1);
}

static void bare_ids_and_roles_of_the_management_account_count(void **state)
{
    struct opf_fx *fx = *state;
    json_t *statements = s_role(fx, "304955176822");
    json_t *st = json_array_get(statements, 0);
    json_object_set_new(st, "Principal", json_pack("{s:[s,s]}", "AWS", "arn:aws:iam::111122223333:root",
                                                   "210987654321"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "(210987654321)");
    json_object_set_new(st, "Principal", json_pack("{s:s}", "AWS", "arn:aws:iam::210987654321:role/platform-admins"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "(arn:aws:iam::210987654321:role/platform-admins)");
}

static void other_principals_pass(void **state)
{
    struct opf_fx *fx = *state;
    json_t *statements = s_role(fx, "304955176822");
    json_t *st = json_array_get(statements, 0);
    /* an audit account, a look-alike id inside another ARN field, a service, and a Deny of the old one */
    json_object_set_new(st, "Principal", json_pack("{s:[s,s],s:s}", "AWS", "arn:aws:iam::111122223333:root",
                                                   "arn:aws:iam::111122223333:role/x210987654321",
                                                   "Service", "cloudformation.amazonaws.com"));
    json_array_append_new(statements, json_pack("{s:s,s:{s:s},s:s}", "Effect", "Deny", "Principal", "AWS",
                                                "arn:aws:iam::210987654321:root", "Action", "sts:AssumeRole"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "the role OrganizationAccountAccessRole does not trust the old management account");
}

static void absent_role_passes_with_a_note(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_config(fx, "access.role_name", "\"orgpreflight-audit\"");
    opf_fx_account(fx, "304955176822");
    opf_fx_set_error(fx, "iam.access_role", "NoSuchEntity", "The role with name orgpreflight-audit cannot be found.");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "the role orgpreflight-audit does not exist (NoSuchEntity): invited accounts never "
                                "get it, so the old management account has no way in through it; the new "
                                "organization will need one");
    assert_non_null(opf_fx_cited(fx, "iam.access_role"));
    opf_fx_account(fx, "418273645091");
    opf_fx_set_error(fx, "iam.access_role", "NoSuchEntity", "The role cannot be found.");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "does not exist (NoSuchEntity), so the old management account");
}

static void unreadable_evidence_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "iam.access_role was not collected");
    opf_fx_set_error(fx, "iam.access_role", "AccessDenied", "not authorized to perform: iam:GetRole");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "AccessDenied");
    opf_fx_set_json(fx, "iam.access_role", "iam:GetRole", "{\"Role\": {\"RoleName\": \"OrganizationAccountAccessRole\"}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no readable trust policy");
    /* a statement that is null or a string hides what it said: unreadable, never "trusts nobody" */
    static const char *const hidden[] = {"null", "\"Allow everything\""};
    for (size_t i = 0; i < 2; i++) {
        char json[512];
        snprintf(json, sizeof(json), "{\"Role\": {\"RoleName\": \"OrganizationAccountAccessRole\", "
                                     "\"AssumeRolePolicyDocument\": {\"Statement\": [%s, {\"Effect\": \"Allow\", "
                                     "\"Principal\": {\"Service\": \"ec2.amazonaws.com\"}, \"Action\": "
                                     "\"sts:AssumeRole\"}]}}}", hidden[i]);
        opf_fx_set_json(fx, "iam.access_role", "iam:GetRole", json);
        opf_fx_run(fx, C);
        opf_fx_assert(fx, OPF_UNKNOWN, "no readable trust policy");
    }
    s_role(fx, "304955176822");
    json_object_del(json_object_get(fx->bundle, "organization"), "management_account_id");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "names no management account");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(trust_in_the_old_management_account_warns),
        OPF_FX_TEST(bare_ids_and_roles_of_the_management_account_count),
        OPF_FX_TEST(other_principals_pass),
        OPF_FX_TEST(absent_role_passes_with_a_note),
        OPF_FX_TEST(unreadable_evidence_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
