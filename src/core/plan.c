/*
 * The migration runbook (docs/runbook.md): from an audit's report document and the bundle it judged, which
 * accounts can move now, what each blocked one needs first, and in which order everything happens: members
 * first, delegated administrators deregistered before they move, the new access-portal alias claimed before
 * the organization is deleted, the management account last. The runbook never re-evaluates a check: a row
 * blocks when the report's gate says so (fail or unknown at or above migration.fail_on).
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/core.h"

#define S_DEFAULT_WAIT_DAYS 4

/* Checks whose findings have a place of their own in the order; every other check is handled generically. */
enum s_role {
    S_GENERIC = 0,
    S_ACCOUNT_STATE,  /* immovable accounts: resolved before the organization can be deleted */
    S_WAIT,           /* wait-period: a date, not a fix */
    S_DELEGATED,      /* deregistered before the account moves */
    S_BREAK_GLASS,    /* access that must outlive the organization: set up first, kept until the end */
    S_OPERATOR,       /* the operator's own session: set up first */
    S_MGMT_LAST,      /* blocks the organization's deletion, not the members */
    S_ALIAS           /* the portal alias: claimed before the organization's deletion */
};

static const struct {
    const char *check;
    enum s_role role;
} s_roles[] = {
    {"account-state", S_ACCOUNT_STATE},         {"wait-period", S_WAIT},
    {"delegated-administrator", S_DELEGATED},   {"break-glass-user", S_BREAK_GLASS},
    {"operator-session-not-sso", S_OPERATOR},   {"management-account-last", S_MGMT_LAST},
    {"sso-alias-conflict", S_ALIAS},
};

/* Where a finding that does not block belongs. A blocking finding is always fixed before the move: the gate
 * decides, not the placement. */
enum s_placement { S_BEFORE = 0, S_AFTER };

static const struct {
    const char *check;
    enum s_placement at;
} s_placements[] = {
    /* unmanage from Control Tower and retain StackSet instances while the organization still governs the account */
    {"control-tower-enrolled", S_BEFORE},
    {"stacksets-retain", S_BEFORE},
    /* the old management account's role is how members are driven out; drop that trust once the account is gone */
    {"org-access-role-trust", S_AFTER},
};

struct s_account {
    const json_t *row;        /* the report's inventory row */
    const char *id, *name;
    bool is_management, immovable;
    json_t *blockers;         /* report rows that block its move (generic and wait-period unknowns) */
    json_t *before, *after;   /* report rows that do not block: what to do before and after the move */
    const json_t *state_row;  /* account-state row of an immovable account */
    const json_t *delegated;  /* blocking delegated-administrator row */
    const json_t *wait;       /* failing wait-period row */
    const json_t *break_glass;/* the break-glass-user row (any status) */
    bool break_glass_blocks;
    bool wait_known;
    time_t wait_end;
    int move_step;
};

struct s_plan {
    const struct opf_registry *reg;
    const json_t *report, *bundle, *config;
    const char *command;
    enum opf_severity gate;
    bool direct, complete;
    const char *mgmt_id;
    struct s_account *accts;
    size_t n;
    json_t *global_blockers;  /* non-account rows that block every account */
    json_t *global_advice;    /* non-account rows that do not block */
    json_t *operator_rows;    /* operator-session rows that are not pass or skipped */
    bool operator_blocks;     /* one of them blocks: every account waits for secure-access */
    json_t *deletion_blockers;/* management-account-last and sso-alias-conflict rows that block the deletion */
    const json_t *alias_row;
    json_t *steps;
    json_t *readiness;        /* opf_readiness() of the report: the one definition of who can move */
};

static const char *s_str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static enum s_role s_role_of(const char *check)
{
    for (size_t i = 0; i < sizeof(s_roles) / sizeof(s_roles[0]); i++)
        if (strcmp(s_roles[i].check, check) == 0)
            return s_roles[i].role;
    return S_GENERIC;
}

static enum s_placement s_placement_of(const char *check)
{
    for (size_t i = 0; i < sizeof(s_placements) / sizeof(s_placements[0]); i++)
        if (strcmp(s_placements[i].check, check) == 0)
            return s_placements[i].at;
    return S_BEFORE;
}

