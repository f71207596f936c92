/*
 * The AWS client: endpoints, signing, HTTP with the SDKs' standard retry mode, pagination, pacing.
 *
 * Concurrency: opf_aws_call() is thread-safe; callers run one worker thread per account in flight. Their
 * requests are handed to one event-loop thread that drives them all at once through a curl multi handle
 * (connections, TLS sessions and DNS answers reused); the caller blocks until its transfer completes.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "aws/client.h"
#include "aws/endpoint.h"
#include "aws/limits.h"
#include "aws/protocol.h"
#include "aws/sigv4.h"

#define RETRY_COST 5
#define RETRY_TIMEOUT_COST 10
#define BACKOFF_CAP_MS 20000L
#define ORGANIZATIONS_IN_FLIGHT 4

static pthread_once_t s_curl_once = PTHREAD_ONCE_INIT;
static void s_curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void opf_aws_error_set(struct opf_aws_error *err, const char *code, const char *fmt, ...)
{
    va_list ap;
    snprintf(err->code, sizeof(err->code), "%s", code);
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

void opf_aws_creds_clear(struct opf_aws_creds *c)
{
    if (c->secret_access_key)
        OPENSSL_cleanse(c->secret_access_key, strlen(c->secret_access_key));
    if (c->session_token)
        OPENSSL_cleanse(c->session_token, strlen(c->session_token));
    free(c->access_key_id);
    free(c->secret_access_key);
    free(c->session_token);
    memset(c, 0, sizeof(*c));
}

/* ---- the event loop ---- */

/* One request handed to the loop. The worker that handed it waits on its own condition, so a finished request
 * wakes only that worker (a shared broadcast woke every waiting worker for each answer). */
struct opf_transfer {
    CURL *easy;
    CURLcode rc;
    bool done;
    pthread_cond_t finished;           /* signalled under qlock when done is set */
    struct opf_transfer *next;
};

static void *s_loop(void *arg)
{
    struct opf_aws_client *c = arg;
    for (;;) {
        pthread_mutex_lock(&c->qlock);
        bool stop = c->stop;
        while (c->queue) { /* hand new transfers to the multi handle */
            struct opf_transfer *t = c->queue;
            c->queue = t->next;
            curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
            curl_multi_add_handle(c->multi, t->easy);
        }
        pthread_mutex_unlock(&c->qlock);
        int running = 0;
        curl_multi_perform(c->multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(c->multi, &left))) {
            if (m->msg != CURLMSG_DONE)
                continue;
            struct opf_transfer *t = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
            curl_multi_remove_handle(c->multi, m->easy_handle);
            pthread_mutex_lock(&c->qlock);
            t->rc = m->data.result;
            t->done = true;
            pthread_cond_signal(&t->finished);
            pthread_mutex_unlock(&c->qlock);
        }
        if (stop && running == 0)
            return NULL;
        curl_multi_poll(c->multi, NULL, 0, 1000, NULL);
    }
}

/* Runs one configured easy handle on the event loop and waits for it. */
static CURLcode s_perform(struct opf_aws_client *c, CURL *easy)
{
    struct opf_transfer t = {.easy = easy};
    pthread_cond_init(&t.finished, NULL);
    pthread_mutex_lock(&c->qlock);
    t.next = c->queue;
    c->queue = &t;
    pthread_mutex_unlock(&c->qlock);
    curl_multi_wakeup(c->multi);
    pthread_mutex_lock(&c->qlock);
    while (!t.done)
        pthread_cond_wait(&t.finished, &c->qlock);
    pthread_mutex_unlock(&c->qlock);
    pthread_cond_destroy(&t.finished);
    return t.rc;
}

/* ---- configuration ---- */

static const char *s_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

