/*
 * The runbook's steps, in their order (opf_rb_steps): what blocks every account, access that outlives the old
 * organization, the new portal alias, delegated administrators, each account's blockers, the members' moves (now,
 * after fixes, after a wait period), the accounts that cannot move, the organization's deletion, the management
 * account, and the clean-up. Each action cites the row that asks for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "runbook/runbook.h"

/* The attestation facts a check reads (its "attestation.FACT" needs): what to record once it is fixed. */
static json_t *s_attest_facts(const struct opf_rb *p, const char *check)
{
    json_t *out = json_array();
    const struct opf_check *c = p->reg ? opf_registry_find(p->reg, check) : NULL;
    for (const char *const *k = c ? c->needs : NULL; k && *k; k++)
        if (strncmp(*k, "attestation.", 12) == 0)
            json_array_append_new(out, json_string(*k + 12));
    return out;
}

/* ---- building steps ---- */

/* "PREFIX [--accounts A,B] --checks X,Y": the audit to run again once a step is done. */
static json_t *s_rerun(const struct opf_rb *p, const json_t *accounts, const json_t *checks)
{
    struct opf_buf b = {0};
    opf_buf_puts(&b, p->command);
    size_t i;
    const json_t *v;
    if (json_array_size(accounts)) {
        opf_buf_puts(&b, " --accounts ");
        json_array_foreach(accounts, i, v) opf_buf_printf(&b, "%s%s", i ? "," : "", json_string_value(v));
    }
    if (json_array_size(checks)) {
        opf_buf_puts(&b, " --checks ");
        json_array_foreach(checks, i, v) opf_buf_printf(&b, "%s%s", i ? "," : "", json_string_value(v));
    }
    char *s = opf_buf_steal(&b);
    json_t *out = json_string(s ? s : p->command);
    free(s);
    return out;
}

static json_t *s_step_new(struct opf_rb *p, const char *id, const char *title, const char *reason)
{
    json_t *step = json_pack("{s:I, s:s, s:s, s:s, s:[], s:[], s:n, s:[], s:[]}", "number",
                             (json_int_t)json_array_size(p->steps) + 1, "id", id, "title", title, "reason", reason,
                             "accounts", "depends_on", "not_before", "actions", "rerun");
    return step;
}

/* Appends the step when it has actions; returns its number, or 0 when it was dropped. */
static int s_step_add(struct opf_rb *p, json_t *step)
{
    if (json_array_size(json_object_get(step, "actions")) == 0) {
        json_decref(step);
        return 0;
    }
    json_array_append_new(p->steps, step);
    return (int)json_array_size(p->steps);
}

static void s_step_account(json_t *step, const char *id)
{
    if (id && *id)
        opf_rb_add_unique(json_object_get(step, "accounts"), id);
}

/* Adds a step number to depends_on, kept sorted and unique. */
static void s_step_depends(json_t *step, int number)
{
    json_t *deps = json_object_get(step, "depends_on");
    size_t i;
    const json_t *v;
    if (number <= 0)
        return;
    json_array_foreach(deps, i, v) {
        if (json_integer_value(v) == number)
            return;
        if (json_integer_value(v) > number)
            break;
    }
    json_array_insert_new(deps, i, json_integer(number));
}

/* One action: what to do, for which account, and the finding that asks for it (NULL for a move itself). */
static json_t *s_action(struct opf_rb *p, json_t *step, const char *account, const json_t *row, const char *text,
                        bool blocking)
{
    json_t *finding = json_null(), *attest = json_array();
    if (row) {
        json_decref(finding);
        finding = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "check", opf_rb_str(row, "check"), "subject_type",
                            opf_rb_str(row, "subject_type"), "subject_id", opf_rb_str(row, "subject_id"), "status",
                            opf_rb_str(row, "status"), "severity", opf_rb_str(row, "severity"), "message",
                            opf_rb_str(row, "message"));
        if (blocking) {
            json_decref(attest);
            attest = s_attest_facts(p, opf_rb_str(row, "check"));
        }
    }
    json_t *a = json_pack("{s:s?, s:s, s:b, s:o, s:o}", "account", account, "text", text, "blocking", blocking,
                          "finding", finding, "attest", attest);
    json_array_append_new(json_object_get(step, "actions"), a);
    s_step_account(step, account);
    return a;
}