/* The gate's rule, as the verdict reads it (an unreadable row blocks too). */
static bool s_blocks(const json_t *row, enum opf_severity gate)
{
    return opf_row_gate(row, gate) != OPF_GATE_NONE;
}

/* Worth an action although it does not block: a warning, or a fail or unknown below the gate. */
static bool s_noteworthy(const json_t *row)
{
    const char *st = s_str(row, "status");
    return strcmp(st, "warn") == 0 || strcmp(st, "fail") == 0 || strcmp(st, "unknown") == 0;
}

/* The account's entry in p->readiness. */
static const json_t *s_ready(const struct s_plan *p, const struct s_account *a)
{
    return json_object_get(json_object_get(p->readiness, "accounts"), a->id);
}

static struct s_account *s_account(struct s_plan *p, const char *id)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->accts[i].id, id) == 0)
            return &p->accts[i];
    return NULL;
}

/* ---- reading the report and the bundle ---- */

static void s_classify_account_row(struct s_plan *p, struct s_account *a, const json_t *row)
{
    enum s_role role = s_role_of(s_str(row, "check"));
    bool blocks = s_blocks(row, p->gate);
    if (role == S_BREAK_GLASS) {
        a->break_glass = row;
        a->break_glass_blocks = blocks;
        return;
    }
    if (role == S_ACCOUNT_STATE && a->immovable) {
        a->state_row = row;
        return;
    }
    if (blocks && role == S_DELEGATED) {
        a->delegated = row;
        return;
    }
    if (blocks && role == S_WAIT && strcmp(s_str(row, "status"), "fail") == 0) {
        a->wait = row;
        return;
    }
    if (blocks)
        json_array_append(a->blockers, (json_t *)row);
    else if (s_noteworthy(row))
        json_array_append(s_placement_of(s_str(row, "check")) == S_AFTER ? a->after : a->before, (json_t *)row);
}

static void s_classify_other_row(struct s_plan *p, const json_t *row)
{
    enum s_role role = s_role_of(s_str(row, "check"));
    bool blocks = s_blocks(row, p->gate);
    switch (role) {
    case S_MGMT_LAST:
        if (blocks)
            json_array_append(p->deletion_blockers, (json_t *)row);
        return;
    case S_ALIAS:
        p->alias_row = row;
        if (blocks)
            json_array_append(p->deletion_blockers, (json_t *)row);
        return;
    case S_OPERATOR:
        if (blocks || s_noteworthy(row))
            json_array_append(p->operator_rows, (json_t *)row);
        if (blocks)
            json_array_append(p->global_blockers, (json_t *)row);
        p->operator_blocks |= blocks;
        return;
    default:
        if (blocks)
            json_array_append(p->global_blockers, (json_t *)row);
        else if (s_noteworthy(row))
            json_array_append(p->global_advice, (json_t *)row);
        return;
    }
}

/* The account's record in the bundle as a subject, to read its evidence items. */
static bool s_bundle_subject(const struct s_plan *p, const char *id, struct opf_subject *out)
{
    memset(out, 0, sizeof(*out));
    size_t i;
    const json_t *acct;
    json_array_foreach(json_object_get(p->bundle, "accounts"), i, acct) {
        if (strcmp(s_str(acct, "id"), id) == 0) {
            out->kind = OPF_SUBJECT_ACCOUNT;
            out->id = id;
            out->record = acct;
            out->evidence = json_object_get(acct, "evidence");
            return true;
        }
    }
    return false;
}

static long s_wait_days(const struct s_plan *p)
{
    const json_t *v = json_object_get(json_object_get(p->config, "migration"), "wait_period_days");
    return json_is_integer(v) && json_integer_value(v) >= 0 ? (long)json_integer_value(v) : S_DEFAULT_WAIT_DAYS;
}

/* The services an account administers, from ListDelegatedServicesForAccount; an empty array when unknown. */
static json_t *s_delegated_services(const struct s_plan *p, const char *id)
{
    json_t *out = json_array();
    struct opf_subject s;
    struct opf_item item;
    if (!s_bundle_subject(p, id, &s) || opf_evidence_get(&s, "organizations.delegated_services", &item) != OPF_ITEM_OK)
        return out;
    size_t i;
    const json_t *svc;
    json_array_foreach(json_object_get(item.data, "DelegatedServices"), i, svc) {
        const char *principal = s_str(svc, "ServicePrincipal");
        if (*principal)
            json_array_append_new(out, json_string(principal));
    }
    return out;
}

