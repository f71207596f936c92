/*
 * The migration runbook (docs/runbook.md), built from an audit's report document alone: classify.c sorts the
 * report's rows by the runbook placement each carries, steps.c orders the work into steps, document.c writes
 * the runbook document. The runbook never re-evaluates a check and names none: a row blocks when the report's
 * gate says so (opf_row_gate), and what a check found is in the row's `facts`.
 */
#ifndef OPF_RUNBOOK_H
#define OPF_RUNBOOK_H

#include "core/core.h"

struct opf_rb_account {
    const json_t *row;        /* the report's inventory row */
    const char *id, *name;
    bool is_management, immovable;
    json_t *blockers;         /* rows that block its move (generic ones, and move-date unknowns) */
    json_t *before, *after;   /* rows that do not block: what to do before and after the move */
    const json_t *state_row;  /* unmovable row of an account that cannot move */
    const json_t *delegated;  /* blocking deregister row */
    const json_t *wait;       /* failing move-date row */
    const json_t *break_glass;/* the break-glass row (any status) */
    bool break_glass_blocks;
    bool wait_known;
    time_t wait_end;
    int move_step;
};

struct opf_rb {
    const struct opf_registry *reg;
    const json_t *report, *config;
    const char *command;
    enum opf_severity gate;
    bool direct, complete;
    const char *mgmt_id;
    struct opf_rb_account *accts;
    size_t n;
    json_t *global_blockers;  /* non-account rows that block every account */
    json_t *global_advice;    /* non-account rows that do not block */
    json_t *operator_rows;    /* operator-access rows that are not pass or skipped */
    bool operator_blocks;     /* one of them blocks: every account waits for secure-access */
    json_t *deletion_blockers;/* org-deletion and portal-alias rows that block the deletion */
    const json_t *alias_row;
    json_t *steps;
    json_t *readiness;        /* opf_readiness() of the report: the one definition of who can move */
};

/* ---- classify.c ---- */

/* A string member, "" when absent. */
const char *opf_rb_str(const json_t *o, const char *k);
/* Appends the string to the array unless it is there already. */
void opf_rb_add_unique(json_t *list, const char *s);
/* The row's placement; a row without one (a report of an older orgpreflight) is before-move. */
enum opf_runbook_placement opf_rb_placement(const json_t *row);
/* The gate's rule, as the verdict reads it (an unreadable row blocks too). */
bool opf_rb_blocks(const struct opf_rb *p, const json_t *row);
/* Worth an action although it does not block: a warning, or a fail or unknown below the gate. */
bool opf_rb_noteworthy(const json_t *row);
/* One fact of the row (NULL when the check gave none). */
const json_t *opf_rb_fact(const json_t *row, const char *key);
struct opf_rb_account *opf_rb_account(struct opf_rb *p, const char *id);
/* The account's readiness as the report's gate gives it ("ready", "blocked", ...). */
const char *opf_rb_readiness(const struct opf_rb *p, const struct opf_rb_account *a);

/* The new organization's portal alias (identity_center.planned_portal_alias), NULL when none is planned. */
const char *opf_rb_planned_alias(const struct opf_rb *p);
/* The old organization runs Identity Center, or may: its portal-alias row is there and not skipped (the check
 * skips only when there is no instance and no recorded alias is the planned one). */
bool opf_rb_uses_identity_center(const struct opf_rb *p);

/* Reads and sorts the report: opf_rb_free() releases it, also after a failure. */
int opf_rb_load(struct opf_rb *p, struct opf_error *err);
void opf_rb_free(struct opf_rb *p);

/* ---- steps.c ---- */

/* Fills p->steps in their order; returns the number of the step claiming the portal alias, 0 when none. */
int opf_rb_steps(struct opf_rb *p);

#endif
