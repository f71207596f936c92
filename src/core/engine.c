/*
 * The audit engine: plans subjects x checks, evaluates each check on its subject, applies waivers and
 * computes the verdict. The result is the report document (docs/report.md).
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

struct s_audit {
    const struct opf_registry *reg;
    const struct opf_audit_options *opts;
    struct opf_context ctx;
    json_t *results;
    json_t *expired;        /* waivers found expired, each once */
};

static const char *s_str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static bool s_selected(const struct opf_audit_options *o, const char *id)
{
    if (o->only_checks && *o->only_checks && !opf_list_contains(o->only_checks, id))
        return false;
    return !(o->skip_checks && opf_list_contains(o->skip_checks, id));
}

static json_t *s_waiver_row(const json_t *w, bool expired, enum opf_status original)
{
    json_t *row = json_pack("{s:s, s:s, s:s}", "reason", s_str(w, "reason"), "owner", s_str(w, "owner"), "expires",
                            s_str(w, "expires"));
    if (expired)
        json_object_set_new(row, "expired", json_true());
    else
        json_object_set_new(row, "original_status", json_string(opf_status_name(original)));
    return row;
}

static void s_note_expired(struct s_audit *a, const json_t *w)
{
    size_t i;
    const json_t *e;
    json_array_foreach(a->expired, i, e) if (json_equal(e, w)) return;
    json_array_append(a->expired, (json_t *)w);
}

/* Whom a gating row of the check holds back (docs/report.md). */
static const char *s_holds_back(const struct opf_check *c)
{
    if (c->subject == OPF_SUBJECT_ACCOUNT)
        return "account";
    return c->flags & OPF_CHECK_HOLDS_MANAGEMENT ? "management-account" : "all-accounts";
}

/* The check that says why an account cannot move (placed with the unmovable ones), for the skipped rows. */
static const char *s_state_check(const struct opf_registry *r)
{
    for (size_t i = 0; i < opf_registry_count(r); i++)
        if (opf_registry_at(r, i)->runbook == OPF_RUNBOOK_UNMOVABLE)
            return opf_registry_at(r, i)->id;
    return NULL;
}

/* Runs one check on one subject (or records why it does not apply) and appends the row. */
static void s_evaluate(struct s_audit *a, const struct opf_check *c, const struct opf_subject *s)
{
    struct opf_finding f = {.status = OPF_STATUS_COUNT, .severity = c->severity, .evidence = json_array()};
    const char *state = s->kind == OPF_SUBJECT_ACCOUNT ? s_str(s->record, "state") : "";

    /* an account that cannot move at all: its other checks are moot */
    if (opf_account_state_immovable(state) && !(c->flags & OPF_CHECK_ANY_STATE)) {
        const char *see = s_state_check(a->reg);
        opf_set(&f, OPF_SKIPPED, "the account is %s and cannot move at all%s%s%s", state, see ? " (see " : "",
                see ? see : "", see ? ")" : "");
    } else if (s->is_management && (c->flags & OPF_CHECK_MEMBERS_ONLY))
        opf_set(&f, OPF_SKIPPED, "concerns members leaving; this is the management account");
    else {
        enum opf_status st = c->evaluate(c, s, &a->ctx, &f);
        /* A check must give a real verdict with a reason; anything else is a bug, never a pass. */
        if ((unsigned)st >= OPF_WAIVED || st != f.status || !f.message[0]) {
            opf_set(&f, OPF_UNKNOWN, "check %s returned no valid verdict", c->id);
            json_decref(f.facts); /* nor facts anybody should act on */
            f.facts = NULL;
        }
        if ((unsigned)f.severity >= OPF_SEVERITY_COUNT)
            f.severity = c->severity;
    }

    json_t *waiver = json_null();
    if (f.status == OPF_FAIL || f.status == OPF_UNKNOWN || f.status == OPF_WARN) {
        bool expired;
        const json_t *w = opf_waiver_find(a->opts->waivers, c->id, s->id, a->ctx.now, &expired);
        if (w) {
            json_decref(waiver);
            waiver = s_waiver_row(w, expired, f.status);
            if (expired)
                s_note_expired(a, w);
            else
                f.status = OPF_WAIVED;
        }
    }
    json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:o}", "check", c->id, "title",
                            c->title, "subject_type", opf_subject_kind_name(s->kind), "subject_id", s->id,
                            "subject_name", s->name ? s->name : "", "status", opf_status_name(f.status), "severity",
                            opf_severity_name(f.severity), "message", f.message, "evidence", f.evidence,
                            "remediation", c->remediation ? c->remediation : "", "waiver", waiver);
    json_object_set_new(row, "holds_back", json_string(s_holds_back(c)));
    json_object_set_new(row, "placement", json_string(opf_runbook_placement_name(c->runbook)));
    if (json_object_size(f.facts))
        json_object_set(row, "facts", f.facts);
    json_decref(f.facts);
    if (f.not_before && f.status == OPF_FAIL) {
        char when[32];
        opf_time_format(f.not_before, when, sizeof(when));
        json_object_set_new(row, "not_before", json_string(when));
    }
    json_array_append_new(a->results, row);
}