/* The break-glass user a passing break-glass-user row found: an administrator with MFA among its citations. */
static const char *s_break_glass_name(const json_t *row)
{
    size_t i, k;
    const json_t *cite, *user;
    json_array_foreach(json_object_get(row, "evidence"), i, cite) {
        json_array_foreach(json_object_get(cite, "values"), k, user) {
            if (json_is_true(json_object_get(user, "administrator")) && json_is_true(json_object_get(user, "mfa_active")))
                return s_str(user, "user");
        }
    }
    return NULL;
}

/* The attestation facts a check reads (its "attestation.FACT" needs): what to record once it is fixed. */
static json_t *s_attest_facts(const struct s_plan *p, const char *check)
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
static json_t *s_rerun(const struct s_plan *p, const json_t *accounts, const json_t *checks)
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

static void s_add_unique(json_t *list, const char *s)
{
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v) if (strcmp(json_string_value(v), s) == 0) return;
    json_array_append_new(list, json_string(s));
}

static json_t *s_step_new(struct s_plan *p, const char *id, const char *title, const char *reason)
{
    json_t *step = json_pack("{s:I, s:s, s:s, s:s, s:[], s:[], s:n, s:[], s:[]}", "number",
                             (json_int_t)json_array_size(p->steps) + 1, "id", id, "title", title, "reason", reason,
                             "accounts", "depends_on", "not_before", "actions", "rerun");
    return step;
}

/* Appends the step when it has actions; returns its number, or 0 when it was dropped. */
static int s_step_add(struct s_plan *p, json_t *step)
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
        s_add_unique(json_object_get(step, "accounts"), id);
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
static json_t *s_action(struct s_plan *p, json_t *step, const char *account, const json_t *row, const char *text,
                        bool blocking)
{
    json_t *finding = json_null(), *attest = json_array();
    if (row) {
        json_decref(finding);
        finding = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "check", s_str(row, "check"), "subject_type",
                            s_str(row, "subject_type"), "subject_id", s_str(row, "subject_id"), "status",
                            s_str(row, "status"), "severity", s_str(row, "severity"), "message",
                            s_str(row, "message"));
        if (blocking) {
            json_decref(attest);
            attest = s_attest_facts(p, s_str(row, "check"));
        }
    }
    json_t *a = json_pack("{s:s?, s:s, s:b, s:o, s:o}", "account", account, "text", text, "blocking", blocking,
                          "finding", finding, "attest", attest);
    json_array_append_new(json_object_get(step, "actions"), a);
    s_step_account(step, account);
    return a;
}

/* The row's remediation as an action (its text, else its message when a plugin gave none). */
static void s_fix(struct s_plan *p, json_t *step, const char *account, const json_t *row, bool blocking)
{
    const char *text = s_str(row, "remediation");
    s_action(p, step, account, row, *text ? text : s_str(row, "message"), blocking);
}

/* One re-run command per account (its checks), or one for rows about no account. */
static void s_step_reruns(struct s_plan *p, json_t *step)
{
    json_t *by_account = json_object(), *org_checks = json_array();
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(step, "actions"), i, a) {
        const char *check = s_str(json_object_get(a, "finding"), "check");
        const char *account = json_string_value(json_object_get(a, "account"));
        if (!*check)
            continue;
        if (!account) {
            s_add_unique(org_checks, check);
            continue;
        }
        json_t *list = json_object_get(by_account, account);
        if (!list)
            json_object_set_new(by_account, account, list = json_array());
        s_add_unique(list, check);
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
static void s_step_rerun_accounts(struct s_plan *p, json_t *step)
{
    json_array_append_new(json_object_get(step, "rerun"), s_rerun(p, json_object_get(step, "accounts"), NULL));
}

static int s_step_organization(struct s_plan *p)
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
        if (s_role_of(s_str(row, "check")) != S_OPERATOR)
            s_fix(p, step, NULL, row, true);
    }
    json_array_foreach(p->global_advice, i, row) s_fix(p, step, NULL, row, false);
    s_step_reruns(p, step);
    return s_step_add(p, step);
}