struct opf_aws_client *opf_aws_client_new(const struct opf_aws_client_options *o, struct opf_aws_error *err)
{
    pthread_once(&s_curl_once, s_curl_init);
    struct opf_aws_client *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    pthread_mutex_init(&c->debug_lock, NULL);
    pthread_cond_init(&c->orgs_cond, NULL);
    pthread_mutex_init(&c->qlock, NULL);
    c->multi = curl_multi_init();
    /* as many as the collector's requests in flight (docs/aws-client.md), which all go to one host when an
     * endpoint URL is set */
    curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 128L);
    if (!c->multi || pthread_create(&c->loop, NULL, s_loop, c) != 0) {
        opf_aws_error_set(err, "ClientError", "cannot start the HTTP event loop");
        curl_multi_cleanup(c->multi);
        free(c);
        return NULL;
    }
    if (opf_aws_config_load(c, err) != 0 || opf_aws_config_resolve(c, o ? o->profile : NULL, o ? o->region : NULL, err) != 0 ||
        opf_aws_retry_mode_resolve(c, err) != 0) {
        opf_aws_client_free(c);
        return NULL;
    }
    if (!opf_aws_partition(c->region)) {
        opf_aws_error_set(err, "UnsupportedPartition", "region %s (from %s) is in an isolated AWS partition (aws-iso*), "
                          "which orgpreflight does not support", c->region, c->region_source);
        opf_aws_client_free(c);
        return NULL;
    }
    c->endpoint_url = o && o->endpoint_url ? strdup(o->endpoint_url) : NULL;
    const char *attempts = s_env("AWS_MAX_ATTEMPTS");
    if (!attempts)
        attempts = opf_aws_profile_get(c, c->profile, "max_attempts");
    c->max_attempts = o && o->max_attempts ? o->max_attempts : c->retry_mode_attempts;
    if (!(o && o->max_attempts) && attempts &&
        opf_aws_parse_count(s_env("AWS_MAX_ATTEMPTS") ? "AWS_MAX_ATTEMPTS" : "max_attempts of the profile", attempts, 1,
                            100, &c->max_attempts, err) != 0) {
        opf_aws_client_free(c);
        return NULL;
    }
    c->interrupted = o ? o->interrupted : NULL;
    c->call_budget_ms = o && o->call_budget_ms > 0 ? o->call_budget_ms : OPF_CALL_BUDGET_MS_DEFAULT;
    c->item_budget_ms = o && o->item_budget_ms > 0 ? o->item_budget_ms : OPF_ITEM_BUDGET_MS_DEFAULT;
    c->max_answer_bytes = o && o->max_answer_bytes > 0 ? o->max_answer_bytes : OPF_MAX_ANSWER_BYTES_DEFAULT;
    c->max_pages = o && o->max_pages > 0 ? o->max_pages : OPF_MAX_PAGES_DEFAULT;
    c->process_timeout_ms = o && o->process_timeout_ms > 0 ? o->process_timeout_ms : OPF_PROCESS_TIMEOUT_MS_DEFAULT;
    c->connect_timeout_ms = o && o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 3000;
    c->read_timeout_ms = o && o->read_timeout_ms > 0 ? o->read_timeout_ms : 30000;
    const char *base = s_env("OPF_RETRY_BASE_MS"); /* tests shorten the backoff; the SDKs' base is 1 s */
    c->backoff_base_ms = base ? atol(base) : 1000;
    const char *ca = s_env("AWS_CA_BUNDLE");
    if (!ca)
        ca = opf_aws_profile_get(c, c->profile, "ca_bundle");
    c->ca_bundle = ca ? strdup(ca) : NULL;
    /* benchmarks against a server without AWS's quotas switch the client's own pacing off */
    const char *pacing = s_env("OPF_PACING");
    c->pacing = !(pacing && strcmp(pacing, "off") == 0);
    c->pace_index = json_object();
    c->debug = o ? o->debug : NULL;
    return c;
}

void opf_aws_client_free(struct opf_aws_client *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->qlock);
    c->stop = true;
    pthread_mutex_unlock(&c->qlock);
    curl_multi_wakeup(c->multi);
    pthread_join(c->loop, NULL);
    curl_multi_cleanup(c->multi);
    json_decref(c->config);
    json_decref(c->credentials);
    json_decref(c->profiles);
    json_decref(c->config_profiles);
    json_decref(c->sso_sessions);
    json_decref(c->services);
    free(c->profile);
    free(c->region);
    free(c->endpoint_url);
    free(c->ca_bundle);
    free(c->pace);
    json_decref(c->pace_index);
    free(c);
}

