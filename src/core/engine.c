/*
 * The audit engine: plans subjects x checks, evaluates each check on its subject, applies waivers and
 * computes the verdict. The result is the report document (docs/report.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

/* What a set of rows adds up to: the counts of the summary and the verdict at a gate severity. */
struct s_tally {
    size_t total, by_status[OPF_STATUS_COUNT];
    bool fail, unknown;     /* some row gates as a fail, as an unknown */
};

struct s_audit {
    const struct opf_registry *reg;
    const struct opf_audit_options *opts;
    struct opf_context ctx;
    enum opf_severity fail_on;
    bool complete;
    json_t *results;        /* every row; when spooled, the current subject's rows */
    json_t *expired;        /* waivers found expired, each once */
    /* spooled: the rows and inventory rows are written out as they are made, and what the report's summary
     * and each account's readiness need is kept */
    struct opf_report_spool *spool;
    struct s_tally tally;
    bool management_listed;
    json_t *held_all;       /* the gating rows of the organization-wide subjects */
    json_t *held_members;   /* of them, those holding back every account (docs/report.md) */
    json_t *readiness;      /* the readiness counts */
    json_t **fixed;         /* per check, its rows' members that are the same for every subject (s_fixed) */
};

enum { F_CHECK, F_TITLE, F_REMEDIATION, F_HOLDS_BACK, F_PLACEMENT, F_COUNT };

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

/* The members of check i's rows that do not depend on the subject, made once per audit and shared by the rows
 * (a row of 10,000 accounts' audit copied them 10,000 times); NULL when one cannot be made. */
static json_t *const *s_fixed(struct s_audit *a, size_t i, const struct opf_check *c)
{
    json_t **f = a->fixed ? a->fixed + i * F_COUNT : NULL;
    if (f && !f[F_CHECK]) {
        f[F_CHECK] = json_string(c->id);
        f[F_TITLE] = json_string(c->title);
        f[F_REMEDIATION] = json_string(c->remediation ? c->remediation : "");
        f[F_HOLDS_BACK] = json_string(s_holds_back(c));
        f[F_PLACEMENT] = json_string(opf_runbook_placement_name(c->runbook));
    }
    for (int k = 0; f && k < F_COUNT; k++)
        if (!f[k])
            return NULL;
    return f;
}

/* The row: the check's fixed members and the finding's (stolen: evidence, waiver); NULL when a string is not
 * valid UTF-8 or memory runs out. */
static json_t *s_row(json_t *const *fixed, const struct opf_subject *s, const struct opf_finding *f, json_t *waiver)
{
    json_t *row = json_object();
    const struct {
        const char *key;
        json_t *value;
        bool shared;
    } members[] = {{"check", fixed[F_CHECK], true},
                   {"title", fixed[F_TITLE], true},
                   {"subject_type", json_string(opf_subject_kind_name(s->kind)), false},
                   {"subject_id", json_string(s->id), false},
                   {"subject_name", json_string(s->name ? s->name : ""), false},
                   {"status", json_string(opf_status_name(f->status)), false},
                   {"severity", json_string(opf_severity_name(f->severity)), false},
                   {"message", json_string(f->message), false},
                   {"evidence", f->evidence, false},
                   {"remediation", fixed[F_REMEDIATION], true},
                   {"waiver", waiver, false},
                   {"holds_back", fixed[F_HOLDS_BACK], true},
                   {"placement", fixed[F_PLACEMENT], true}};
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
        json_t *v = members[i].shared ? json_incref(members[i].value) : members[i].value;
        if (!row || !v)
            json_decref(v);
        else if (json_object_set_new_nocheck(row, members[i].key, v) == 0) /* else it released v */
            continue;
        json_decref(row);
        row = NULL;
    }
    return row;
}

/* Runs one check (check i of the registry) on one subject (or records why it does not apply) and appends the
 * row. */
