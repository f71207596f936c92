/* Shared state of one live collection: the orchestrator (collect.c) and the providers it runs. */
#ifndef OPF_COLLECT_INTERNAL_H
#define OPF_COLLECT_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include <orgpreflight/collect.h>

#include "aws/aws.h"
#include "aws/limits.h"

/* Organization-wide facts read once before the accounts (tree.c); read-only afterwards. */
struct opf_collect_tree {
    bool ok;
    struct opf_aws_error error;          /* why not, when !ok */
    json_t *parents;                     /* the tree: child id -> its parent {"Id","Type","Name"} */
    json_t *attached;                    /* the SCPs: target id -> [{"Id","Name","Arn","Content"}] */
};

struct opf_collect;

/* One independent part of an account's collection (jobs.c): it writes its items into ev, its own object. */
typedef void opf_collect_job_fn(struct opf_collect *k, void *arg, json_t *ev);
struct opf_collect_group;
struct opf_collect_job {
    opf_collect_job_fn *run;
    void *arg;
    json_t *ev;
    int state;                           /* jobs.c */
    struct opf_collect_group *group;
    const struct opf_aws_item *item;     /* the evidence item of the thread that forked it */
    struct opf_collect_job *next;        /* in the pool's queue */
};

/* The helper threads jobs run on, shared by every account in flight. */
struct opf_collect_pool {
    pthread_mutex_t lock;                /* everything below and the jobs' states */
    pthread_cond_t work;                 /* a job was queued, or stop */
    struct opf_collect_job *head;        /* queued jobs, oldest first */
    pthread_t *threads;
    int nthreads;
    bool stop;
};

struct opf_collect {
    const struct opf_collect_options *opts;
    struct opf_aws_client *client;
    struct opf_aws_session *mgmt;        /* the operator's session (management account or delegated admin) */
    const char *role_name, *external_id, *session_name;
    char partition[16];
    pthread_mutex_t lock;                /* everything below */
    pthread_cond_t filled;               /* a cache entry was filled or released */
    json_t **records;                    /* account records, in ListAccounts order: made when collected */
    json_t **listed;                     /* the ListAccounts entry of each */
    const char *mgmt_id;                 /* the management account's id (in the bundle), or NULL */
    bool *collected;
    size_t n, next, done;
    unsigned long errors;
    bool listing_incomplete;             /* ListAccounts gave entries no record can hold (discover.c) */
    time_t started;
    FILE *spill;                         /* opf_collect_write: finished records, written out (unlinked file) */
    long *spill_at, spill_end;
    size_t *spill_len;
    bool spill_failed;
    json_t *dns_cache;                   /* filled once per domain (probes.c) */
    json_t *iam_policy_cache;            /* managed policy ARN -> default version (iam_users.c) */
    /* read before the workers start, read-only afterwards */
    struct opf_collect_tree tree, scps;
    json_t *delegated;                   /* ids ListDelegatedAdministrators names; NULL when it failed */
    struct opf_collect_pool pool;
    json_t *mgmt_regions;                /* the regions scanned in the management account */
    json_t *mgmt_region_errors;          /* why they are a fallback: "Errors" entries */
    json_t *sso_instance;                /* {"InstanceArn", "Region"}, {} when there is none, NULL on error */
    struct opf_aws_error sso_error;
    json_t *permission_set_names;        /* PermissionSetArn -> Name, under lock */
};

/* The session a member's evidence is read with, and what stopped it (the role could not be assumed). */
struct opf_collect_member {
    struct opf_aws_session *s;
    const struct opf_aws_error *denied;
    bool mgmt;
};

/* What an account's jobs share. */
struct opf_collect_account {
    const char *id, *email;
    bool mgmt;
    const json_t *listed;                /* its ListAccounts entry */
    json_t *base;                        /* the Account API's input: AccountId, none for the management account */
};

/* jobs.c: runs jobs[0..n) side by side (the caller takes part) and merges their items into ev in their order. */
void opf_collect_jobs(struct opf_collect *k, struct opf_collect_job *jobs, size_t n, json_t *ev);
void opf_collect_pool_start(struct opf_collect *k, int threads);
void opf_collect_pool_stop(struct opf_collect *k);

/* account_org.c: the account's Organizations items and its record's ou_path. */
void opf_collect_account_organizations(struct opf_collect *k, json_t *record, const json_t *listed);
/* account_api.c: the jobs of the account's Account API items (arg: a struct opf_collect_account), into jobs
 * (room for 3); returns how many. */
size_t opf_collect_account_api_jobs(const struct opf_collect_account *a, struct opf_collect_job *jobs);
/* member.c: the job of the member's own evidence (arg: a struct opf_collect_account): the role session, then its
 * IAM items and resource policies. */
void opf_collect_member_job(struct opf_collect *k, void *arg, json_t *ev);

/* probes.c: probe.dns and probe.smtp of a root address, when the selected checks read them. */
void opf_collect_probes(struct opf_collect *k, const char *email, json_t *ev);

