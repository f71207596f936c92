/*
 * Reading the report for the runbook: each row lands by the placement its check declares (the row's
 * `placement`) and by whether it blocks at the report's gate; who cannot move at all is the report's readiness.
 */
#include <stdlib.h>
#include <string.h>

#include "runbook/runbook.h"

const char *opf_rb_str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

void opf_rb_add_unique(json_t *list, const char *s)
{
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v) if (strcmp(json_string_value(v), s) == 0) return;
    json_array_append_new(list, json_string(s));
}

enum opf_runbook_placement opf_rb_placement(const json_t *row)
{
    enum opf_runbook_placement at;
    return opf_runbook_placement_parse(opf_rb_str(row, "placement"), &at) ? at : OPF_RUNBOOK_BEFORE_MOVE;
}

bool opf_rb_blocks(const struct opf_rb *p, const json_t *row)
{
    return opf_row_gate(row, p->gate) != OPF_GATE_NONE;
}

bool opf_rb_noteworthy(const json_t *row)
{
    const char *st = opf_rb_str(row, "status");
    return strcmp(st, "warn") == 0 || strcmp(st, "fail") == 0 || strcmp(st, "unknown") == 0;
}

const json_t *opf_rb_fact(const json_t *row, const char *key)
{
    return json_object_get(json_object_get(row, "facts"), key);
}

struct opf_rb_account *opf_rb_account(struct opf_rb *p, const char *id)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->accts[i].id, id) == 0)
            return &p->accts[i];
    return NULL;
}

const char *opf_rb_readiness(const struct opf_rb *p, const struct opf_rb_account *a)
{
    const char *r = opf_rb_str(json_object_get(json_object_get(p->readiness, "accounts"), a->id), "readiness");
    return *r ? r : "undetermined";
}

const char *opf_rb_planned_alias(const struct opf_rb *p)
{
    const char *a = json_string_value(json_object_get(json_object_get(p->config, "identity_center"),
                                                      "planned_portal_alias"));
    return a && *a ? a : NULL;
}

bool opf_rb_uses_identity_center(const struct opf_rb *p)
{
    return p->alias_row && strcmp(opf_rb_str(p->alias_row, "status"), "skipped") != 0;
}

static void s_classify_account_row(struct opf_rb *p, struct opf_rb_account *a, const json_t *row)
{
    enum opf_runbook_placement at = opf_rb_placement(row);
    bool blocks = opf_rb_blocks(p, row);
    if (at == OPF_RUNBOOK_BREAK_GLASS) {
        a->break_glass = row;
        a->break_glass_blocks = blocks;
        return;
    }
    if (at == OPF_RUNBOOK_UNMOVABLE && a->immovable) {
        a->state_row = row;
        return;
    }
    if (blocks && at == OPF_RUNBOOK_DEREGISTER) {
        a->delegated = row;
        return;
    }
    /* a date, not a fix; an unknown one is a blocker like any other */
    if (blocks && at == OPF_RUNBOOK_MOVE_DATE && strcmp(opf_rb_str(row, "status"), "fail") == 0) {
        a->wait = row;
        a->wait_known = opf_time_parse(opf_rb_str(json_object_get(row, "facts"), "allowed_at"), &a->wait_end);
        return;
    }
    if (blocks)
        json_array_append(a->blockers, (json_t *)row);
    else if (opf_rb_noteworthy(row))
        json_array_append(at == OPF_RUNBOOK_AFTER_MOVE ? a->after : a->before, (json_t *)row);
}

static void s_classify_other_row(struct opf_rb *p, const json_t *row)
{
    bool blocks = opf_rb_blocks(p, row);
    switch (opf_rb_placement(row)) {
    case OPF_RUNBOOK_ORG_DELETION:
        if (blocks)
            json_array_append(p->deletion_blockers, (json_t *)row);
        return;
    case OPF_RUNBOOK_PORTAL_ALIAS:
        p->alias_row = row;
        if (blocks)
            json_array_append(p->deletion_blockers, (json_t *)row);
        return;
    case OPF_RUNBOOK_OPERATOR_ACCESS:
        if (blocks || opf_rb_noteworthy(row))
            json_array_append(p->operator_rows, (json_t *)row);
        if (blocks)
            json_array_append(p->global_blockers, (json_t *)row);
        p->operator_blocks |= blocks;
        return;
    default:
        if (blocks)
            json_array_append(p->global_blockers, (json_t *)row);
        else if (opf_rb_noteworthy(row))
            json_array_append(p->global_advice, (json_t *)row);
        return;
    }
}

int opf_rb_load(struct opf_rb *p, struct opf_error *err)
{
    p->global_blockers = json_array();
    p->global_advice = json_array();
    p->operator_rows = json_array();
    p->deletion_blockers = json_array();
    p->steps = json_array();
    if (strcmp(opf_rb_str(p->report, "schema"), OPF_REPORT_SCHEMA) != 0 ||
        !json_is_array(json_object_get(p->report, "results")) ||
        !json_is_array(json_object_get(p->report, "accounts")) ||
        !json_is_object(json_object_get(p->report, "organization")) ||
        !json_is_object(json_object_get(p->report, "migration")))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "plan: the report is not an %s document", OPF_REPORT_SCHEMA);
    const json_t *migration = json_object_get(p->report, "migration");
    if (!opf_severity_parse(opf_rb_str(migration, "fail_on"), &p->gate))
        p->gate = OPF_SEV_HIGH;
    p->direct = strcmp(opf_rb_str(migration, "path"), "direct") == 0;
    p->complete = json_is_true(json_object_get(p->report, "complete"));
    p->mgmt_id = opf_rb_str(json_object_get(p->report, "organization"), "management_account_id");
    p->readiness = opf_readiness(p->report);
    const json_t *inventory = json_object_get(p->report, "accounts");
    p->accts = calloc(json_array_size(inventory) + 1, sizeof(*p->accts));
    if (!p->accts || !p->readiness)
        return opf_fail(err, OPF_ERR_NO_MEMORY, "out of memory building the runbook");
    size_t i;
    const json_t *row;
    json_array_foreach(inventory, i, row) {
        struct opf_rb_account *a = &p->accts[p->n++];
        a->row = row;
        a->id = opf_rb_str(row, "id");
        a->name = opf_rb_str(row, "name");
        a->is_management = json_is_true(json_object_get(row, "is_management")) || strcmp(a->id, p->mgmt_id) == 0;
        a->immovable = strcmp(opf_rb_readiness(p, a), opf_readiness_name(OPF_CANNOT_MOVE)) == 0;
        a->blockers = json_array();
        a->before = json_array();
        a->after = json_array();
    }
    json_array_foreach(json_object_get(p->report, "results"), i, row) {
        struct opf_rb_account *a = strcmp(opf_rb_str(row, "subject_type"), "account") == 0
                                       ? opf_rb_account(p, opf_rb_str(row, "subject_id"))
                                       : NULL;
        if (a)
            s_classify_account_row(p, a, row);
        else
            s_classify_other_row(p, row); /* an account row without inventory blocks everything, never passes */
    }
    return 0;
}

void opf_rb_free(struct opf_rb *p)
{
    for (size_t k = 0; k < p->n; k++) {
        json_decref(p->accts[k].blockers);
        json_decref(p->accts[k].before);
        json_decref(p->accts[k].after);
    }
    free(p->accts);
    json_decref(p->global_blockers);
    json_decref(p->global_advice);
    json_decref(p->operator_rows);
    json_decref(p->deletion_blockers);
    json_decref(p->steps);
    json_decref(p->readiness);
}
