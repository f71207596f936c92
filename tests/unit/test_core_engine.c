/* The engine: planning, skip rules, invalid verdicts, waivers, attestation injection, verdict, exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

static const char s_bundle[] =
    "{\"schema\":\"orgpreflight/evidence/v1\",\"collected_at\":\"2026-11-25T02:00:00Z\",\"complete\":true,"
    "\"organization\":{\"id\":\"o-abc\",\"management_account_id\":\"111111111111\",\"evidence\":{}},"
    "\"accounts\":["
    " {\"id\":\"111111111111\",\"name\":\"mgmt\",\"state\":\"ACTIVE\",\"is_management\":true,\"evidence\":{}},"
    " {\"id\":\"222222222222\",\"name\":\"member\",\"state\":\"ACTIVE\",\"evidence\":"
    "   {\"x.item\":{\"source\":\"svc:Op\",\"collected_at\":\"2026-11-25T02:00:00Z\",\"data\":{\"v\":1}}}},"
    " {\"id\":\"333333333333\",\"name\":\"gone\",\"state\":\"SUSPENDED\",\"evidence\":{}}]}";

/* A test check: fail when the account has no x.item, pass otherwise (recording a fact); reports the attestation
 * it saw. */
static enum opf_status s_needs_item(const struct opf_check *c, const struct opf_subject *s,
                                    const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_item item;
    struct opf_attestation at;
    if (opf_attestation_get(s, ctx, "payment-method", &at))
        return opf_set(f, at.fresh ? OPF_PASS : OPF_WARN, "attested by %s", at.attested_by);
    if (!opf_require(s, "x.item", f, &item))
        return f->status;
    opf_finding_fact(f, "item", json_string("seen"));
    return opf_set(f, OPF_PASS, "has the item");
}

static enum opf_status s_silent(const struct opf_check *c, const struct opf_subject *s,
                                const struct opf_context *ctx, struct opf_finding *f)
{
    opf_finding_fact(f, "half", json_true());
    return OPF_PASS; /* a buggy check: claims pass without a message or status, after recording a fact */
}

static enum opf_status s_always_fail(const struct opf_check *c, const struct opf_subject *s,
                                     const struct opf_context *ctx, struct opf_finding *f)
{
    return opf_set(f, OPF_FAIL, "always fails");
}

static const struct opf_check s_item_check = {OPF_CHECK_ABI, sizeof(struct opf_check),
    "needs-item", "Needs the item", OPF_SUBJECT_ACCOUNT, OPF_SEV_HIGH, OPF_CHECK_MEMBERS_ONLY, NULL, s_needs_item,
    "", "fix it", OPF_RUNBOOK_BEFORE_MOVE};
static const struct opf_check s_silent_check = {OPF_CHECK_ABI, sizeof(struct opf_check),
    "silent", "Silent", OPF_SUBJECT_ACCOUNT, OPF_SEV_HIGH, 0, NULL, s_silent, "", "", OPF_RUNBOOK_BEFORE_MOVE};
static const struct opf_check s_low_check = {OPF_CHECK_ABI, sizeof(struct opf_check),
    "low-fail", "Low", OPF_SUBJECT_ORGANIZATION, OPF_SEV_LOW, 0, NULL, s_always_fail, "", "", OPF_RUNBOOK_BEFORE_MOVE};

struct t_env {
    struct opf_registry *r;
    json_t *bundle;
};

static int s_setup(void **state)
{
    static struct t_env env;
    env.r = opf_registry_new();
    json_error_t je;
    env.bundle = json_loads(s_bundle, 0, &je);
    assert_non_null(env.bundle);
    *state = &env;
    return 0;
}

static int s_teardown(void **state)
{
    struct t_env *env = *state;
    opf_registry_free(env->r);
    json_decref(env->bundle);
    return 0;
}

static const json_t *s_row(const json_t *report, const char *check, const char *subject)
{
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(report, "results"), i, row) {
        if (strcmp(json_string_value(json_object_get(row, "check")), check) == 0 &&
            strcmp(json_string_value(json_object_get(row, "subject_id")), subject) == 0)
            return row;
    }
    return NULL;
}

static const char *s_status(const json_t *report, const char *check, const char *subject)
{
    const json_t *row = s_row(report, check, subject);
    assert_non_null(row);
    return json_string_value(json_object_get(row, "status"));
}