const char *opf_aws_client_region(const struct opf_aws_client *c)
{
    return c->region;
}

void opf_aws_client_stats(const struct opf_aws_client *c, struct opf_aws_stats *out)
{
    pthread_mutex_lock((pthread_mutex_t *)&c->lock);
    *out = c->stats;
    pthread_mutex_unlock((pthread_mutex_t *)&c->lock);
}

/* ---- HTTP ---- */

struct s_receiving {
    struct opf_http_resp *resp;
    const struct opf_aws_client *c;
};

/* An answer past max_answer_bytes is abandoned (a short count ends the transfer): a never-ending body must
 * not take the memory. So is one that memory cannot hold: a cut answer must not be parsed. */
static size_t s_write(char *ptr, size_t size, size_t n, void *ud)
{
    struct s_receiving *r = ud;
    if ((long)(r->resp->body.len + size * n) > r->c->max_answer_bytes) {
        r->resp->too_large = true;
        return 0;
    }
    opf_buf_append(&r->resp->body, ptr, size * n);
    return r->resp->body.oom ? 0 : size * n;
}

/* Called by libcurl while a transfer runs: a signal aborts it. */
static int s_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return opf_aws_interrupted(ud) ? 1 : 0;
}

static size_t s_header(char *ptr, size_t size, size_t n, void *ud)
{
    struct opf_http_resp *r = ud;
    size_t len = size * n;
    char line[512];
    snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) - 1 ? len : sizeof(line) - 1), ptr);
    line[strcspn(line, "\r\n")] = '\0';
    char *colon = strchr(line, ':');
    if (colon) {
        *colon = '\0';
        char *v = colon + 1;
        while (*v == ' ')
            v++;
        if (strcasecmp(line, "x-amzn-ErrorType") == 0)
            snprintf(r->error_type, sizeof(r->error_type), "%s", v);
        else if (strcasecmp(line, "x-amzn-RequestId") == 0 || strcasecmp(line, "x-amz-request-id") == 0)
            snprintf(r->request_id, sizeof(r->request_id), "%s", v);
        else if (strcasecmp(line, "x-amz-retry-after") == 0)
            r->retry_after_ms = atol(v);
        else if (strcasecmp(line, "Date") == 0)
            r->date = opf_aws_http_date(v);
    }
    return len;
}

static void s_trace(struct opf_aws_client *c, const char *dir, const char *first, const char *body)
{
    if (!c->debug)
        return;
    char *copy = strdup(body ? body : "");
    if (copy)
        opf_redact_secrets(copy);
    pthread_mutex_lock(&c->debug_lock);
    fprintf(c->debug, "%s %s\n", dir, first);
    if (copy && *copy)
        fprintf(c->debug, "%s %.4096s\n", dir, copy);
    fflush(c->debug);
    pthread_mutex_unlock(&c->debug_lock);
    free(copy);
}

/* A failed transfer as an error: a timeout, a TLS failure (naming the endpoint and what to trust), or a
 * connection error (refused, reset, a body cut short). */
static void s_transport_error(const struct opf_aws_client *c, CURLcode rc, const char *url, const char *why,
                              struct opf_aws_error *err)
{
    char endpoint[512];
    const char *h = strstr(url, "://");
    h = h ? h + 3 : url;
    snprintf(endpoint, sizeof(endpoint), "%.*s", (int)(h - url + strcspn(h, "/")), url); /* scheme and host */
    if (rc == CURLE_ABORTED_BY_CALLBACK)
        opf_aws_error_stopped(c, err);
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        opf_aws_error_set(err, "RequestTimeout", "%s: no complete answer within %ld ms (%s)", url, c->read_timeout_ms, why);
    else if (rc == CURLE_PEER_FAILED_VERIFICATION)
        opf_aws_error_set(err, "TLSError", "%s: certificate verification failed (%s); %s%s", endpoint, why,
                          c->ca_bundle ? "trusted CAs: " : "trusted CAs: the system's; name a private CA with "
                                                           "AWS_CA_BUNDLE or the profile's ca_bundle",
                          c->ca_bundle ? c->ca_bundle : "");
    else if (rc == CURLE_SSL_CACERT_BADFILE)
        opf_aws_error_set(err, "TLSError", "%s: cannot use the CA bundle %s (%s)", endpoint,
                          c->ca_bundle ? c->ca_bundle : "of the system", why);
    else if (rc == CURLE_SSL_CONNECT_ERROR)
        opf_aws_error_set(err, "TLSError", "%s: TLS handshake failed (%s)", endpoint, why);
    else
        opf_aws_error_set(err, "ConnectionError", "%s: %s", url, why);
}

