/* sso-alias-conflict: no Identity Center, no plan, conflicts from each source, a free alias. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_sso_alias_conflict;

static void no_identity_center_is_skipped(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_organization(fx);
    opf_fx_set_json(fx, "sso_admin.instances", "sso-admin:ListInstances", "{\"Instances\": []}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_SKIPPED, "no Identity Center");
}

static void no_planned_alias_warns(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_organization(fx);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "no new portal alias is planned");
    /* the instance's default alias stays with the old organization: the runbook lists it */
    const json_t *defaults = opf_fx_fact(fx, "default_aliases");
    assert_int_equal(json_array_size(defaults), 1);
    assert_string_equal(json_string_value(json_array_get(defaults, 0)), "d-9067c2a1f3");
    assert_null(opf_fx_fact(fx, "alias"));
}

static void reusing_the_alias_of_a_start_url_fails(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_organization(fx);
    opf_fx_config(fx, "identity_center.planned_portal_alias", "\"KuzeyLabs\"");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "\"KuzeyLabs\" is still held by the old organization (sso_start_url");
    assert_non_null(opf_fx_cited(fx, "local.sso_start_urls"));
    assert_string_equal(json_string_value(opf_fx_fact(fx, "alias")), "KuzeyLabs");
}

static void reusing_the_configured_current_alias_fails(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_organization(fx);
    opf_fx_remove(fx, "local.sso_start_urls");
    opf_fx_config(fx, "identity_center.current_portal_alias", "\"kuzey\"");
    opf_fx_config(fx, "identity_center.planned_portal_alias", "\"kuzey\"");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "identity_center.current_portal_alias");
    /* the default d-… alias of the instance is held as well */
    opf_fx_config(fx, "identity_center.planned_portal_alias", "\"d-9067c2a1f3\"");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "default portal alias");
}

static void a_different_alias_passes(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_organization(fx);
    opf_fx_config(fx, "identity_center.current_portal_alias", "[\"kuzeylabs\", \"kuzey-legacy\"]");
    opf_fx_config(fx, "identity_center.planned_portal_alias", "\"kuzeylabs-org\"");
    opf_fx_set_json(fx, "local.sso_start_urls", "local:aws-config",
                    "{\"start_urls\": [{\"url\": \"https://kuzeylabs.awsapps.com/start#/\", \"section\": "
                    "\"profile prod\"}, {\"url\": \"https://kuzeylabs-org.awsapps.com.evil.example/start\", "
                    "\"section\": \"profile odd\"}]}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "differs from the 3 aliases");
}

static void unreadable_instances_are_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_organization(fx);
    opf_fx_set_error(fx, "sso_admin.instances", "AccessDeniedException", "not authorized to perform sso:ListInstances");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "AccessDeniedException");
    opf_fx_set_json(fx, "sso_admin.instances", "sso-admin:ListInstances", "{}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no Instances");
}

static void http_start_urls_count_too(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_organization(fx);
    opf_fx_config(fx, "identity_center.planned_portal_alias", "\"kuzey-old\"");
    opf_fx_set_json(fx, "local.sso_start_urls", "local:aws-config",
                    "{\"start_urls\": [{\"url\": \"http://Kuzey-Old.awsapps.com/start\", \"section\": \"profile legacy\"}]}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "sso_start_url");
}

static void a_planned_alias_given_as_a_url_is_normalised(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_organization(fx);
    opf_fx_config(fx, "identity_center.current_portal_alias", "\"acme\"");
    opf_fx_config(fx, "identity_center.planned_portal_alias", "\"https://acme.awsapps.com/start\"");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "identity_center.current_portal_alias");
    opf_fx_config(fx, "identity_center.current_portal_alias", "\"https://ACME.awsapps.com/start#/\"");
    opf_fx_config(fx, "identity_center.planned_portal_alias", "\"acme\"");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "identity_center.current_portal_alias");
}

static void the_alias_outlives_a_deleted_instance(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_organization(fx);
    opf_fx_set_json(fx, "sso_admin.instances", "sso-admin:ListInstances", "{\"Instances\": []}");
    opf_fx_config(fx, "identity_center.current_portal_alias", "\"kuzey\"");
    opf_fx_config(fx, "identity_center.planned_portal_alias", "\"kuzey\"");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "\"kuzey\" is still held by the old organization");
    opf_fx_config(fx, "identity_center.planned_portal_alias", "\"kuzey-cloud\"");
    opf_fx_run(fx, C);
    assert_int_not_equal(fx->finding.status, OPF_FAIL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(no_identity_center_is_skipped),
        OPF_FX_TEST(no_planned_alias_warns),
        OPF_FX_TEST(reusing_the_alias_of_a_start_url_fails),
        OPF_FX_TEST(reusing_the_configured_current_alias_fails),
        OPF_FX_TEST(a_different_alias_passes),
        OPF_FX_TEST(unreadable_instances_are_unknown),
        OPF_FX_TEST(http_start_urls_count_too),
        OPF_FX_TEST(a_planned_alias_given_as_a_url_is_normalised),
        OPF_FX_TEST(the_alias_outlives_a_deleted_instance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