static json_t *s_audit(struct t_env *env, const struct opf_audit_options *o)
{
    struct opf_error err = {0};
    json_t *report = opf_audit(env->r, env->bundle, o, &err);
    assert_non_null(report);
    return report;
}

static struct opf_registry *s_test_registry(void)
{
    struct opf_registry *r = opf_registry_new();
    struct opf_error err;
    assert_int_equal(opf_registry_add(r, &s_item_check, "test", &err), 0);
    assert_int_equal(opf_registry_add(r, &s_silent_check, "test", &err), 0);
    assert_int_equal(opf_registry_add(r, &s_low_check, "test", &err), 0);
    return r;
}

static void test_skip_rules_and_unknown(void **state)
{
    struct t_env *env = *state;
    opf_registry_free(env->r);
    env->r = s_test_registry();
    struct opf_audit_options o = {.only_checks = "needs-item,silent,low-fail", .now = 1795000000};
    json_t *report = s_audit(env, &o);
    /* members-only check: skipped on the management account, evaluated on the member */
    assert_string_equal(s_status(report, "needs-item", "111111111111"), "skipped");
    assert_string_equal(s_status(report, "needs-item", "222222222222"), "pass");
    /* the row carries the check's facts and its runbook placement; a row without facts has no member */
    const json_t *row = s_row(report, "needs-item", "222222222222");
    assert_string_equal(json_string_value(json_object_get(json_object_get(row, "facts"), "item")), "seen");
    assert_string_equal(json_string_value(json_object_get(row, "placement")), "before-move");
    assert_null(json_object_get(s_row(report, "needs-item", "111111111111"), "facts"));
    /* suspended account: everything but OPF_CHECK_ANY_STATE checks skipped */
    assert_string_equal(s_status(report, "needs-item", "333333333333"), "skipped");
    /* a check that claims pass without a message is turned into unknown, never pass */
    assert_string_equal(s_status(report, "silent", "222222222222"), "unknown");
    assert_null(json_object_get(s_row(report, "silent", "222222222222"), "facts")); /* nor its facts kept */
    /* low-severity fail does not block a gate at high, but the unknown does */
    assert_string_equal(s_status(report, "low-fail", "o-abc"), "fail");
    assert_string_equal(json_string_value(json_object_get(json_object_get(report, "summary"), "verdict")),
                        "undetermined");
    assert_int_equal(opf_report_exit_code(report, OPF_SEV_HIGH), OPF_EXIT_UNDETERMINED);
    assert_int_equal(opf_report_exit_code(report, OPF_SEV_LOW), OPF_EXIT_NOT_READY);
    json_decref(report);
}

static void test_missing_evidence_is_unknown(void **state)
{
    struct t_env *env = *state;
    opf_registry_free(env->r);
    env->r = s_test_registry();
    json_object_del(json_object_get(json_array_get(json_object_get(env->bundle, "accounts"), 1), "evidence"),
                    "x.item");
    struct opf_audit_options o = {.only_checks = "needs-item", .now = 1795000000};
    json_t *report = s_audit(env, &o);
    const json_t *row = s_row(report, "needs-item", "222222222222");
    assert_string_equal(json_string_value(json_object_get(row, "status")), "unknown");
    assert_non_null(strstr(json_string_value(json_object_get(row, "message")), "x.item"));
    json_decref(report);
}