/* iam.c: the jobs of the member's IAM items the selected checks read (at most 5), into jobs; returns how many. */
size_t opf_collect_iam_jobs(struct opf_collect *k, struct opf_collect_member *m, struct opf_collect_job *jobs);

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
OPF_MUST_USE json_t *opf_collect_discover(struct opf_collect *k, struct opf_aws_error *aerr, struct opf_error *err);
/* A listed account's record without evidence yet: made only when the account is collected, so that records
 * waiting their turn cost no memory. */
json_t *opf_collect_record(const struct opf_collect *k, const json_t *listed);

/* evidence.c: adds an evidence item under `key`: the data (stolen) or, when data is NULL, the error. */
void opf_collect_item(json_t *evidence, const char *key, const char *source, json_t *data, const struct opf_aws_error *err);
/* Ends an item of several calls begun with opf_aws_item_begin: returns its data, or, when its time budget ran out,
 * NULL (the partial data dropped) with err saying so. */
OPF_MUST_USE json_t *opf_collect_item_end(const struct opf_aws_item *item, const struct opf_aws_item *outer,
                                          json_t *data, struct opf_aws_error *err);

void opf_collect_progress(struct opf_collect *k, bool final);

/* Shared caches are filled once (cache.c): claim returns the cached value (a reference), or NULL when the
 * caller must fetch it and then fill it (value borrowed; NULL releases the claim for another worker). */
OPF_MUST_USE json_t *opf_collect_cache_claim(struct opf_collect *k, json_t *cache, const char *key);
void opf_collect_cache_fill(struct opf_collect *k, json_t *cache, const char *key, json_t *value);

/* evidence.c: the selected checks read `key`. */
bool opf_collect_want(const struct opf_collect *k, const char *key);
/* Decodes obj[key], a URL-encoded JSON document (IAM's Query answers), in place. */
void opf_collect_decode_document(json_t *obj, const char *key);

/* evidence.c: AccessDenied in any protocol's spelling. */
bool opf_collect_denied(const char *code);
/* Appends {"Region","Operation","Code","Message","Resource"?} to an "Errors" array. */
void opf_collect_error_entry(json_t *errors, const char *region, const struct opf_aws_error *err, const char *resource);
/* scan.c: config `regions`, else the account's enabled regions (ec2:DescribeRegions); failures go to errors. */
OPF_MUST_USE json_t *opf_collect_regions(struct opf_collect *k, struct opf_aws_session *s, json_t *errors);
/* A selected check reads a regional key of accounts. */
bool opf_collect_wants_regions(const struct opf_collect *k);
/* Runs a scan into ev[sc->key] when a selected check reads it. */
void opf_collect_scan(struct opf_collect *k, json_t *ev, const struct opf_scan *sc, struct opf_aws_session *s,
                      const json_t *list_input, const struct opf_account_scope *scope, const void *arg);
/* policies.c: an account's roles and resource policies, with its own session (the operator's for the management account). */
void opf_collect_policies(struct opf_collect *k, struct opf_aws_session *s, bool mgmt, json_t *ev,
                          const struct opf_aws_error *denied);

/* tree.c: the tree under the roots of the organizations.roots item (always: every record has an OU path), and
 * the SCP attachments (when a selected check reads them). */
void opf_collect_tree(struct opf_collect *k, const json_t *roots_item);
void opf_collect_tree_scps(struct opf_collect *k);
/* An account's parents, root first ({"Id","Type","Name"}), or NULL with err. New reference. */
OPF_MUST_USE json_t *opf_collect_ou_path(struct opf_collect *k, const char *id, struct opf_aws_error *err);
/* The SCPs attached to a root, OU or account ([{"Id","Name","Arn","Content"}]), or NULL with err. New reference. */
OPF_MUST_USE json_t *opf_collect_scps_of(struct opf_collect *k, const char *target, struct opf_aws_error *err);
void opf_collect_tree_free(struct opf_collect *k);
/* iam_users.c: the data of iam.users (docs/evidence.md) read with an account's session, or NULL with err. */
#define OPF_COLLECT_USERS_SOURCE                                                                                     \
    "iam:ListUsers+iam:GetUser+iam:GetLoginProfile+iam:ListMFADevices+iam:ListAttachedUserPolicies+"                 \
    "iam:ListUserPolicies+iam:GetUserPolicy+iam:ListGroupsForUser+iam:ListAttachedGroupPolicies+"                    \
    "iam:ListGroupPolicies+iam:GetGroupPolicy+iam:GetPolicy+iam:GetPolicyVersion"
OPF_MUST_USE json_t *opf_collect_users(struct opf_collect *k, struct opf_aws_session *s, struct opf_aws_error *err);

/* organization.c: the organization-wide evidence from the management account, before the accounts. */
void opf_collect_organization(struct opf_collect *k, json_t *bundle);
/* sso.c: the Identity Center instance (before the accounts), and an account's assignments. */
void opf_collect_sso_instance(struct opf_collect *k, const json_t *org_ev);
void opf_collect_assignments(struct opf_collect *k, const char *account_id, json_t *ev);
void opf_collect_organization_free(struct opf_collect *k);

#endif
