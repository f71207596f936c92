/*
 * orgpreflight check module ABI.
 *
 * A check is a pure function of collected evidence: it never performs I/O and keeps no global state.
 * Built-in checks live one per file in checks/ and are listed in checks/registry.c. External modules are
 * shared objects loaded with --plugin FILE.so that export OPF_PLUGIN_SYMBOL; they call the helpers through
 * ctx->host and link against nothing of orgpreflight (docs/contributing.md, "Check modules").
 */
#ifndef ORGPREFLIGHT_CHECK_H
#define ORGPREFLIGHT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <jansson.h>
#include <orgpreflight/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The major version of the check ABI, bumped when a field of struct opf_check, opf_subject, opf_context,
 * opf_finding, opf_item, opf_attestation or opf_host changes or moves: a module built for another major is
 * refused. Fields are otherwise only appended at the end of a struct, which keeps the major: a module built
 * against an older header (a smaller struct opf_check) loads, the fields it lacks read as zero. */
#define OPF_CHECK_ABI 3

/* Order matters: reports sort by it and the verdict reads it. */
enum opf_status {
    OPF_PASS = 0,
    OPF_WARN,
    OPF_FAIL,
    OPF_UNKNOWN,  /* evidence missing or unreadable; the reason is in the message */
    OPF_SKIPPED,  /* not applicable, or deselected */
    OPF_WAIVED,   /* a fail or unknown covered by an unexpired waiver (set by the engine only) */
    OPF_STATUS_COUNT
};

/* Ascending: a gate at severity S considers findings with severity >= S. */
enum opf_severity {
    OPF_SEV_INFO = 0,
    OPF_SEV_LOW,
    OPF_SEV_MEDIUM,
    OPF_SEV_HIGH,
    OPF_SEV_BLOCKER,
    OPF_SEVERITY_COUNT
};

enum opf_subject_kind {
    OPF_SUBJECT_ACCOUNT = 0,
    OPF_SUBJECT_ORGANIZATION,
    OPF_SUBJECT_OPERATOR_SESSION,
    OPF_SUBJECT_TARGET_ORGANIZATION,
    OPF_SUBJECT_KIND_COUNT
};

enum opf_migration_path {
    OPF_PATH_LEAVE = 0, /* leave the old organization, run standalone, accept the new invitation */
    OPF_PATH_DIRECT     /* direct transfer between organizations (same region group) */
};

/* check flags */
#define OPF_CHECK_MEMBERS_ONLY 0x1u /* concerns members leaving: skipped for the management account */
#define OPF_CHECK_ANY_STATE    0x2u /* still evaluated for suspended/closed accounts (account-state) */
/* an organization-wide finding that holds back only the management account (it blocks the organization's
 * deletion), not the members; without it a gating organization-wide finding holds back every account */
#define OPF_CHECK_HOLDS_MANAGEMENT 0x4u

/* Where a check's findings land in the migration runbook (docs/runbook.md). A finding that blocks is always
 * fixed before its account moves: the gate decides that, the placement only says which step acts on it. */
enum opf_runbook_placement {
    OPF_RUNBOOK_BEFORE_MOVE = 0, /* fixed before the account moves (the default, and a module's that predates it) */
    OPF_RUNBOOK_AFTER_MOVE,      /* a finding that does not block, acted on once the account has left */
    OPF_RUNBOOK_MOVE_DATE,       /* a fail is a date to wait for, not a fix: facts.allowed_at, facts.days */
    OPF_RUNBOOK_DEREGISTER,      /* deregistered before the account moves: facts.services */
    OPF_RUNBOOK_BREAK_GLASS,     /* access that outlives the organization, kept until the end: facts.user */
    OPF_RUNBOOK_OPERATOR_ACCESS, /* the operator's own session, secured before anything moves */
    OPF_RUNBOOK_UNMOVABLE,       /* the state of an account that cannot move, resolved before the deletion */
    OPF_RUNBOOK_ORG_DELETION,    /* blocks the old organization's deletion, not the members */
    OPF_RUNBOOK_PORTAL_ALIAS,    /* the new access-portal alias, claimed before the deletion: facts.default_aliases */
    OPF_RUNBOOK_PLACEMENT_COUNT
};

