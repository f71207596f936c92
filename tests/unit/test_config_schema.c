/* docs/config.schema.json describes exactly the settings the loader accepts: the same keys at every level,
 * and for each setting a type the loader's default admits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

static json_t *s_schema;

/* The JSON types a schema node admits ("null", "string", ...), following $ref and anyOf; appended to types. */
static void s_types(const json_t *node, json_t *types)
{
    const char *ref = json_string_value(json_object_get(node, "$ref"));
    if (ref) {
        assert_int_equal(strncmp(ref, "#/$defs/", 8), 0);
        s_types(json_object_get(json_object_get(s_schema, "$defs"), ref + 8), types);
    }
    const json_t *t = json_object_get(node, "type"), *e;
    size_t i;
    if (json_is_string(t))
        json_array_append(types, (json_t *)t);
    json_array_foreach(t, i, e) json_array_append(types, (json_t *)e);
    json_array_foreach(json_object_get(node, "anyOf"), i, e) s_types(e, types);
    json_array_foreach(json_object_get(node, "enum"), i, e) json_array_append_new(types, json_string("string"));
}

/* The JSON types the loader accepts where its default is def (src/core/config.c). */
static bool s_loader_accepts(const json_t *def, const char *type)
{
    if (json_is_null(def))
        return !strcmp(type, "null") || !strcmp(type, "string") || !strcmp(type, "array");
    if (json_is_array(def))
        return !strcmp(type, "array");
    if (json_is_integer(def))
        return !strcmp(type, "integer");
    if (json_is_boolean(def))
        return !strcmp(type, "boolean");
    if (json_is_string(def))
        return !strcmp(type, "string");
    return !strcmp(type, "object");
}

/* The first difference between the loader's defaults and a schema node, into why; false when there is none. */
static bool s_differs(const json_t *defaults, const json_t *schema_node, const char *path, char *why, size_t n)
{
    const json_t *props = json_object_get(schema_node, "properties");
    if (!json_is_false(json_object_get(schema_node, "additionalProperties")))
        return snprintf(why, n, "%s: the schema admits unknown keys", path), true;
    const char *key;
    json_t *def, *node;
    json_object_foreach((json_t *)defaults, key, def) {
        node = json_object_get(props, key);
        if (!node)
            return snprintf(why, n, "%s.%s: the loader accepts it, the schema does not describe it", path, key), true;
        json_t *types = json_array();
        s_types(node, types);
        size_t i;
        json_t *t;
        bool bad = json_array_size(types) == 0;
        json_array_foreach(types, i, t) {
            if (!bad && !s_loader_accepts(def, json_string_value(t))) {
                snprintf(why, n, "%s.%s: the schema admits %s, the loader does not", path, key, json_string_value(t));
                bad = true;
            }
        }
        json_decref(types);
        if (bad)
            return true;
        char sub[256];
        snprintf(sub, sizeof(sub), "%s.%s", path, key);
        if (json_is_object(def) && s_differs(def, node, sub, why, n))
            return true;
    }
    json_object_foreach((json_t *)props, key, node) {
        if (!json_object_get(defaults, key) && !(strcmp(path, "$") == 0 && strcmp(key, "$schema") == 0))
            return snprintf(why, n, "%s.%s: the schema describes it, the loader refuses it", path, key), true;
    }
    return false;
}

static void test_schema_matches_loader(void **state)
{
    (void)state;
    char why[512];
    json_t *defaults = opf_config_default();
    assert_non_null(defaults);
    if (s_differs(defaults, s_schema, "$", why, sizeof(why)))
        fail_msg("%s", why);
    json_decref(defaults);
}

/* The comparison can fail: a setting only the loader knows, and a type only the schema admits. */
static void test_comparison_catches_differences(void **state)
{
    (void)state;
    char why[512];
    json_t *defaults = opf_config_default();
    json_object_set_new(json_object_get(defaults, "gate"), "fail_on_warn", json_false());
    assert_true(s_differs(defaults, s_schema, "$", why, sizeof(why)));
    assert_string_equal(why, "$.gate.fail_on_warn: the loader accepts it, the schema does not describe it");
    json_decref(defaults);
    defaults = opf_config_default();
    json_object_set_new(json_object_get(defaults, "access"), "external_id", json_string(""));
    assert_true(s_differs(defaults, s_schema, "$", why, sizeof(why)));
    assert_string_equal(why, "$.access.external_id: the schema admits null, the loader does not");
    json_decref(defaults);
}

static void test_loader_ignores_schema_key(void **state)
{
    (void)state;
    struct opf_error err = {0};
    json_t *config = opf_config_default();
    json_t *overlay = json_pack("{s:s, s:{s:s}}", "$schema", "../docs/config.schema.json", "gate", "fail_on", "low");
    assert_int_equal(opf_config_apply(config, overlay, "test", &err), 0);
    assert_null(json_object_get(config, "$schema"));
    json_decref(overlay);
    /* only at the top level, and only as a string */
    overlay = json_pack("{s:{s:s}}", "gate", "$schema", "x");
    assert_int_equal(opf_config_apply(config, overlay, "test", &err), -1);
    json_decref(overlay);
    overlay = json_pack("{s:i}", "$schema", 1);
    assert_int_equal(opf_config_apply(config, overlay, "test", &err), -1);
    json_decref(overlay);
    json_decref(config);
}

int main(void)
{
    const char *src = getenv("OPF_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof(path), "%s/docs/config.schema.json", src ? src : "..");
    json_error_t jerr;
    s_schema = json_load_file(path, 0, &jerr);
    if (!s_schema) {
        fprintf(stderr, "%s: %s\n", path, jerr.text);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_matches_loader),
        cmocka_unit_test(test_comparison_catches_differences),
        cmocka_unit_test(test_loader_ignores_schema_key),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    json_decref(s_schema);
    return rc;
}
