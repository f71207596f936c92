/* The runbook's ordering rules, on small hand-built report documents (the runbook reads nothing else): who moves
 * now, what blocks whom, where each finding lands by its placement, wait-period dates, delegated administrators,
 * the portal alias, the management account, from the rows' facts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

#define MGMT "111111111111"
#define MEMBER "222222222222"
#define OTHER "333333333333"

/* A report with the management account and two members, and no result row yet. */
static json_t *s_report(const char *fail_on)
{
    json_t *r = json_pack("{s:s, s:s, s:s, s:b, s:{s:s, s:s}, s:{s:s, s:n, s:s}, s:[], s:[]}", "schema",
                          OPF_REPORT_SCHEMA, "generated_at", "2026-11-25T09:00:00Z", "evidence_collected_at",
                          "2026-11-25T02:00:00Z", "complete", 1, "organization", "id", "o-abc",
                          "management_account_id", MGMT, "migration", "path", "leave", "target", "fail_on", fail_on,
                          "accounts", "results");
    const char *accounts[][3] = {{MGMT, "mgmt", "ACTIVE"}, {MEMBER, "member", "ACTIVE"}, {OTHER, "other", "ACTIVE"}};
    for (size_t i = 0; i < 3; i++)
        json_array_append_new(json_object_get(r, "accounts"),
                              json_pack("{s:s, s:s, s:s, s:b}", "id", accounts[i][0], "name", accounts[i][1], "state",
                                        accounts[i][2], "is_management", i == 0));
    return r;
}

/* The built-in catalogue: each row gets its check's placement as the engine writes it. */
static struct opf_registry *s_reg;

static int s_setup(void **state)
{
    (void)state;
    s_reg = opf_registry_new();
    return s_reg ? 0 : -1;
}

static int s_teardown(void **state)
{
    (void)state;
    opf_registry_free(s_reg);
    return 0;
}

static json_t *s_add(json_t *report, const char *check, const char *type, const char *subject, const char *status,
                     const char *severity)
{
    json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[], s:s, s:n}", "check", check, "title", check,
                            "subject_type", type, "subject_id", subject, "subject_name", subject, "status", status,
                            "severity", severity, "message", "found something", "evidence", "remediation",
                            "fix it", "waiver");
    /* as the engine writes it: these two organization-wide checks hold back only the management account */
    bool mgmt_only = strcmp(check, "management-account-last") == 0 || strcmp(check, "sso-alias-conflict") == 0;
    json_object_set_new(row, "holds_back", json_string(strcmp(type, "account") == 0 ? "account"
                                                        : mgmt_only                ? "management-account"
                                                                                   : "all-accounts"));
    const struct opf_check *c = opf_registry_find(s_reg, check); /* a row of an unknown check has none */
    if (c)
        json_object_set_new(row, "placement", json_string(opf_runbook_placement_name(c->runbook)));
    json_array_append_new(json_object_get(report, "results"), row);
    return row;
}

/* A fact of the row, as the check records it (opf_finding_fact). */
static void s_fact(json_t *row, const char *key, json_t *value)
{
    if (!json_object_get(row, "facts"))
        json_object_set_new(row, "facts", json_object());
    json_object_set_new(json_object_get(row, "facts"), key, value);
}

static json_t *s_plan(const json_t *report, const json_t *config)
{
    struct opf_plan_options o = {.config = config, .audit_command = "orgpreflight audit --config c.json"};
    struct opf_error err = {0};
    json_t *rb = opf_plan(s_reg, report, &o, &err);
    assert_non_null(rb);
    assert_string_equal(json_string_value(json_object_get(rb, "schema")), OPF_RUNBOOK_SCHEMA);
    return rb;
}

static const json_t *s_step(const json_t *rb, const char *id)
{
    size_t i;
    const json_t *s;
    json_array_foreach(json_object_get(rb, "steps"), i, s) {
        if (strcmp(json_string_value(json_object_get(s, "id")), id) == 0)
            return s;
    }
    return NULL;
}

static int s_number(const json_t *rb, const char *id)
{
    const json_t *s = s_step(rb, id);
    return s ? (int)json_integer_value(json_object_get(s, "number")) : 0;
}

static bool s_lists(const json_t *step, const char *account)
{
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(step, "accounts"), i, v) {
        if (strcmp(json_string_value(v), account) == 0)
            return true;
    }
    return false;
}

