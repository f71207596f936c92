/* A setting read by dotted path falls back to the one written default: absent, null or of another type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../checks/common.h"
#include "core/core.h"

static void set_values_win(void **state)
{
    json_t *config = json_loads("{\"migration\": {\"wait_period_days\": 9}, \"access\": {\"role_name\": \"Audit\"}}",
                                0, NULL);
    assert_int_equal(json_integer_value(opf_config_value(config, "migration.wait_period_days")), 9);
    assert_string_equal(json_string_value(opf_config_value(config, "access.role_name")), "Audit");
    json_decref(config);
}

static void absent_values_are_the_defaults(void **state)
{
    json_t *config = json_loads("{\"migration\": {\"path\": \"direct\"}}", 0, NULL);
    assert_int_equal(json_integer_value(opf_config_value(config, "migration.wait_period_days")), 4);
    assert_int_equal(json_integer_value(opf_config_value(config, "access.concurrency")), 8);
    assert_string_equal(json_string_value(opf_config_value(config, "access.role_name")),
                        "OrganizationAccountAccessRole");
    assert_int_equal(json_integer_value(opf_config_value(NULL, "attestations.max_age_days")), 90);
    assert_null(opf_config_value(config, "break_glass.user_pattern")); /* its default is null */
    assert_null(opf_config_value(config, "no.such_setting"));
    json_decref(config);
}

/* A document no loader checked (a library caller's) cannot turn a number into 0 or a name into NULL. */
static void values_of_another_type_are_the_defaults(void **state)
{
    json_t *config = json_loads("{\"migration\": {\"wait_period_days\": \"four\"}, \"access\": {\"role_name\": 7, "
                                "\"concurrency\": -2}, \"attestations\": null}",
                                0, NULL);
    assert_int_equal(json_integer_value(opf_config_value(config, "migration.wait_period_days")), 4);
    assert_string_equal(json_string_value(opf_config_value(config, "access.role_name")),
                        "OrganizationAccountAccessRole");
    assert_int_equal(json_integer_value(opf_config_value(config, "access.concurrency")), 8);
    assert_int_equal(json_integer_value(opf_config_value(config, "attestations.max_age_days")), 90);
    json_decref(config);
}

/* Checks and modules read the same: through opf_config_get, with or without a configuration. */
static void checks_read_the_defaults_too(void **state)
{
    json_t *config = json_object();
    struct opf_context ctx = {.config = config};
    assert_int_equal(opf_chk_config_int(&ctx, "migration.window_minutes"), 120);
    assert_int_equal(opf_chk_config_int(NULL, "target.account_quota"), 10);
    ctx.config = NULL;
    assert_string_equal(json_string_value(opf_config_get(&ctx, "access.role_name")), "OrganizationAccountAccessRole");
    json_decref(config);
}

/* The gate's severity: the one named, else the default gate.fail_on. */
static void fail_on_names_or_defaults(void **state)
{
    assert_int_equal(opf_fail_on("blocker"), OPF_SEV_BLOCKER);
    assert_int_equal(opf_fail_on("low"), OPF_SEV_LOW);
    assert_int_equal(opf_fail_on(NULL), OPF_SEV_HIGH);
    assert_int_equal(opf_fail_on(""), OPF_SEV_HIGH);
    assert_int_equal(opf_fail_on("critical"), OPF_SEV_HIGH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_values_win),
        cmocka_unit_test(absent_values_are_the_defaults),
        cmocka_unit_test(values_of_another_type_are_the_defaults),
        cmocka_unit_test(checks_read_the_defaults_too),
        cmocka_unit_test(fail_on_names_or_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
