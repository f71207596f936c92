/*
 * Per-account readiness (docs/report.md): which accounts can move, from the report's rows alone. A row gates
 * when it is a fail or unknown at or above the gate; what it holds back is the row's subject, or, for an
 * organization-wide row, every account or only the management account (its `holds_back`). The end of a wait
 * is the latest `not_before` a gating row carries. No check is named here: the rows say everything.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static const char *s_str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

enum opf_gate opf_row_gate(const json_t *row, enum opf_severity fail_on)
{
    enum opf_severity sev;
    enum opf_status st;
    if (!opf_severity_parse(s_str(row, "severity"), &sev) || !opf_status_parse(s_str(row, "status"), &st))
        return OPF_GATE_UNKNOWN; /* an unreadable row never counts as a pass */
    if (sev < fail_on)
        return OPF_GATE_NONE;
    return st == OPF_FAIL ? OPF_GATE_FAIL : st == OPF_UNKNOWN ? OPF_GATE_UNKNOWN : OPF_GATE_NONE;
}

bool opf_account_state_immovable(const char *state)
{
    return state && (strcmp(state, "SUSPENDED") == 0 || strcmp(state, "PENDING_CLOSURE") == 0 ||
                     strcmp(state, "CLOSED") == 0);
}

static const char *const s_names[] = {"ready", "blocked", "cannot-move", "undetermined"};

const char *opf_readiness_name(enum opf_readiness r)
{
    return (unsigned)r < sizeof(s_names) / sizeof(s_names[0]) ? s_names[r] : "undetermined";
}

/* What holds an account back so far: the worst gate and the checks, each once. */
struct s_hold {
    enum opf_gate gate;
    json_t *checks;
    time_t not_before;
};

static void s_hold(struct s_hold *h, const json_t *row, enum opf_gate g)
{
    if (g == OPF_GATE_FAIL || h->gate == OPF_GATE_NONE)
        h->gate = g;
    const char *check = s_str(row, "check");
    size_t i;
    const json_t *v;
    bool seen = false;
    json_array_foreach(h->checks, i, v) seen |= strcmp(json_string_value(v), check) == 0;
    if (!seen)
        json_array_append_new(h->checks, json_string(check));
    time_t t;
    if (opf_time_parse(s_str(row, "not_before"), &t) && t > h->not_before)
        h->not_before = t;
}

static enum opf_readiness s_of(const char *state, enum opf_gate own, enum opf_gate all, bool complete)
{
    if (opf_account_state_immovable(state))
        return OPF_CANNOT_MOVE;
    if (own == OPF_GATE_FAIL || all == OPF_GATE_FAIL)
        return OPF_BLOCKED;
    return own == OPF_GATE_NONE && all == OPF_GATE_NONE && complete ? OPF_READY : OPF_UNDETERMINED;
}

json_t *opf_readiness(const json_t *report)
{
    enum opf_severity fail_on = opf_fail_on(s_str(json_object_get(report, "migration"), "fail_on"));
    bool complete = json_is_true(json_object_get(report, "complete"));
    const char *mgmt = s_str(json_object_get(report, "organization"), "management_account_id");
    const json_t *inventory = json_object_get(report, "accounts");
    size_t n = json_array_size(inventory), i;
    struct s_hold *holds = calloc(n + 1, sizeof(*holds)), all = {.checks = json_array()};
    json_t *index = json_object(); /* account id -> position in the inventory */
    const json_t *a, *row;
    json_array_foreach(inventory, i, a) {
        holds[i].checks = json_array();
        json_object_set_new(index, s_str(a, "id"), json_integer((json_int_t)i));
    }
    json_array_foreach(json_object_get(report, "results"), i, row) {
        enum opf_gate g = opf_row_gate(row, fail_on);
        if (g == OPF_GATE_NONE)
            continue;
        bool account = strcmp(s_str(row, "subject_type"), "account") == 0;
        const json_t *at = account                                                        ? json_object_get(index, s_str(row, "subject_id"))
                           : strcmp(s_str(row, "holds_back"), "management-account") == 0 ? json_object_get(index, mgmt)
                                                                                          : NULL;
        /* an account row outside the inventory holds back everything: it never passes unseen */
        s_hold(at ? &holds[json_integer_value(at)] : &all, row, g);
    }
    json_t *accounts = json_object(), *counts = json_object();
    for (size_t r = 0; r < sizeof(s_names) / sizeof(s_names[0]); r++)
        json_object_set_new(counts, s_names[r], json_integer(0));
    json_array_foreach(inventory, i, a) {
        enum opf_readiness r = s_of(s_str(a, "state"), holds[i].gate, all.gate, complete);
        char when[32] = "";
        if (holds[i].not_before)
            opf_time_format(holds[i].not_before, when, sizeof(when));
        json_object_set_new(accounts, s_str(a, "id"),
                            json_pack("{s:s, s:o, s:s?}", "readiness", opf_readiness_name(r), "blocking_checks",
                                      holds[i].checks, "wait_until", *when ? when : NULL));
        json_t *c = json_object_get(counts, opf_readiness_name(r));
        json_integer_set(c, json_integer_value(c) + 1);
    }
    free(holds);
    json_decref(index);
    return json_pack("{s:o, s:o, s:o}", "accounts", accounts, "counts", counts, "all_accounts", all.checks);
}

void opf_readiness_annotate(json_t *report)
{
    enum opf_severity fail_on = opf_fail_on(s_str(json_object_get(report, "migration"), "fail_on"));
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(report, "results"), i, a)
        json_object_set_new(a, "gating", json_boolean(opf_row_gate(a, fail_on) != OPF_GATE_NONE));
    json_t *r = opf_readiness(report);
    json_array_foreach(json_object_get(report, "accounts"), i, a) {
        const json_t *mine = json_object_get(json_object_get(r, "accounts"), s_str(a, "id"));
        json_object_update(a, (json_t *)mine);
    }
    json_t *summary = json_object_get(report, "summary");
    json_object_set(summary, "readiness", json_object_get(r, "counts"));
    json_object_set(summary, "holding_back_all_accounts", json_object_get(r, "all_accounts"));
    json_decref(r);
}