/* What a check looks at. Everything is borrowed from the engine for the duration of evaluate(). */
struct opf_subject {
    enum opf_subject_kind kind;
    const char *id;           /* account id, organization id, caller ARN, target organization id */
    const char *name;         /* account name, or a readable label */
    bool is_management;       /* the old organization's management account */
    const json_t *record;     /* the subject's record in the bundle (see docs/evidence.md) */
    const json_t *evidence;   /* object: evidence key -> evidence item */
};

struct opf_host;
struct opf_org_facts;

/* The audit-wide context: the same for every subject of one run. */
struct opf_context {
    time_t now;                      /* evaluation time (fixed by tests) */
    enum opf_migration_path path;
    int attestation_max_age_days;
    const json_t *config;            /* effective configuration document (docs/config.md) */
    /* the evidence bundle, for the organization's record; its "accounts" may be empty: an audit of a bundle
     * file reads the accounts one at a time (each is its subject's record) */
    const json_t *bundle;
    /* the bundle's organization-wide facts, computed once per audit: read them with opf_org_*() below
     * rather than walking bundle per subject */
    const struct opf_org_facts *org;
    const struct opf_host *host;     /* the helpers, for a module (below) */
};

#define OPF_MESSAGE_MAX 1024

/* What a check returns. The engine presets severity to the check's and evidence to an empty array. */
struct opf_finding {
    enum opf_status status;
    enum opf_severity severity;      /* a check may change it per subject (break-glass-user) */
    char message[OPF_MESSAGE_MAX];
    json_t *evidence;                /* array of citations, see opf_finding_cite() */
    time_t not_before;               /* a fail that ends by itself at this time (a wait period); 0: none */
    json_t *facts;                   /* object: what the check found, for the runbook; see opf_finding_fact() */
};

struct opf_check;
typedef enum opf_status opf_evaluate_fn(const struct opf_check *check, const struct opf_subject *subject,
                                        const struct opf_context *ctx, struct opf_finding *out);

struct opf_check {
    unsigned abi;                    /* OPF_CHECK_ABI: a module built for another major is refused */
    unsigned size;                   /* sizeof(struct opf_check) the module was built with */
    const char *id;                  /* stable kebab-case id used in reports, waivers, dashboards */
    const char *title;
    enum opf_subject_kind subject;
    enum opf_severity severity;
    unsigned flags;                  /* OPF_CHECK_* */
    const char *const *needs;        /* NULL-terminated evidence keys it reads */
    opf_evaluate_fn *evaluate;
    const char *rationale;           /* one or two sentences; docs/checks.md has the long form */
    const char *remediation;
    enum opf_runbook_placement runbook; /* where its findings land in the runbook */
};

/* How every check begins: `static const struct opf_check c = {OPF_CHECK_HEADER, .id = "...", ...};` */
#define OPF_CHECK_HEADER .abi = OPF_CHECK_ABI, .size = sizeof(struct opf_check)

/* A plugin exports this symbol (OPF_API marks it so under -fvisibility=hidden too): a function returning a
 * NULL-terminated array of checks. */
#define OPF_PLUGIN_SYMBOL "orgpreflight_plugin_checks"
typedef const struct opf_check *const *opf_plugin_checks_fn(void);

/* ---- helpers a check may call (src/core/finding.c): built-in checks call them directly, a module through
 * ctx->host (struct opf_host below) ---- */

enum opf_item_state { OPF_ITEM_MISSING = 0, OPF_ITEM_ERROR, OPF_ITEM_OK };

/* A read-only view of one evidence item. */
struct opf_item {
    enum opf_item_state state;
    const char *key;
    const json_t *data;           /* OK: the item's data */
    const char *source;           /* e.g. "organizations:ListAccounts", "probe:dns", "attestation" */
    const char *collected_at;     /* ISO 8601 UTC */
    const char *error_code;       /* ERROR: e.g. "AccessDenied" */
    const char *error_message;
};

/* Looks an item up on the subject (or, with subject NULL, fails). Never NULL fields for state/key. */
OPF_API enum opf_item_state opf_evidence_get(const struct opf_subject *s, const char *key, struct opf_item *out);

/* Looks an item up and, when it is missing or errored, sets the finding to UNKNOWN with the reason
 * ("iam.credential_report: AccessDenied: User ... is not authorized") and returns false. */
OPF_API OPF_MUST_USE bool opf_require(const struct opf_subject *s, const char *key, struct opf_finding *f,
                                      struct opf_item *out);