static void s_run_subject(struct s_audit *a, const struct opf_subject *s)
{
    for (size_t i = 0; i < opf_registry_count(a->reg); i++) {
        const struct opf_check *c = opf_registry_at(a->reg, i);
        if (c->subject == s->kind && s_selected(a->opts, c->id))
            s_evaluate(a, c, s);
    }
}

/* The account's evidence plus the newest attestation of each fact, as "attestation.FACT" items. */
static json_t *s_account_evidence(const json_t *account, const json_t *attestations)
{
    const json_t *ev = json_object_get(account, "evidence");
    json_t *out = json_is_object(ev) ? json_copy((json_t *)ev) : json_object();
    for (const char *const *fact = opf_attestation_facts; attestations && *fact; fact++) {
        const json_t *e = opf_attestation_newest(attestations, s_str(account, "id"), *fact);
        if (!e)
            continue;
        char key[96];
        snprintf(key, sizeof(key), "attestation.%s", *fact);
        json_t *data = json_pack("{s:O, s:s, s:s, s:O?}", "value", json_object_get(e, "value"), "attested_by",
                                 s_str(e, "attested_by"), "attested_at", s_str(e, "attested_at"), "note",
                                 json_object_get(e, "note"));
        json_object_set_new(out, key, json_pack("{s:s, s:s, s:o}", "source", "attestation", "collected_at",
                                                s_str(e, "attested_at"), "data", data));
    }
    return out;
}

static char *s_ou_path(const json_t *account)
{
    size_t i, len = 1;
    const json_t *p;
    const json_t *path = json_object_get(account, "ou_path");
    json_array_foreach(path, i, p) len += strlen(s_str(p, "name")) + 1;
    char *out = calloc(1, len);
    json_array_foreach(path, i, p) {
        if (i)
            strcat(out, "/");
        strcat(out, s_str(p, "name"));
    }
    return out;
}

static json_t *s_inventory_row(const json_t *a, bool is_management)
{
    char *ou = s_ou_path(a);
    json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", s_str(a, "id"), "name", s_str(a, "name"),
                            "email", s_str(a, "email"), "state", s_str(a, "state"), "joined_method",
                            s_str(a, "joined_method"), "joined_timestamp", s_str(a, "joined_timestamp"), "ou_path",
                            ou ? ou : "", "is_management", is_management);
    free(ou);
    return row;
}

/* The verdict of a set of rows at a gate severity. */
static const char *s_verdict(const json_t *results, enum opf_severity fail_on, bool complete)
{
    bool fail = false, unknown = !complete;
    size_t i;
    const json_t *row;
    json_array_foreach(results, i, row) {
        enum opf_gate g = opf_row_gate(row, fail_on);
        fail |= g == OPF_GATE_FAIL;
        unknown |= g == OPF_GATE_UNKNOWN;
    }
    return fail ? "not-ready" : unknown ? "undetermined" : "ready";
}

