/*
 * Live collection: discovery with the operator's credentials, a role session in every member account,
 * the evidence every selected check needs (docs/evidence.md). Worker threads take accounts one at a time;
 * the AWS client paces Organizations and the Account API itself. A failed call becomes an evidence item
 * carrying the error, so its checks are unknown with the reason and nothing is dropped.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <orgpreflight/collect.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "collect/collect_internal.h"
#include "core/core.h"

bool opf_collect_want(const struct opf_collect *k, const char *key)
{
    if (!k->opts->needs)
        return true;
    for (const char *const *n = k->opts->needs; *n; n++)
        if (strcmp(*n, key) == 0)
            return true;
    return false;
}

static void s_now(char *buf, size_t n)
{
    opf_time_format(time(NULL), buf, n);
}

void opf_collect_item(json_t *evidence, const char *key, const char *source, json_t *data, const struct opf_aws_error *err)
{
    char at[32];
    s_now(at, sizeof(at));
    json_t *item = json_pack("{s:s, s:s}", "source", source, "collected_at", at);
    if (data)
        json_object_set_new(item, "data", data);
    else
        json_object_set_new(item, "error", json_pack("{s:s, s:s, s:I}", "code", err->code[0] ? err->code : "Error",
                                                     "message", err->message, "http_status", (json_int_t)err->http_status));
    json_object_set_new(evidence, key, item);
}

json_t *opf_collect_item_end(const struct opf_aws_item *item, const struct opf_aws_item *outer, json_t *data,
                             struct opf_aws_error *err)
{
    if (opf_aws_item_end(item, outer, err))
        return data;
    json_decref(data);
    return NULL;
}

/* How many items of an evidence object failed (carry an error instead of data): what stats.errors counts. */
static unsigned long s_failed_items(const json_t *evidence)
{
    unsigned long n = 0;
    const char *key;
    const json_t *item;
    json_object_foreach((json_t *)evidence, key, item) n += json_object_get(item, "error") != NULL;
    return n;
}

/* One call recorded as one item. */
static json_t *s_call_item(struct opf_collect *k, struct opf_aws_session *s, json_t *evidence, const char *key,
                           const char *service, const char *op, json_t *input, unsigned flags)
{
    struct opf_aws_error err;
    json_t *out = opf_aws_call(s, service, op, input, flags, &err);
    char source[128];
    snprintf(source, sizeof(source), "%s:%s", service, op);
    opf_collect_item(evidence, key, source, out ? json_incref(out) : NULL, &err);
    json_decref(input);
    return out; /* the caller's reference, or NULL */
}

/* ---- the organization ---- */

/* Shared caches are filled once: an entry being fetched holds json_null(), and other workers wait for it
 * instead of sending the same request. Returns the cached value (a reference), or NULL when the caller
 * must fetch it and then call s_cache_fill. */
json_t *opf_collect_cache_claim(struct opf_collect *k, json_t *cache, const char *key)
{
    pthread_mutex_lock(&k->lock);
    json_t *v;
    while ((v = json_object_get(cache, key)) && json_is_null(v))
        pthread_cond_wait(&k->filled, &k->lock);
    if (!v)
        json_object_set_new(cache, key, json_null());
    json_incref(v);
    pthread_mutex_unlock(&k->lock);
    return v;
}

/* Stores a claimed entry (value borrowed), or releases the claim on failure so that another worker tries. */
void opf_collect_cache_fill(struct opf_collect *k, json_t *cache, const char *key, json_t *value)
{
    pthread_mutex_lock(&k->lock);
    if (value)
        json_object_set(cache, key, value);
    else
        json_object_del(cache, key);
    pthread_cond_broadcast(&k->filled);
    pthread_mutex_unlock(&k->lock);
}

/* ---- one account ---- */

/* Only the accounts ListDelegatedAdministrators names are asked which services they administer: for the others
 * the answer is documented to be AccountNotRegisteredException, recorded as an empty list. */
