/* Internal interfaces of the audit engine (src/core). */
#ifndef OPF_CORE_H
#define OPF_CORE_H

#include <orgpreflight/orgpreflight.h>

/* Sets err to one line (printf-style) of that category; returns -1 for `return opf_fail(...)`. */
int opf_fail(struct opf_error *err, enum opf_error_category category, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The category of a failed system call's errno: a missing file is not found, a refused one permission denied. */
enum opf_error_category opf_errno_category(int errnum);

/* Loads a JSON file; a parse error names the file, line and column. */
OPF_MUST_USE json_t *opf_json_load_file(const char *path, struct opf_error *err);

/* ISO 8601 UTC of t ("2026-11-25T02:00:00Z"). */
void opf_time_format(time_t t, char *buf, size_t len);

/* The helpers a module's check calls (ctx->host; src/core/finding.c). */
extern const struct opf_host opf_host;

/* A registry without checks; opf_registry_new() (checks/registry.c) adds the built-in ones. */
OPF_MUST_USE struct opf_registry *opf_registry_empty(void);
/* Adds one check after validating it (ABI, id, fields, id not taken); `origin` names it in errors. */
OPF_MUST_USE int opf_registry_add(struct opf_registry *r, const struct opf_check *c, const char *origin,
                                  struct opf_error *err);

/* Validates an attestations or waivers document ({"attestations": [...]}, {"waivers": [...]}). */
OPF_MUST_USE int opf_attestations_validate(const json_t *doc, const char *name, struct opf_error *err);
OPF_MUST_USE int opf_waivers_validate(const json_t *doc, const char *name, const struct opf_registry *r,
                                      struct opf_error *err);
OPF_MUST_USE json_t *opf_attestations_load(const char *path, struct opf_error *err);
OPF_MUST_USE json_t *opf_waivers_load(const char *path, const struct opf_registry *r, struct opf_error *err);

/* The facts an attestation may state (NULL-terminated). */
extern const char *const opf_attestation_facts[];
bool opf_attestation_fact_known(const char *fact);
/* "payment-method, phone-verified, ..." for messages. */
void opf_attestation_facts_join(char *buf, size_t len);

/* Appends one entry (stolen) to an attestations or waivers file, creating it when missing. The existing
 * file must validate (a malformed one is left untouched), the result is validated as a whole, and the file
 * is replaced atomically with its mode kept (0644 when new), one entry per line. */
OPF_MUST_USE int opf_attestation_append(const char *path, json_t *entry, struct opf_error *err);
/* A waiver for the finding (check, account_id) of one already in the file takes its place, in place: *replaced
 * (when given) is then the old one, a new reference, else NULL. */
OPF_MUST_USE int opf_waiver_append(const char *path, json_t *entry, const struct opf_registry *r, json_t **replaced,
                                   struct opf_error *err);

/* A calendar date YYYY-MM-DD (a real day: no 2027-02-30) at 00:00 UTC. */
bool opf_date_parse(const char *ymd, time_t *out);
/* Is a waiver expiring on `expires` (YYYY-MM-DD) expired at `now`? It is valid through its whole day, UTC. */
bool opf_waiver_expired(const char *expires, time_t now);

/* The newest attestation for (account, fact), or NULL; one whose attested_at cannot be read only when no
 * other exists (the checks then cite it and ignore it). Borrowed. */
const json_t *opf_attestation_newest(const json_t *attestations, const char *account_id, const char *fact);

/* The waiver covering (check, subject), preferring an unexpired one; *expired tells which. Borrowed. */
const json_t *opf_waiver_find(const json_t *waivers, const char *check, const char *subject_id, time_t now,
                              bool *expired);

/* Writes a file atomically: `fn` writes into a temporary file in the same directory, which is then
 * flushed, given `mode` and renamed over `path`; on any failure the temporary file is removed. */
typedef int opf_write_fn(FILE *out, void *ud);
OPF_MUST_USE int opf_file_write_atomic(const char *path, int mode, opf_write_fn *fn, void *ud, struct opf_error *err);

/* A setting by dotted path ("access.role_name"): its value in `config`, else (absent, null, or of another type
 * than its default's) its default (src/core/config_defaults.c); NULL when neither has one. Borrowed. */
const json_t *opf_config_value(const json_t *config, const char *dotted_path);
/* Why `v` cannot stand where the default `def` does ("expected a string"), or NULL when it can: a value must
 * have the default's type; a default of null accepts a string (or, where noted, a list of strings). */
const char *opf_config_type_mismatch(const json_t *def, const json_t *v);

/* The gate severity `name` names ("high"); the default gate.fail_on when it names none (NULL, "", unknown). */
enum opf_severity opf_fail_on(const char *name);

/* Applies an overlay document onto a configuration, checked like a file; `origin` names it in errors. */
OPF_MUST_USE int opf_config_apply(json_t *config, const json_t *overlay, const char *origin, struct opf_error *err);
/* Sets one setting ("migration.path") from a flag, checked like a file; steals `value`. */
OPF_MUST_USE int opf_config_set(json_t *config, const char *dotted_path, json_t *value, struct opf_error *err);

/* ---- reports read back, and the change set between two (docs/diff.md) ---- */
#define OPF_DIFF_SCHEMA "orgpreflight/diff/v1"

/* Loads a report document (the json format) and validates what a comparison relies on; errors name the
 * file and the JSON path, or the line and column of malformed JSON. */
OPF_MUST_USE json_t *opf_report_load(const char *path, struct opf_error *err);
OPF_MUST_USE int opf_report_validate(const json_t *report, const char *name, struct opf_error *err);
/* The changes from an older report to a newer one: new failures (flagged `gating` at or above fail_on),
 * fixed rows, other status changes, accounts added and gone, waivers expired in between. New reference. */
OPF_MUST_USE json_t *opf_report_diff(const json_t *old_report, const char *old_name, const json_t *new_report,
                                     const char *new_name, enum opf_severity fail_on);
/* OPF_EXIT_NOT_READY when a new failure is gating, else OPF_EXIT_READY. */
enum opf_exit opf_diff_exit_code(const json_t *diff);

/* The organization-wide facts of a bundle (src/core/orgfacts.c), for opf_context.org; NULL when out of
 * memory. They copy what they keep. */
OPF_MUST_USE struct opf_org_facts *opf_org_facts_new(const json_t *bundle);
void opf_org_facts_free(struct opf_org_facts *facts);
/* ---- per-account readiness (src/core/readiness.c, docs/report.md) ---- */

/* How a row weighs at the gate: a fail or an unknown at or above fail_on (an unreadable row is unknown). */
enum opf_gate { OPF_GATE_NONE = 0, OPF_GATE_FAIL, OPF_GATE_UNKNOWN };
enum opf_gate opf_row_gate(const json_t *row, enum opf_severity fail_on);

/* An Organizations account record's lifecycle state (src/core/account.c): State, else the older Status; NULL
 * when it has neither. `field` (when given) is set to the member read, "State" when none. */
const char *opf_account_state(const json_t *account, const char **field);

/* Suspended or closing: the account cannot move at all. */
bool opf_account_state_immovable(const char *state);

enum opf_readiness { OPF_READY = 0, OPF_BLOCKED, OPF_CANNOT_MOVE, OPF_UNDETERMINED };
const char *opf_readiness_name(enum opf_readiness r); /* "ready", "blocked", "cannot-move", "undetermined" */

/* Each account's readiness from a report document's rows: {"accounts": {ID: {"readiness", "blocking_checks",
 * "wait_until"}}, "counts": {READINESS: N}, "all_accounts": [checks that hold back every account]}. New
 * reference. */
OPF_MUST_USE json_t *opf_readiness(const json_t *report);
/* Writes it into the report: each row its `gating`, each inventory row its three members, the summary `readiness` (the counts)
 * and `holding_back_all_accounts`. */
void opf_readiness_annotate(json_t *report);

/* A check's runbook placement as a report row names it ("before-move", "org-deletion", ...), and back. */
const char *opf_runbook_placement_name(enum opf_runbook_placement p);
bool opf_runbook_placement_parse(const char *name, enum opf_runbook_placement *out);

/* A 12-digit AWS account id. */
bool opf_is_account_id(const char *s);

/* Is the comma-separated `list` naming `id`? */
bool opf_list_contains(const char *list, const char *id);

/* ---- account selection (select.c) ---- */
struct opf_selection {
    const char *accounts;         /* --accounts ID,... */
    const char *ou;               /* --ou OU-ID: that OU and everything below it */
    const char *exclude_accounts; /* --exclude-accounts ID,... */
};
bool opf_selection_any(const struct opf_selection *s);
/* Does the account (its id and the ids of the OUs on its path, root first) belong to the selection? */
bool opf_selection_match(const struct opf_selection *s, const char *id, const json_t *ou_ids);
/* A usage error naming what did not match: an --accounts id not in `inventory_ids`, an --ou or a selection
 * that selected nothing, or `where` ("organization o-…") holding no account at all. */
OPF_MUST_USE int opf_selection_check(const struct opf_selection *s, const json_t *inventory_ids, size_t selected,
                                     const char *where, struct opf_error *err);
/* Records an active selection in the bundle ("selection"). */
void opf_selection_record(json_t *bundle, const struct opf_selection *s);
/* Keeps the bundle's accounts the selection matches (`name` names the bundle in errors); checks even an
 * empty selection, so a bundle without accounts is refused. */
OPF_MUST_USE int opf_bundle_select(json_t *bundle, const struct opf_selection *s, const char *name,
                                   struct opf_error *err);

/* The exit code of a report's summary verdict ("ready", "not-ready", "undetermined"). */
enum opf_exit opf_verdict_exit(const char *verdict);

/* ---- an audit read account by account and written as its rows are made ---- */

/* The accounts the engine audits, one at a time. */
struct opf_account_source {
    /* 1 with the next account (a new reference), 0 after the last, -1 when one cannot be read */
    int (*next)(void *ud, json_t **account);
    void *ud;
    bool management_listed;  /* the management account is among them (read ahead: the readiness needs it) */
};

/* A report's inventory rows and result rows, each written out as it is made, in the JSON report's layout
 * (opf_spool_add), to unlinked temporary files: the report puts its summary before them. */
struct opf_report_spool {
    FILE *accounts, *results;
    size_t naccounts, nresults;
};
int opf_report_spool_open(struct opf_report_spool *s, struct opf_error *err);
void opf_report_spool_close(struct opf_report_spool *s);
/* Appends one element of a top-level array member of the report. */
int opf_spool_add(FILE *spool, size_t *count, const json_t *element);
/* Writes the spooled array as the JSON report does: "[]", or its elements between brackets. */
int opf_spool_copy(FILE *spool, size_t count, FILE *out);
/* Writes v as the JSON report lays it out (indented by two, members in order) at `depth` levels down. */
int opf_json_dump_at(FILE *out, const json_t *v, int depth);

/* The engine (opf_audit is it on a bundle in memory): the accounts come from src and the organization-wide
 * facts are given; with a spool, the report document holds empty "accounts" and "results", their rows being
 * in the spool. */
json_t *opf_audit_run(const struct opf_registry *r, const json_t *bundle, const struct opf_account_source *src,
                      const struct opf_org_facts *facts, const struct opf_audit_options *o,
                      struct opf_report_spool *spool, struct opf_error *err);

/* Audits the bundle file at path with the selection, account by account (src/core/audit_file.c); when the
 * file is not plainly read that way (and for every error) it is loaded whole, so errors and results are those
 * of opf_bundle_load, opf_bundle_select and opf_audit. spool: as for opf_audit_run, used only when the
 * bundle was read account by account (else left closed). */
json_t *opf_audit_file(const struct opf_registry *r, const char *path, const struct opf_selection *sel,
                       const struct opf_audit_options *o, struct opf_report_spool *spool, struct opf_error *err);

/* Plain JSON (ASCII strings with the short escapes, integers, literals, objects, arrays) parsed into the tree
 * jansson's json_loadb(JSON_REJECT_DUPLICATES) gives, faster; NULL for anything else, valid or not, which is
 * jansson's to parse (src/core/json_plain.c). */
json_t *opf_json_parse_plain(const char *text, size_t len);

/* A bundle file read account by account (src/core/bundle_scan.c): NULL when it is not plainly shaped so. */
struct opf_bundle_scan;
struct opf_bundle_scan *opf_bundle_scan_open(const char *path);
void opf_bundle_scan_free(struct opf_bundle_scan *s);
/* The bundle without its accounts ("accounts": []), parsed as the whole file is. Borrowed. */
json_t *opf_bundle_scan_skeleton(const struct opf_bundle_scan *s);
/* Per account, in order: {"id", "ou_path", "index"} as far as the account states them. Borrowed. */
json_t *opf_bundle_scan_stubs(const struct opf_bundle_scan *s);
size_t opf_bundle_scan_count(const struct opf_bundle_scan *s);
/* Account i parsed and validated (a new reference), NULL when it is not valid. */
json_t *opf_bundle_scan_account(struct opf_bundle_scan *s, size_t i);
/* Validates the bundle's account `index` as opf_bundle_validate does. */
int opf_bundle_validate_account(const json_t *account, size_t index, const char *name, struct opf_error *err);

#endif
