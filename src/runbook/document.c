/*
 * The runbook document (docs/runbook.md): the report's identity, each account's readiness and place in the
 * order, the steps, wait periods, the portal alias and the break-glass users, from what classify.c and
 * steps.c made of the report.
 */
#include <stdlib.h>
#include <string.h>

#include "runbook/runbook.h"

static json_t *s_rows_brief(const json_t *rows)
{
    json_t *out = json_array();
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row) {
        json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "check", opf_rb_str(row, "check"), "status",
                                             opf_rb_str(row, "status"), "severity", opf_rb_str(row, "severity"), "message",
                                             opf_rb_str(row, "message")));
    }
    return out;
}

/* Every blocking row of the account, in report order, plus the organization-wide ones that hold it back. */
static json_t *s_account_blockers(const struct opf_rb *p, const struct opf_rb_account *a)
{
    json_t *rows = json_array();
    const json_t *own[] = {a->state_row, a->delegated, a->wait, a->break_glass_blocks ? a->break_glass : NULL};
    for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
        if (own[i])
            json_array_append(rows, (json_t *)own[i]);
    json_array_extend(rows, a->blockers);
    if (!a->immovable)
        json_array_extend(rows, p->global_blockers);
    if (a->is_management)
        json_array_extend(rows, p->deletion_blockers);
    json_t *out = s_rows_brief(rows);
    json_decref(rows);
    return out;
}

static json_t *s_accounts_doc(const struct opf_rb *p)
{
    json_t *out = json_array();
    for (size_t k = 0; k < p->n; k++) {
        const struct opf_rb_account *a = &p->accts[k];
        char when[32] = "";
        if (a->wait && a->wait_known)
            opf_time_format(a->wait_end, when, sizeof(when));
        json_t *row = json_pack("{s:s, s:s, s:s, s:b, s:s, s:o, s:s?, s:o, s:o}", "id", a->id, "name", a->name,
                                "state", opf_rb_str(a->row, "state"), "is_management", a->is_management, "readiness",
                                opf_rb_readiness(p, a), "move_step", a->move_step ? json_integer(a->move_step) : json_null(),
                                "wait_until", *when ? when : NULL, "blockers", s_account_blockers(p, a), "advisories",
                                s_rows_brief(a->before));
        json_t *after = s_rows_brief(a->after);
        json_array_extend(json_object_get(row, "advisories"), after);
        json_decref(after);
        json_array_append_new(out, row);
    }
    return out;
}

static json_t *s_wait_doc(const struct opf_rb *p)
{
    json_t *out = json_array();
    for (size_t k = 0; k < p->n; k++) {
        const struct opf_rb_account *a = &p->accts[k];
        if (!a->wait)
            continue;
        char when[32] = "";
        if (a->wait_known)
            opf_time_format(a->wait_end, when, sizeof(when));
        json_array_append_new(out, json_pack("{s:s, s:s, s:s?, s:O?, s:s}", "account", a->id, "name", a->name,
                                             "ends_at", *when ? when : NULL, "days", opf_rb_fact(a->wait, "days"),
                                             "message", opf_rb_str(a->wait, "message")));
    }
    return out;
}

/* The aliases the old organization holds: the configured one(s) and each instance's default d-… alias (the
 * portal-alias row's default_aliases). */
static json_t *s_alias_doc(const struct opf_rb *p, int step)
{
    json_t *held = json_array();
    const json_t *current = json_object_get(json_object_get(p->config, "identity_center"), "current_portal_alias");
    if (json_is_string(current))
        opf_rb_add_unique(held, json_string_value(current));
    size_t i;
    const json_t *v;
    json_array_foreach(current, i, v) if (json_is_string(v)) opf_rb_add_unique(held, json_string_value(v));
    json_array_foreach(opf_rb_fact(p->alias_row, "default_aliases"), i, v) {
        if (json_is_string(v))
            opf_rb_add_unique(held, json_string_value(v));
    }
    return json_pack("{s:b, s:s?, s:o, s:s?, s:s?, s:o}", "identity_center", opf_rb_uses_identity_center(p), "planned",
                     opf_rb_planned_alias(p), "held_by_old_organization", held, "check",
                     p->alias_row ? opf_rb_str(p->alias_row, "check") : NULL, "status",
                     p->alias_row ? opf_rb_str(p->alias_row, "status") : NULL, "step",
                     step ? json_integer(step) : json_null());
}