static const json_t *s_account(const json_t *rb, const char *id)
{
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(rb, "accounts"), i, a) {
        if (strcmp(json_string_value(json_object_get(a, "id")), id) == 0)
            return a;
    }
    fail();
    return NULL;
}

static int s_move_step(const json_t *rb, const char *id)
{
    return (int)json_integer_value(json_object_get(s_account(rb, id), "move_step"));
}

static const char *s_readiness(const json_t *rb, const char *id)
{
    return json_string_value(json_object_get(s_account(rb, id), "readiness"));
}

/* The step's action for (account, check), or NULL. */
static const json_t *s_action(const json_t *step, const char *account, const char *check)
{
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(step, "actions"), i, a) {
        const char *acc = json_string_value(json_object_get(a, "account"));
        const char *c = json_string_value(json_object_get(json_object_get(a, "finding"), "check"));
        if ((account ? acc && strcmp(acc, account) == 0 : !acc) && c && strcmp(c, check) == 0)
            return a;
    }
    return NULL;
}

static bool s_rerun_has(const json_t *step, const char *command)
{
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(step, "rerun"), i, v) {
        if (strcmp(json_string_value(v), command) == 0)
            return true;
    }
    return false;
}

static void test_clean_organization_moves_members_now_and_management_last(void **state)
{
    json_t *report = s_report("high");
    s_add(report, "payment-method", "account", MEMBER, "pass", "blocker");
    s_add(report, "management-account-last", "organization", "o-abc", "warn", "blocker");
    json_t *rb = s_plan(report, NULL);
    const json_t *now = s_step(rb, "move-now");
    assert_non_null(now);
    assert_true(s_lists(now, MEMBER) && s_lists(now, OTHER));
    assert_false(s_lists(now, MGMT));
    assert_int_equal(s_move_step(rb, MEMBER), s_number(rb, "move-now"));
    /* the organization is deleted after every member moved, then the management account moves */
    assert_true(s_number(rb, "move-now") < s_number(rb, "delete-organization"));
    assert_int_equal(s_move_step(rb, MGMT), s_number(rb, "delete-organization") + 1);
    assert_int_equal(s_move_step(rb, MGMT), s_number(rb, "move-management-account"));
    /* a move step re-runs the whole audit of its accounts */
    assert_true(s_rerun_has(now, "orgpreflight audit --config c.json --accounts " MEMBER "," OTHER));
    /* the steps are numbered 1..n in order; the last one is the clean-up */
    size_t n = json_array_size(json_object_get(rb, "steps"));
    for (size_t i = 0; i < n; i++)
        assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(rb, "steps"), i), "number")),
                         (json_int_t)i + 1);
    assert_int_equal(s_number(rb, "after-the-move"), (int)n);
    assert_string_equal(s_readiness(rb, MGMT), "ready");
    assert_int_equal(opf_runbook_exit_code(rb), OPF_EXIT_READY);
    json_decref(rb);
    json_decref(report);
}

static void test_gate_decides_what_blocks(void **state)
{
    json_t *report = s_report("high");
    s_add(report, "payment-method", "account", MEMBER, "fail", "blocker");
    s_add(report, "root-email-reachable", "account", OTHER, "fail", "medium"); /* below the gate */
    json_t *waived = s_add(report, "account-verified", "account", OTHER, "waived", "blocker");
    (void)waived;
    s_add(report, "break-glass-user", "account", OTHER, "unknown", "high"); /* unknown at the gate blocks */
    json_t *rb = s_plan(report, NULL);
    const json_t *fix = s_step(rb, "fix-blockers");
    const json_t *action = s_action(fix, MEMBER, "payment-method");
    assert_non_null(action);
    assert_true(json_is_true(json_object_get(action, "blocking")));
    assert_string_equal(json_string_value(json_object_get(action, "text")), "fix it");
    /* the attestation to record is the one the check reads (its needs), from the registry */
    assert_string_equal(json_string_value(json_array_get(json_object_get(action, "attest"), 0)), "payment-method");
    assert_true(s_rerun_has(fix, "orgpreflight audit --config c.json --accounts " MEMBER " --checks payment-method"));
    assert_null(s_step(rb, "move-now"));
    assert_int_equal(s_move_step(rb, MEMBER), s_number(rb, "move-after-fixes"));
    assert_true(s_number(rb, "fix-blockers") < s_move_step(rb, MEMBER));
    /* the unknown break-glass row blocks OTHER from the secure-access step; the medium fail is only advice */
    assert_non_null(s_action(s_step(rb, "secure-access"), OTHER, "break-glass-user"));
    assert_string_equal(s_readiness(rb, OTHER), "undetermined"); /* an unknown, no fail: the report's readiness */
    const json_t *advice = s_action(s_step(rb, "move-after-fixes"), OTHER, "root-email-reachable");
    assert_non_null(advice);
    assert_false(json_is_true(json_object_get(advice, "blocking")));
    assert_null(s_action(fix, OTHER, "account-verified")); /* waived: nothing to do */
    assert_int_equal(opf_runbook_exit_code(rb), OPF_EXIT_NOT_READY);
    json_decref(rb);

    /* with the gate at blocker the unknown high row no longer blocks OTHER, which can move now */
    json_object_set_new(json_object_get(report, "migration"), "fail_on", json_string("blocker"));
    rb = s_plan(report, NULL);
    assert_true(s_lists(s_step(rb, "move-now"), OTHER));
    assert_false(s_lists(s_step(rb, "move-now"), MEMBER));
    json_decref(rb);
    json_decref(report);
}