/* Performs one HTTP exchange. 0 with resp filled (any status), or -1 with a transport error in err. */
int opf_aws_http(struct opf_aws_client *c, const char *method, const char *url, struct curl_slist *headers,
                 const char *body, struct opf_http_resp *resp, struct opf_aws_error *err)
{
    CURL *h = curl_easy_init();
    if (!h) {
        opf_aws_error_set(err, "ClientError", "cannot create an HTTP handle");
        return -1;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    } else if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    struct s_receiving receiving = {resp, c};
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, s_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &receiving);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, s_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, s_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, resp);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    long timeout = c->read_timeout_ms, left = resp->deadline_ms ? resp->deadline_ms - opf_aws_now_ms() : timeout;
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, left < timeout ? (left > 1 ? left : 1) : timeout);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (c->ca_bundle)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_bundle);
    char first[1024];
    snprintf(first, sizeof(first), "%s %s", method, url);
    s_trace(c, ">", first, body);
    CURLcode rc = s_perform(c, h);
    int out = 0;
    if (rc != CURLE_OK && resp->too_large) {
        opf_aws_error_set(err, "ResponseTooLarge", "%s: the answer passed %ld bytes (aws.max_answer_bytes): abandoned", url,
                          c->max_answer_bytes);
        s_trace(c, "<", err->message, NULL);
        out = -1;
    } else if (rc != CURLE_OK && resp->body.oom) {
        opf_aws_error_set(err, "OutOfMemory", "%s: no memory for the answer", url);
        out = -1;
    } else if (rc != CURLE_OK) {
        s_transport_error(c, rc, url, errbuf[0] ? errbuf : curl_easy_strerror(rc), err);
        s_trace(c, "<", err->message, NULL);
        out = -1;
    } else {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
        snprintf(first, sizeof(first), "%ld", resp->status);
        s_trace(c, "<", first, resp->body.data);
    }
    curl_easy_cleanup(h);
    return out;
}

/* ---- retries (standard mode) ---- */

bool opf_aws_retryable(const char *code, long status)
{
    static const char *const codes[] = {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown",
        "PriorRequestNotComplete", "EC2ThrottledException", "RequestTimeout", "RequestTimeoutException",
        "InternalError", "InternalFailure", "ServiceUnavailable", "ConnectionError", "MalformedResponse",
        "IDPCommunicationError", "ResponseTooLarge", NULL};
    for (const char *const *c = codes; *c; c++)
        if (strcmp(*c, code) == 0)
            return true;
    return status == 500 || status == 502 || status == 503 || status == 504 || status == 429;
}

bool opf_aws_throttling(const char *code, long status)
{
    return status == 429 || strstr(code, "Throttl") || strcmp(code, "TooManyRequestsException") == 0 ||
           strcmp(code, "RequestLimitExceeded") == 0 || strcmp(code, "SlowDown") == 0 ||
           strcmp(code, "LimitExceededException") == 0;
}

long opf_aws_backoff_ms(long base_ms, int attempt)
{
    long cap = base_ms;
    for (int i = 1; i < attempt && cap < BACKOFF_CAP_MS; i++)
        cap *= 2;
    if (cap > BACKOFF_CAP_MS)
        cap = BACKOFF_CAP_MS;
    unsigned int r = 0;
    RAND_bytes((unsigned char *)&r, sizeof(r));
    return cap > 0 ? (long)(r % (unsigned long)(cap + 1)) : 0; /* full jitter */
}

static bool s_take_tokens(struct opf_aws_session *s, int cost)
{
    int have = atomic_load(&s->bucket);
    while (have >= cost)
        if (atomic_compare_exchange_weak(&s->bucket, &have, have - cost))
            return true;
    return false;
}

