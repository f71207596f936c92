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
    bool listing_incomplete;             /* ListAccounts gave entries no record can hold (discover.c) */
    time_t started;
    FILE *spill;                         /* opf_collect_write: finished records, written out (unlinked file) */
    long *spill_at, spill_end;
    size_t *spill_len;
    bool spill_failed;
    json_t *parent_cache, *ou_cache, *scp_cache, *policy_cache, *dns_cache; /* filled once each (collect.c) */
    /* read before the workers start, read-only afterwards */
    json_t *mgmt_regions;                /* the regions scanned in the management account */
    json_t *mgmt_region_errors;          /* why they are a fallback: "Errors" entries */
    json_t *sso_instance;                /* {"InstanceArn", "Region"}, {} when there is none, NULL on error */
    struct opf_aws_error sso_error;
    json_t *permission_set_names;        /* PermissionSetArn -> Name, under lock */
};

/* The regions an account's regional evidence covers, and what stops it. */
struct opf_account_scope {
    const struct opf_aws_error *denied;  /* the role could not be assumed: every item is this error */
    json_t *regions;                     /* array of region names */
    json_t *errors;                      /* "Errors" entries every item starts with */
    bool global;                         /* one listing for all regions (S3) */
};

/* Reads one listed resource into its evidence entry; NULL with err when it cannot (resource names it). */
typedef json_t *(*opf_scan_read_fn)(struct opf_aws_session *s, const char *region, const json_t *listed,
                                    const void *arg, struct opf_aws_error *err, const char **resource);

/* A listing run in every region of a scope, and a read of each resource it lists. */
struct opf_scan {
    const char *key, *source;
    const char *service, *list_op, *list_key;  /* the listing and the list in its output */
    const char *out_key;                        /* the list in the item's data */
    opf_scan_read_fn read;
};

/* Discovery: the operator session, the organization, its accounts (after selection) and the target
 * organization. Returns the bundle without accounts (records are in k), or NULL with err. */
json_t *opf_collect_discover(struct opf_collect *k, struct opf_aws_error *aerr, struct opf_error *err);

/* Adds an evidence item under `key`: the data (stolen) or, when data is NULL, the error. */
void opf_collect_item(json_t *evidence, const char *key, const char *source, json_t *data, const struct opf_aws_error *err);

void opf_collect_progress(struct opf_collect *k, bool final);

/* Shared caches are filled once (collect.c): claim returns the cached value (a reference), or NULL when the
 * caller must fetch it and then fill it (value borrowed; NULL releases the claim for another worker). */
json_t *opf_collect_cache_claim(struct opf_collect *k, json_t *cache, const char *key);
void opf_collect_cache_fill(struct opf_collect *k, json_t *cache, const char *key, json_t *value);

/* The selected checks read `key`. */
bool opf_collect_want(const struct opf_collect *k, const char *key);
/* Decodes obj[key], a URL-encoded JSON document (IAM's Query answers), in place. */
void opf_collect_decode_document(json_t *obj, const char *key);

/* policies.c: AccessDenied in any protocol's spelling. */
bool opf_collect_denied(const char *code);
/* Appends {"Region","Operation","Code","Message","Resource"?} to an "Errors" array. */
void opf_collect_error_entry(json_t *errors, const char *region, const struct opf_aws_error *err, const char *resource);
/* config `regions`, else the account's enabled regions (ec2:DescribeRegions); failures go to errors. */
json_t *opf_collect_regions(struct opf_collect *k, struct opf_aws_session *s, json_t *errors);
/* A selected check reads a regional key of accounts. */
bool opf_collect_wants_regions(const struct opf_collect *k);
/* Runs a scan into ev[sc->key] when a selected check reads it. */
void opf_collect_scan(struct opf_collect *k, json_t *ev, const struct opf_scan *sc, struct opf_aws_session *s,
                      const json_t *list_input, const struct opf_account_scope *scope, const void *arg);
/* An account's roles and resource policies, with its own session (the operator's for the management account). */
void opf_collect_policies(struct opf_collect *k, struct opf_aws_session *s, bool mgmt, json_t *ev,
                          const struct opf_aws_error *denied);

/* organization.c: the organization-wide evidence from the management account, before the accounts. */
void opf_collect_organization(struct opf_collect *k, json_t *bundle);
/* An account's Identity Center assignments, read from the management account. */
void opf_collect_assignments(struct opf_collect *k, const char *account_id, json_t *ev);
void opf_collect_organization_free(struct opf_collect *k);

#endif
