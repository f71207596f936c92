/*
 * The organization's accounts, page by page, on a thread of their own from the moment the organization is known:
 * each ListAccounts page's selected accounts become records the workers take at once (collect.c), so collection
 * starts, once the organization-wide reads are done, while the other pages are still read. The listing as a whole
 * is the organization's organizations.accounts item (its complete inventory, whatever is selected), and the
 * selection is checked against it once it is complete.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/collector.h"
#include "collect/collect_internal.h"
#include "core/core.h"

/* What the listing thread keeps while the pages arrive, and what it ends with. */
struct opf_collect_listing {
    struct opf_collect *k;
    struct opf_selection sel;
    json_t *ids, *seen, *rejected;
    pthread_t thread;
    bool started;                        /* on its thread; else it runs when finished */
    json_t *answer;                      /* the whole listing, or NULL with error */
    struct opf_aws_error error;
};

/* The ids of the OUs above an account for --ou selection, from the organization's tree (tree.c). */
static json_t *s_ou_ids(struct opf_collect *k, const char *id)
{
    struct opf_aws_error e;
    json_t *parents = opf_collect_ou_path(k, id, &e), *ids = json_array();
    size_t i;
    const json_t *p;
    json_array_foreach(parents, i, p) json_array_append(ids, json_object_get(p, "Id"));
    json_decref(parents);
    return ids;
}

/* Room for one more record in every per-account array (under k->lock). */
static bool s_grow(struct opf_collect *k)
{
    if (k->n < k->cap)
        return true;
    size_t cap = k->cap ? 2 * k->cap : 64;
    json_t **records = realloc(k->records, cap * sizeof(*records));
    if (records)
        k->records = records;
    json_t **listed = records ? realloc(k->listed, cap * sizeof(*listed)) : NULL;
    if (listed)
        k->listed = listed;
    bool *collected = listed ? realloc(k->collected, cap * sizeof(*collected)) : NULL;
    if (collected)
        k->collected = collected;
    long *at = collected && k->spill ? realloc(k->spill_at, cap * sizeof(*at)) : NULL;
    if (at)
        k->spill_at = at;
    size_t *len = at ? realloc(k->spill_len, cap * sizeof(*len)) : NULL;
    if (len)
        k->spill_len = len;
    if (!collected || (k->spill && !len))
        return false;
    memset(k->collected + k->cap, 0, (cap - k->cap) * sizeof(*collected));
    k->cap = cap;
    return true;
}

json_t *opf_collect_record(const struct opf_collect *k, const json_t *listed)
{
    const char *id = json_string_value(json_object_get(listed, "Id"));
    const char *state = opf_account_state(listed, NULL);
    char joined[32] = "";
    time_t t;
    if (opf_time_from_json(json_object_get(listed, "JoinedTimestamp"), &t))
        opf_time_format(t, joined, sizeof(joined));
    return json_pack("{s:s, s:O?, s:O?, s:O?, s:s, s:O?, s:s, s:[], s:b, s:{}}", "id", id, "arn",
                     json_object_get(listed, "Arn"), "name", json_object_get(listed, "Name"), "email",
                     json_object_get(listed, "Email"), "state", state ? state : "UNKNOWN", "joined_method",
                     json_object_get(listed, "JoinedMethod"), "joined_timestamp", joined, "ou_path", "is_management",
                     strcmp(k->mgmt_id, id) == 0, "evidence");
}

/* Hands an account to the workers. */
static void s_append(struct opf_collect *k, const json_t *listed)
{
    pthread_mutex_lock(&k->lock);
    if (s_grow(k)) {
        k->records[k->n] = NULL;
        k->listed[k->n++] = json_incref((json_t *)listed);
        pthread_cond_broadcast(&k->arrived);
    } else { /* out of memory: the account is left out, and the evidence says it is incomplete */
        k->listing_incomplete = true;
    }
    pthread_mutex_unlock(&k->lock);
}

/* One page: its entries checked as the bundle loader would, the selected ones handed to the workers. */
static void s_page(void *ud, const json_t *page)
{
    struct opf_collect_listing *l = ud;
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(page, "Accounts"), i, a) {
        const char *id = json_string_value(json_object_get(a, "Id"));
        if (!opf_is_account_id(id) || json_object_get(l->seen, id)) { /* the bundle loader's rules */
            json_array_append_new(l->rejected, json_sprintf("%.40s (%s)", id ? id : "no Id",
                                                            id && opf_is_account_id(id) ? "listed twice"
                                                                                        : "not a 12-digit id"));
            continue;
        }
        json_object_set_new(l->seen, id, json_true());
        json_array_append_new(l->ids, json_string(id));
        json_t *path = l->k->opts->ou ? s_ou_ids(l->k, id) : NULL; /* the tree is built: see s_run */
        bool take = opf_selection_match(&l->sel, id, path);
        json_decref(path);
        if (!take)
            continue;
        s_append(l->k, a);
    }
}

/* Entries of ListAccounts no account record can hold (an id not of 12 digits, an id listed twice): the run goes
 * on without them, its evidence is incomplete and an item says which. */