static json_t *s_break_glass_doc(const struct opf_rb *p)
{
    json_t *out = json_array();
    for (size_t k = 0; k < p->n; k++) {
        const struct opf_rb_account *a = &p->accts[k];
        if (!a->break_glass || a->immovable)
            continue;
        json_array_append_new(out, json_pack("{s:s, s:s, s:s?, s:s, s:b, s:s}", "account", a->id, "name", a->name,
                                             "user", json_string_value(opf_rb_fact(a->break_glass, "user")), "status",
                                             opf_rb_str(a->break_glass, "status"), "blocking", a->break_glass_blocks,
                                             "message", opf_rb_str(a->break_glass, "message")));
    }
    return out;
}

static json_t *s_summary(const struct opf_rb *p)
{
    json_int_t now = 0;
    for (size_t k = 0; k < p->n; k++)
        now += !p->accts[k].is_management && strcmp(opf_rb_readiness(p, &p->accts[k]), "ready") == 0;
    const json_t *c = json_object_get(p->readiness, "counts");
    json_int_t ready = json_integer_value(json_object_get(c, "ready"));
    bool all = ready == (json_int_t)p->n && p->complete;
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "verdict", all ? "ready" : "blocked", "accounts",
                     (json_int_t)p->n, "ready", ready, "move_now", now, "blocked",
                     json_integer_value(json_object_get(c, "blocked")), "cannot_move",
                     json_integer_value(json_object_get(c, "cannot-move")), "undetermined",
                     json_integer_value(json_object_get(c, "undetermined")));
}

json_t *opf_plan(const struct opf_registry *r, const json_t *report, const struct opf_plan_options *o,
                 struct opf_error *err)
{
    json_t *defaults = o && o->config ? NULL : opf_config_default();
    struct opf_rb p = {.reg = r,
                       .report = report,
                       .config = o && o->config ? o->config : defaults,
                       .command = o && o->audit_command ? o->audit_command : "orgpreflight audit"};
    json_t *doc = NULL;
    if (opf_rb_load(&p, err) == 0) {
        int alias_step = opf_rb_steps(&p);
        const char *attestations =
            json_string_value(json_object_get(json_object_get(p.config, "attestations"), "file"));
        doc = json_pack("{s:s, s:{s:s, s:s}, s:s, s:s, s:b, s:O, s:O, s:s?, s:o, s:o, s:O, s:o, s:o, s:o}", "schema",
                        OPF_RUNBOOK_SCHEMA, "tool", "name", "orgpreflight", "version", opf_version(), "generated_at",
                        opf_rb_str(report, "generated_at"), "evidence_collected_at",
                        opf_rb_str(report, "evidence_collected_at"), "complete", p.complete, "organization",
                        json_object_get(report, "organization"), "migration", json_object_get(report, "migration"),
                        "attestations_file", attestations, "summary", s_summary(&p), "accounts", s_accounts_doc(&p),
                        "steps", p.steps, "wait_periods", s_wait_doc(&p), "portal_alias", s_alias_doc(&p, alias_step),
                        "break_glass", s_break_glass_doc(&p));
        if (!doc)
            opf_fail(err, OPF_ERR_NO_MEMORY, "out of memory building the runbook");
    }
    opf_rb_free(&p);
    json_decref(defaults);
    return doc;
}

enum opf_exit opf_runbook_exit_code(const json_t *runbook)
{
    const char *v = opf_rb_str(json_object_get(runbook, "summary"), "verdict");
    return strcmp(v, "ready") == 0 ? OPF_EXIT_READY : OPF_EXIT_NOT_READY;
}
