/*
 * HTTP: the libcurl transport and its event loop, and the exchange every request of the client goes through
 * (traced to --debug). One event-loop thread drives every transfer through a curl multi handle (connections,
 * TLS sessions and DNS answers reused); the worker that handed a transfer waits on its own condition, so a
 * finished transfer wakes only that worker.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "aws/client.h"
#include "aws/limits.h"
#include "aws/protocol.h"
#include "aws/transport.h"

struct opf_curl {
    struct opf_aws_client *c;          /* its timeouts, CA bundle, answer size cap, clock and signal flag */
    CURLM *multi;                      /* driven by the event-loop thread only */
    pthread_t loop;
    pthread_mutex_t qlock;             /* queue, stop and the transfers' done flags (each has its own condition) */
    struct opf_transfer *queue;        /* transfers waiting to join the multi handle */
    bool stop;
};

/* One request handed to the loop. */
struct opf_transfer {
    CURL *easy;
    CURLcode rc;
    bool done;
    pthread_cond_t finished;           /* signalled under qlock when done is set */
    struct opf_transfer *next;
};

static pthread_once_t s_curl_once = PTHREAD_ONCE_INIT;
static void s_curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Hands the queued transfers to the multi handle; true when the loop is asked to stop. */
static bool s_take_queue(struct opf_curl *h)
{
    pthread_mutex_lock(&h->qlock);
    bool stop = h->stop;
    while (h->queue) {
        struct opf_transfer *t = h->queue;
        h->queue = t->next;
        curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
        curl_multi_add_handle(h->multi, t->easy);
    }
    pthread_mutex_unlock(&h->qlock);
    return stop;
}

static void *s_loop(void *arg)
{
    struct opf_curl *h = arg;
    for (;;) {
        bool stop = s_take_queue(h);
        int running = 0;
        curl_multi_perform(h->multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(h->multi, &left))) {
            if (m->msg != CURLMSG_DONE)
                continue;
            struct opf_transfer *t = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
            curl_multi_remove_handle(h->multi, m->easy_handle);
            pthread_mutex_lock(&h->qlock);
            t->rc = m->data.result;
            t->done = true;
            pthread_cond_signal(&t->finished);
            pthread_mutex_unlock(&h->qlock);
        }
        if (stop && running == 0)
            return NULL;
        curl_multi_poll(h->multi, NULL, 0, 1000, NULL);
    }
}

/* Runs one configured easy handle on the event loop and waits for it. */
static CURLcode s_perform(struct opf_curl *h, CURL *easy)
{
    struct opf_transfer t = {.easy = easy};
    pthread_cond_init(&t.finished, NULL);
    pthread_mutex_lock(&h->qlock);
    t.next = h->queue;
    h->queue = &t;
    pthread_mutex_unlock(&h->qlock);
    curl_multi_wakeup(h->multi);
    pthread_mutex_lock(&h->qlock);
    while (!t.done)
        pthread_cond_wait(&t.finished, &h->qlock);
    pthread_mutex_unlock(&h->qlock);
    pthread_cond_destroy(&t.finished);
    return t.rc;
}

struct s_receiving {
    struct opf_http_resp *resp;
    const struct opf_aws_client *c;
    bool too_large;                    /* the answer passed max_answer_bytes and was abandoned */
};

/* An answer past max_answer_bytes is abandoned (a short count ends the transfer): a never-ending body must
 * not take the memory. So is one that memory cannot hold: a cut answer must not be parsed. */
static size_t s_write(char *ptr, size_t size, size_t n, void *ud)
{
    struct s_receiving *r = ud;
    if ((long)(r->resp->body.len + size * n) > r->c->max_answer_bytes) {
        r->too_large = true;
        return 0;
    }
    opf_buf_append(&r->resp->body, ptr, size * n);
    return r->resp->body.oom ? 0 : size * n;
}

