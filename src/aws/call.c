/*
 * One page of an operation: its request built once, then signed and sent attempt after attempt until an answer,
 * a definitive error, or the retry policy (retry.c) or the call's deadline stops it. Every attempt waits for the
 * client's pacing (pace.c) and goes through the client's transport (http.c, or the one its options inject).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/client.h"
#include "aws/endpoint.h"
#include "aws/limits.h"
#include "aws/pace.h"
#include "aws/protocol.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "aws/transport.h"

/* What stays the same across the attempts of one page. */
struct s_request {
    const struct opf_aws_service *svc;
    const struct opf_aws_operation *op;
    struct opf_wire_request wire;
    char sign_region[64];
    char host[512];
    struct opf_buf url;
    bool rest_xml;                     /* S3: no path normalization, a signed payload hash */
};

/* One attempt's headers; they point into creds and sig, which are wiped once it is sent. */
struct s_signed {
    struct opf_aws_creds creds;
    struct opf_sigv4_output sig;
    struct opf_header headers[8];
    size_t n;
};

static int s_prepare(struct opf_aws_session *s, const char *region, struct s_request *r, const json_t *input,
                     struct opf_aws_error *err)
{
    struct opf_aws_client *c = s->c;
    struct opf_endpoint ep;
    if (opf_aws_endpoint(c, r->svc, region ? region : s->region ? s->region : c->region, &ep, err) != 0) {
        snprintf(err->operation, sizeof(err->operation), "%s:%s", r->svc->name, r->op->name);
        return -1;
    }
    snprintf(r->sign_region, sizeof(r->sign_region), "%s", ep.signing_region);
    const char *h0 = strstr(ep.url, "://");
    h0 = h0 ? h0 + 3 : ep.url;
    snprintf(r->host, sizeof(r->host), "%.*s", (int)strcspn(h0, "/"), h0);
    if (opf_protocol_build(r->svc, r->op, input, &r->wire) != 0) {
        opf_aws_error_set(err, "ClientError", "cannot serialize the request (a member its path needs is missing)");
        return -1;
    }
    r->rest_xml = r->svc->protocol == OPF_PROTO_REST_XML;
    opf_buf_printf(&r->url, "%s", ep.url);
    opf_uri_encode(&r->url, r->wire.path, strlen(r->wire.path), true);
    if (r->wire.query && *r->wire.query)
        opf_buf_printf(&r->url, "?%s", r->wire.query);
    return 0;
}

static void s_signed_free(struct s_signed *a)
{
    opf_aws_creds_clear(&a->creds);
    opf_sigv4_output_free(&a->sig);
}

static void s_add(struct s_signed *a, const char *name, const char *value)
{
    a->headers[a->n++] = (struct opf_header){name, value};
}

/* The attempt's headers, signed with the session's credentials now (refreshed first when force) unless !sign. */
static int s_sign(struct opf_aws_session *s, const struct s_request *r, bool sign, bool force, struct s_signed *a,
                  struct opf_aws_error *err)
{
    const struct opf_wire_request *w = &r->wire;
    if (w->content_type)
        s_add(a, "Content-Type", w->content_type);
    if (w->target[0])
        s_add(a, "X-Amz-Target", w->target);
    s_add(a, "User-Agent", "orgpreflight/" OPF_VERSION);
    if (!sign)
        return 0;
    if (s->credentials(s, &a->creds, force, err) != 0)
        return -1;
    struct opf_header hs[3] = {{"Host", r->host}};
    size_t nhs = 1;
    if (w->content_type)
        hs[nhs++] = (struct opf_header){"Content-Type", w->content_type};
    if (w->target[0])
        hs[nhs++] = (struct opf_header){"X-Amz-Target", w->target};
    struct opf_sigv4_input in = {.method = w->method, .path = w->path, .query = w->query, .headers = hs,
                                 .nheaders = nhs, .body = w->body, .body_len = strlen(w->body),
                                 .region = r->sign_region, .service = r->svc->signing_name,
                                 .access_key_id = a->creds.access_key_id, .secret_access_key = a->creds.secret_access_key,
                                 .session_token = a->creds.session_token, .when = opf_aws_clock_now(s->c),
                                 .normalize_path = !r->rest_xml, .content_sha256_header = r->rest_xml};
    if (opf_sigv4_sign(&in, &a->sig) != 0) {
        opf_aws_error_set(err, "ClientError", "cannot sign the request");
        return -1;
    }
    s_add(a, "X-Amz-Date", a->sig.amz_date);
    if (r->rest_xml)
        s_add(a, "X-Amz-Content-Sha256", a->sig.payload_hash);
    if (a->creds.session_token)
        s_add(a, "X-Amz-Security-Token", a->creds.session_token);
    s_add(a, "Authorization", a->sig.authorization);
    return 0;
}