static void s_delegated_services(struct opf_collect *k, const char *id, json_t *ev)
{
    if (k->delegated && !json_object_get(k->delegated, id)) {
        opf_collect_item(ev, "organizations.delegated_services", "organizations:ListDelegatedAdministrators",
                         json_pack("{s:[]}", "DelegatedServices"), NULL);
        return;
    }
    struct opf_aws_error err = {0};
    json_t *in = json_pack("{s:s}", "AccountId", id);
    json_t *r = opf_aws_call(k->mgmt, "organizations", "ListDelegatedServicesForAccount", in, OPF_AWS_PAGINATE, &err);
    json_decref(in);
    if (!r && strcmp(err.code, "AccountNotRegisteredException") == 0)
        r = json_pack("{s:[]}", "DelegatedServices"); /* documented meaning: not a delegated administrator */
    opf_collect_item(ev, "organizations.delegated_services", "organizations:ListDelegatedServicesForAccount", r, &err);
}

static char *s_url_decode(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1), *o = out;
    for (size_t i = 0; out && i < n; i++) {
        if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = {s[i + 1], s[i + 2], 0};
            *o++ = (char)strtol(hex, NULL, 16);
            i += 2;
        } else {
            *o++ = s[i]; /* '+' stays: botocore decodes with unquote, not unquote_plus */
        }
    }
    if (out)
        *o = '\0';
    return out;
}

/* Query answers carry policy documents URL-encoded: decode them to JSON as botocore does. */
void opf_collect_decode_document(json_t *obj, const char *key)
{
    const char *text = json_string_value(json_object_get(obj, key));
    if (!text)
        return;
    char *decoded = s_url_decode(text);
    json_t *doc = decoded ? json_loads(decoded, 0, NULL) : NULL;
    free(decoded);
    if (doc)
        json_object_set_new(obj, key, doc);
}

/* Whether GetAccountInformation can change a verdict for this account. Its quota is 3 requests per second per
 * caller, so asking for every account would set the collection's pace (N / 3 seconds). ListAccounts already
 * gives the state (State) and, for an account the organization created, its creation moment (JoinedTimestamp);
 * AccountCreatedDate matters only while that moment is within the waiting period (plus a day of margin). */
static bool s_needs_information(struct opf_collect *k, const json_t *listed, bool mgmt)
{
    if (mgmt)
        return false; /* the checks that read it pass the management account on other grounds */
    if (!json_is_string(json_object_get(listed, "State")))
        return true;
    const char *method = json_string_value(json_object_get(listed, "JoinedMethod"));
    if (!method || strcmp(method, "CREATED") != 0)
        return method == NULL;
    json_int_t days = json_integer_value(
        json_object_get(json_object_get(k->opts->config, "migration"), "wait_period_days"));
    time_t joined;
    if (!opf_time_from_json(json_object_get(listed, "JoinedTimestamp"), &joined))
        return true;
    return time(NULL) < joined + (time_t)((days > 0 ? days : 4) + 1) * 86400;
}

/* What an account's jobs share. */
struct s_account {
    const char *id, *email;
    bool mgmt;
    const json_t *listed;                /* its ListAccounts entry */
    json_t *base;                        /* the Account API's input: AccountId, none for the management account */
};

/* The Account API, from the management account (the root address comes from ListAccounts' Email, not
 * GetPrimaryEmail, for the per-caller quota: docs/aws-client.md); one job per item. */
static void s_information_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct s_account *a = arg;
    if (opf_collect_want(k, "account.information") && s_needs_information(k, a->listed, a->mgmt))
        json_decref(s_call_item(k, k->mgmt, ev, "account.information", "account", "GetAccountInformation",
                                json_deep_copy(a->base), 0));
}

static void s_contact_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct s_account *a = arg;
    if (opf_collect_want(k, "account.contact_information"))
        json_decref(s_call_item(k, k->mgmt, ev, "account.contact_information", "account", "GetContactInformation",
                                json_deep_copy(a->base), 0));
}

static void s_alternates_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct s_account *a = arg;
    if (!opf_collect_want(k, "account.alternate_contacts"))
        return;
    static const char *const types[] = {"BILLING", "OPERATIONS", "SECURITY"};
    struct opf_aws_error err = {0};
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_aws_item_begin(k->client, &item, "account.alternate_contacts");
    json_t *contacts = json_object();
    bool ok = true;
    for (size_t i = 0; i < 3 && ok; i++) {
        json_t *in = json_deep_copy(a->base);
        json_object_set_new(in, "AlternateContactType", json_string(types[i]));
        json_t *r = opf_aws_call(k->mgmt, "account", "GetAlternateContact", in, 0, &err);
        json_decref(in);
        if (r)
            json_object_set(contacts, types[i], json_object_get(r, "AlternateContact"));
        else if (strcmp(err.code, "ResourceNotFoundException") == 0)
            json_object_set_new(contacts, types[i], json_null()); /* not set */
        else
            ok = false;
        json_decref(r);
    }
    json_t *data = ok ? json_pack("{s:o}", "AlternateContacts", contacts) : (json_decref(contacts), NULL);
    opf_collect_item(ev, "account.alternate_contacts", "account:GetAlternateContact",
                     opf_collect_item_end(&item, outer, data, &err), &err);
}

