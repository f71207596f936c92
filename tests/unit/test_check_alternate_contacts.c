/* alternate-contacts: all set, some missing, undetermined types and unreadable evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_alternate_contacts;

static json_t *s_contacts(struct opf_fx *fx)
{
    opf_fx_account(fx, "304955176822");
    return json_object_get(opf_fx_data(fx, "account.alternate_contacts"), "AlternateContacts");
}

static json_t *s_contact(const char *type, const char *name, const char *email)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s}", "AlternateContactType", type, "Name", name, "Title", name,
                     "EmailAddress", email, "PhoneNumber", "+90 212 555 0100");
}

static void missing_contacts_warn_by_name(void **state)
{
    struct opf_fx *fx = *state;
    s_contacts(fx); /* SECURITY set, BILLING and OPERATIONS not */
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "no BILLING, OPERATIONS alternate contact is set");
    const json_t *values = json_object_get(opf_fx_cited(fx, "account.alternate_contacts"), "values");
    assert_true(json_is_true(json_object_get(values, "SECURITY")));
    assert_true(json_is_false(json_object_get(values, "BILLING")));
    assert_null(json_object_get(values, "EmailAddress")); /* no contact details are cited */
}

static void all_three_set_pass(void **state)
{
    struct opf_fx *fx = *state;
    json_t *contacts = s_contacts(fx);
    json_object_set_new(contacts, "BILLING", s_contact("BILLING", "Finance", "finance@kuzeylabs.io"));
    json_object_set_new(contacts, "OPERATIONS", s_contact("OPERATIONS", "Platform", "platform@kuzeylabs.io"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "the security, billing and operations contacts are set");
}

static void a_type_not_recorded_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    json_t *contacts = s_contacts(fx);
    json_object_set_new(contacts, "BILLING", s_contact("BILLING", "Finance", "finance@kuzeylabs.io"));
    json_object_set_new(contacts, "OPERATIONS", s_contact("OPERATIONS", "Platform", "platform@kuzeylabs.io"));
    json_object_del(contacts, "SECURITY");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "does not say whether the SECURITY contact is set");
    json_object_set_new(contacts, "OPERATIONS", json_null()); /* a missing contact is enough to warn */
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "no OPERATIONS alternate contact");
}

static void unreadable_evidence_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_set_error(fx, "account.alternate_contacts", "AccessDeniedException", "not authorized");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "AccessDeniedException");
    opf_fx_set_json(fx, "account.alternate_contacts", "account:GetAlternateContact", "{\"AlternateContact\": {}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no AlternateContacts object");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(missing_contacts_warn_by_name),
        OPF_FX_TEST(all_three_set_pass),
        OPF_FX_TEST(a_type_not_recorded_is_unknown),
        OPF_FX_TEST(unreadable_evidence_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