static void s_return_tokens(struct opf_aws_session *s, int n)
{
    int have = atomic_load(&s->bucket);
    while (!atomic_compare_exchange_weak(&s->bucket, &have, have + n > RETRY_BUCKET_MAX ? RETRY_BUCKET_MAX : have + n))
        ;
}

/* ---- pacing ---- */

/* AWS's published Account Management quotas (docs.aws.amazon.com/accounts/latest/reference/quotas.html):
 * requests per second and burst of each read, per caller account or per target account. */
static const struct {
    const char *operation;
    double rate, burst;
    bool per_caller;
} s_account_quotas[] = {
    {"GetAccountInformation", 3, 3, true},   {"GetPrimaryEmail", 3, 3, true},
    {"GetAlternateContact", 10, 15, false},  {"GetContactInformation", 10, 15, false},
};

/* Reserves one token of a bucket; returns how long to wait for it (ms). Tokens may go negative: callers
 * queue behind each other in order. */
static long s_bucket_reserve(struct opf_aws_client *c, const char *key, double rate, double burst, long now)
{
    json_t *slot = json_object_get(c->pace_index, key);
    size_t i = slot ? (size_t)json_integer_value(slot) : c->npace;
    if (!slot) {
        struct opf_pace *n = realloc(c->pace, (c->npace + 1) * sizeof(*n));
        if (!n)
            return 0;
        c->pace = n;
        c->pace[i] = (struct opf_pace){.tokens = burst, .at_ms = now};
        json_object_set_new(c->pace_index, key, json_integer((json_int_t)i));
        c->npace++;
    }
    struct opf_pace *b = &c->pace[i];
    b->tokens += (double)(now - b->at_ms) * rate / 1000.0;
    if (b->tokens > burst)
        b->tokens = burst;
    b->at_ms = now;
    b->tokens -= 1;
    return b->tokens < 0 ? (long)(-b->tokens * 1000.0 / rate + 0.5) : 0;
}

/* The adaptive rate of a service (found or added, under c->lock). */
static struct opf_adaptive *s_adaptive(struct opf_aws_client *c, const struct opf_aws_service *svc)
{
    size_t i;
    for (i = 0; i < c->nadaptive && c->adaptive[i].service != svc; i++)
        ;
    if (i == c->nadaptive && i < sizeof(c->adaptive) / sizeof(c->adaptive[0]))
        c->adaptive[c->nadaptive++] = (struct opf_adaptive){.service = svc};
    return i < c->nadaptive ? &c->adaptive[i] : NULL;
}

/* Counts one request of the service and reserves a token at its adaptive rate: how long to wait (ms). */
static long s_adaptive_reserve(struct opf_adaptive *a, long now)
{
    if (now - a->window_ms >= 1000) {
        a->measured = a->window_ms ? a->window_count * 1000.0 / (double)(now - a->window_ms) : 0;
        a->window_ms = now;
        a->window_count = 0;
    }
    a->window_count++;
    if (a->rate <= 0)
        return 0;
    a->tokens += (double)(now - a->at_ms) * a->rate / 1000.0;
    if (a->tokens > 1)
        a->tokens = 1;
    a->at_ms = now;
    a->tokens -= 1;
    return a->tokens < 0 ? (long)(-a->tokens * 1000.0 / a->rate + 0.5) : 0;
}

/* A service that throttles gets a sending rate: 0.7 x what was sent (at most one cut per half second); each
 * success raises it by 0.5 request/s per second, until it no longer binds. Services whose quotas AWS does not
 * publish (Organizations, IAM, STS) settle at the rate they accept, instead of retrying into a failure. */