/* Access that survives the organization: the operator's session and each account's break-glass user. */
static int s_step_access(struct s_plan *p)
{
    json_t *step = s_step_new(p, "secure-access", "Secure access that outlives the old organization",
                              "Identity Center sessions of the old organization end when an account leaves or the "
                              "organization is deleted; an IAM break-glass administrator with MFA is the way back "
                              "in. Keep each one until the last step.");
    size_t i;
    const json_t *row;
    json_array_foreach(p->operator_rows, i, row) s_fix(p, step, NULL, row, s_blocks(row, p->gate));
    for (size_t k = 0; k < p->n; k++) {
        struct s_account *a = &p->accts[k];
        if (!a->break_glass || a->immovable)
            continue;
        const char *user = s_break_glass_name(a->break_glass);
        if (a->break_glass_blocks || s_noteworthy(a->break_glass)) {
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

static const char *s_planned_alias(const struct s_plan *p)
{
    const char *a = json_string_value(json_object_get(json_object_get(p->config, "identity_center"),
                                                      "planned_portal_alias"));
    return a && *a ? a : NULL;
}

/* The old organization's Identity Center instances (sso_admin.instances), or NULL when not collected. */
static const json_t *s_sso_instances(const struct s_plan *p)
{
    const json_t *org = json_object_get(p->bundle, "organization");
    struct opf_subject s = {.kind = OPF_SUBJECT_ORGANIZATION, .evidence = json_object_get(org, "evidence")};
    struct opf_item item;
    if (opf_evidence_get(&s, "sso_admin.instances", &item) != OPF_ITEM_OK)
        return NULL;
    return json_object_get(item.data, "Instances");
}

/* The old organization runs Identity Center, or may: sso-alias-conflict says so (it skips only when there is no
 * instance), or, when that check did not run, the instance list is not empty. */
static bool s_uses_identity_center(const struct s_plan *p)
{
    if (p->alias_row)
        return strcmp(s_str(p->alias_row, "status"), "skipped") != 0;
    return json_array_size(s_sso_instances(p)) > 0;
}

static int s_step_alias(struct s_plan *p)
{
    json_t *step = s_step_new(p, "claim-portal-alias", "Claim the access-portal alias in the new organization",
                              "An Identity Center portal alias stays with the organization that claimed it, even "
                              "after that organization is deleted: claim the new one and publish its start URL "
                              "while the old portal still works.");
    if (!s_uses_identity_center(p)) {
        json_decref(step);
        return 0;
    }
    const char *planned = s_planned_alias(p);
    if (p->alias_row && (s_blocks(p->alias_row, p->gate) || s_noteworthy(p->alias_row)))
        s_fix(p, step, NULL, p->alias_row, s_blocks(p->alias_row, p->gate));
    char text[512];
    if (planned && p->alias_row && strcmp(s_str(p->alias_row, "status"), "fail") == 0)
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
    json_t *checks = json_pack("[s]", "sso-alias-conflict");
    json_array_append_new(json_object_get(step, "rerun"), s_rerun(p, NULL, checks));
    json_decref(checks);
    return s_step_add(p, step);
}

static int s_step_delegated(struct s_plan *p)
{
    json_t *step = s_step_new(p, "deregister-delegated-administrators",
                              "Deregister delegated administrators",
                              "AWS refuses to remove an account that is a delegated administrator "
                              "(CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG); hand each service to another "
                              "account first.");
    for (size_t k = 0; k < p->n; k++) {
        struct s_account *a = &p->accts[k];
        if (!a->delegated)
            continue;
        json_t *services = s_delegated_services(p, a->id);
        struct opf_buf b = {0};
        size_t i;
        const json_t *v;
        json_array_foreach(services, i, v) {
            opf_buf_printf(&b, "%saws organizations deregister-delegated-administrator --account-id %s "
                               "--service-principal %s", i ? "; " : "", a->id, json_string_value(v));
        }
        char *cmds = opf_buf_steal(&b);
        json_t *action = s_action(p, step, a->id, a->delegated, s_str(a->delegated, "remediation"), true);
        json_object_set_new(action, "services", services);
        if (cmds && *cmds)
            json_object_set_new(action, "commands", json_string(cmds));
        free(cmds);
    }
    s_step_reruns(p, step);
    return s_step_add(p, step);
}

static int s_step_fixes(struct s_plan *p)
{
    json_t *step = s_step_new(p, "fix-blockers", "Fix what blocks each account",
                              "Each finding listed fails (or is unknown) at or above the gate; fix it, record the "
                              "attestation it names, and run the audit again for that account.");
    for (size_t k = 0; k < p->n; k++) {
        struct s_account *a = &p->accts[k];
        size_t i;
        const json_t *row;
        json_array_foreach(a->blockers, i, row) s_fix(p, step, a->id, row, true);
    }
    s_step_reruns(p, step);
    return s_step_add(p, step);
}

static const char *s_move_text(const struct s_plan *p)
{
    return p->direct ? "Accept the new organization's invitation (direct transfer: the account does not leave first)."
                     : "Leave the old organization (LeaveOrganization in the account, or RemoveAccountFromOrganization "
                       "from the management account), then accept the new organization's invitation.";
}

/* What an account waits for, as step numbers; see s_plan_steps for the order. */
struct s_prereq_steps {
    int organization, access, delegated, fixes;
};

static void s_move_actions(struct s_plan *p, json_t *step, struct s_account *a, int number)
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

static bool s_member_blocked(const struct s_plan *p, const struct s_account *a)
{
    return json_array_size(a->blockers) || a->delegated || a->break_glass_blocks ||
           json_array_size(p->global_blockers) || !p->complete;
}

static void s_depend_on_prereqs(json_t *step, const struct s_plan *p, const struct s_account *a,
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
static void s_steps_members(struct s_plan *p, const struct s_prereq_steps *pre)
{
    json_t *now = s_step_new(p, "move-now", "Move the members nothing blocks",
                             "No finding blocks these accounts at the gate; they can move in any order, before the "
                             "management account.");
    int n_now = (int)json_array_size(p->steps) + 1;
    for (size_t k = 0; k < p->n; k++) {
        struct s_account *a = &p->accts[k];
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
        struct s_account *a = &p->accts[k];
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
        struct s_account *a = &p->accts[k];
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

static void s_rerun_checks(struct s_plan *p, json_t *step, const char *const *checks, const char *account)
{
    json_t *list = json_array(), *accounts = account ? json_pack("[s]", account) : NULL;
    for (const char *const *c = checks; *c; c++)
        if (!p->reg || opf_registry_find(p->reg, *c))
            json_array_append_new(list, json_string(*c));
    json_array_append_new(json_object_get(step, "rerun"), s_rerun(p, accounts, list));
    json_decref(list);
    json_decref(accounts);
}

static int s_step_unmovable(struct s_plan *p)
{
    json_t *step = s_step_new(p, "resolve-unmovable-accounts", "Resolve the accounts that cannot move",
                              "A suspended or closing account cannot be migrated, and the old organization cannot be "
                              "deleted while it is a member (up to 90 days after closure).");
    for (size_t k = 0; k < p->n; k++) {
        struct s_account *a = &p->accts[k];
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
static void s_scope_action(struct s_plan *p, json_t *step)
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

static int s_step_delete(struct s_plan *p)
{
    json_t *step = s_step_new(p, "delete-organization", "Delete the old organization",
                              "The management account cannot leave: it moves only once every member is gone and "
                              "the organization is deleted.");
    size_t i;
    const json_t *row;
    json_array_foreach(p->deletion_blockers, i, row) {
        if (s_role_of(s_str(row, "check")) == S_MGMT_LAST)
            s_fix(p, step, p->mgmt_id, row, true);
    }
    s_scope_action(p, step);
    s_action(p, step, p->mgmt_id, NULL,
             "Confirm that no member remains in the old organization (the audit below shows management-account-last "
             "passing) and that the new access portal works.", false);
    s_action(p, step, p->mgmt_id, NULL,
             "Sign in to the management account as its break-glass IAM user, not through Identity Center: that "
             "session ends with the organization.", false);
    s_action(p, step, p->mgmt_id, NULL, "Delete the organization (organizations:DeleteOrganization).", false);
    for (int k = 1; k <= (int)json_array_size(p->steps); k++)
        s_step_depends(step, k); /* everything else comes first */
    static const char *const checks[] = {"management-account-last", "sso-alias-conflict", "operator-session-not-sso",
                                         "break-glass-user", NULL};
    s_rerun_checks(p, step, checks, p->mgmt_id);
    return s_step_add(p, step);
}

static int s_step_management(struct s_plan *p, int deletion)
{
    json_t *step = s_step_new(p, "move-management-account", "Move the management account",
                              "Once the organization is deleted the management account is standalone and can "
                              "accept the new organization's invitation.");
    struct s_account *m = s_account(p, p->mgmt_id);
    size_t i;
    const json_t *row;
    if (m)
        json_array_foreach(m->before, i, row) s_fix(p, step, m->id, row, false);
    const char *user = m && m->break_glass ? s_break_glass_name(m->break_glass) : NULL;
    char text[512];
    snprintf(text, sizeof(text), "Signed in as the break-glass IAM user%s%s, accept the new organization's "
                                 "invitation.", user ? " " : "", user ? user : "");
    s_action(p, step, p->mgmt_id, NULL, text, false);
    s_step_depends(step, deletion);
    if (m)
        m->move_step = (int)json_array_size(p->steps) + 1;
    return s_step_add(p, step);
}

static int s_step_after(struct s_plan *p)
{
    json_t *step = s_step_new(p, "after-the-move", "Verify, then clean up",
                              "Some hazards are fixed only once the account has left; break-glass access is "
                              "retired last, after access through the new organization is proven.");
    size_t i;
    const json_t *row;
    for (size_t k = 0; k < p->n; k++) {
        struct s_account *a = &p->accts[k];
        if (a->immovable)
            continue;
        json_array_foreach(a->after, i, row) s_fix(p, step, a->id, row, false);
    }
    for (size_t k = 0; k < p->n; k++) {
        struct s_account *a = &p->accts[k];
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

static void s_plan_steps(struct s_plan *p)
{
    struct s_prereq_steps pre;
    pre.organization = s_step_organization(p);
    pre.access = s_step_access(p);
    s_step_alias(p); /* before the deletion, like every step so far */
    pre.delegated = s_step_delegated(p);
    pre.fixes = s_step_fixes(p);
    s_steps_members(p, &pre);
    s_step_unmovable(p);
    s_step_management(p, s_step_delete(p));
    s_step_after(p);
}

/* ---- the document ---- */

static const char *s_readiness(const struct s_plan *p, const struct s_account *a)
{
    const char *r = s_str(s_ready(p, a), "readiness");
    return *r ? r : "undetermined";
}

static json_t *s_rows_brief(const json_t *rows)
{
    json_t *out = json_array();
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row) {
        json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "check", s_str(row, "check"), "status",
                                             s_str(row, "status"), "severity", s_str(row, "severity"), "message",
                                             s_str(row, "message")));
    }
    return out;
}

/* Every blocking row of the account, in report order, plus the organization-wide ones that hold it back. */
static json_t *s_account_blockers(const struct s_plan *p, const struct s_account *a)
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

static json_t *s_accounts_doc(const struct s_plan *p)
{
    json_t *out = json_array();
    for (size_t k = 0; k < p->n; k++) {
        const struct s_account *a = &p->accts[k];
        char when[32] = "";
        if (a->wait && a->wait_known)
            opf_time_format(a->wait_end, when, sizeof(when));
        json_t *row = json_pack("{s:s, s:s, s:s, s:b, s:s, s:o, s:s?, s:o, s:o}", "id", a->id, "name", a->name,
                                "state", s_str(a->row, "state"), "is_management", a->is_management, "readiness",
                                s_readiness(p, a), "move_step", a->move_step ? json_integer(a->move_step) : json_null(),
                                "wait_until", *when ? when : NULL, "blockers", s_account_blockers(p, a), "advisories",
                                s_rows_brief(a->before));
        json_t *after = s_rows_brief(a->after);
        json_array_extend(json_object_get(row, "advisories"), after);
        json_decref(after);
        json_array_append_new(out, row);
    }
    return out;
}

static json_t *s_wait_doc(const struct s_plan *p)
{
    json_t *out = json_array();
    for (size_t k = 0; k < p->n; k++) {
        const struct s_account *a = &p->accts[k];
        if (!a->wait)
            continue;
        char when[32] = "";
        if (a->wait_known)
            opf_time_format(a->wait_end, when, sizeof(when));
        json_array_append_new(out, json_pack("{s:s, s:s, s:s?, s:I, s:s}", "account", a->id, "name", a->name,
                                             "ends_at", *when ? when : NULL, "days", (json_int_t)s_wait_days(p),
                                             "message", s_str(a->wait, "message")));
    }
    return out;
}

/* The aliases the old organization holds: the configured one(s) and each instance's default d-… alias. */
static json_t *s_alias_doc(const struct s_plan *p, int step)
{
    json_t *held = json_array();
    const json_t *current = json_object_get(json_object_get(p->config, "identity_center"), "current_portal_alias");
    if (json_is_string(current))
        s_add_unique(held, json_string_value(current));
    size_t i;
    const json_t *v;
    json_array_foreach(current, i, v) if (json_is_string(v)) s_add_unique(held, json_string_value(v));
    json_array_foreach(s_sso_instances(p), i, v) {
        const char *store = s_str(v, "IdentityStoreId");
        if (*store)
            s_add_unique(held, store);
    }
    return json_pack("{s:b, s:s?, s:o, s:s?, s:o}", "identity_center", s_uses_identity_center(p), "planned",
                     s_planned_alias(p), "held_by_old_organization", held, "status",
                     p->alias_row ? s_str(p->alias_row, "status") : NULL, "step",
                     step ? json_integer(step) : json_null());
}

static json_t *s_break_glass_doc(const struct s_plan *p)
{
    json_t *out = json_array();
    for (size_t k = 0; k < p->n; k++) {
        const struct s_account *a = &p->accts[k];
        if (!a->break_glass || a->immovable)
            continue;
        json_array_append_new(out, json_pack("{s:s, s:s, s:s?, s:s, s:b, s:s}", "account", a->id, "name", a->name,
                                             "user", s_break_glass_name(a->break_glass), "status",
                                             s_str(a->break_glass, "status"), "blocking", a->break_glass_blocks,
                                             "message", s_str(a->break_glass, "message")));
    }
    return out;
}

static json_t *s_summary(const struct s_plan *p)
{
    json_int_t now = 0;
    for (size_t k = 0; k < p->n; k++)
        now += !p->accts[k].is_management && strcmp(s_readiness(p, &p->accts[k]), "ready") == 0;
    const json_t *c = json_object_get(p->readiness, "counts");
    json_int_t ready = json_integer_value(json_object_get(c, "ready"));
    bool all = ready == (json_int_t)p->n && p->complete;
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "verdict", all ? "ready" : "blocked", "accounts",
                     (json_int_t)p->n, "ready", ready, "move_now", now, "blocked",
                     json_integer_value(json_object_get(c, "blocked")), "cannot_move",
                     json_integer_value(json_object_get(c, "cannot-move")), "undetermined",
                     json_integer_value(json_object_get(c, "undetermined")));
}

static int s_load(struct s_plan *p, struct opf_error *err)
{
    if (strcmp(s_str(p->report, "schema"), OPF_REPORT_SCHEMA) != 0 ||
        !json_is_array(json_object_get(p->report, "results")) || !json_is_array(json_object_get(p->report, "accounts")) ||
        !json_is_object(json_object_get(p->report, "organization")) ||
        !json_is_object(json_object_get(p->report, "migration")))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "plan: the report is not an %s document", OPF_REPORT_SCHEMA);
    const json_t *migration = json_object_get(p->report, "migration");
    if (!opf_severity_parse(s_str(migration, "fail_on"), &p->gate))
        p->gate = OPF_SEV_HIGH;
    p->direct = strcmp(s_str(migration, "path"), "direct") == 0;
    p->complete = json_is_true(json_object_get(p->report, "complete"));
    p->mgmt_id = s_str(json_object_get(p->report, "organization"), "management_account_id");
    const json_t *inventory = json_object_get(p->report, "accounts");
    p->accts = calloc(json_array_size(inventory) + 1, sizeof(*p->accts));
    if (!p->accts)
        return opf_fail(err, OPF_ERR_NO_MEMORY, "out of memory building the runbook");
    size_t i;
    const json_t *row;
    json_array_foreach(inventory, i, row) {
        struct s_account *a = &p->accts[p->n++];
        a->row = row;
        a->id = s_str(row, "id");
        a->name = s_str(row, "name");
        a->is_management = json_is_true(json_object_get(row, "is_management")) || strcmp(a->id, p->mgmt_id) == 0;
        a->immovable = opf_account_state_immovable(s_str(row, "state"));
        a->blockers = json_array();
        a->before = json_array();
        a->after = json_array();
    }
    json_array_foreach(json_object_get(p->report, "results"), i, row) {
        struct s_account *a = strcmp(s_str(row, "subject_type"), "account") == 0
                                  ? s_account(p, s_str(row, "subject_id"))
                                  : NULL;
        if (a)
            s_classify_account_row(p, a, row);
        else
            s_classify_other_row(p, row); /* an account row without inventory blocks everything, never passes */
    }
    p->readiness = opf_readiness(p->report);
    for (size_t k = 0; k < p->n; k++)
        if (p->accts[k].wait) /* the date the finding gives; none is invented */
            p->accts[k].wait_known = opf_time_parse(s_str(s_ready(p, &p->accts[k]), "wait_until"), &p->accts[k].wait_end);
    return 0;
}

static void s_free(struct s_plan *p)
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

json_t *opf_plan(const struct opf_registry *r, const json_t *report, const json_t *bundle,
                 const struct opf_plan_options *o, struct opf_error *err)
{
    json_t *defaults = o && o->config ? NULL : opf_config_default();
    struct s_plan p = {.reg = r,
                       .report = report,
                       .bundle = bundle,
                       .config = o && o->config ? o->config : defaults,
                       .command = o && o->audit_command ? o->audit_command : "orgpreflight audit",
                       .global_blockers = json_array(),
                       .global_advice = json_array(),
                       .operator_rows = json_array(),
                       .deletion_blockers = json_array(),
                       .steps = json_array()};
    json_t *doc = NULL;
    if (s_load(&p, err) == 0) {
        s_plan_steps(&p);
        int alias_step = 0;
        size_t i;
        const json_t *step;
        json_array_foreach(p.steps, i, step) if (strcmp(s_str(step, "id"), "claim-portal-alias") == 0) alias_step =
            (int)json_integer_value(json_object_get(step, "number"));
        const char *attestations =
            json_string_value(json_object_get(json_object_get(p.config, "attestations"), "file"));
        doc = json_pack("{s:s, s:{s:s, s:s}, s:s, s:s, s:b, s:O, s:O, s:s?, s:o, s:o, s:O, s:o, s:o, s:o}", "schema",
                        OPF_RUNBOOK_SCHEMA, "tool", "name", "orgpreflight", "version", opf_version(), "generated_at",
                        s_str(report, "generated_at"), "evidence_collected_at", s_str(report, "evidence_collected_at"),
                        "complete", p.complete, "organization", json_object_get(report, "organization"), "migration",
                        json_object_get(report, "migration"), "attestations_file", attestations, "summary",
                        s_summary(&p), "accounts",
                        s_accounts_doc(&p), "steps", p.steps, "wait_periods", s_wait_doc(&p), "portal_alias",
                        s_alias_doc(&p, alias_step), "break_glass", s_break_glass_doc(&p));
        if (!doc)
            opf_fail(err, OPF_ERR_NO_MEMORY, "out of memory building the runbook");
    }
    s_free(&p);
    json_decref(defaults);
    return doc;
}

enum opf_exit opf_runbook_exit_code(const json_t *runbook)
{
    const char *v = s_str(json_object_get(runbook, "summary"), "verdict");
    return strcmp(v, "ready") == 0 ? OPF_EXIT_READY : OPF_EXIT_NOT_READY;
}