enum opf_exit opf_report_exit_code(const json_t *report, enum opf_severity fail_on)
{
    const char *v = s_verdict(json_object_get(report, "results"), fail_on,
                              json_is_true(json_object_get(report, "complete")));
    return strcmp(v, "ready") == 0 ? OPF_EXIT_READY : strcmp(v, "not-ready") == 0 ? OPF_EXIT_NOT_READY
                                                                                   : OPF_EXIT_UNDETERMINED;
}

/* How many of the organization's accounts were audited: {"accounts": N, "of": M (null when the bundle does not
 * record the inventory)}, with the selection that chose them. */
static json_t *s_scope(const json_t *bundle)
{
    const json_t *inv = json_object_get(json_object_get(json_object_get(bundle, "organization"), "evidence"),
                                        "organizations.accounts");
    const json_t *listed = json_object_get(json_object_get(inv, "data"), "Accounts");
    json_t *scope = json_pack("{s:I, s:o}", "accounts", (json_int_t)json_array_size(json_object_get(bundle, "accounts")),
                              "of", json_is_array(listed) ? json_integer((json_int_t)json_array_size(listed)) : json_null());
    const json_t *sel = json_object_get(bundle, "selection");
    json_t *flags = json_object();
    static const char *const names[] = {"accounts", "ou", "exclude_accounts"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (json_is_string(json_object_get(sel, names[i])))
            json_object_set(flags, names[i], json_object_get(sel, names[i]));
    if (json_object_size(flags))
        json_object_set(scope, "selection", flags);
    json_decref(flags);
    return scope;
}

static json_t *s_summary(const json_t *results, enum opf_severity fail_on, bool complete)
{
    json_t *counts = json_object();
    for (int s = 0; s < OPF_STATUS_COUNT; s++)
        json_object_set_new(counts, opf_status_name((enum opf_status)s), json_integer(0));
    size_t i;
    const json_t *row;
    json_array_foreach(results, i, row) {
        json_t *n = json_object_get(counts, s_str(row, "status"));
        if (n)
            json_integer_set(n, json_integer_value(n) + 1);
    }
    return json_pack("{s:s, s:I, s:o}", "verdict", s_verdict(results, fail_on, complete), "total",
                     (json_int_t)json_array_size(results), "counts", counts);
}

static int s_validate_selection(const struct opf_registry *r, const char *list, const char *flag,
                                struct opf_error *err)
{
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ",");
        char id[128];
        snprintf(id, sizeof(id), "%.*s", (int)(n < sizeof(id) ? n : sizeof(id) - 1), p);
        if (n && !opf_registry_find(r, id))
            return opf_fail(err, OPF_ERR_USAGE, "%s: unknown check id \"%s\" (see `orgpreflight checks`)", flag, id);
        p += n + (p[n] == ',');
    }
    return 0;
}

static void s_subject(struct opf_subject *s, enum opf_subject_kind kind, const json_t *record, const char *id,
                      const char *name)
{
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->record = record;
    s->evidence = json_object_get(record, "evidence");
    s->id = id && *id ? id : "unknown";
    s->name = name;
}

/* Milliseconds since started (CLOCK_MONOTONIC). */
static json_int_t s_elapsed_ms(struct timespec started)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (json_int_t)(now.tv_sec - started.tv_sec) * 1000 + (now.tv_nsec - started.tv_nsec) / 1000000;
}

json_t *opf_audit(const struct opf_registry *r, const json_t *bundle, const struct opf_audit_options *o,
                  struct opf_error *err)
{
    struct timespec started = o->started;
    if (!started.tv_sec && !started.tv_nsec)
        clock_gettime(CLOCK_MONOTONIC, &started);
    if (s_validate_selection(r, o->only_checks, "--checks", err) ||
        s_validate_selection(r, o->skip_checks, "--skip-checks", err))
        return NULL;
    json_t *defaults = o->config ? NULL : opf_config_default();
    const json_t *config = o->config ? o->config : defaults;
    enum opf_severity fail_on = opf_fail_on(json_string_value(opf_config_value(config, "gate.fail_on")));
    const char *path = json_string_value(json_object_get(json_object_get(config, "migration"), "path"));
    const json_t *max_age = opf_config_value(config, "attestations.max_age_days");
    if (json_integer_value(max_age) <= 0) /* 0 stands for the default */
        max_age = opf_config_value(NULL, "attestations.max_age_days");