static void s_too_large(const struct opf_aws_client *c, const char *url, struct opf_aws_error *err)
{
    opf_aws_error_set(err, "ResponseTooLarge", "%s: the answer passed %ld bytes (aws.max_answer_bytes): abandoned", url,
                      c->max_answer_bytes);
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

/* The request's headers as libcurl's list ("Expect:" keeps libcurl from waiting for a 100 Continue). */
static struct curl_slist *s_header_list(const struct opf_http_request *req)
{
    struct curl_slist *list = NULL;
    struct opf_buf line = {0};
    for (size_t i = 0; i < req->nheaders; i++) {
        opf_buf_printf(&line, "%s: %s", req->headers[i].name, req->headers[i].value);
        list = curl_slist_append(list, line.data ? line.data : "");
        OPENSSL_cleanse(line.data, line.len);
        opf_buf_free(&line);
    }
    return curl_slist_append(list, "Expect:");
}

/* Frees the list, wiping its lines first: some hold a token. */
static void s_header_list_free(struct curl_slist *list)
{
    for (struct curl_slist *l = list; l; l = l->next)
        OPENSSL_cleanse(l->data, strlen(l->data));
    curl_slist_free_all(list);
}

static void s_setup(CURL *e, const struct opf_aws_client *c, const struct opf_http_request *req,
                    struct curl_slist *headers, struct s_receiving *receiving, char *errbuf)
{
    curl_easy_setopt(e, CURLOPT_URL, req->url);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
    if (req->body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(req->body));
    } else if (strcmp(req->method, "GET") == 0) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, s_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, receiving);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, s_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, c);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, s_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, receiving->resp);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    long timeout = c->read_timeout_ms, left = req->deadline_ms ? req->deadline_ms - opf_aws_now_ms(c) : timeout;
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, left < timeout ? (left > 1 ? left : 1) : timeout);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    if (c->ca_bundle)
        curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_bundle);
}

static int s_curl_exchange(void *ctx, const struct opf_http_request *req, struct opf_http_resp *resp,
                           struct opf_aws_error *err)
{
    struct opf_curl *h = ctx;
    CURL *e = curl_easy_init();
    if (!e) {
        opf_aws_error_set(err, "ClientError", "cannot create an HTTP handle");
        return -1;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    struct s_receiving receiving = {resp, h->c, false};
    struct curl_slist *headers = s_header_list(req);
    s_setup(e, h->c, req, headers, &receiving, errbuf);
    CURLcode rc = s_perform(h, e);
    int out = 0;
    if (rc != CURLE_OK && receiving.too_large) {
        s_too_large(h->c, req->url, err);
        out = -1;
    } else if (rc != CURLE_OK && resp->body.oom) {
        opf_aws_error_set(err, "OutOfMemory", "%s: no memory for the answer", req->url);
        out = -1;
    } else if (rc != CURLE_OK) {
        s_transport_error(h->c, rc, req->url, errbuf[0] ? errbuf : curl_easy_strerror(rc), err);
        out = -1;
    } else {
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &resp->status);
    }
    curl_easy_cleanup(e);
    s_header_list_free(headers);
    return out;
}

int opf_aws_curl_start(struct opf_aws_client *c, struct opf_aws_transport *out, struct opf_aws_error *err)
{
    pthread_once(&s_curl_once, s_curl_init);
    struct opf_curl *h = calloc(1, sizeof(*h));
    if (h) {
        h->c = c;
        pthread_mutex_init(&h->qlock, NULL);
        h->multi = curl_multi_init();
    }
    /* as many connections to one host as the collector's requests in flight (docs/aws-client.md), which all go to
     * one host when an endpoint URL is set */
    if (h && h->multi)
        curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 128L);
    if (!h || !h->multi || pthread_create(&h->loop, NULL, s_loop, h) != 0) {
        opf_aws_error_set(err, "ClientError", "cannot start the HTTP event loop");
        if (h) {
            curl_multi_cleanup(h->multi);
            pthread_mutex_destroy(&h->qlock);
        }
        free(h);
        return -1;
    }
    *out = (struct opf_aws_transport){s_curl_exchange, h};
    return 0;
}

void opf_aws_curl_stop(struct opf_aws_transport *t)
{
    struct opf_curl *h = t->ctx;
    pthread_mutex_lock(&h->qlock);
    h->stop = true;
    pthread_mutex_unlock(&h->qlock);
    curl_multi_wakeup(h->multi);
    pthread_join(h->loop, NULL);
    curl_multi_cleanup(h->multi);
    pthread_mutex_destroy(&h->qlock);
    free(h);
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

int opf_aws_http(struct opf_aws_client *c, const struct opf_http_request *req, struct opf_http_resp *resp,
                 struct opf_aws_error *err)
{
    char first[1024];
    snprintf(first, sizeof(first), "%s %s", req->method, req->url);
    s_trace(c, ">", first, req->body);
    int rc = c->transport.exchange(c->transport.ctx, req, resp, err);
    if (rc == 0 && (long)resp->body.len > c->max_answer_bytes) { /* whatever the transport, the cap holds */
        opf_buf_free(&resp->body);
        s_too_large(c, req->url, err);
        rc = -1;
    }
    if (rc != 0) {
        s_trace(c, "<", err->message, NULL);
        return -1;
    }
    snprintf(first, sizeof(first), "%ld", resp->status);
    s_trace(c, "<", first, resp->body.data);
    return 0;
}
