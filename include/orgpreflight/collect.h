/*
 * Live collection: discovers the organization, assumes a role into every member account, gathers the
 * evidence every selected check needs and returns an evidence bundle (docs/evidence.md).
 * Read-only: every AWS call goes through the client's allow-list of read operations.
 */
#ifndef ORGPREFLIGHT_COLLECT_H
#define ORGPREFLIGHT_COLLECT_H

#include <stdio.h>
#include <orgpreflight/orgpreflight.h>

#ifdef __cplusplus
extern "C" {
#endif

struct opf_collect_options {
    const json_t *config;            /* effective configuration: access.role_name, dns.servers, ... */
    const char *profile;             /* --profile (NULL: AWS_PROFILE / default chain) */
    const char *region;              /* --region */
    const char *endpoint_url;        /* --endpoint-url */
    const char *target_profile;      /* --target-profile: also collect the target organization */
    const char *accounts;            /* --accounts ID,... */
    const char *exclude_accounts;    /* --exclude-accounts ID,... */
    const char *ou;                  /* --ou OU-ID: that OU and everything below it */
    int concurrency;                 /* accounts in flight; 0: config access.concurrency */
    const char *const *needs;        /* NULL-terminated evidence keys the selected checks read; NULL: all */
    FILE *progress;                  /* progress line target (a terminal), or NULL */
    FILE *debug;                     /* --debug wire trace (redacted), or NULL */
    volatile int *interrupted;       /* set by a signal handler: stop, return what was collected */
};

struct opf_collect_stats {
    unsigned long api_calls, retries, throttled, errors;
    unsigned long refreshes;         /* credentials refreshed after an expired-token answer */
    double seconds;
};

/* Returns a bundle (new reference), marked "complete": false when interrupted, or NULL with err
 * (no credentials, not an organization's management account or delegated administrator, ...). */
OPF_API OPF_MUST_USE json_t *opf_collect(const struct opf_collect_options *opts, struct opf_collect_stats *stats,
                                         struct opf_error *err);

/* Collects like opf_collect and writes the bundle to `path` (atomically, mode 0600). Each account's record leaves
 * memory as soon as it is complete (for an unlinked temporary file, copied into place at the end), so memory
 * does not grow with the number of accounts. Returns 0, or -1 with err. */
OPF_API OPF_MUST_USE int opf_collect_write(const struct opf_collect_options *opts, const char *path,
                                           struct opf_collect_stats *stats, struct opf_error *err);

#ifdef __cplusplus
}
#endif
#endif