static void s_assignments_job(struct opf_collect *k, void *arg, json_t *ev)
{
    opf_collect_assignments(k, ((const struct s_account *)arg)->id, ev);
}

static void s_probes_job(struct opf_collect *k, void *arg, json_t *ev)
{
    opf_collect_probes(k, ((const struct s_account *)arg)->email, ev);
}

static void s_policies_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_member *m = arg;
    opf_collect_policies(k, m->s, m->mgmt, ev, m->denied);
}

/* Member accounts through the audit role; the management account with the operator's session. Once the session
 * exists, its IAM items and resource policies are read side by side. */
static void s_member_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct s_account *a = arg;
    struct opf_collect_member m = {.s = k->mgmt, .mgmt = a->mgmt};
    struct opf_aws_error err = {0};
    if (!a->mgmt) {
        char arn[256];
        snprintf(arn, sizeof(arn), "arn:%s:iam::%s:role/%s", k->partition, a->id, k->role_name);
        m.s = opf_aws_session_assume_role(k->mgmt, arn, k->external_id, k->session_name);
        json_t *who = m.s ? opf_aws_call(m.s, "sts", "GetCallerIdentity", NULL, 0, &err) : NULL;
        if (!who)
            m.denied = &err;
        opf_collect_item(ev, "sts.assume_role", "sts:AssumeRole",
                         who ? json_pack("{s:s, s:{s:O?}}", "RoleArn", arn, "AssumedRoleUser", "Arn",
                                         json_object_get(who, "Arn"))
                             : NULL,
                         &err);
        json_decref(who);
    }
    struct opf_collect_job jobs[6];
    size_t n = opf_collect_iam_jobs(k, &m, jobs);
    jobs[n++] = (struct opf_collect_job){.run = s_policies_job, .arg = &m};
    opf_collect_jobs(k, jobs, n, ev);
    if (m.s != k->mgmt)
        opf_aws_session_free(m.s);
}

/* The string member of a ListAccounts entry that held a NUL character (the client shows it as U+FFFD). */
static const char *s_nul_member(const json_t *listed)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)listed, key, v) if (json_is_string(v) && strstr(json_string_value(v), "\xef\xbf\xbd")) return key;
    return NULL;
}

