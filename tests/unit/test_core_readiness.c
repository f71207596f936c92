/* Per-account readiness from a report's rows alone: what gates, whom an organization-wide row holds back, the
 * wait-period end a row carries, accounts that cannot move, incomplete evidence; and the engine writes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

#define MGMT "111111111111"
#define MEMBER "222222222222"
#define OTHER "333333333333"
#define GONE "444444444444"

static json_t *s_report(const char *fail_on)
{
    json_t *r = json_pack("{s:s, s:b, s:{s:s, s:s}, s:{s:s, s:n, s:s}, s:[], s:[]}", "schema", OPF_REPORT_SCHEMA,
                          "complete", 1, "organization", "id", "o-abc", "management_account_id", MGMT, "migration",
                          "path", "leave", "target", "fail_on", fail_on, "accounts", "results");
    const char *accounts[][2] = {{MGMT, "ACTIVE"}, {MEMBER, "ACTIVE"}, {OTHER, "ACTIVE"}, {GONE, "SUSPENDED"}};
    for (size_t i = 0; i < 4; i++)
        json_array_append_new(json_object_get(r, "accounts"),
                              json_pack("{s:s, s:s, s:s}", "id", accounts[i][0], "name", accounts[i][0], "state",
                                        accounts[i][1]));
    return r;
}

static json_t *s_add(json_t *report, const char *check, const char *type, const char *subject, const char *status,
                     const char *severity, const char *holds_back)
{
    json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "check", check, "subject_type", type, "subject_id",
                            subject, "status", status, "severity", severity, "holds_back", holds_back);
    json_array_append_new(json_object_get(report, "results"), row);
    return row;
}

static const json_t *s_acct(const json_t *r, const char *id)
{
    return json_object_get(json_object_get(r, "accounts"), id);
}

static const char *s_readiness(const json_t *r, const char *id)
{
    return json_string_value(json_object_get(s_acct(r, id), "readiness"));
}

static void test_rows_decide_each_account(void **state)
{
    json_t *report = s_report("high");
    s_add(report, "a-fail", "account", MEMBER, "fail", "blocker", "account");
    s_add(report, "b-unknown", "account", MEMBER, "unknown", "high", "account");
    s_add(report, "c-unknown", "account", OTHER, "unknown", "high", "account");
    s_add(report, "d-low", "account", MGMT, "fail", "low", "account");       /* below the gate */
    s_add(report, "e-warn", "account", MGMT, "warn", "blocker", "account");  /* a warning never gates */
    s_add(report, "f-waived", "account", MGMT, "waived", "blocker", "account");
    json_t *r = opf_readiness(report);
    assert_string_equal(s_readiness(r, MEMBER), "blocked");
    assert_string_equal(s_readiness(r, OTHER), "undetermined");
    assert_string_equal(s_readiness(r, MGMT), "ready");
    assert_string_equal(s_readiness(r, GONE), "cannot-move");
    const json_t *checks = json_object_get(s_acct(r, MEMBER), "blocking_checks");
    assert_int_equal(json_array_size(checks), 2);
    assert_string_equal(json_string_value(json_array_get(checks, 0)), "a-fail");
    assert_string_equal(json_string_value(json_array_get(checks, 1)), "b-unknown");
    assert_true(json_is_null(json_object_get(s_acct(r, MEMBER), "wait_until")));
    const json_t *counts = json_object_get(r, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "ready")), 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "blocked")), 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "undetermined")), 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "cannot-move")), 1);
    json_decref(r);
    json_decref(report);
}

static void test_organization_rows_and_wait_dates(void **state)
{
    json_t *report = s_report("high");
    /* an organization-wide row that holds back only the management account (the organization's deletion) */
    s_add(report, "last", "organization", "o-abc", "fail", "blocker", "management-account");
    json_t *wait = s_add(report, "waits", "account", MEMBER, "fail", "blocker", "account");
    json_object_set_new(wait, "not_before", json_string("2026-11-30T14:12:09Z"));
    json_t *r = opf_readiness(report);
    assert_string_equal(s_readiness(r, MGMT), "blocked");
    assert_string_equal(json_string_value(json_array_get(json_object_get(s_acct(r, MGMT), "blocking_checks"), 0)),
                        "last");
    assert_string_equal(s_readiness(r, OTHER), "ready");
    assert_string_equal(s_readiness(r, MEMBER), "blocked");
    assert_string_equal(json_string_value(json_object_get(s_acct(r, MEMBER), "wait_until")), "2026-11-30T14:12:09Z");
    assert_int_equal(json_array_size(json_object_get(r, "all_accounts")), 0);
    json_decref(r);

    /* one that holds back every account, and an unreadable row (it never counts as a pass) */
    s_add(report, "session", "operator-session", "arn:aws:sts::1:assumed-role/x", "unknown", "blocker",
          "all-accounts");
    r = opf_readiness(report);
    assert_string_equal(s_readiness(r, OTHER), "undetermined");
    assert_string_equal(s_readiness(r, GONE), "cannot-move");
    assert_string_equal(json_string_value(json_array_get(json_object_get(r, "all_accounts"), 0)), "session");
    json_decref(r);
    s_add(report, "garbled", "organization", "o-abc", "sort-of", "blocker", "all-accounts");
    s_add(report, "org-fail", "organization", "o-abc", "fail", "high", "all-accounts");
    r = opf_readiness(report);
    assert_string_equal(s_readiness(r, OTHER), "blocked");
    assert_int_equal(json_array_size(json_object_get(r, "all_accounts")), 3);
    json_decref(r);
    json_decref(report);
}