/* The answer as the operation's output, or NULL with err (an error answer, even one a 2xx status carries). */
static json_t *s_read(const struct s_request *r, const struct opf_http_resp *resp, struct opf_aws_error *err)
{
    const char *body = resp->body.data ? resp->body.data : "";
    if (resp->status >= 200 && resp->status < 300 && !opf_protocol_is_error(r->svc, body, resp->body.len, resp->error_type)) {
        json_t *out = opf_protocol_parse(r->svc, r->op, body, resp->body.len, err);
        if (out && opf_aws_output_check(r->op, out, err) != 0)
            json_decref(out), out = NULL;
        if (!out)
            err->http_status = resp->status;
        return out;
    }
    opf_protocol_error(resp->body.data, resp->body.len, resp->error_type, resp->status, err);
    if (!err->request_id[0])
        snprintf(err->request_id, sizeof(err->request_id), "%s", resp->request_id);
    return NULL;
}

/* Paces and sends one signed attempt: 0 with resp (any status), -1 with err (no answer; *paced false when the
 * pacing wait itself ended it). */
static int s_send(struct opf_aws_client *c, const struct s_request *r, const json_t *input, const struct s_signed *a,
                  struct opf_http_resp *resp, long deadline_ms, bool *paced, struct opf_aws_error *err)
{
    *paced = opf_aws_pace_begin(c, r->svc, r->op, input, deadline_ms, err);
    if (!*paced)
        return -1;
    memset(err->code, 0, sizeof(err->code));
    err->message[0] = err->reason[0] = err->request_id[0] = '\0';
    err->http_status = 0;
    opf_aws_count(c, &c->stats.requests);
    bool get = strcmp(r->wire.method, "GET") == 0;
    struct opf_http_request req = {.method = r->wire.method, .url = r->url.data, .headers = a->headers,
                                   .nheaders = a->n, .body = get ? NULL : r->wire.body, .deadline_ms = deadline_ms};
    int rc = opf_aws_http(c, &req, resp, err);
    opf_aws_pace_end(c, r->svc);
    return rc;
}

json_t *opf_aws_call_page(struct opf_aws_session *s, const char *region, const struct opf_aws_service *svc,
                          const struct opf_aws_operation *op, const json_t *input, bool sign, long deadline_ms,
                          struct opf_aws_error *err)
{
    struct opf_aws_client *c = s->c;
    struct s_request r = {.svc = svc, .op = op};
    if (s_prepare(s, region, &r, input, err) != 0) {
        opf_buf_free(&r.url);
        return NULL;
    }
    json_t *out = NULL;
    struct opf_retry retry = {0};
    for (int attempt = 1;; attempt++) {
        err->attempts = attempt;
        if (opf_aws_interrupted(c)) {
            opf_aws_error_stopped(c, err);
            break;
        }
        struct s_signed a = {0};
        bool paced = false, force = retry.force_refresh;
        retry.force_refresh = false;
        struct opf_http_resp resp = {0};
        int rc = s_sign(s, &r, sign, force, &a, err) != 0 ? -1 : s_send(c, &r, input, &a, &resp, deadline_ms, &paced, err);
        s_signed_free(&a);
        if (!paced) { /* not signed, or the pacing wait ended: nothing was sent */
            opf_buf_free(&resp.body);
            break;
        }
        out = rc == 0 ? s_read(&r, &resp, err) : NULL;
        opf_buf_free(&resp.body);
        if (out) {
            opf_aws_pace_feedback(c, svc, false);
            opf_aws_retry_refund(s, &retry);
            break;
        }
        long wait = 0;
        enum opf_retry_step step = opf_aws_retry_next(s, &retry, attempt, err, rc == 0, sign, resp.date,
                                                      resp.retry_after_ms, &wait);
        if (step == OPF_RETRY_NOW)
            continue;
        if (rc == 0)
            opf_aws_pace_feedback(c, svc, opf_aws_throttling(err->code, err->http_status));
        if (step == OPF_RETRY_STOP || !opf_aws_wait(c, wait, deadline_ms, err))
            break;
    }
    if (!out) {
        opf_aws_count(c, &c->stats.failures);
        snprintf(err->operation, sizeof(err->operation), "%s:%s", svc->name, op->name);
    }
    opf_wire_request_free(&r.wire);
    opf_buf_free(&r.url);
    return out;
}