/* The row's remediation as an action (its text, else its message when a plugin gave none). */
static void s_fix(struct opf_rb *p, json_t *step, const char *account, const json_t *row, bool blocking)
{
    const char *text = opf_rb_str(row, "remediation");
    s_action(p, step, account, row, *text ? text : opf_rb_str(row, "message"), blocking);
}

/* One re-run command per account (its checks), or one for rows about no account. */
static void s_step_reruns(struct opf_rb *p, json_t *step)
{
    json_t *by_account = json_object(), *org_checks = json_array();
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(step, "actions"), i, a) {
        const char *check = opf_rb_str(json_object_get(a, "finding"), "check");
        const char *account = json_string_value(json_object_get(a, "account"));
        if (!*check)
            continue;
        if (!account) {
            opf_rb_add_unique(org_checks, check);
            continue;
        }
        json_t *list = json_object_get(by_account, account);
        if (!list)
            json_object_set_new(by_account, account, list = json_array());
        opf_rb_add_unique(list, check);
    }
    json_t *rerun = json_object_get(step, "rerun");
    if (json_array_size(org_checks))
        json_array_append_new(rerun, s_rerun(p, NULL, org_checks));
    json_array_foreach(json_object_get(step, "accounts"), i, a) {
        json_t *checks = json_object_get(by_account, json_string_value(a));
        if (checks) {
            json_t *one = json_pack("[O]", a);
            json_array_append_new(rerun, s_rerun(p, one, checks));
            json_decref(one);
        }
    }
    json_decref(by_account);
    json_decref(org_checks);
}

/* Before an account moves: the whole audit of the step's accounts, once more. */
static void s_step_rerun_accounts(struct opf_rb *p, json_t *step)
{
    json_array_append_new(json_object_get(step, "rerun"), s_rerun(p, json_object_get(step, "accounts"), NULL));
}

static int s_step_organization(struct opf_rb *p)
{
    json_t *step = s_step_new(p, "organization-prerequisites", "Clear what blocks every account",
                              "Findings about the organization, the target organization or the audit itself hold "
                              "back every account until they are resolved.");
    if (!p->complete)
        s_action(p, step, NULL, NULL,
                 "The evidence bundle is incomplete: collect it again (orgpreflight collect) and plan from a complete "
                 "one; accounts missing from it are not planned.", true);
    size_t i;
    const json_t *row;
    json_array_foreach(p->global_blockers, i, row) {
        if (opf_rb_placement(row) != OPF_RUNBOOK_OPERATOR_ACCESS)
            s_fix(p, step, NULL, row, true);
    }
    json_array_foreach(p->global_advice, i, row) s_fix(p, step, NULL, row, false);
    s_step_reruns(p, step);
    return s_step_add(p, step);
}

/* Access that survives the organization: the operator's session and each account's break-glass user. */
static int s_step_access(struct opf_rb *p)
{
    json_t *step = s_step_new(p, "secure-access", "Secure access that outlives the old organization",
                              "Identity Center sessions of the old organization end when an account leaves or the "
                              "organization is deleted; an IAM break-glass administrator with MFA is the way back "
                              "in. Keep each one until the last step.");
    size_t i;
    const json_t *row;
    json_array_foreach(p->operator_rows, i, row) s_fix(p, step, NULL, row, opf_rb_blocks(p, row));
    for (size_t k = 0; k < p->n; k++) {
        struct opf_rb_account *a = &p->accts[k];
        if (!a->break_glass || a->immovable)
            continue;
        const char *user = json_string_value(opf_rb_fact(a->break_glass, "user"));
        if (a->break_glass_blocks || opf_rb_noteworthy(a->break_glass)) {
            s_fix(p, step, a->id, a->break_glass, a->break_glass_blocks);
        } else if (user) {
            char text[256];
            snprintf(text, sizeof(text), "Keep the IAM user %s (administrator, console password, MFA) until the "
                                         "last step; check its credentials in the vault now.", user);
            s_action(p, step, a->id, NULL, text, false);
        }
    }
    s_step_reruns(p, step);
    return s_step_add(p, step);
}

