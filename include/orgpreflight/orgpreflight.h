/*
 * orgpreflight: audits an AWS Organization before its accounts move to another organization.
 *
 * Library flow (README.md, "Library"): load or collect an evidence bundle, evaluate the registered checks
 * over it, and obtain a report document (orgpreflight/report/v1, docs/report.schema.json) that every
 * report writer renders. Library code does not print; errors come back in struct opf_error.
 */
#ifndef ORGPREFLIGHT_H
#define ORGPREFLIGHT_H

#include <stdio.h>
#include <time.h>
#include <orgpreflight/check.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OPF_EVIDENCE_SCHEMA "orgpreflight/evidence/v1"
#define OPF_REPORT_SCHEMA   "orgpreflight/report/v1"

OPF_API const char *opf_version(void);

/* Process exit codes (README, docs/orgpreflight.1). */
enum opf_exit {
    OPF_EXIT_READY = 0,        /* no fail and no unknown at or above --fail-on */
    OPF_EXIT_NOT_READY = 1,    /* a fail at or above --fail-on */
    OPF_EXIT_UNDETERMINED = 2, /* an unknown at or above --fail-on, and no such fail */
    OPF_EXIT_ERROR = 3,        /* could not run: bad config, unreadable bundle, no credentials */
    OPF_EXIT_USAGE = 64
};

/* What kind of failure an opf_error reports, for the caller to act on (the command line maps it to an exit
 * code: OPF_ERR_USAGE to OPF_EXIT_USAGE, every other to OPF_EXIT_ERROR). */
enum opf_error_category {
    OPF_ERR_INTERNAL = 0,   /* a defect or an unexpected state (also a zeroed struct opf_error) */
    OPF_ERR_INVALID_INPUT,  /* a file or document is malformed or breaks its rules: configuration, bundle, report,
                               attestations, waivers, a plugin module */
    OPF_ERR_USAGE,          /* the request cannot be met as asked: a selection that matches no account, an unknown
                               check id */
    OPF_ERR_NOT_FOUND,      /* a named file, profile or resource does not exist */
    OPF_ERR_PERMISSION,     /* the file system or AWS refused: access denied, not the management account */
    OPF_ERR_CREDENTIALS,    /* no usable credentials (missing, expired, the provider failed) */
    OPF_ERR_NETWORK,        /* a server could not be reached */
    OPF_ERR_TIMEOUT,        /* no answer in time, or no server answered */
    OPF_ERR_THROTTLED,      /* the service kept throttling after the retries */
    OPF_ERR_REMOTE,         /* the remote service failed or gave an answer that cannot be used */
    OPF_ERR_INTERRUPTED,    /* a signal stopped the work */
    OPF_ERR_IO,             /* reading or writing a file or stream failed (disk full, I/O error) */
    OPF_ERR_NO_MEMORY
};

/* One clear line that names the input and the cause, and what kind of failure it is. */
struct opf_error {
    enum opf_error_category category;
    char message[1024];
};

/* ---- checks registry ---- */
struct opf_registry;
OPF_API OPF_MUST_USE struct opf_registry *opf_registry_new(void); /* with the built-in checks */
OPF_API void opf_registry_free(struct opf_registry *r);
/* dlopen()s a module; refuses another ABI or an id already taken. */
OPF_API OPF_MUST_USE int opf_registry_load_plugin(struct opf_registry *r, const char *path, struct opf_error *err);
OPF_API size_t opf_registry_count(const struct opf_registry *r);
OPF_API const struct opf_check *opf_registry_at(const struct opf_registry *r, size_t i);
OPF_API const struct opf_check *opf_registry_find(const struct opf_registry *r, const char *id);

/* ---- evidence bundle ---- */
/* Loads and validates a bundle; on error NULL with "FILE: line L column C: cause" or "FILE: $.path: cause". */
OPF_API OPF_MUST_USE json_t *opf_bundle_load(const char *path, struct opf_error *err);
OPF_API OPF_MUST_USE int opf_bundle_validate(const json_t *bundle, const char *name, struct opf_error *err);
/* Writes atomically (temporary file in the same directory, then rename) with mode `mode`. */
OPF_API OPF_MUST_USE int opf_json_write_file(const json_t *doc, const char *path, int mode, struct opf_error *err);

/* ---- configuration ---- */
/* The defaults (docs/config.md). New reference. */
OPF_API OPF_MUST_USE json_t *opf_config_default(void);
/* Loads FILE over the defaults; unknown keys and wrong types are errors. */
OPF_API OPF_MUST_USE json_t *opf_config_load(const char *path, struct opf_error *err);

/* ---- audit ---- */
struct opf_audit_options {
    const json_t *config;            /* effective configuration (defaults + file + flags) */
    const char *only_checks;         /* --checks ID,... or NULL */
    const char *skip_checks;         /* --skip-checks ID,... or NULL */
    const json_t *attestations;      /* {"attestations": [...]} or NULL */
    const json_t *waivers;           /* {"waivers": [...]} or NULL */
    time_t now;                      /* 0: time(NULL) */
    struct timespec started;         /* CLOCK_MONOTONIC when the run began, a live collection included;
                                        zero: when opf_audit() is called (the report's duration_ms) */
};

/* Evaluates every selected check for every subject of the bundle: returns the report document
 * (new reference) or NULL with err. */
OPF_API OPF_MUST_USE json_t *opf_audit(const struct opf_registry *r, const json_t *bundle,
                                       const struct opf_audit_options *opts, struct opf_error *err);

/* The exit code a report gives at a gate severity. */
OPF_API enum opf_exit opf_report_exit_code(const json_t *report, enum opf_severity fail_on);

/* ---- migration runbook (docs/runbook.md) ---- */
#define OPF_RUNBOOK_SCHEMA "orgpreflight/runbook/v1"

struct opf_plan_options {
    const json_t *config;            /* the audit's effective configuration (wait period, portal aliases); NULL:
                                        the defaults */
    const char *audit_command;       /* prefix of the re-run commands; NULL: "orgpreflight audit" */
};

/* Orders the migration from an audit's report document alone (each row's placement, gate and facts): which
 * accounts can move now, what each blocked one needs first, and the steps in order (members first, delegated
 * administrators deregistered before they move, the portal alias claimed before the organization is deleted,
 * the management account last). `r` (may be NULL) names the attestation each check reads. Returns the runbook
 * document (new reference) or NULL with err. */
OPF_API OPF_MUST_USE json_t *opf_plan(const struct opf_registry *r, const json_t *report,
                                      const struct opf_plan_options *opts, struct opf_error *err);

/* OPF_EXIT_READY when every account can move (the management account once the members are gone), else
 * OPF_EXIT_NOT_READY. */
OPF_API enum opf_exit opf_runbook_exit_code(const json_t *runbook);

/* False for an unknown name, leaving *out as it was: a default set before the call stands. */
OPF_API bool opf_severity_parse(const char *name, enum opf_severity *out);
OPF_API bool opf_status_parse(const char *name, enum opf_status *out);

#ifdef __cplusplus
}
#endif
#endif