static void test_delegated_administrator_is_deregistered_before_it_moves(void **state)
{
    json_t *report = s_report("high");
    json_t *row = s_add(report, "delegated-administrator", "account", MEMBER, "fail", "blocker");
    s_fact(row, "services", json_pack("[s, s]", "guardduty.amazonaws.com", "securityhub.amazonaws.com"));
    json_t *rb = s_plan(report, NULL);
    int dereg = s_number(rb, "deregister-delegated-administrators");
    assert_true(dereg > 0);
    assert_true(dereg < s_move_step(rb, MEMBER));
    const json_t *move = s_step(rb, "move-after-fixes");
    assert_true(s_lists(move, MEMBER));
    bool depends = false;
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(move, "depends_on"), i, v) depends |= json_integer_value(v) == dereg;
    assert_true(depends);
    const json_t *action = s_action(s_step(rb, "deregister-delegated-administrators"), MEMBER, "delegated-administrator");
    assert_non_null(action);
    assert_int_equal(json_array_size(json_object_get(action, "services")), 2);
    assert_non_null(strstr(json_string_value(json_object_get(action, "commands")),
                           "--account-id " MEMBER " --service-principal securityhub.amazonaws.com"));
    assert_true(s_lists(s_step(rb, "move-now"), OTHER));
    json_decref(rb);
    json_decref(report);
}

static void test_wait_period_end_from_the_finding(void **state)
{
    json_t *report = s_report("high");
    /* the date and the period are the ones wait-period gives in its finding's facts, never derived again here */
    json_t *m = s_add(report, "wait-period", "account", MEMBER, "fail", "blocker");
    json_object_set_new(m, "not_before", json_string("2026-11-30T14:12:09Z"));
    s_fact(m, "allowed_at", json_string("2026-11-30T14:12:09Z"));
    s_fact(m, "days", json_integer(7));
    json_t *o = s_add(report, "wait-period", "account", OTHER, "fail", "blocker");
    json_object_set_new(o, "not_before", json_string("2026-12-01T00:00:00Z"));
    s_fact(o, "allowed_at", json_string("2026-12-01T00:00:00Z"));
    s_fact(o, "days", json_integer(7));
    json_t *rb = s_plan(report, NULL);
    const json_t *wait = s_step(rb, "move-after-wait-period");
    assert_non_null(wait);
    assert_true(s_lists(wait, MEMBER) && s_lists(wait, OTHER));
    assert_string_equal(json_string_value(json_object_get(s_account(rb, MEMBER), "wait_until")), "2026-11-30T14:12:09Z");
    assert_string_equal(json_string_value(json_object_get(s_account(rb, OTHER), "wait_until")), "2026-12-01T00:00:00Z");
    assert_string_equal(json_string_value(json_object_get(wait, "not_before")), "2026-12-01T00:00:00Z");
    assert_int_equal(json_array_size(json_object_get(rb, "wait_periods")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(rb, "wait_periods"), 0), "days")),
                     7); /* the finding's, not the default of 4 */
    assert_null(s_step(rb, "move-now"));
    assert_true(s_number(rb, "move-after-wait-period") < s_number(rb, "delete-organization"));
    json_decref(rb);

    /* a finding without a date: the account still waits, with no date invented */
    json_object_del(o, "not_before");
    json_object_del(o, "facts");
    rb = s_plan(report, NULL);
    assert_true(json_is_null(json_object_get(s_account(rb, OTHER), "wait_until")));
    assert_true(json_is_null(json_object_get(s_step(rb, "move-after-wait-period"), "not_before")));
    assert_true(s_lists(s_step(rb, "move-after-wait-period"), OTHER));
    json_decref(rb);
    json_decref(report);
}