static int s_step_alias(struct opf_rb *p)
{
    json_t *step = s_step_new(p, "claim-portal-alias", "Claim the access-portal alias in the new organization",
                              "An Identity Center portal alias stays with the organization that claimed it, even "
                              "after that organization is deleted: claim the new one and publish its start URL "
                              "while the old portal still works.");
    if (!opf_rb_uses_identity_center(p)) {
        json_decref(step);
        return 0;
    }
    const char *planned = opf_rb_planned_alias(p);
    if (p->alias_row && (opf_rb_blocks(p, p->alias_row) || opf_rb_noteworthy(p->alias_row)))
        s_fix(p, step, NULL, p->alias_row, opf_rb_blocks(p, p->alias_row));
    char text[512];
    if (planned && p->alias_row && strcmp(opf_rb_str(p->alias_row, "status"), "fail") == 0)
        snprintf(text, sizeof(text), "Choose an alias other than \"%s\", which the old organization keeps, set it "
                                     "in the new organization's Identity Center (identity_center.planned_portal_alias) "
                                     "and announce the new start URL before the old organization is deleted.",
                 planned);
    else if (planned)
        snprintf(text, sizeof(text), "In the new organization's Identity Center, set the access-portal alias "
                                     "\"%s\" (https://%s.awsapps.com/start), check that users can sign in there, "
                                     "and announce the new start URL before the old organization is deleted.",
                 planned, planned);
    else
        snprintf(text, sizeof(text), "Choose the new organization's access-portal alias "
                                     "(identity_center.planned_portal_alias), set it in the new organization's "
                                     "Identity Center and announce the new start URL before the old organization "
                                     "is deleted.");
    s_action(p, step, p->mgmt_id, NULL, text, false);
    json_t *checks = json_pack("[s]", opf_rb_str(p->alias_row, "check"));
    json_array_append_new(json_object_get(step, "rerun"), s_rerun(p, NULL, checks));
    json_decref(checks);
    return s_step_add(p, step);
}

static int s_step_delegated(struct opf_rb *p)
{
    json_t *step = s_step_new(p, "deregister-delegated-administrators",
                              "Deregister delegated administrators",
                              "AWS refuses to remove an account that is a delegated administrator "
                              "(CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG); hand each service to another "
                              "account first.");
    for (size_t k = 0; k < p->n; k++) {
        struct opf_rb_account *a = &p->accts[k];
        if (!a->delegated)
            continue;
        json_t *services = json_array();
        struct opf_buf b = {0};
        size_t i;
        const json_t *v;
        json_array_foreach(opf_rb_fact(a->delegated, "services"), i, v) {
            if (!json_is_string(v))
                continue;
            opf_buf_printf(&b, "%saws organizations deregister-delegated-administrator --account-id %s "
                               "--service-principal %s", json_array_size(services) ? "; " : "", a->id,
                           json_string_value(v));
            json_array_append(services, (json_t *)v);
        }
        char *cmds = opf_buf_steal(&b);
        json_t *action = s_action(p, step, a->id, a->delegated, opf_rb_str(a->delegated, "remediation"), true);
        json_object_set_new(action, "services", services);
        if (cmds && *cmds)
            json_object_set_new(action, "commands", json_string(cmds));
        free(cmds);
    }
    s_step_reruns(p, step);
    return s_step_add(p, step);
}

static int s_step_fixes(struct opf_rb *p)
{
    json_t *step = s_step_new(p, "fix-blockers", "Fix what blocks each account",
                              "Each finding listed fails (or is unknown) at or above the gate; fix it, record the "
                              "attestation it names, and run the audit again for that account.");
    for (size_t k = 0; k < p->n; k++) {
        struct opf_rb_account *a = &p->accts[k];
        size_t i;
        const json_t *row;
        json_array_foreach(a->blockers, i, row) s_fix(p, step, a->id, row, true);
    }
    s_step_reruns(p, step);
    return s_step_add(p, step);
}

