/* Shared state of one live collection (collect.c, discover.c). */
#ifndef OPF_COLLECT_INTERNAL_H
#define OPF_COLLECT_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include <orgpreflight/collect.h>

#include "aws/aws.h"

struct opf_collect {
    const struct opf_collect_options *opts;
    struct opf_aws_client *client;
    struct opf_aws_session *mgmt;        /* the operator's session (management account or delegated admin) */
    const char *role_name, *external_id, *session_name;
    char partition[16];
    pthread_mutex_t lock;                /* everything below */
    pthread_cond_t filled;               /* a cache entry was filled or released */
    json_t **records;                    /* account records, in ListAccounts order */
    json_t **listed;                     /* the ListAccounts entry of each */
    bool *collected;
    size_t n, next, done;
    unsigned long errors;
    time_t started;
    FILE *spill;                         /* opf_collect_write: finished records, written out (unlinked file) */
    long *spill_at, spill_end;
    size_t *spill_len;
    bool spill_failed;
    json_t *parent_cache, *ou_cache, *scp_cache, *policy_cache, *dns_cache; /* filled once each (collect.c) */
};

/* Discovery: the operator session, the organization, its accounts (after selection) and the target
 * organization. Returns the bundle without accounts (records are in k), or NULL with err. */
json_t *opf_collect_discover(struct opf_collect *k, struct opf_aws_error *aerr, struct opf_error *err);

/* Adds an evidence item under `key`: the data (stolen) or, when data is NULL, the error. */
void opf_collect_item(json_t *evidence, const char *key, const char *source, json_t *data, const struct opf_aws_error *err);

void opf_collect_progress(struct opf_collect *k, bool final);

#endif