static void test_portal_alias_is_claimed_before_the_organization_goes(void **state)
{
    json_t *report = s_report("high");
    json_t *row = s_add(report, "sso-alias-conflict", "organization", "o-abc", "pass", "medium");
    s_fact(row, "default_aliases", json_pack("[s]", "d-9067c2a1f3"));
    json_t *config = json_pack("{s:{s:s, s:s}}", "identity_center", "current_portal_alias", "old-alias",
                               "planned_portal_alias", "new-alias");
    json_t *rb = s_plan(report, config);
    int claim = s_number(rb, "claim-portal-alias");
    assert_true(claim > 0 && claim < s_number(rb, "delete-organization"));
    const json_t *alias = json_object_get(rb, "portal_alias");
    assert_string_equal(json_string_value(json_object_get(alias, "planned")), "new-alias");
    const json_t *held = json_object_get(alias, "held_by_old_organization");
    assert_int_equal(json_array_size(held), 2);
    assert_string_equal(json_string_value(json_array_get(held, 1)), "d-9067c2a1f3");
    assert_int_equal(json_integer_value(json_object_get(alias, "step")), claim);
    json_decref(rb);

    /* a failing alias check asks for another alias; below the gate it does not block the deletion */
    json_object_set_new(json_array_get(json_object_get(report, "results"), 0), "status", json_string("fail"));
    rb = s_plan(report, config);
    const json_t *a = s_action(s_step(rb, "claim-portal-alias"), NULL, "sso-alias-conflict");
    assert_non_null(a);
    assert_false(json_is_true(json_object_get(a, "blocking")));
    assert_string_equal(s_readiness(rb, MGMT), "ready");
    json_decref(rb);

    /* the portal alias section names the check that placed itself there, from its row */
    rb = s_plan(report, config);
    assert_string_equal(json_string_value(json_object_get(json_object_get(rb, "portal_alias"), "check")),
                        json_string_value(json_object_get(json_array_get(json_object_get(report, "results"), 0), "check")));
    json_decref(rb);

    /* no Identity Center instance: the check skips and there is nothing to claim */
    json_object_set_new(json_array_get(json_object_get(report, "results"), 0), "status", json_string("skipped"));
    rb = s_plan(report, config);
    assert_int_equal(s_number(rb, "claim-portal-alias"), 0);
    assert_false(json_is_true(json_object_get(json_object_get(rb, "portal_alias"), "identity_center")));
    json_decref(rb);

    /* the check did not run: the report says nothing of Identity Center, and the runbook claims nothing */
    json_array_clear(json_object_get(report, "results"));
    rb = s_plan(report, config);
    assert_int_equal(s_number(rb, "claim-portal-alias"), 0);
    const json_t *none = json_object_get(rb, "portal_alias");
    assert_false(json_is_true(json_object_get(none, "identity_center")));
    assert_int_equal(json_array_size(json_object_get(none, "held_by_old_organization")), 1); /* the configured one */
    assert_true(json_is_null(json_object_get(none, "check"))); /* no row names the check: nothing to cite */
    json_decref(rb);
    json_decref(config);
    json_decref(report);
}

static void test_organization_wide_blocker_holds_every_account(void **state)
{
    json_t *report = s_report("high");
    s_add(report, "target-organization-ready", "target-organization", "o-new", "fail", "blocker");
    json_t *rb = s_plan(report, NULL);
    int org = s_number(rb, "organization-prerequisites");
    assert_int_equal(org, 1);
    assert_non_null(s_action(s_step(rb, "organization-prerequisites"), NULL, "target-organization-ready"));
    assert_null(s_step(rb, "move-now"));
    assert_true(s_move_step(rb, MEMBER) > org);
    assert_string_equal(s_readiness(rb, MEMBER), "blocked");
    assert_string_equal(s_readiness(rb, MGMT), "blocked");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(s_account(rb, OTHER),
                                                                                         "blockers"), 0), "check")),
                        "target-organization-ready");
    assert_int_equal(opf_runbook_exit_code(rb), OPF_EXIT_NOT_READY);
    json_decref(rb);

    /* an SSO operator session blocks everyone too, from the secure-access step */
    json_array_clear(json_object_get(report, "results"));
    s_add(report, "operator-session-not-sso", "operator-session", "arn:aws:sts::111111111111:assumed-role/x/y",
          "fail", "blocker");
    rb = s_plan(report, NULL);
    assert_non_null(s_action(s_step(rb, "secure-access"), NULL, "operator-session-not-sso"));
    assert_null(s_step(rb, "move-now"));
    assert_true(s_move_step(rb, OTHER) > s_number(rb, "secure-access"));
    json_decref(rb);
    json_decref(report);
}