static void test_incomplete_evidence_is_never_ready(void **state)
{
    json_t *report = s_report("high");
    json_object_set_new(report, "complete", json_false());
    s_add(report, "a-fail", "account", MEMBER, "fail", "blocker", "account");
    json_t *r = opf_readiness(report);
    assert_string_equal(s_readiness(r, MGMT), "undetermined");
    assert_string_equal(s_readiness(r, MEMBER), "blocked");
    json_decref(r);
    json_decref(report);
}

static enum opf_status s_waits(const struct opf_check *c, const struct opf_subject *s, const struct opf_context *ctx,
                               struct opf_finding *f)
{
    if (strcmp(s->id, MEMBER) != 0)
        return opf_set(f, OPF_PASS, "old enough");
    f->not_before = ctx->now + 86400;
    return opf_set(f, OPF_FAIL, "too young");
}

static enum opf_status s_org_fails(const struct opf_check *c, const struct opf_subject *s,
                                   const struct opf_context *ctx, struct opf_finding *f)
{
    return opf_set(f, OPF_FAIL, "members remain");
}

/* The engine writes the rows' holds_back and not_before and each account's readiness into the report. */
static void test_engine_writes_readiness(void **state)
{
    static const struct opf_check waits = {OPF_CHECK_ABI, sizeof(struct opf_check),
        "waits", "Waits", OPF_SUBJECT_ACCOUNT, OPF_SEV_BLOCKER, 0, NULL, s_waits, "", "wait", OPF_RUNBOOK_MOVE_DATE};
    static const struct opf_check last = {OPF_CHECK_ABI, sizeof(struct opf_check),
        "last", "Last", OPF_SUBJECT_ORGANIZATION, OPF_SEV_BLOCKER, OPF_CHECK_HOLDS_MANAGEMENT, NULL, s_org_fails,
        "", "move it last", OPF_RUNBOOK_ORG_DELETION};
    struct opf_registry *reg = opf_registry_new();
    struct opf_error err = {0};
    assert_int_equal(opf_registry_add(reg, &waits, "test", &err), 0);
    assert_int_equal(opf_registry_add(reg, &last, "test", &err), 0);
    json_t *bundle = json_pack("{s:s, s:b, s:{s:s, s:s, s:{}}, s:[{s:s, s:s, s:s, s:{}}, {s:s, s:s, s:s, s:{}}]}",
                               "schema", OPF_EVIDENCE_SCHEMA, "complete", 1, "organization", "id", "o-abc",
                               "management_account_id", MGMT, "evidence", "accounts", "id", MGMT, "name", "mgmt",
                               "state", "ACTIVE", "evidence", "id", MEMBER, "name", "member", "state", "ACTIVE",
                               "evidence");
    struct opf_audit_options o = {.only_checks = "waits,last", .now = 1795000000};
    json_t *report = opf_audit(reg, bundle, &o, &err);
    assert_non_null(report);
    const json_t *a = json_array_get(json_object_get(report, "accounts"), 1);
    assert_string_equal(json_string_value(json_object_get(a, "readiness")), "blocked");
    assert_string_equal(json_string_value(json_object_get(a, "wait_until")), "2026-11-19T11:06:40Z");
    a = json_array_get(json_object_get(report, "accounts"), 0);
    assert_string_equal(json_string_value(json_object_get(a, "readiness")), "blocked");
    assert_string_equal(json_string_value(json_array_get(json_object_get(a, "blocking_checks"), 0)), "last");
    const json_t *sum = json_object_get(report, "summary");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(sum, "readiness"), "blocked")), 2);
    assert_int_equal(json_array_size(json_object_get(sum, "holding_back_all_accounts")), 0);
    const json_t *row = json_array_get(json_object_get(report, "results"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "holds_back")), "management-account");
    json_decref(report);
    json_decref(bundle);
    opf_registry_free(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_decide_each_account),
        cmocka_unit_test(test_organization_rows_and_wait_dates),
        cmocka_unit_test(test_incomplete_evidence_is_never_ready),
        cmocka_unit_test(test_engine_writes_readiness),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