static void s_adaptive_feedback(struct opf_aws_client *c, const struct opf_aws_service *svc, bool throttled)
{
    if (!c->pacing)
        return;
    long now = opf_aws_now_ms();
    pthread_mutex_lock(&c->lock);
    struct opf_adaptive *a = s_adaptive(c, svc);
    if (a && throttled && now - a->cut_ms >= 500) {
        double sent = a->window_count * 1000.0 / (double)(now - a->window_ms > 250 ? now - a->window_ms : 250);
        double base = a->rate > 0 ? a->rate : sent > a->measured ? sent : a->measured;
        a->rate = base * 0.7 > 0.5 ? base * 0.7 : 0.5;
        a->tokens = 0;
        a->at_ms = a->cut_ms = now;
    } else if (a && !throttled && a->rate > 0) {
        a->rate += 0.5 / a->rate;
        if (a->rate > 1000)
            a->rate = 0;
    }
    pthread_mutex_unlock(&c->lock);
}

/* Waits for a slot of Organizations' few calls in flight; false (err filled) when a signal or the deadline
 * comes first. */
static bool s_orgs_slot(struct opf_aws_client *c, long deadline_ms, struct opf_aws_error *err)
{
    pthread_mutex_lock(&c->lock);
    while (c->orgs_in_flight >= ORGANIZATIONS_IN_FLIGHT && !opf_aws_interrupted(c) && opf_aws_now_ms() < deadline_ms) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 50 * 1000000L; /* wake up to look at the signal flag */
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&c->orgs_cond, &c->lock, &until);
    }
    bool got = c->orgs_in_flight < ORGANIZATIONS_IN_FLIGHT && !opf_aws_interrupted(c);
    c->orgs_in_flight += got;
    pthread_mutex_unlock(&c->lock);
    if (!got)
        opf_aws_error_stopped(c, err);
    return got;
}

/* Waits for the service's pace; false (err filled, no slot held) when a signal or the deadline ends the wait. */
static bool s_pace_begin(struct opf_aws_client *c, const struct opf_aws_service *svc, const struct opf_aws_operation *op,
                         const json_t *input, long deadline_ms, struct opf_aws_error *err)
{
    if (!c->pacing)
        return true;
    pthread_mutex_lock(&c->lock);
    struct opf_adaptive *a = s_adaptive(c, svc);
    long adaptive_wait = a ? s_adaptive_reserve(a, opf_aws_now_ms()) : 0;
    pthread_mutex_unlock(&c->lock);
    if (!opf_aws_wait(c, adaptive_wait, deadline_ms, err))
        return false;
    if (strcmp(svc->name, "organizations") == 0) /* Organizations throttles a management account quickly */
        return s_orgs_slot(c, deadline_ms, err);
    for (size_t q = 0; strcmp(svc->name, "account") == 0 && q < sizeof(s_account_quotas) / sizeof(s_account_quotas[0]); q++) {
        if (strcmp(op->name, s_account_quotas[q].operation) != 0)
            continue;
        const char *target = json_string_value(json_object_get(input, "AccountId"));
        char key[64];
        snprintf(key, sizeof(key), "%s/%s", op->name, s_account_quotas[q].per_caller ? "caller" : target ? target : "self");
        pthread_mutex_lock(&c->lock);
        long wait = s_bucket_reserve(c, key, s_account_quotas[q].rate, s_account_quotas[q].burst, opf_aws_now_ms());
        pthread_mutex_unlock(&c->lock);
        if (!opf_aws_wait(c, wait, deadline_ms, err))
            return false;
    }
    return true;
}

static void s_pace_end(struct opf_aws_client *c, const struct opf_aws_service *svc)
{
    if (c->pacing && strcmp(svc->name, "organizations") == 0) {
        pthread_mutex_lock(&c->lock);
        c->orgs_in_flight--;
        pthread_cond_signal(&c->orgs_cond);
        pthread_mutex_unlock(&c->lock);
    }
}

static void s_count(struct opf_aws_client *c, unsigned long *field)
{
    pthread_mutex_lock(&c->lock);
    (*field)++;
    pthread_mutex_unlock(&c->lock);
}

static bool s_expired_token(const char *code)
{
    return strcmp(code, "ExpiredToken") == 0 || strcmp(code, "ExpiredTokenException") == 0 ||
           strcmp(code, "RequestExpired") == 0;
}