static void test_placement_of_findings_that_do_not_block(void **state)
{
    json_t *report = s_report("high");
    s_add(report, "org-access-role-trust", "account", MEMBER, "warn", "medium");
    s_add(report, "stacksets-retain", "account", MEMBER, "warn", "high");
    s_add(report, "control-tower-enrolled", "account", OTHER, "fail", "blocker");
    s_add(report, "some-plugin-check", "account", MEMBER, "warn", "low");
    json_t *rb = s_plan(report, NULL);
    const json_t *now = s_step(rb, "move-now");
    /* stacksets-retain and an unknown check's warning come before the move, in the move step itself */
    assert_non_null(s_action(now, MEMBER, "stacksets-retain"));
    assert_non_null(s_action(now, MEMBER, "some-plugin-check"));
    assert_null(s_action(now, MEMBER, "org-access-role-trust"));
    const json_t *after = s_step(rb, "after-the-move");
    assert_non_null(s_action(after, MEMBER, "org-access-role-trust"));
    assert_true(s_number(rb, "after-the-move") > s_number(rb, "move-management-account"));
    /* the move action comes after the advice it follows */
    size_t i, advice = 99, move = 0;
    const json_t *a;
    json_array_foreach(json_object_get(now, "actions"), i, a) {
        if (strcmp(json_string_value(json_object_get(a, "account")), MEMBER) != 0)
            continue;
        if (json_is_null(json_object_get(a, "finding")))
            move = i;
        else if (advice == 99)
            advice = i;
    }
    assert_true(advice < move);
    /* a blocking Control Tower enrollment is fixed before the account moves */
    assert_non_null(s_action(s_step(rb, "fix-blockers"), OTHER, "control-tower-enrolled"));
    assert_false(s_lists(now, OTHER));
    json_decref(rb);
    json_decref(report);
}

static void test_unmovable_account_and_management_last(void **state)
{
    json_t *report = s_report("high");
    json_object_set_new(json_array_get(json_object_get(report, "accounts"), 2), "state", json_string("SUSPENDED"));
    s_add(report, "account-state", "account", OTHER, "fail", "blocker");
    s_add(report, "payment-method", "account", OTHER, "skipped", "blocker");
    s_add(report, "management-account-last", "organization", "o-abc", "fail", "blocker");
    s_fact(s_add(report, "break-glass-user", "account", MGMT, "pass", "blocker"), "user",
           json_string("break-glass-ops"));
    json_t *rb = s_plan(report, NULL);
    int resolve = s_number(rb, "resolve-unmovable-accounts");
    assert_true(resolve > 0 && resolve < s_number(rb, "delete-organization"));
    assert_string_equal(s_readiness(rb, OTHER), "cannot-move");
    assert_true(json_is_null(json_object_get(s_account(rb, OTHER), "move_step")));
    assert_true(s_lists(s_step(rb, "move-now"), MEMBER)); /* members are not held by the deletion's blocker */
    assert_string_equal(s_readiness(rb, MEMBER), "ready");
    const json_t *del = s_step(rb, "delete-organization");
    assert_non_null(s_action(del, MGMT, "management-account-last"));
    /* the deletion's audit: the checks the report has that the deletion relies on, in their placements' order */
    assert_true(s_rerun_has(del, "orgpreflight audit --config c.json --accounts " MGMT
                                 " --checks management-account-last,break-glass-user"));
    bool confirm = false;
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(del, "actions"), i, a) confirm |=
        strstr(json_string_value(json_object_get(a, "text")), "(the audit below shows management-account-last "
                                                               "passing)") != NULL;
    assert_true(confirm);
    assert_string_equal(s_readiness(rb, MGMT), "blocked");
    /* the break-glass user found by the check is kept until the end */
    const json_t *bg = json_array_get(json_object_get(rb, "break_glass"), 0);
    assert_string_equal(json_string_value(json_object_get(bg, "user")), "break-glass-ops");
    assert_true(s_lists(s_step(rb, "secure-access"), MGMT));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(rb, "summary"), "cannot_move")), 1);
    assert_int_equal(opf_runbook_exit_code(rb), OPF_EXIT_NOT_READY);
    json_decref(rb);
    json_decref(report);
}