static void s_collect_account(struct opf_collect *k, json_t *record, const json_t *listed)
{
    json_t *ev = json_object_get(record, "evidence");
    const char *id = json_string_value(json_object_get(record, "id"));
    bool mgmt = json_is_true(json_object_get(record, "is_management"));
    struct opf_aws_error err = {0};
    const char *bad = s_nul_member(listed);
    if (bad) /* the loader refuses a NUL in a bundle: this account's listing is not evidence, the others' are */
        opf_aws_error_set(&err, "MalformedResponse", "organizations:ListAccounts gave this account a %s with a NUL character", bad);
    opf_collect_item(ev, "organizations.account", "organizations:ListAccounts",
                     bad ? NULL : json_pack("{s:O}", "Account", listed), &err);

    json_t *path = opf_collect_ou_path(k, id, &err);
    if (path) {
        json_t *ou_path = json_array();
        size_t i;
        json_t *p;
        json_array_foreach(path, i, p) json_array_append_new(ou_path, json_pack("{s:O, s:O, s:O}", "id", json_object_get(p, "Id"),
                                                                                "name", json_object_get(p, "Name"), "type",
                                                                                json_object_get(p, "Type")));
        json_object_set_new(record, "ou_path", ou_path);
    }
    if (opf_collect_want(k, "organizations.parents"))
        opf_collect_item(ev, "organizations.parents",
                         "organizations:ListOrganizationalUnitsForParent+organizations:ListAccountsForParent",
                         path ? json_pack("{s:O}", "Parents", path) : NULL, &err);
    if (opf_collect_want(k, "organizations.service_control_policies")) {
        json_t *targets = path ? json_array() : NULL;
        size_t i;
        json_t *p;
        json_array_foreach(path, i, p) {
            json_t *pol = opf_collect_scps_of(k, json_string_value(json_object_get(p, "Id")), &err);
            if (!pol) {
                json_decref(targets);
                targets = NULL;
                break;
            }
            json_array_append_new(targets, json_pack("{s:O, s:o}", "TargetId", json_object_get(p, "Id"), "Policies", pol));
        }
        json_t *own = targets ? opf_collect_scps_of(k, id, &err) : NULL;
        if (own)
            json_array_append_new(targets, json_pack("{s:s, s:o}", "TargetId", id, "Policies", own));
        else if (targets)
            json_decref(targets), targets = NULL;
        opf_collect_item(ev, "organizations.service_control_policies",
                         "organizations:ListPolicies+organizations:ListTargetsForPolicy+organizations:DescribePolicy",
                         targets ? json_pack("{s:o}", "Targets", targets) : NULL, &err);
    }
    json_decref(path);
    if (opf_collect_want(k, "organizations.delegated_services"))
        s_delegated_services(k, id, ev);
    struct s_account a = {.id = id, .email = json_string_value(json_object_get(record, "email")), .mgmt = mgmt,
                          .listed = listed, .base = mgmt ? json_object() : json_pack("{s:s}", "AccountId", id)};
    /* the member's chain (role session, then its reads) is the longest: the caller runs it, helpers the rest */
    struct opf_collect_job jobs[] = {{.run = s_member_job, .arg = &a},  {.run = s_information_job, .arg = &a},
                                     {.run = s_contact_job, .arg = &a}, {.run = s_alternates_job, .arg = &a},
                                     {.run = s_assignments_job, .arg = &a}, {.run = s_probes_job, .arg = &a}};
    opf_collect_jobs(k, jobs, sizeof(jobs) / sizeof(jobs[0]), ev);
    json_decref(a.base);
}

/* ---- workers ---- */

/* Helper threads per account in flight: an account's independent reads (five or six at a time) overlap, and
 * the requests in flight stay below 1 + HELPERS_PER_WORKER times access.concurrency. */
#define HELPERS_PER_WORKER 3