/* One operation, one page, with retries. */
json_t *opf_aws_call_page(struct opf_aws_session *s, const char *region, const struct opf_aws_service *svc,
                          const struct opf_aws_operation *op, const json_t *input, bool sign, long deadline_ms,
                          struct opf_aws_error *err)
{
    struct opf_aws_client *c = s->c;
    struct opf_endpoint ep;
    if (opf_aws_endpoint(c, svc, region ? region : s->region ? s->region : c->region, &ep, err) != 0) {
        snprintf(err->operation, sizeof(err->operation), "%s:%s", svc->name, op->name);
        return NULL;
    }
    const char *url = ep.url, *sign_region = ep.signing_region;
    char host[512];
    const char *h0 = strstr(url, "://");
    h0 = h0 ? h0 + 3 : url;
    snprintf(host, sizeof(host), "%.*s", (int)strcspn(h0, "/"), h0);
    struct opf_wire_request wire;
    if (opf_protocol_build(svc, op, input, &wire) != 0) {
        opf_aws_error_set(err, "ClientError", "cannot serialize the request (a member its path needs is missing)");
        return NULL;
    }
    bool rest_xml = svc->protocol == OPF_PROTO_REST_XML; /* S3: no path normalization, a signed payload hash */
    struct opf_buf full_url = {0};
    opf_buf_printf(&full_url, "%s", url);
    opf_uri_encode(&full_url, wire.path, strlen(wire.path), true);
    if (wire.query && *wire.query)
        opf_buf_printf(&full_url, "?%s", wire.query);
    json_t *out = NULL;
    bool refreshed = false, force_refresh = false, clock_corrected = false;
    int retry_cost = 0, failures = 0;
    for (int attempt = 1;; attempt++) {
        err->attempts = attempt;
        if (opf_aws_interrupted(c)) {
            opf_aws_error_stopped(c, err);
            break;
        }
        struct opf_aws_creds creds = {0};
        if (sign && opf_aws_session_credentials(s, &creds, force_refresh, err) != 0)
            break;
        force_refresh = false;
        struct opf_header hs[3] = {{"Host", host}};
        size_t nhs = 1;
        if (wire.content_type)
            hs[nhs++] = (struct opf_header){"Content-Type", wire.content_type};
        if (wire.target[0])
            hs[nhs++] = (struct opf_header){"X-Amz-Target", wire.target};
        struct opf_sigv4_input in = {.method = wire.method, .path = wire.path, .query = wire.query, .headers = hs,
                                     .nheaders = nhs, .body = wire.body, .body_len = strlen(wire.body),
                                     .region = sign_region, .service = svc->signing_name,
                                     .access_key_id = creds.access_key_id, .secret_access_key = creds.secret_access_key,
                                     .session_token = creds.session_token, .when = opf_aws_clock_now(c),
                                     .normalize_path = !rest_xml, .content_sha256_header = rest_xml};
        struct opf_sigv4_output sig = {0};
        struct curl_slist *headers = NULL;
        struct opf_buf line = {0};
        if (wire.content_type) {
            opf_buf_printf(&line, "Content-Type: %s", wire.content_type);
            headers = curl_slist_append(headers, line.data);
            opf_buf_free(&line);
        }
        if (wire.target[0]) {
            opf_buf_printf(&line, "X-Amz-Target: %s", wire.target);
            headers = curl_slist_append(headers, line.data);
            opf_buf_free(&line);
        }
        headers = curl_slist_append(headers, "Expect:");
        headers = curl_slist_append(headers, "User-Agent: orgpreflight/" OPF_VERSION);
        if (sign) {
            if (opf_sigv4_sign(&in, &sig) != 0) {
                opf_aws_error_set(err, "ClientError", "cannot sign the request");
                curl_slist_free_all(headers);
                opf_aws_creds_clear(&creds);
                break;
            }
            opf_buf_printf(&line, "X-Amz-Date: %s", sig.amz_date);
            headers = curl_slist_append(headers, line.data);
            opf_buf_free(&line);
            if (rest_xml) {
                opf_buf_printf(&line, "X-Amz-Content-Sha256: %s", sig.payload_hash);
                headers = curl_slist_append(headers, line.data);
                opf_buf_free(&line);
            }
            if (creds.session_token) {
                opf_buf_printf(&line, "X-Amz-Security-Token: %s", creds.session_token);
                headers = curl_slist_append(headers, line.data);
                OPENSSL_cleanse(line.data, line.len);
                opf_buf_free(&line);
            }
            opf_buf_printf(&line, "Authorization: %s", sig.authorization);
            headers = curl_slist_append(headers, line.data);
            opf_buf_free(&line);
        }
        opf_aws_creds_clear(&creds);
        opf_sigv4_output_free(&sig);

        struct opf_http_resp resp = {.deadline_ms = deadline_ms};
        if (!s_pace_begin(c, svc, op, input, deadline_ms, err)) {
            curl_slist_free_all(headers);
            break;
        }
        memset(err->code, 0, sizeof(err->code));
        err->message[0] = err->reason[0] = err->request_id[0] = '\0';
        err->http_status = 0;
        s_count(c, &c->stats.requests);
        bool get = strcmp(wire.method, "GET") == 0;
        int rc = opf_aws_http(c, wire.method, full_url.data, headers, get ? NULL : wire.body, &resp, err);
        s_pace_end(c, svc);
        curl_slist_free_all(headers);
        const char *body = resp.body.data ? resp.body.data : "";
        if (rc == 0 && resp.status >= 200 && resp.status < 300 && !opf_protocol_is_error(svc, body, resp.body.len, resp.error_type)) {
            out = opf_protocol_parse(svc, op, body, resp.body.len, err);
            if (out && opf_aws_output_check(op, out, err) != 0)
                json_decref(out), out = NULL;
            if (!out)
                err->http_status = resp.status;
        } else if (rc == 0) { /* an error, even one a 2xx status carries */
            opf_protocol_error(resp.body.data, resp.body.len, resp.error_type, resp.status, err);
            if (!err->request_id[0])
                snprintf(err->request_id, sizeof(err->request_id), "%s", resp.request_id);
        }
        long retry_after = resp.retry_after_ms;
        time_t server_date = resp.date;
        opf_buf_free(&resp.body);
        if (out) {
            s_adaptive_feedback(c, svc, false);
            s_return_tokens(s, retry_cost ? retry_cost : 1);
            break;
        }
        if (sign && !clock_corrected && rc == 0 && opf_aws_clock_correct(c, err->code, server_date)) {
            clock_corrected = true; /* signed with a wrong clock: once more with the server's time, uncharged */
            continue;
        }
        if (sign && !refreshed && s_expired_token(err->code) && opf_aws_session_refreshable(s)) {
            /* expired credentials: refresh once, charged neither to the attempts nor to the retry budget */
            refreshed = force_refresh = true;
            s_count(c, &c->stats.refreshes);
            continue;
        }
        bool throttled = opf_aws_throttling(err->code, err->http_status);
        if (rc == 0)
            s_adaptive_feedback(c, svc, throttled);
        if (throttled)
            s_count(c, &c->stats.throttled);
        if (!opf_aws_retryable(err->code, err->http_status)) {
            /* a definitive answer (NoSuchEntity, AccessDenied, ...): the service is healthy, refund as a success */
            s_return_tokens(s, retry_cost ? retry_cost : 1);
            break;
        }
        if (!throttled) { /* other errors: the attempts and the retry tokens of the SDKs' standard mode */
            if (++failures >= c->max_attempts)
                break;
            int cost = strcmp(err->code, "RequestTimeout") == 0 ? RETRY_TIMEOUT_COST : RETRY_COST;
            if (c->retry_mode != OPF_RETRY_LEGACY && !s_take_tokens(s, cost)) /* legacy: no retry quota */
                break;
            retry_cost += cost;
        } /* throttling costs no evidence: retried at the adaptive rate until the call's time budget ends */
        s_count(c, &c->stats.retries);
        if (!opf_aws_wait(c, retry_after > 0 ? retry_after : opf_aws_backoff_ms(c->backoff_base_ms, attempt), deadline_ms, err))
            break;
    }
    if (!out) {
        s_count(c, &c->stats.failures);
        snprintf(err->operation, sizeof(err->operation), "%s:%s", svc->name, op->name);
    }
    opf_wire_request_free(&wire);
    opf_buf_free(&full_url);
    return out;
}