static void test_incomplete_evidence_and_bad_input(void **state)
{
    json_t *report = s_report("high");
    json_object_set_new(report, "complete", json_false());
    json_t *rb = s_plan(report, NULL);
    assert_int_equal(s_number(rb, "organization-prerequisites"), 1);
    assert_null(s_step(rb, "move-now"));
    assert_int_equal(opf_runbook_exit_code(rb), OPF_EXIT_NOT_READY);
    json_decref(rb);

    /* an account row the inventory does not know never lets anything through */
    json_object_set_new(report, "complete", json_true());
    s_add(report, "payment-method", "account", "444444444444", "fail", "blocker");
    rb = s_plan(report, NULL);
    assert_null(s_step(rb, "move-now"));
    json_decref(rb);

    struct opf_error err = {0};
    json_object_set_new(report, "schema", json_string("something/else"));
    assert_null(opf_plan(NULL, report, NULL, &err));
    assert_non_null(strstr(err.message, OPF_REPORT_SCHEMA));
    assert_int_equal(err.category, OPF_ERR_INVALID_INPUT);
    json_decref(report);
}

/* The runbooks `orgpreflight plan` wrote for the committed bundles (tests/golden/expected) come back equal from
 * the JSON report the same run wrote, read back from its file with nothing else: no bundle, no audit. */
static void a_saved_report_alone_gives_the_golden_runbook(void **state)
{
    static const struct {
        const char *name, *config, *flags;
        bool attestations;
    } cases[] = {
        {"example", "examples/config.json", "", true},
        {"example-direct", "examples/config.json", " --path direct", true},
        {"example-fail-on-blocker", "examples/config.json", " --fail-on blocker", true},
        {"example-scoped", "examples/config.json", "", true},
        {"test-org", NULL, "", false},
        {"moto-org", "tests/golden/bundles/moto-config.json", "", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[512], command[512];
        struct opf_error err = {0};
        snprintf(path, sizeof(path), "golden/expected/%s/report.json", cases[i].name);
        json_t *report = opf_json_load_file(path, &err);
        snprintf(path, sizeof(path), "golden/expected/%s/runbook.json", cases[i].name);
        json_t *want = opf_json_load_file(path, &err);
        snprintf(path, sizeof(path), "../%s", cases[i].config ? cases[i].config : "");
        json_t *config = cases[i].config ? opf_config_load(path, &err) : opf_config_default();
        assert_non_null(report);
        assert_non_null(want);
        assert_non_null(config);
        if (cases[i].attestations)
            assert_int_equal(opf_config_set(config, "attestations.file", json_string("examples/attestations.json"),
                                            &err), 0);
        snprintf(command, sizeof(command), "orgpreflight audit%s%s%s%s", cases[i].config ? " --config " : "",
                 cases[i].config ? cases[i].config : "", cases[i].flags,
                 cases[i].attestations ? " --attestations examples/attestations.json --waivers examples/waivers.json"
                                       : "");
        struct opf_plan_options o = {.config = config, .audit_command = command};
        json_t *got = opf_plan(s_reg, report, &o, &err);
        assert_non_null(got);
        if (!json_equal(got, want)) {
            char *text = json_dumps(got, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            print_message("%s: the runbook from the saved report differs:\n%s\n", cases[i].name, text);
            free(text);
            fail();
        }
        json_decref(got);
        json_decref(config);
        json_decref(want);
        json_decref(report);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_organization_moves_members_now_and_management_last),
        cmocka_unit_test(test_gate_decides_what_blocks),
        cmocka_unit_test(test_delegated_administrator_is_deregistered_before_it_moves),
        cmocka_unit_test(test_wait_period_end_from_the_finding),
        cmocka_unit_test(test_portal_alias_is_claimed_before_the_organization_goes),
        cmocka_unit_test(test_organization_wide_blocker_holds_every_account),
        cmocka_unit_test(test_placement_of_findings_that_do_not_block),
        cmocka_unit_test(test_unmovable_account_and_management_last),
        cmocka_unit_test(test_incomplete_evidence_and_bad_input),
        cmocka_unit_test(a_saved_report_alone_gives_the_golden_runbook),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