static const char *s_move_text(const struct opf_rb *p)
{
    return p->direct ? "Accept the new organization's invitation (direct transfer: the account does not leave first)."
                     : "Leave the old organization (LeaveOrganization in the account, or RemoveAccountFromOrganization "
                       "from the management account), then accept the new organization's invitation.";
}

/* What an account waits for, as step numbers; see s_plan_steps for the order. */
struct s_prereq_steps {
    int organization, access, delegated, fixes;
};

static void s_move_actions(struct opf_rb *p, json_t *step, struct opf_rb_account *a, int number)
{
    size_t i;
    const json_t *row;
    json_array_foreach(a->before, i, row) s_fix(p, step, a->id, row, false);
    char text[768];
    if (a->wait && a->wait_known) {
        char when[32];
        opf_time_format(a->wait_end, when, sizeof(when));
        snprintf(text, sizeof(text), "Not before %s (the end of its wait period): %s", when, s_move_text(p));
        json_object_set_new(s_action(p, step, a->id, a->wait, text, false), "not_before", json_string(when));
    } else if (a->wait) {
        snprintf(text, sizeof(text), "Once the wait period the finding gives has ended: %s", s_move_text(p));
        s_action(p, step, a->id, a->wait, text, false);
    } else {
        s_action(p, step, a->id, NULL, s_move_text(p), false);
    }
    a->move_step = number;
}

static bool s_member_blocked(const struct opf_rb *p, const struct opf_rb_account *a)
{
    return json_array_size(a->blockers) || a->delegated || a->break_glass_blocks ||
           json_array_size(p->global_blockers) || !p->complete;
}

static void s_depend_on_prereqs(json_t *step, const struct opf_rb *p, const struct opf_rb_account *a,
                                const struct s_prereq_steps *pre)
{
    if (json_array_size(p->global_blockers) || !p->complete)
        s_step_depends(step, pre->organization);
    if (a->break_glass_blocks || p->operator_blocks)
        s_step_depends(step, pre->access);
    if (a->delegated)
        s_step_depends(step, pre->delegated);
    if (json_array_size(a->blockers))
        s_step_depends(step, pre->fixes);
}

/* Members: those nothing blocks, those waiting on fixes, those waiting on a date; the latest date sets the step's
 * not_before. */
static void s_steps_members(struct opf_rb *p, const struct s_prereq_steps *pre)
{
    json_t *now = s_step_new(p, "move-now", "Move the members nothing blocks",
                             "No finding blocks these accounts at the gate; they can move in any order, before the "
                             "management account.");
    int n_now = (int)json_array_size(p->steps) + 1;
    for (size_t k = 0; k < p->n; k++) {
        struct opf_rb_account *a = &p->accts[k];
        if (!a->is_management && !a->immovable && !a->wait && !s_member_blocked(p, a))
            s_move_actions(p, now, a, n_now);
    }
    s_step_rerun_accounts(p, now);
    s_step_add(p, now);

    json_t *fixed = s_step_new(p, "move-after-fixes", "Move the members once their blockers are fixed",
                               "These accounts move once the steps they depend on are done and an audit of them "
                               "shows no blocking finding.");
    int n_fixed = (int)json_array_size(p->steps) + 1;
    for (size_t k = 0; k < p->n; k++) {
        struct opf_rb_account *a = &p->accts[k];
        if (!a->is_management && !a->immovable && !a->wait && s_member_blocked(p, a)) {
            s_move_actions(p, fixed, a, n_fixed);
            s_depend_on_prereqs(fixed, p, a, pre);
        }
    }
    s_step_rerun_accounts(p, fixed);
    s_step_add(p, fixed);

    json_t *wait = s_step_new(p, "move-after-wait-period", "Move the members whose wait period has ended",
                              "AWS refuses to remove an account the organization created until it is old enough "
                              "(WAIT_PERIOD_ACTIVE); each action gives the date.");
    int n_wait = (int)json_array_size(p->steps) + 1;
    time_t latest = 0;
    bool all_known = true;
    for (size_t k = 0; k < p->n; k++) {
        struct opf_rb_account *a = &p->accts[k];
        if (a->is_management || a->immovable || !a->wait)
            continue;
        s_move_actions(p, wait, a, n_wait);
        s_depend_on_prereqs(wait, p, a, pre);
        all_known &= a->wait_known;
        if (a->wait_known && a->wait_end > latest)
            latest = a->wait_end;
    }
    if (latest && all_known) {
        char when[32];
        opf_time_format(latest, when, sizeof(when));
        json_object_set_new(wait, "not_before", json_string(when));
    }
    s_step_rerun_accounts(p, wait);
    s_step_add(p, wait);
}