static void *s_worker(void *arg)
{
    struct opf_collect *k = arg;
    for (;;) {
        pthread_mutex_lock(&k->lock);
        size_t i = k->next++;
        pthread_mutex_unlock(&k->lock);
        if (i >= k->n || (k->opts->interrupted && *k->opts->interrupted))
            break;
        s_collect_account(k, k->records[i], k->listed[i]);
        unsigned long failed = s_failed_items(json_object_get(k->records[i], "evidence"));
        char *text = k->spill ? json_dumps(k->records[i], JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        pthread_mutex_lock(&k->lock);
        if (text && fwrite(text, 1, strlen(text), k->spill) == strlen(text)) {
            /* written out: the record leaves memory until the bundle is assembled */
            k->spill_at[i] = k->spill_end;
            k->spill_len[i] = strlen(text);
            k->spill_end += (long)strlen(text);
            json_decref(k->records[i]);
            json_decref(k->listed[i]);
            k->records[i] = k->listed[i] = NULL;
        } else if (k->spill) {
            k->spill_failed = true;
        }
        k->collected[i] = true;
        k->done++;
        k->errors += failed;
        pthread_mutex_unlock(&k->lock);
        free(text);
        opf_collect_progress(k, false);
    }
    return NULL;
}

void opf_collect_progress(struct opf_collect *k, bool final)
{
    if (!k->opts->progress)
        return;
    pthread_mutex_lock(&k->lock);
    double elapsed = (double)(time(NULL) - k->started);
    double left = k->done ? elapsed / (double)k->done * (double)(k->n - k->done) : 0;
    fprintf(k->opts->progress, "\rcollecting: %zu/%zu accounts, %lu errors, %.0fs elapsed, ~%.0fs left   %s", k->done,
            k->n, k->errors, elapsed, left, final ? "\n" : "");
    fflush(k->opts->progress);
    pthread_mutex_unlock(&k->lock);
}

/* Discovery and every account's evidence: the bundle without its accounts (they are in k->records, or in
 * k->spill), or NULL with err. */
static json_t *s_run(struct opf_collect *k, struct opf_error *err)
{
    const struct opf_collect_options *opts = k->opts;
    struct opf_aws_error aerr = {0};
    const json_t *aws = json_object_get(opts->config, "aws");
    struct opf_aws_client_options co = {.profile = opts->profile, .region = opts->region,
                                        .endpoint_url = opts->endpoint_url, .debug = opts->debug,
                                        .connect_timeout_ms = json_integer_value(json_object_get(aws, "connect_timeout_ms")),
                                        .read_timeout_ms = json_integer_value(json_object_get(aws, "read_timeout_ms")),
                                        .interrupted = opts->interrupted,
                                        .call_budget_ms = 1000 * json_integer_value(json_object_get(aws, "call_budget_seconds")),
                                        .item_budget_ms = 1000 * json_integer_value(json_object_get(aws, "item_budget_seconds")),
                                        .max_answer_bytes = json_integer_value(json_object_get(aws, "max_answer_bytes")),
                                        .max_pages = (int)json_integer_value(json_object_get(aws, "max_pages")),
                                        .process_timeout_ms = 1000 * json_integer_value(
                                                                         json_object_get(aws, "credential_process_timeout_seconds"))};
    k->started = time(NULL);
    pthread_mutex_init(&k->lock, NULL);
    pthread_cond_init(&k->filled, NULL);
    k->client = opf_aws_client_new(&co, &aerr);
    if (!k->client) {
        opf_fail(err, OPF_EXIT_ERROR, "AWS configuration: %s", aerr.message);
        return NULL;
    }
    k->mgmt = opf_aws_session_default(k->client, &aerr);
    if (!k->mgmt) {
        opf_fail(err, OPF_EXIT_ERROR, "credentials: %s", aerr.message);
        return NULL;
    }
    json_t *bundle = opf_collect_discover(k, &aerr, err);
    if (!bundle)
        return NULL;
    if (opf_collect_want(k, "organizations.service_control_policies"))
        opf_collect_tree_scps(k);
    opf_collect_organization(k, bundle);
    if (k->spill) {
        k->spill_at = calloc(k->n ? k->n : 1, sizeof(*k->spill_at));
        k->spill_len = calloc(k->n ? k->n : 1, sizeof(*k->spill_len));
        if (!k->spill_at || !k->spill_len) {
            json_decref(bundle);
            opf_fail(err, OPF_EXIT_ERROR, "out of memory");
            return NULL;
        }
    }
    const json_t *access = json_object_get(opts->config, "access");
    k->role_name = json_string_value(json_object_get(access, "role_name"));
    k->role_name = k->role_name ? k->role_name : "OrganizationAccountAccessRole";
    k->external_id = json_string_value(json_object_get(access, "external_id"));
    k->session_name = json_string_value(json_object_get(access, "session_name"));
    int workers = opts->concurrency ? opts->concurrency : (int)json_integer_value(json_object_get(access, "concurrency"));
    workers = workers > 0 ? workers : 8;
    if ((size_t)workers > k->n)
        workers = (int)(k->n ? k->n : 1);
    /* each account in flight may have several calls in flight: at most HELPERS_PER_WORKER more per worker */
    opf_collect_pool_start(k, workers * HELPERS_PER_WORKER);
    pthread_t *threads = calloc((size_t)workers, sizeof(*threads));
    int started = 0;
    for (int i = 0; threads && i < workers; i++)
        if (pthread_create(&threads[i], NULL, s_worker, k) == 0)
            started++;
    if (started == 0)
        s_worker(k);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    opf_collect_pool_stop(k);
    opf_collect_progress(k, true);
    bool interrupted = opts->interrupted && *opts->interrupted; /* accounts in flight then lack evidence */
    json_object_set_new(bundle, "complete", json_boolean(k->done == k->n && !interrupted && !k->listing_incomplete));
    for (size_t i = 0; i < k->n; i++)
        if (!k->collected[i]) { /* interrupted: the account stays listed, its evidence says why */
            opf_collect_item(json_object_get(k->records[i], "evidence"), "collection.interrupted", "local:collector",
                             NULL, &(struct opf_aws_error){.code = "Interrupted", .message = "collection was interrupted"});
            k->errors++;
        }
    k->errors += s_failed_items(json_object_get(json_object_get(bundle, "organization"), "evidence")) +
                 s_failed_items(json_object_get(json_object_get(bundle, "operator_session"), "evidence")) +
                 s_failed_items(json_object_get(json_object_get(bundle, "target_organization"), "evidence"));
    return bundle;
}

static void s_finish(struct opf_collect *k, struct opf_collect_stats *stats)
{
    if (stats) {
        memset(stats, 0, sizeof(*stats));
        struct opf_aws_stats st = {0};
        if (k->client)
            opf_aws_client_stats(k->client, &st);
        stats->api_calls = st.requests;
        stats->retries = st.retries;
        stats->throttled = st.throttled;
        stats->refreshes = st.refreshes;
        stats->errors = k->errors;
        stats->seconds = difftime(time(NULL), k->started);
    }
    for (size_t i = 0; i < k->n; i++) {
        json_decref(k->records[i]);
        json_decref(k->listed[i]);
    }
    free(k->records);
    free(k->listed);
    free(k->collected);
    free(k->spill_at);
    free(k->spill_len);
    json_decref(k->dns_cache);
    json_decref(k->delegated);
    json_decref(k->iam_policy_cache);
    opf_collect_tree_free(k);
    opf_collect_organization_free(k);
    opf_aws_session_free(k->mgmt);
    opf_aws_client_free(k->client);
    pthread_mutex_destroy(&k->lock);
    pthread_cond_destroy(&k->filled);
}

json_t *opf_collect(const struct opf_collect_options *opts, struct opf_collect_stats *stats, struct opf_error *err)
{
    struct opf_collect k = {.opts = opts};
    json_t *bundle = s_run(&k, err);
    json_t *accounts = json_object_get(bundle, "accounts");
    for (size_t i = 0; bundle && i < k.n; i++)
        json_array_append(accounts, k.records[i]);
    s_finish(&k, stats);
    return bundle;
}

/* Copies one spilled record into the bundle being written. */
static int s_copy_spilled(struct opf_collect *k, size_t i, FILE *out)
{
    char buf[65536];
    if (fseek(k->spill, k->spill_at[i], SEEK_SET) != 0)
        return -1;
    for (size_t left = k->spill_len[i]; left > 0;) {
        size_t chunk = left < sizeof(buf) ? left : sizeof(buf);
        if (fread(buf, 1, chunk, k->spill) != chunk || fwrite(buf, 1, chunk, out) != chunk)
            return -1;
        left -= chunk;
    }
    return 0;
}

struct s_stream {
    struct opf_collect *k;
    const json_t *bundle;
};

/* The bundle, its accounts one per line in ListAccounts order, copied from the spill file. */
static int s_write_streamed(FILE *out, void *ud)
{
    struct s_stream *st = ud;
    struct opf_collect *k = st->k;
    const char *key;
    json_t *value;
    bool first = true;
    int rc = fputc('{', out) == EOF ? -1 : 0;
    json_object_foreach((json_t *)st->bundle, key, value) {
        fprintf(out, "%s\n  \"%s\": ", first ? "" : ",", key);
        first = false;
        if (strcmp(key, "accounts") != 0) {
            rc |= json_dumpf(value, out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
            continue;
        }
        fputc('[', out);
        for (size_t i = 0; i < k->n && rc == 0; i++) {
            fputs(i ? ",\n    " : "\n    ", out);
            rc = k->records[i] ? json_dumpf(k->records[i], out, JSON_COMPACT | JSON_PRESERVE_ORDER) : s_copy_spilled(k, i, out);
        }
        fputs("\n  ]", out);
    }
    fputs("\n}\n", out);
    return rc || ferror(out) ? -1 : 0;
}

int opf_collect_write(const struct opf_collect_options *opts, const char *path, struct opf_collect_stats *stats,
                      struct opf_error *err)
{
    struct opf_collect k = {.opts = opts, .spill = tmpfile()};
    if (!k.spill)
        return opf_fail(err, OPF_EXIT_ERROR, "cannot create a temporary file for the evidence: %s", strerror(errno));
    json_t *bundle = s_run(&k, err);
    int rc = -1;
    if (bundle && k.spill_failed)
        opf_fail(err, OPF_EXIT_ERROR, "cannot write the evidence to a temporary file: %s", strerror(errno));
    else if (bundle)
        rc = opf_file_write_atomic(path, 0600, s_write_streamed, &(struct s_stream){&k, bundle}, err);
    json_decref(bundle);
    fclose(k.spill);
    s_finish(&k, stats);
    return rc;
}