    struct s_audit a = {.reg = r, .opts = o, .results = json_array(), .expired = json_array()};
    a.ctx.now = o->now ? o->now : time(NULL);
    a.ctx.path = path && strcmp(path, "direct") == 0 ? OPF_PATH_DIRECT : OPF_PATH_LEAVE;
    a.ctx.attestation_max_age_days = (int)json_integer_value(max_age);
    a.ctx.config = config;
    a.ctx.bundle = bundle;
    struct opf_org_facts *facts = opf_org_facts_new(bundle);
    a.ctx.org = facts;
    a.ctx.host = &opf_host;

    const json_t *org = json_object_get(bundle, "organization");
    const char *mgmt = s_str(org, "management_account_id");
    struct opf_subject s;
    s_subject(&s, OPF_SUBJECT_ORGANIZATION, org, s_str(org, "id"), "organization");
    s_run_subject(&a, &s);
    const json_t *session = json_object_get(bundle, "operator_session");
    if (session) {
        s_subject(&s, OPF_SUBJECT_OPERATOR_SESSION, session, s_str(session, "arn"), "operator session");
        s_run_subject(&a, &s);
    }
    const json_t *target = json_object_get(bundle, "target_organization");
    if (target) {
        s_subject(&s, OPF_SUBJECT_TARGET_ORGANIZATION, target, s_str(target, "id"), "target organization");
        s_run_subject(&a, &s);
    }
    json_t *inventory = json_array();
    size_t i;
    const json_t *acct;
    json_array_foreach(json_object_get(bundle, "accounts"), i, acct) {
        s_subject(&s, OPF_SUBJECT_ACCOUNT, acct, s_str(acct, "id"), s_str(acct, "name"));
        s.is_management = json_is_true(json_object_get(acct, "is_management")) || strcmp(s.id, mgmt) == 0;
        json_t *evidence = s_account_evidence(acct, o->attestations);
        s.evidence = evidence;
        s_run_subject(&a, &s);
        json_decref(evidence);
        json_array_append_new(inventory, s_inventory_row(acct, s.is_management));
    }

    bool complete = !json_is_false(json_object_get(bundle, "complete"));
    char now[32];
    opf_time_format(a.ctx.now, now, sizeof(now));
    const json_t *target_id = target ? json_object_get(target, "id")
                                     : json_object_get(json_object_get(config, "migration"), "target_organization_id");
    json_t *report = json_pack(
        "{s:s, s:{s:s, s:s}, s:s, s:s, s:I, s:b, s:{s:s, s:s, s:s, s:s}, s:{s:s, s:O?, s:s}, s:o, s:o, s:o, s:o}",
        "schema", OPF_REPORT_SCHEMA, "tool", "name", "orgpreflight", "version", opf_version(), "generated_at", now,
        "evidence_collected_at", s_str(bundle, "collected_at"), "duration_ms", s_elapsed_ms(started), "complete",
        complete, "organization", "id", s_str(org, "id"), "arn", s_str(org, "arn"), "management_account_id", mgmt,
        "feature_set", s_str(org, "feature_set"), "migration", "path", opf_path_name(a.ctx.path), "target", target_id,
        "fail_on", opf_severity_name(fail_on), "summary", s_summary(a.results, fail_on, complete), "accounts",
        inventory, "results", a.results, "waivers_expired", a.expired);
    json_decref(defaults);
    opf_org_facts_free(facts);
    if (!report)
        opf_fail(err, OPF_ERR_NO_MEMORY, "out of memory building the report");
    else {
        json_object_set_new(json_object_get(report, "summary"), "scope", s_scope(bundle));
        opf_readiness_annotate(report);
    }
    return report;
}
