/* Shared state of one live collection: the orchestrator (collect.c) and the providers it runs. */
#ifndef OPF_COLLECT_INTERNAL_H
#define OPF_COLLECT_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include <orgpreflight/collect.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "collect/providers.h"

/* Organization-wide facts read once before the accounts (tree.c); read-only afterwards. */
struct opf_collect_tree {
    bool ok;
    struct opf_aws_error error;          /* why not, when !ok */
    json_t *parents;                     /* the tree: child id -> its parent {"Id","Type","Name"} */
    json_t *attached;                    /* the SCPs: target id -> [{"Id","Name","Arn","Content"}] */
};

struct opf_collect;

/* One independent part of an account's collection (jobs.c; opf_collect_job_fn is in providers.h): it writes its
 * items into ev, its own object. */
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

/* What providers ask of AWS (aws_port.c): the client's calls, or canned answers in a unit test. */
struct opf_collect_aws {
    json_t *(*call)(struct opf_aws_session *s, const char *region, const char *service, const char *operation,
                    const json_t *input, unsigned flags, struct opf_aws_error *err);
    json_t *(*call_pages)(struct opf_aws_session *s, const char *service, const char *operation, const json_t *input,
                          opf_aws_page_fn *on_page, void *ud, struct opf_aws_error *err);
    struct opf_aws_session *(*assume_role)(struct opf_aws_session *base, const char *role_arn, const char *external_id,
                                           const char *session_name);
    void (*session_free)(struct opf_aws_session *s);
    const struct opf_aws_item *(*item_begin)(const struct opf_aws_client *c, struct opf_aws_item *item,
                                             const char *name);
};
extern const struct opf_collect_aws opf_collect_aws_client;

