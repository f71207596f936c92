/*
 * The evidence providers: every evidence key the collector gives, declared once with the operations it reads,
 * where and as whom, the IAM actions that takes and its line of docs/evidence.md. The collector runs an
 * account's providers from this table, the registry refuses a check that needs a key no row gives, and tests
 * hold docs/evidence.md and the IAM policy documents of docs/ to it.
 */
#ifndef OPF_COLLECT_PROVIDERS_H
#define OPF_COLLECT_PROVIDERS_H

#include <stddef.h>

#include <orgpreflight/check.h>

struct opf_collect;
struct opf_scan;

/* How often it is read. */
enum opf_provider_scope {
    OPF_SCOPE_ORGANIZATION,              /* once per organization */
    OPF_SCOPE_ACCOUNT,                   /* once per account */
    OPF_SCOPE_REGION,                    /* per account and region */
};

/* With whose credentials. */
enum opf_provider_caller {
    OPF_CALLER_OPERATOR,                 /* the operator's session: the management account or a delegated admin */
    OPF_CALLER_MEMBER,                   /* the audit role in the member (the operator's in the management account) */
    OPF_CALLER_TARGET,                   /* --target-profile */
    OPF_CALLER_LOCAL,                    /* no AWS call: a local file, a probe, an attestation */
};

/* An account provider's job (jobs.c): arg is the account's struct opf_collect_account (OPERATOR and LOCAL rows)
 * or struct opf_collect_member (MEMBER rows); it writes its item into ev. */
typedef void opf_collect_job_fn(struct opf_collect *k, void *arg, json_t *ev);

struct opf_provider {
    const char *key;                     /* "iam.users"; "attestation.FACT" stands for every "attestation." key */
    enum opf_subject_kind subject;       /* the record that holds it */
    enum opf_provider_scope scope;
    enum opf_provider_caller caller;
    const char *source;                  /* the item's "source": the operations, '+'-joined */
    const char *actions;                 /* the IAM actions it takes, space-separated ("" for none) */
    const char *doc;                     /* its "source" column in docs/evidence.md */
    /* How an account's key is collected: a job (rows sharing one run once, at the first row's place), or a
     * listing with a read per resource (scan.c), run in every region for REGION rows, else once. Neither: the
     * collector's own steps record it (discovery, the tree, the role session), or it is not collected. */
    opf_collect_job_fn *run;
    const struct opf_scan *scan;
};

/* The i-th row, NULL past the last. */
const struct opf_provider *opf_provider_at(size_t i);
/* The first row giving `key` (for any subject), or NULL. */
const struct opf_provider *opf_provider_find(const char *key);

#endif
