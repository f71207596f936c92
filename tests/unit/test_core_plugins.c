/* Check modules (tests/plugins): a module of an older minor of the check ABI loads with the fields it lacks
 * zero and runs through ctx->host (one from before the runbook placement lands before the move); another major,
 * a newer minor, a taken id and an unknown placement are refused, adding nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

static const char s_bundle[] =
    "{\"schema\":\"orgpreflight/evidence/v1\",\"collected_at\":\"2026-11-25T02:00:00Z\",\"complete\":true,"
    "\"organization\":{\"id\":\"o-abc\",\"management_account_id\":\"111111111111\",\"evidence\":{}},"
    "\"accounts\":[{\"id\":\"111111111111\",\"name\":\"mgmt\",\"state\":\"ACTIVE\",\"is_management\":true,"
    "\"evidence\":{}}]}";

static void s_path(char *buf, size_t len, const char *name)
{
    const char *dir = getenv("OPF_BINARY_DIR");
    assert_non_null(dir);
    snprintf(buf, len, "%s/plugins/%s.so", dir, name);
}

static void an_older_minor_loads_and_runs_through_the_host(void **state)
{
    struct opf_registry *r = opf_registry_new();
    size_t builtin = opf_registry_count(r);
    struct opf_error err = {0};
    char path[4096];
    s_path(path, sizeof(path), "older_minor");
    assert_int_equal(opf_registry_load_plugin(r, path, &err), 0);
    assert_int_equal(opf_registry_count(r), builtin + 1);
    const struct opf_check *c = opf_registry_find(r, "older-minor");
    assert_non_null(c);
    assert_int_equal(c->size, offsetof(struct opf_check, rationale));
    assert_null(c->rationale); /* beyond the module's struct: zero, not the bytes that follow it */
    assert_null(c->remediation);

    json_error_t jerr;
    json_t *bundle = json_loads(s_bundle, 0, &jerr);
    struct opf_audit_options o = {.only_checks = "older-minor", .now = 1795000000};
    json_t *report = opf_audit(r, bundle, &o, &err);
    assert_non_null(report);
    size_t i;
    json_t *row;
    int rows = 0;
    json_array_foreach(json_object_get(report, "results"), i, row) {
        if (strcmp(json_string_value(json_object_get(row, "check")), "older-minor") != 0)
            continue;
        rows++;
        assert_string_equal(json_string_value(json_object_get(row, "status")), "pass");
        assert_string_equal(json_string_value(json_object_get(row, "message")), "loaded as organization");
    }
    assert_int_equal(rows, 1);
    json_decref(report);
    json_decref(bundle);
    opf_registry_free(r);
}

/* The runbook's actions of a step for a check. */
static size_t s_actions(const json_t *runbook, const char *step, const char *check)
{
    size_t i, k, n = 0;
    const json_t *st, *a;
    json_array_foreach(json_object_get(runbook, "steps"), i, st) {
        if (strcmp(json_string_value(json_object_get(st, "id")), step) != 0)
            continue;
        json_array_foreach(json_object_get(st, "actions"), k, a) {
            const char *c = json_string_value(json_object_get(json_object_get(a, "finding"), "check"));
            n += c && strcmp(c, check) == 0;
        }
    }
    return n;
}

static void a_module_from_before_the_placement_lands_before_the_move(void **state)
{
    struct opf_registry *r = opf_registry_new();
    struct opf_error err = {0};
    char path[4096];
    s_path(path, sizeof(path), "before_placement");
    assert_int_equal(opf_registry_load_plugin(r, path, &err), 0);
    const struct opf_check *c = opf_registry_find(r, "before-placement");
    assert_non_null(c);
    assert_int_equal(c->size, offsetof(struct opf_check, runbook));
    assert_int_equal(c->runbook, OPF_RUNBOOK_BEFORE_MOVE); /* zero, not the placement after its struct */

    json_error_t jerr;
    json_t *bundle = json_loads(s_bundle, 0, &jerr);
    struct opf_audit_options o = {.only_checks = "before-placement", .now = 1795000000};
    json_t *report = opf_audit(r, bundle, &o, &err);
    assert_non_null(report);
    const json_t *row = json_array_get(json_object_get(report, "results"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "check")), "before-placement");
    assert_string_equal(json_string_value(json_object_get(row, "placement")), "before-move");
    json_t *runbook = opf_plan(r, report, NULL, &err);
    assert_non_null(runbook);
    /* an advisory of the account, acted on in its move step rather than at the organization's deletion */
    assert_int_equal(s_actions(runbook, "move-management-account", "before-placement"), 1);
    assert_int_equal(s_actions(runbook, "delete-organization", "before-placement"), 0);
    json_decref(runbook);
    json_decref(report);
    json_decref(bundle);
    opf_registry_free(r);
}

static enum opf_status s_never(const struct opf_check *c, const struct opf_subject *s, const struct opf_context *ctx,
                               struct opf_finding *f)
{
    (void)c;
    (void)s;
    (void)ctx;
    return opf_set(f, OPF_UNKNOWN, "never run");
}

static void s_refused(const char *name, const char *why)
{
    struct opf_registry *r = opf_registry_new();
    size_t builtin = opf_registry_count(r);
    struct opf_error err = {0};
    char path[4096];
    s_path(path, sizeof(path), name);
    assert_int_equal(opf_registry_load_plugin(r, path, &err), -1);
    assert_int_equal(err.category, OPF_ERR_INVALID_INPUT);
    if (!strstr(err.message, why))
        fail_msg("%s: \"%s\" does not say \"%s\"", name, err.message, why);
    assert_int_equal(opf_registry_count(r), builtin);
    opf_registry_free(r);
}

static void modules_that_do_not_fit_are_refused(void **state)
{
    char why[128];
    snprintf(why, sizeof(why), "check ABI 2, this orgpreflight needs ABI %u: rebuild the module", OPF_CHECK_ABI);
    s_refused("wrong_abi", why);
    snprintf(why, sizeof(why), "check ABI %u, this orgpreflight needs ABI %u", OPF_CHECK_ABI + 1, OPF_CHECK_ABI);
    s_refused("newer_major", why);
    snprintf(why, sizeof(why), "a check of %zu bytes, this orgpreflight reads", sizeof(struct opf_check) + sizeof(char *));
    s_refused("newer_minor", why);
    s_refused("newer_minor", "the module needs a newer orgpreflight");
    s_refused("duplicate_id", "check id account-state is already registered");
    s_refused("unknown_key", "check unknown-key needs the evidence key iam.passwords, which no provider gives");

    /* a placement this orgpreflight does not know is refused like an unknown severity */
    static const struct opf_check unplaced = {OPF_CHECK_HEADER, .id = "unplaced", .title = "Unplaced",
                                              .evaluate = s_never, .runbook = OPF_RUNBOOK_PLACEMENT_COUNT};
    struct opf_registry *r = opf_registry_new();
    struct opf_error err = {0};
    assert_int_equal(opf_registry_add(r, &unplaced, "test", &err), -1);
    assert_non_null(strstr(err.message, "runbook placement"));
    opf_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_older_minor_loads_and_runs_through_the_host),
        cmocka_unit_test(a_module_from_before_the_placement_lands_before_the_move),
        cmocka_unit_test(modules_that_do_not_fit_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