static void s_rejected(struct opf_collect *k, json_t *org_ev, json_t *rejected)
{
    if (json_array_size(rejected) > 0) {
        struct opf_aws_error e = {.code = "MalformedResponse"};
        char *list = json_dumps(rejected, JSON_COMPACT);
        snprintf(e.message, sizeof(e.message), "organizations:ListAccounts listed %zu entries that are not accounts, left "
                 "out of the audit: %s", json_array_size(rejected), list ? list : "");
        free(list);
        opf_collect_item(org_ev, "organizations.accounts_rejected", "organizations:ListAccounts", NULL, &e);
        k->listing_incomplete = true;
    }
    json_decref(rejected);
}

/* The listing: --ou selects by the tree, so that waits for the tree; workers waiting for an account stop waiting
 * when it ends, well or not. */
static void *s_list(void *arg)
{
    struct opf_collect_listing *l = arg;
    struct opf_collect *k = l->k;
    pthread_mutex_lock(&k->lock);
    while (k->opts->ou && !k->tree_built)
        pthread_cond_wait(&k->arrived, &k->lock);
    pthread_mutex_unlock(&k->lock);
    l->answer = k->aws->call_pages(k->mgmt, "organizations", "ListAccounts", NULL, s_page, l, &l->error);
    pthread_mutex_lock(&k->lock);
    k->listing_done = true;
    k->listing_failed = !l->answer; /* interrupted too: as any discovery call, it ends the run */
    pthread_cond_broadcast(&k->arrived);
    pthread_mutex_unlock(&k->lock);
    return NULL;
}

void opf_collect_listing_start(struct opf_collect *k, const char *mgmt_id)
{
    struct opf_collect_listing *l = calloc(1, sizeof(*l));
    if (!l)
        return; /* opf_collect_listing_finish says so */
    *l = (struct opf_collect_listing){.k = k, .sel = {k->opts->accounts, k->opts->ou, k->opts->exclude_accounts},
                                      .ids = json_array(), .seen = json_object(), .rejected = json_array()};
    snprintf(k->mgmt_id, sizeof(k->mgmt_id), "%s", mgmt_id ? mgmt_id : "");
    k->listing = l;
    l->started = pthread_create(&l->thread, NULL, s_list, l) == 0;
}

void opf_collect_tree_built(struct opf_collect *k)
{
    pthread_mutex_lock(&k->lock);
    k->tree_built = true;
    pthread_cond_broadcast(&k->arrived);
    pthread_mutex_unlock(&k->lock);
}

/* Waits for the listing (or runs it, when it has no thread) and frees it; its answer is the caller's. */
static json_t *s_join(struct opf_collect *k, struct opf_aws_error *err, json_t **ids, json_t **rejected)
{
    struct opf_collect_listing *l = k->listing;
    k->listing = NULL;
    if (!l) {
        opf_aws_error_set(err, "OutOfMemory", "no memory to list the accounts");
        pthread_mutex_lock(&k->lock);
        k->listing_done = k->listing_failed = true;
        pthread_cond_broadcast(&k->arrived);
        pthread_mutex_unlock(&k->lock);
        *ids = *rejected = NULL;
        return NULL;
    }
    if (l->started)
        pthread_join(l->thread, NULL);
    else
        s_list(l);
    *err = l->error;
    json_t *answer = l->answer;
    *ids = l->ids;
    *rejected = l->rejected;
    json_decref(l->seen);
    free(l);
    return answer;
}

void opf_collect_listing_cancel(struct opf_collect *k)
{
    struct opf_aws_error err;
    json_t *ids, *rejected;
    opf_collect_tree_built(k); /* a listing waiting for the tree does not wait for ever */
    json_decref(s_join(k, &err, &ids, &rejected));
    json_decref(ids);
    json_decref(rejected);
}

int opf_collect_listing_finish(struct opf_collect *k, json_t *bundle, struct opf_error *err)
{
    const json_t *org = json_object_get(bundle, "organization");
    json_t *org_ev = json_object_get(org, "evidence");
    struct opf_selection sel = {k->opts->accounts, k->opts->ou, k->opts->exclude_accounts};
    struct opf_aws_error aerr = {0};
    json_t *ids = NULL, *rejected = NULL;
    json_t *listed = s_join(k, &aerr, &ids, &rejected);
    int rc = 0;
    if (k->listing_failed) {
        opf_collect_discovery_failed(json_string_value(json_object_get(json_object_get(bundle, "operator_session"),
                                                                       "arn")),
                                     &aerr, err);
        rc = -1;
    } else {
        opf_collect_item(org_ev, "organizations.accounts", "organizations:ListAccounts", listed, NULL);
        const char *org_id = json_string_value(json_object_get(org, "id"));
        char where[96];
        snprintf(where, sizeof(where), "organization %s", org_id ? org_id : "(unnamed)");
        rc = opf_selection_check(&sel, ids, k->n, where, err);
    }
    s_rejected(k, org_ev, rejected);
    if (rc == 0)
        opf_selection_record(bundle, &sel);
    json_decref(ids);
    return rc;
}
