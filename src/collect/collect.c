/*
 * Live collection: discovery with the operator's credentials, a role session in every member account,
 * the evidence every selected check needs (docs/evidence.md). Worker threads take accounts one at a time, each
 * as soon as the listing (listing.c) hands it over; the AWS client paces Organizations and the Account API
 * itself. A failed call becomes an evidence item carrying the error, so its checks are unknown with the reason
 * and nothing is dropped.
 */
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

/* How many items of an evidence object failed (carry an error instead of data): what stats.errors counts. */
static unsigned long s_failed_items(const json_t *evidence)
{
    unsigned long n = 0;
    const char *key;
    const json_t *item;
    json_object_foreach((json_t *)evidence, key, item) n += json_object_get(item, "error") != NULL;
    return n;
}

/* ---- workers ---- */

/* The helper threads, each with at most one request in flight. An account's independent reads overlap (its
 * regional listings, 4 per enabled region, most): up to 15 helpers per account in flight, within a global cap of
 * IN_FLIGHT requests in flight (workers and helpers), but never fewer than 3 helpers per account in flight. */
#define IN_FLIGHT 128
#define HELPERS_MIN 3
#define HELPERS_MAX 15

static int s_helpers(int workers)
{
    int n = IN_FLIGHT - workers;
    n = n < HELPERS_MAX * workers ? n : HELPERS_MAX * workers;
    return n > HELPERS_MIN * workers ? n : HELPERS_MIN * workers;
}

static void *s_worker(void *arg)
{
    struct opf_collect *k = arg;
    for (;;) {
        pthread_mutex_lock(&k->lock); /* the listing grows the arrays: they are read under the lock */
        while (k->next >= k->n && !k->listing_done)
            pthread_cond_wait(&k->arrived, &k->lock);
        size_t i = k->next;
        bool stop = i >= k->n || k->listing_failed || (k->opts->interrupted && *k->opts->interrupted);
        json_t *listed = stop ? NULL : k->listed[i];
        k->next += !stop;
        pthread_mutex_unlock(&k->lock);
        if (stop)
            break;
        json_t *record = opf_collect_record(k, listed);
        pthread_mutex_lock(&k->lock);
        k->records[i] = record;
        pthread_mutex_unlock(&k->lock);
        opf_collect_account(k, record, listed);
        unsigned long failed = s_failed_items(json_object_get(record, "evidence"));
        char *text = k->spill ? json_dumps(record, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
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
    pthread_cond_init(&k->arrived, NULL);
    k->client = opf_aws_client_new(&co, &aerr);
    if (!k->client) {
        opf_fail(err, opf_aws_error_category(aerr.code, aerr.http_status), "AWS configuration: %s", aerr.message);
        return NULL;
    }
    k->region = opf_aws_client_region(k->client);
    k->mgmt = opf_aws_session_default(k->client, &aerr);
    if (!k->mgmt) {
        opf_fail(err, opf_aws_error_category(aerr.code, aerr.http_status), "credentials: %s", aerr.message);
        return NULL;
    }
    json_t *bundle = opf_collect_discover(k, &aerr, err);
    if (!bundle)
        return NULL;
    if (opf_collect_want(k, "organizations.service_control_policies"))
        opf_collect_tree_scps(k);
    opf_collect_organization(k, bundle);
    k->role_name = json_string_value(opf_config_value(opts->config, "access.role_name"));
    k->external_id = json_string_value(opf_config_value(opts->config, "access.external_id"));
    k->session_name = json_string_value(opf_config_value(opts->config, "access.session_name"));
    int workers = opts->concurrency ? opts->concurrency
                                    : (int)json_integer_value(opf_config_value(opts->config, "access.concurrency"));
    workers = workers > 0 ? workers : 1; /* a configuration no loader checked may say 0 */
    opf_collect_pool_start(k, s_helpers(workers));
    pthread_t *threads = calloc((size_t)workers, sizeof(*threads));
    int started = 0;
    for (int i = 0; threads && i < workers; i++)
        if (pthread_create(&threads[i], NULL, s_worker, k) == 0)
            started++;
    /* the workers take the accounts as the listing's pages arrive */
    int listed = opf_collect_listing_finish(k, bundle, err);
    if (started == 0 && listed == 0)
        s_worker(k);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    opf_collect_pool_stop(k);
    if (listed != 0) {
        json_decref(bundle);
        return NULL;
    }
    opf_collect_progress(k, true);
    bool interrupted = opts->interrupted && *opts->interrupted; /* accounts in flight then lack evidence */
    json_object_set_new(bundle, "complete", json_boolean(k->done == k->n && !interrupted && !k->listing_incomplete));
    for (size_t i = 0; i < k->n; i++)
        if (!k->collected[i]) { /* interrupted: the account stays listed, its evidence says why */
            if (!k->records[i])
                k->records[i] = opf_collect_record(k, k->listed[i]);
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
    pthread_cond_destroy(&k->arrived);
}

json_t *opf_collect(const struct opf_collect_options *opts, struct opf_collect_stats *stats, struct opf_error *err)
{
    struct opf_collect k = {.opts = opts, .aws = &opf_collect_aws_client};
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
    const char *dir = NULL;
    struct opf_collect k = {.opts = opts, .aws = &opf_collect_aws_client, .spill = opf_temp_file(&dir)};
    if (!k.spill)
        return opf_fail(err, opf_errno_category(errno), "%s: cannot create a temporary file for the evidence: %s", dir,
                        strerror(errno));
    json_t *bundle = s_run(&k, err);
    int rc = -1;
    if (bundle && k.spill_failed)
        opf_fail(err, OPF_ERR_IO, "cannot write the evidence to a temporary file: %s", strerror(errno));
    else if (bundle)
        rc = opf_file_write_atomic(path, 0600, s_write_streamed, &(struct s_stream){&k, bundle}, err);
    json_decref(bundle);
    fclose(k.spill);
    s_finish(&k, stats);
    return rc;
}