static void s_evaluate(struct s_audit *a, size_t i, const struct opf_check *c, const struct opf_subject *s)
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
    json_t *const *fixed = s_fixed(a, i, c);
    json_t *row = fixed ? s_row(fixed, s, &f, waiver) : NULL;
    if (!fixed) {
        json_decref(f.evidence);
        json_decref(waiver);
    }
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
            s_evaluate(a, i, c, s);
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

static void s_tally_row(struct s_tally *t, const json_t *row, enum opf_severity fail_on)
{
    enum opf_status st;
    t->total++;
    if (opf_status_parse(s_str(row, "status"), &st))
        t->by_status[st]++;
    enum opf_gate g = opf_row_gate(row, fail_on);
    t->fail |= g == OPF_GATE_FAIL;
    t->unknown |= g == OPF_GATE_UNKNOWN;
}

static struct s_tally s_tally_rows(const json_t *results, enum opf_severity fail_on)
{
    struct s_tally t = {0};
    size_t i;
    const json_t *row;
    json_array_foreach(results, i, row) s_tally_row(&t, row, fail_on);
    return t;
}

static const char *s_verdict(const struct s_tally *t, bool complete)
{
    return t->fail ? "not-ready" : t->unknown || !complete ? "undetermined" : "ready";
}

enum opf_exit opf_report_exit_code(const json_t *report, enum opf_severity fail_on)
{
    struct s_tally t = s_tally_rows(json_object_get(report, "results"), fail_on);
    return opf_verdict_exit(s_verdict(&t, json_is_true(json_object_get(report, "complete"))));
}

enum opf_exit opf_verdict_exit(const char *verdict)
{
    return !verdict                          ? OPF_EXIT_UNDETERMINED
           : strcmp(verdict, "ready") == 0     ? OPF_EXIT_READY
           : strcmp(verdict, "not-ready") == 0 ? OPF_EXIT_NOT_READY
                                               : OPF_EXIT_UNDETERMINED;
}

/* How many of the organization's accounts were audited: {"accounts": N, "of": M (null when the bundle does not
 * record the inventory)}, with the selection that chose them. */