struct opf_collect {
    const struct opf_collect_options *opts;
    const struct opf_collect_aws *aws;   /* every provider's calls go through it */
    struct opf_aws_client *client;
    const char *region;                  /* the operator's region */
    struct opf_aws_session *mgmt;        /* the operator's session (management account or delegated admin) */
    const char *role_name, *external_id, *session_name;
    char partition[16];
    pthread_mutex_t lock;                /* everything below */
    pthread_cond_t filled;               /* a cache entry was filled or released */
    pthread_cond_t arrived;              /* a record was listed, or the listing ended */
    json_t **records;                    /* account records, in ListAccounts order: NULL until collected */
    json_t **listed;                     /* the ListAccounts entry of each */
    bool *collected;
    size_t n, cap, next, done;
    struct opf_collect_listing *listing; /* listing.c, from discovery on */
    bool tree_built;                     /* the tree is read: --ou can select */
    bool listing_done, listing_failed;   /* failed: discovery fails, the workers stop */
    char mgmt_id[32];                    /* the management account's id, "" when unknown */
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
    const struct opf_aws_error *denied;  /* NULL, or error */
    bool mgmt;
    struct opf_aws_error error;
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

/* account.c: one account's evidence, into its record. */
void opf_collect_account(struct opf_collect *k, json_t *record, const json_t *listed);
/* account_org.c: the account's Organizations items and its record's ou_path. */
void opf_collect_account_organizations(struct opf_collect *k, json_t *record, const json_t *listed);
/* member.c: the member's role session (m->denied says why there is none), recorded as sts.assume_role; the
 * management account's is the operator's. opf_collect_member_end releases it. */
void opf_collect_member_begin(struct opf_collect *k, const struct opf_collect_account *a, json_t *ev,
                              struct opf_collect_member *m);
void opf_collect_member_end(struct opf_collect *k, struct opf_collect_member *m);

/* The account providers' jobs, which the table of providers.c names: arg a struct opf_collect_account ... */
opf_collect_job_fn opf_collect_information_job, opf_collect_contact_job, opf_collect_alternates_job; /* account_api.c */
opf_collect_job_fn opf_collect_assignments_job;                  /* sso.c */
opf_collect_job_fn opf_collect_probes_job;                       /* probes.c: probe.dns, then probe.smtp */
/* ... or a struct opf_collect_member. */
opf_collect_job_fn opf_collect_credential_report_job, opf_collect_account_summary_job, opf_collect_users_job,
    opf_collect_aliases_job, opf_collect_access_role_job;        /* iam.c */
opf_collect_job_fn opf_collect_roles_job;                        /* policies.c */

/* The regions an account's regional evidence covers, and what stops it. */
struct opf_account_scope {
    const struct opf_aws_error *denied;  /* the role could not be assumed: every item is this error */
    json_t *regions;                     /* array of region names */
    json_t *errors;                      /* "Errors" entries every item starts with */
    bool global;                         /* one listing for all regions (S3) */
};

/* Reads one listed resource into its evidence entry; NULL with err when it cannot (resource names it). */
typedef json_t *(*opf_scan_read_fn)(struct opf_collect *k, struct opf_aws_session *s, const char *region,
                                    const json_t *listed, const void *arg, struct opf_aws_error *err,
                                    const char **resource);

/* A listing run in every region of a scope, and a read of each resource it lists. */
struct opf_scan {
    const char *key, *source;
    const char *service, *list_op, *list_key;  /* the listing and the list in its output */
    const char *out_key;                        /* the list in the item's data */
    opf_scan_read_fn read;
    const char *input;                          /* the listing's input (JSON) when the table runs it, or NULL */
};
/* policies.c: the scans of an account's resource policies, which the table of providers.c names. */
extern const struct opf_scan opf_scan_buckets, opf_scan_keys, opf_scan_topics, opf_scan_queues, opf_scan_shares;

/* Discovery: the operator session, the organization and its organization-wide listings, the target organization.
 * Returns the bundle without accounts, or NULL with err. */
OPF_MUST_USE json_t *opf_collect_discover(struct opf_collect *k, struct opf_aws_error *aerr, struct opf_error *err);
/* evidence.c: err for a failed discovery call of `caller`: not an organization's administrator, or the failure as it is. */
void opf_collect_discovery_failed(const char *caller, const struct opf_aws_error *aerr, struct opf_error *err);
/* listing.c: starts listing the accounts on a thread of its own, page by page into k->records (after selection),
 * which the workers take as they come; tree_built tells it that --ou can select. finish waits for the listing,
 * records the organizations.accounts item and checks the selection: 0, or -1 with err (the listing failed: the
 * workers stop). cancel waits for it and drops it (discovery failed). */
void opf_collect_listing_start(struct opf_collect *k, const char *mgmt_id);
/* A listed account's record, evidence to come: made when a worker takes the account, so that the accounts
 * waiting their turn hold only their ListAccounts entry. */
json_t *opf_collect_record(const struct opf_collect *k, const json_t *listed);
void opf_collect_tree_built(struct opf_collect *k);
int opf_collect_listing_finish(struct opf_collect *k, json_t *bundle, struct opf_error *err);
void opf_collect_listing_cancel(struct opf_collect *k);

/* aws_port.c: k->aws's call, in the session's region or in another; the beginning of an item's time budget. */
json_t *opf_collect_call(struct opf_collect *k, struct opf_aws_session *s, const char *service, const char *operation,
                         const json_t *input, unsigned flags, struct opf_aws_error *err);
json_t *opf_collect_call_in(struct opf_collect *k, struct opf_aws_session *s, const char *region, const char *service,
                            const char *operation, const json_t *input, unsigned flags, struct opf_aws_error *err);
const struct opf_aws_item *opf_collect_item_begin(struct opf_collect *k, struct opf_aws_item *item, const char *key);

/* evidence.c: adds an evidence item under `key`: the data (stolen) or, when data is NULL, the error. */
void opf_collect_item(json_t *evidence, const char *key, const char *source, json_t *data, const struct opf_aws_error *err);
/* Ends an item of several calls begun with opf_collect_item_begin: returns its data, or, when its time budget ran out,
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
/* The same for a member's regional scans: the management account's were read once, before the accounts. */
OPF_MUST_USE json_t *opf_collect_member_regions(struct opf_collect *k, const struct opf_collect_member *m, json_t *errors);
/* providers.c: a selected check reads a regional key of accounts. */
bool opf_collect_wants_regions(const struct opf_collect *k);
/* Runs a scan into ev[sc->key] when a selected check reads it. */
void opf_collect_scan(struct opf_collect *k, json_t *ev, const struct opf_scan *sc, struct opf_aws_session *s,
                      const json_t *list_input, const struct opf_account_scope *scope, const void *arg);

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
/* sso.c: the Identity Center instance, read before the accounts. */
void opf_collect_sso_instance(struct opf_collect *k, const json_t *org_ev);
void opf_collect_organization_free(struct opf_collect *k);

#endif