/* The checks the report has rows of with these placements, in this order. New reference. */
static json_t *s_checks_placed(const struct opf_rb *p, const enum opf_runbook_placement *at, size_t n)
{
    json_t *list = json_array();
    for (size_t k = 0; k < n; k++) {
        size_t i;
        const json_t *row;
        json_array_foreach(json_object_get(p->report, "results"), i, row) {
            if (opf_rb_placement(row) == at[k])
                opf_rb_add_unique(list, opf_rb_str(row, "check"));
        }
    }
    return list;
}

/* The audit of the checks whose rows have these placements (in this order), for the account. */
static void s_rerun_placed(struct opf_rb *p, json_t *step, const enum opf_runbook_placement *at, size_t n,
                           const char *account)
{
    json_t *list = s_checks_placed(p, at, n), *accounts = json_pack("[s]", account);
    json_array_append_new(json_object_get(step, "rerun"), s_rerun(p, accounts, list));
    json_decref(list);
    json_decref(accounts);
}

static int s_step_unmovable(struct opf_rb *p)
{
    json_t *step = s_step_new(p, "resolve-unmovable-accounts", "Resolve the accounts that cannot move",
                              "A suspended or closing account cannot be migrated, and the old organization cannot be "
                              "deleted while it is a member (up to 90 days after closure).");
    for (size_t k = 0; k < p->n; k++) {
        struct opf_rb_account *a = &p->accts[k];
        if (!a->immovable)
            continue;
        if (a->state_row)
            s_fix(p, step, a->id, a->state_row, true);
        else
            s_action(p, step, a->id, NULL, "The account is suspended or closing: reopen it through AWS Support, or "
                                            "wait until its closure completes.", true);
    }
    s_step_reruns(p, step);
    return s_step_add(p, step);
}

/* A plan of part of the organization: the accounts outside it must go before the organization is deleted. */
static void s_scope_action(struct opf_rb *p, json_t *step)
{
    const json_t *scope = json_object_get(json_object_get(p->report, "summary"), "scope");
    const json_t *of = json_object_get(scope, "of");
    long long n = (long long)json_integer_value(json_object_get(scope, "accounts"));
    char text[320];
    if (!scope || (json_is_integer(of) && json_integer_value(of) <= n))
        return;
    if (json_is_integer(of))
        snprintf(text, sizeof(text), "This plan covers %lld of the organization's %lld accounts: audit and move the "
                                     "other %lld before the organization is deleted.",
                 n, (long long)json_integer_value(of), (long long)json_integer_value(of) - n);
    else
        snprintf(text, sizeof(text), "This plan covers %lld accounts and the evidence does not record the "
                                     "organization's inventory: list every account (organizations:ListAccounts) and "
                                     "move the others before the organization is deleted.", n);
    s_action(p, step, p->mgmt_id, NULL, text, true);
}