static json_t *s_scope(const json_t *bundle, size_t naccounts)
{
    const json_t *inv = json_object_get(json_object_get(json_object_get(bundle, "organization"), "evidence"),
                                        "organizations.accounts");
    const json_t *listed = json_object_get(json_object_get(inv, "data"), "Accounts");
    json_t *scope = json_pack("{s:I, s:o}", "accounts", (json_int_t)naccounts,
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

static json_t *s_summary(const struct s_tally *t, bool complete)
{
    json_t *counts = json_object();
    for (int s = 0; s < OPF_STATUS_COUNT; s++)
        json_object_set_new(counts, opf_status_name((enum opf_status)s), json_integer((json_int_t)t->by_status[s]));
    return json_pack("{s:s, s:I, s:o}", "verdict", s_verdict(t, complete), "total", (json_int_t)t->total, "counts",
                     counts);
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

/* The readiness of one account from its rows and the organization-wide rows that hold it back, by the rule of
 * opf_readiness(): each inventory row gets its three members, and the counts theirs. */
static void s_account_readiness(struct s_audit *a, json_t *inventory_row, const char *mgmt)
{
    const char *id = s_str(inventory_row, "id");
    json_t *rows = json_copy(strcmp(id, mgmt) == 0 ? a->held_all : a->held_members);
    json_array_extend(rows, a->results);
    json_t *one = json_pack("{s:{s:s}, s:b, s:{s:s}, s:[O], s:o}", "migration", "fail_on",
                            opf_severity_name(a->fail_on), "complete", a->complete, "organization",
                            "management_account_id", mgmt, "accounts", inventory_row, "results", rows);
    json_t *r = opf_readiness(one);
    json_object_update(inventory_row, json_object_get(json_object_get(r, "accounts"), id));
    const char *key;
    json_t *n;
    json_object_foreach(json_object_get(r, "counts"), key, n) {
        json_t *sum = json_object_get(a->readiness, key);
        json_integer_set(sum, json_integer_value(sum) + json_integer_value(n));
    }
    json_decref(r);
    json_decref(one);
}

/* Spooled: writes out the subject's rows, each with its `gating`, and the account's inventory row (NULL for an
 * organization-wide subject), keeping what the summary and the readiness need. */
static int s_spool(struct s_audit *a, json_t *inventory_row, const char *mgmt)
{
    size_t i;
    json_t *row;
    int rc = 0;
    json_array_foreach(a->results, i, row) {
        bool gating = opf_row_gate(row, a->fail_on) != OPF_GATE_NONE;
        json_object_set_new(row, "gating", json_boolean(gating));
        s_tally_row(&a->tally, row, a->fail_on);
        if (!inventory_row && gating) {
            json_array_append(a->held_all, row);
            /* a row holding back only the management account holds back every account when it is not listed */
            if (!a->management_listed || strcmp(s_str(row, "holds_back"), "management-account") != 0)
                json_array_append(a->held_members, row);
        }
        rc |= opf_spool_add(a->spool->results, &a->spool->nresults, row);
    }
    if (inventory_row) {
        s_account_readiness(a, inventory_row, mgmt);
        rc |= opf_spool_add(a->spool->accounts, &a->spool->naccounts, inventory_row);
    }
    json_array_clear(a->results);
    return rc;
}

/* The rows' whole-report parts when spooled: the summary's readiness and what holds back every account. */
static void s_spooled_summary(struct s_audit *a, json_t *summary)
{
    json_t *none = json_pack("{s:{s:s}, s:b, s:{}, s:[], s:O}", "migration", "fail_on", opf_severity_name(a->fail_on),
                             "complete", a->complete, "organization", "accounts", "results", a->held_members);
    json_t *r = opf_readiness(none);
    json_object_set(summary, "readiness", a->readiness);
    json_object_set(summary, "holding_back_all_accounts", json_object_get(r, "all_accounts"));
    json_decref(r);
    json_decref(none);
}

json_t *opf_audit_run(const struct opf_registry *r, const json_t *bundle, const struct opf_account_source *src,
                      const struct opf_org_facts *facts, const struct opf_audit_options *o,
                      struct opf_report_spool *spool, struct opf_error *err)
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

    bool complete = !json_is_false(json_object_get(bundle, "complete"));
    struct s_audit a = {.reg = r, .opts = o, .fail_on = fail_on, .complete = complete, .results = json_array(),
                        .expired = json_array(), .spool = spool, .management_listed = src->management_listed,
                        .held_all = json_array(), .held_members = json_array(),
                        .readiness = json_pack("{s:i, s:i, s:i, s:i}", opf_readiness_name(OPF_READY), 0,
                                               opf_readiness_name(OPF_BLOCKED), 0, opf_readiness_name(OPF_CANNOT_MOVE),
                                               0, opf_readiness_name(OPF_UNDETERMINED), 0),
                        .fixed = calloc(opf_registry_count(r) * F_COUNT + 1, sizeof(json_t *))};
    a.ctx.now = o->now ? o->now : time(NULL);
    a.ctx.path = path && strcmp(path, "direct") == 0 ? OPF_PATH_DIRECT : OPF_PATH_LEAVE;
    a.ctx.attestation_max_age_days = (int)json_integer_value(max_age);
    a.ctx.config = config;
    a.ctx.bundle = bundle;
    a.ctx.org = facts;
    a.ctx.host = &opf_host;

    const json_t *org = json_object_get(bundle, "organization");
    const char *mgmt = s_str(org, "management_account_id");
    int rc = 0;
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
    if (spool)
        rc |= s_spool(&a, NULL, mgmt);
    json_t *inventory = json_array(), *acct;
    size_t naccounts = 0;
    int got;
    while (rc == 0 && (got = src->next(src->ud, &acct)) != 0) {
        if (got < 0) {
            rc = opf_fail(err, OPF_ERR_INVALID_INPUT, "an account of the evidence bundle cannot be read");
            break;
        }
        naccounts++;
        s_subject(&s, OPF_SUBJECT_ACCOUNT, acct, s_str(acct, "id"), s_str(acct, "name"));
        s.is_management = json_is_true(json_object_get(acct, "is_management")) || strcmp(s.id, mgmt) == 0;
        json_t *evidence = s_account_evidence(acct, o->attestations);
        s.evidence = evidence;
        s_run_subject(&a, &s);
        json_decref(evidence);
        json_t *row = s_inventory_row(acct, s.is_management);
        if (spool) {
            rc |= s_spool(&a, row, mgmt);
            json_decref(row);
        } else {
            json_array_append_new(inventory, row);
        }
        json_decref(acct);
    }
    if (rc == 0 && spool && (fflush(spool->accounts) != 0 || fflush(spool->results) != 0))
        rc = -1;
    if (rc != 0 && !err->message[0])
        opf_fail(err, OPF_ERR_IO, "cannot write the report's rows: %s", strerror(errno ? errno : EIO));

    char now[32];
    opf_time_format(a.ctx.now, now, sizeof(now));
    const json_t *target_id = target ? json_object_get(target, "id")
                                     : json_object_get(json_object_get(config, "migration"), "target_organization_id");
    if (!spool)
        a.tally = s_tally_rows(a.results, fail_on);
    json_t *report = rc != 0 ? NULL : json_pack(
        "{s:s, s:{s:s, s:s}, s:s, s:s, s:I, s:b, s:{s:s, s:s, s:s, s:s}, s:{s:s, s:O?, s:s}, s:o, s:O, s:O, s:O}",
        "schema", OPF_REPORT_SCHEMA, "tool", "name", "orgpreflight", "version", opf_version(), "generated_at", now,
        "evidence_collected_at", s_str(bundle, "collected_at"), "duration_ms", s_elapsed_ms(started), "complete",
        complete, "organization", "id", s_str(org, "id"), "arn", s_str(org, "arn"), "management_account_id", mgmt,
        "feature_set", s_str(org, "feature_set"), "migration", "path", opf_path_name(a.ctx.path), "target", target_id,
        "fail_on", opf_severity_name(fail_on), "summary", s_summary(&a.tally, complete), "accounts",
        inventory, "results", a.results, "waivers_expired", a.expired);
    json_decref(inventory);
    if (rc == 0 && !report)
        opf_fail(err, OPF_ERR_NO_MEMORY, "out of memory building the report");
    else if (report) {
        json_t *summary = json_object_get(report, "summary");
        json_object_set_new(summary, "scope", s_scope(bundle, naccounts));
        if (spool)
            s_spooled_summary(&a, summary);
        else
            opf_readiness_annotate(report);
    }
    json_decref(a.results);
    json_decref(a.expired);
    json_decref(a.held_all);
    json_decref(a.held_members);
    json_decref(a.readiness);
    for (size_t i = 0; a.fixed && i < opf_registry_count(r) * F_COUNT; i++)
        json_decref(a.fixed[i]);
    free(a.fixed);
    json_decref(defaults);
    return report;
}

/* A bundle's accounts, one after the other. */
struct s_array_source {
    const json_t *accounts;
    size_t next;
};

static int s_array_next(void *ud, json_t **account)
{
    struct s_array_source *as = ud;
    if (as->next >= json_array_size(as->accounts))
        return 0;
    *account = json_incref(json_array_get(as->accounts, as->next++));
    return 1;
}

json_t *opf_audit(const struct opf_registry *r, const json_t *bundle, const struct opf_audit_options *o,
                  struct opf_error *err)
{
    struct s_array_source as = {json_object_get(bundle, "accounts"), 0};
    struct opf_account_source src = {.next = s_array_next, .ud = &as};
    struct opf_org_facts *facts = opf_org_facts_new(bundle);
    json_t *report = opf_audit_run(r, bundle, &src, facts, o, NULL, err);
    opf_org_facts_free(facts);
    return report;
}