/* Sets status and message (printf-style); returns the status so a check can `return opf_set(...)`. */
OPF_API enum opf_status opf_set(struct opf_finding *f, enum opf_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends a citation {item, source, collected_at, values} to the finding's evidence; values is
 * borrowed (copied) and may be NULL. */
OPF_API void opf_finding_cite(struct opf_finding *f, const struct opf_item *item, const json_t *values);

/* Records one fact of the finding ({"allowed_at": "2026-11-29T10:00:00Z"}), replacing an earlier one of the
 * same key; `value` is stolen. The report carries them as the row's "facts" for the runbook and other readers. */
OPF_API void opf_finding_fact(struct opf_finding *f, const char *key, json_t *value);

/* An operator attestation for this subject (injected by the engine as "attestation.<fact>"). */
struct opf_attestation {
    bool present;                 /* an attestation exists for the fact */
    bool fresh;                   /* and is younger than ctx->attestation_max_age_days */
    const json_t *value;          /* usually a JSON boolean */
    const char *attested_by;
    const char *attested_at;      /* ISO 8601 date or date-time */
    const char *note;
    int age_days;
};
OPF_API bool opf_attestation_get(const struct opf_subject *s, const struct opf_context *ctx, const char *fact,
                         struct opf_attestation *out);

/* Organization-wide facts of ctx->org (src/core/orgfacts.c), each a lookup rather than a walk of the bundle. */
/* The old organization's ids: its id first (when the bundle has one), then every root and OU id the
 * inventory's OU paths name, each once (case-insensitive). Borrowed; NULL without ctx->org. */
OPF_API const json_t *opf_org_old_ids(const struct opf_context *ctx);
/* Is `id` the management account or an account of the bundle's inventory? */
OPF_API bool opf_org_has_account(const struct opf_context *ctx, const char *id);

/* Configuration lookup by dotted path ("root_email.allowed_domains"): the audit's setting, else (absent, or of
 * another type than the default's) its default; ctx NULL: the default. NULL when neither has a value. */
OPF_API const json_t *opf_config_get(const struct opf_context *ctx, const char *dotted_path);

/* Parses AWS timestamps: ISO 8601 ("2026-11-21T10:00:00Z", fractional seconds and offsets accepted)
 * or epoch seconds as a JSON number. The one date parser of the tool: an impossible day (2026-02-31) is refused. */
OPF_API OPF_MUST_USE bool opf_time_from_json(const json_t *v, time_t *out);
OPF_API OPF_MUST_USE bool opf_time_parse(const char *iso8601, time_t *out);

OPF_API const char *opf_status_name(enum opf_status s);        /* "pass", "warn", ... */
OPF_API const char *opf_severity_name(enum opf_severity s);    /* "blocker", "high", ... */
OPF_API const char *opf_subject_kind_name(enum opf_subject_kind k); /* "account", "operator-session", ... */
OPF_API const char *opf_path_name(enum opf_migration_path p);  /* "leave", "direct" */

/* The helpers above, for a module: handed to evaluate() as ctx->host, so that a module needs no symbol of
 * the process that loads it. Fields are only appended; `size` is the running orgpreflight's
 * sizeof(struct opf_host), and it never loads a module built against a newer header than its own. */
struct opf_host {
    size_t size;
    enum opf_item_state (*evidence_get)(const struct opf_subject *s, const char *key, struct opf_item *out);
    bool (*require)(const struct opf_subject *s, const char *key, struct opf_finding *f, struct opf_item *out);
    enum opf_status (*set)(struct opf_finding *f, enum opf_status status, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
    void (*finding_cite)(struct opf_finding *f, const struct opf_item *item, const json_t *values);
    bool (*attestation_get)(const struct opf_subject *s, const struct opf_context *ctx, const char *fact,
                            struct opf_attestation *out);
    const json_t *(*config_get)(const struct opf_context *ctx, const char *dotted_path);
    const json_t *(*org_old_ids)(const struct opf_context *ctx);
    bool (*org_has_account)(const struct opf_context *ctx, const char *id);
    bool (*time_from_json)(const json_t *v, time_t *out);
    bool (*time_parse)(const char *iso8601, time_t *out);
    const char *(*status_name)(enum opf_status s);
    const char *(*severity_name)(enum opf_severity s);
    const char *(*subject_kind_name)(enum opf_subject_kind k);
    const char *(*path_name)(enum opf_migration_path p);
    void (*finding_fact)(struct opf_finding *f, const char *key, json_t *value);
};

#ifdef __cplusplus
}
#endif
#endif