static int s_step_delete(struct opf_rb *p)
{
    json_t *step = s_step_new(p, "delete-organization", "Delete the old organization",
                              "The management account cannot leave: it moves only once every member is gone and "
                              "the organization is deleted.");
    size_t i;
    const json_t *row;
    json_array_foreach(p->deletion_blockers, i, row) {
        if (opf_rb_placement(row) == OPF_RUNBOOK_ORG_DELETION)
            s_fix(p, step, p->mgmt_id, row, true);
    }
    s_scope_action(p, step);
    static const enum opf_runbook_placement last[] = {OPF_RUNBOOK_ORG_DELETION};
    json_t *checks = s_checks_placed(p, last, 1);
    struct opf_buf b = {0};
    opf_buf_puts(&b, "Confirm that no member remains in the old organization");
    json_array_foreach(checks, i, row) opf_buf_printf(&b, "%s%s", i ? ", " : " (the audit below shows ",
                                                      json_string_value(row));
    opf_buf_puts(&b, json_array_size(checks) ? " passing) and that the new access portal works."
                                             : " and that the new access portal works.");
    char *text = opf_buf_steal(&b);
    s_action(p, step, p->mgmt_id, NULL, text ? text : "Confirm that no member remains in the old organization.",
             false);
    free(text);
    json_decref(checks);
    s_action(p, step, p->mgmt_id, NULL,
             "Sign in to the management account as its break-glass IAM user, not through Identity Center: that "
             "session ends with the organization.", false);
    s_action(p, step, p->mgmt_id, NULL, "Delete the organization (organizations:DeleteOrganization).", false);
    for (int k = 1; k <= (int)json_array_size(p->steps); k++)
        s_step_depends(step, k); /* everything else comes first */
    /* what the deletion itself relies on: no member left, the alias claimed, access that survives it */
    static const enum opf_runbook_placement deletion[] = {OPF_RUNBOOK_ORG_DELETION, OPF_RUNBOOK_PORTAL_ALIAS,
                                                          OPF_RUNBOOK_OPERATOR_ACCESS, OPF_RUNBOOK_BREAK_GLASS};
    s_rerun_placed(p, step, deletion, sizeof(deletion) / sizeof(deletion[0]), p->mgmt_id);
    return s_step_add(p, step);
}

static int s_step_management(struct opf_rb *p, int deletion)
{
    json_t *step = s_step_new(p, "move-management-account", "Move the management account",
                              "Once the organization is deleted the management account is standalone and can "
                              "accept the new organization's invitation.");
    struct opf_rb_account *m = opf_rb_account(p, p->mgmt_id);
    size_t i;
    const json_t *row;
    if (m)
        json_array_foreach(m->before, i, row) s_fix(p, step, m->id, row, false);
    const char *user = m ? json_string_value(opf_rb_fact(m->break_glass, "user")) : NULL;
    char text[512];
    snprintf(text, sizeof(text), "Signed in as the break-glass IAM user%s%s, accept the new organization's "
                                 "invitation.", user ? " " : "", user ? user : "");
    s_action(p, step, p->mgmt_id, NULL, text, false);
    s_step_depends(step, deletion);
    if (m)
        m->move_step = (int)json_array_size(p->steps) + 1;
    return s_step_add(p, step);
}

static int s_step_after(struct opf_rb *p)
{
    json_t *step = s_step_new(p, "after-the-move", "Verify, then clean up",
                              "Some hazards are fixed only once the account has left; break-glass access is "
                              "retired last, after access through the new organization is proven.");
    size_t i;
    const json_t *row;
    for (size_t k = 0; k < p->n; k++) {
        struct opf_rb_account *a = &p->accts[k];
        if (a->immovable)
            continue;
        json_array_foreach(a->after, i, row) s_fix(p, step, a->id, row, false);
    }
    for (size_t k = 0; k < p->n; k++) {
        struct opf_rb_account *a = &p->accts[k];
        if (!a->immovable)
            s_action(p, step, a->id, NULL, "Check that the account is a member of the new organization and that its "
                                           "users reach it through the new access portal.", false);
    }
    s_action(p, step, NULL, NULL,
             "Only then retire the break-glass IAM users you do not keep as standing emergency access.", false);
    for (int k = 1; k < (int)json_array_size(p->steps) + 1; k++)
        s_step_depends(step, k);
    s_step_reruns(p, step);
    return s_step_add(p, step);
}

int opf_rb_steps(struct opf_rb *p)
{
    struct s_prereq_steps pre;
    pre.organization = s_step_organization(p);
    pre.access = s_step_access(p);
    int alias = s_step_alias(p); /* before the deletion, like every step so far */
    pre.delegated = s_step_delegated(p);
    pre.fixes = s_step_fixes(p);
    s_steps_members(p, &pre);
    s_step_unmovable(p);
    s_step_management(p, s_step_delete(p));
    s_step_after(p);
    return alias;
}