static void test_waivers_and_expiry(void **state)
{
    struct t_env *env = *state;
    opf_registry_free(env->r);
    env->r = s_test_registry();
    time_t now;
    assert_true(opf_time_parse("2026-11-25T09:00:00Z", &now));
    json_t *waivers = json_loads("{\"waivers\":["
                                 "{\"check\":\"low-fail\",\"account_id\":\"*\",\"reason\":\"r\",\"owner\":\"o\","
                                 "\"expires\":\"2026-11-25\"},"
                                 "{\"check\":\"silent\",\"account_id\":\"222222222222\",\"reason\":\"old\","
                                 "\"owner\":\"o\",\"expires\":\"2026-11-24\"}]}",
                                 0, NULL);
    struct opf_audit_options o = {.only_checks = "silent,low-fail", .waivers = waivers, .now = now};
    json_t *report = s_audit(env, &o);
    /* valid through the whole expiry day */
    const json_t *row = s_row(report, "low-fail", "o-abc");
    assert_string_equal(json_string_value(json_object_get(row, "status")), "waived");
    assert_string_equal(json_string_value(json_object_get(json_object_get(row, "waiver"), "original_status")), "fail");
    row = s_row(report, "silent", "222222222222");
    assert_string_equal(json_string_value(json_object_get(row, "status")), "unknown");
    assert_true(json_is_true(json_object_get(json_object_get(row, "waiver"), "expired")));
    assert_int_equal(json_array_size(json_object_get(report, "waivers_expired")), 1);
    json_decref(report);
    /* a day later the first waiver has expired too */
    o.now = now + 86400;
    report = s_audit(env, &o);
    assert_string_equal(s_status(report, "low-fail", "o-abc"), "fail");
    json_decref(report);
    json_decref(waivers);
}

static void test_attestations_injected_newest_and_stale(void **state)
{
    struct t_env *env = *state;
    opf_registry_free(env->r);
    env->r = s_test_registry();
    time_t now;
    assert_true(opf_time_parse("2026-11-25T09:00:00Z", &now));
    json_t *att = json_loads("{\"attestations\":["
                             "{\"account_id\":\"222222222222\",\"fact\":\"payment-method\",\"value\":true,"
                             "\"attested_by\":\"old\",\"attested_at\":\"2026-01-01\"},"
                             "{\"account_id\":\"222222222222\",\"fact\":\"payment-method\",\"value\":true,"
                             "\"attested_by\":\"new\",\"attested_at\":\"2026-11-20T10:00:00Z\"}]}",
                             0, NULL);
    struct opf_audit_options o = {.only_checks = "needs-item", .attestations = att, .now = now};
    json_t *report = s_audit(env, &o);
    const json_t *row = s_row(report, "needs-item", "222222222222");
    assert_string_equal(json_string_value(json_object_get(row, "message")), "attested by new");
    assert_string_equal(json_string_value(json_object_get(row, "status")), "pass");
    json_decref(report);
    /* 200 days later the newest one is stale */
    o.now = now + 200 * 86400;
    report = s_audit(env, &o);
    assert_string_equal(s_status(report, "needs-item", "222222222222"), "warn");
    json_decref(report);
    json_decref(att);
}

static void test_selection_errors_and_incomplete(void **state)
{
    struct t_env *env = *state;
    struct opf_error err = {0};
    struct opf_audit_options o = {.only_checks = "no-such-check"};
    assert_null(opf_audit(env->r, env->bundle, &o, &err));
    assert_int_equal(err.category, OPF_ERR_USAGE);
    assert_non_null(strstr(err.message, "no-such-check"));
    /* an interrupted collection can never be ready */
    json_object_set_new(env->bundle, "complete", json_false());
    struct opf_audit_options all = {.only_checks = "account-state", .now = 1795000000};
    json_array_remove(json_object_get(env->bundle, "accounts"), 2);
    json_t *report = s_audit(env, &all);
    assert_int_equal(opf_report_exit_code(report, OPF_SEV_HIGH), OPF_EXIT_UNDETERMINED);
    json_decref(report);
}

/* duration_ms counts from the run's start (a live collection included), else from the audit's own start. */
static void test_duration_from_run_start(void **state)
{
    struct t_env *env = *state;
    struct opf_audit_options o = {.only_checks = "account-state", .now = 1795000000};
    json_t *report = s_audit(env, &o);
    json_int_t own = json_integer_value(json_object_get(report, "duration_ms"));
    assert_true(json_is_integer(json_object_get(report, "duration_ms")));
    assert_in_range(own, 0, 2000);
    json_decref(report);
    clock_gettime(CLOCK_MONOTONIC, &o.started);
    o.started.tv_sec -= 90; /* the collection began a minute and a half ago */
    report = s_audit(env, &o);
    assert_in_range(json_integer_value(json_object_get(report, "duration_ms")), 90000, 92000);
    json_decref(report);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_skip_rules_and_unknown, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_missing_evidence_is_unknown, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_waivers_and_expiry, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_attestations_injected_newest_and_stale, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_selection_errors_and_incomplete, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_duration_from_run_start, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
