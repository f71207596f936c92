/* AWS Signature Version 4 with OpenSSL (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "aws/sigv4.h"

static const char s_hex[] = "0123456789abcdef";

static void s_to_hex(const unsigned char *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = s_hex[d[i] >> 4];
        out[2 * i + 1] = s_hex[d[i] & 15];
    }
    out[2 * n] = '\0';
}

void opf_sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
    s_to_hex(md, 32, hex);
}

static void s_hmac(const void *key, size_t klen, const char *msg, unsigned char out[32])
{
    unsigned int n = 32;
    HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &n);
}

void opf_uri_encode(struct opf_buf *b, const char *s, size_t len, bool keep_slash)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/'))
            opf_buf_putc(b, (char)c);
        else
            opf_buf_printf(b, "%%%02X", c);
    }
}

static int s_hexval(char c)
{
    return isdigit((unsigned char)c) ? c - '0' : isxdigit((unsigned char)c) ? (tolower((unsigned char)c) - 'a' + 10) : -1;
}

/* Percent-decodes then re-encodes, so that already-encoded and raw query strings canonicalize alike. */
static char *s_reencode(const char *s, size_t len)
{
    struct opf_buf raw = {0}, out = {0};
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && s_hexval(s[i + 1]) >= 0 && s_hexval(s[i + 2]) >= 0) {
            opf_buf_putc(&raw, (char)(s_hexval(s[i + 1]) * 16 + s_hexval(s[i + 2])));
            i += 2;
        } else {
            opf_buf_putc(&raw, s[i]);
        }
    }
    opf_uri_encode(&out, raw.data ? raw.data : "", raw.len, false);
    opf_buf_free(&raw);
    return opf_buf_steal(&out);
}

/* RFC 3986 remove_dot_segments, plus merging repeated slashes, as SigV4 does for every service but S3. */
static char *s_normalize_path(const char *path)
{
    size_t n = strlen(path);
    const char **segs = calloc(n + 1, sizeof(*segs));
    size_t *lens = calloc(n + 1, sizeof(*lens));
    size_t count = 0;
    bool trailing = n > 0 && path[n - 1] == '/';
    for (const char *p = path; segs && lens && *p;) {
        while (*p == '/')
            p++;
        const char *start = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - start);
        if (len == 0 || (len == 1 && start[0] == '.')) {
            trailing = trailing || (len == 1 && !*p);
            continue;
        }
        if (len == 2 && start[0] == '.' && start[1] == '.') {
            if (count)
                count--;
            trailing = trailing || !*p;
            continue;
        }
        segs[count] = start;
        lens[count++] = len;
    }
    struct opf_buf b = {0};
    for (size_t i = 0; i < count; i++) {
        opf_buf_putc(&b, '/');
        opf_buf_append(&b, segs[i], lens[i]);
    }
    if (count == 0 || trailing)
        opf_buf_putc(&b, '/');
    free(segs);
    free(lens);
    return opf_buf_steal(&b);
}

struct s_param {
    char *key, *value;
};

static int s_param_cmp(const void *a, const void *b)
{
    const struct s_param *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

static void s_canonical_query(struct opf_buf *b, const char *query)
{
    if (!query || !*query)
        return;
    size_t n = 1;
    for (const char *p = query; *p; p++)
        n += *p == '&';
    struct s_param *params = calloc(n, sizeof(*params));
    size_t count = 0;
    for (const char *p = query; params && *p;) {
        size_t len = strcspn(p, "&");
        if (len) {
            const char *eq = memchr(p, '=', len);
            size_t klen = eq ? (size_t)(eq - p) : len;
            params[count].key = s_reencode(p, klen);
            params[count].value = eq ? s_reencode(eq + 1, len - klen - 1) : strdup("");
            count++;
        }
        p += len + (p[len] == '&');
    }
    qsort(params, count, sizeof(*params), s_param_cmp);
    for (size_t i = 0; i < count; i++) {
        opf_buf_printf(b, "%s%s=%s", i ? "&" : "", params[i].key ? params[i].key : "",
                       params[i].value ? params[i].value : "");
        free(params[i].key);
        free(params[i].value);
    }
    free(params);
}

struct s_hdr {
    char *name;     /* lower case */
    char *value;    /* trimmed, inner whitespace runs folded to one space */
    size_t order;
};

static int s_hdr_cmp(const void *a, const void *b)
{
    const struct s_hdr *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->order < y->order ? -1 : x->order > y->order);
}

static char *s_lower(const char *s)
{
    char *d = strdup(s);
    for (char *p = d; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

static char *s_fold(const char *s)
{
    struct opf_buf b = {0};
    bool space = false;
    while (isspace((unsigned char)*s))
        s++;
    for (; *s; s++) {
        if (isspace((unsigned char)*s)) {
            space = true;
            continue;
        }
        if (space)
            opf_buf_putc(&b, ' ');
        space = false;
        opf_buf_putc(&b, *s);
    }
    return opf_buf_steal(&b);
}

static void s_push(struct s_hdr *h, size_t *count, char *name, char *value)
{
    h[*count] = (struct s_hdr){name, value, *count};
    (*count)++;
}

/* Stage 1: the canonical request and the signed header names. 0, or -1 on allocation failure. */
static int s_canonical_request(const struct opf_sigv4_input *in, struct opf_sigv4_output *out)
{
    /* the headers to sign: the request's, plus the ones signing adds */
    size_t n = in->nheaders + 3, count = 0;
    struct s_hdr *h = calloc(n, sizeof(*h));
    if (!h)
        return -1;
    for (size_t i = 0; i < in->nheaders; i++)
        s_push(h, &count, s_lower(in->headers[i].name), s_fold(in->headers[i].value));
    s_push(h, &count, strdup("x-amz-date"), strdup(out->amz_date));
    if (in->content_sha256_header)
        s_push(h, &count, strdup("x-amz-content-sha256"), strdup(out->payload_hash));
    if (in->session_token && !in->omit_session_token)
        s_push(h, &count, strdup("x-amz-security-token"), strdup(in->session_token));
    qsort(h, count, sizeof(*h), s_hdr_cmp);

    struct opf_buf creq = {0}, names = {0};
    opf_buf_printf(&creq, "%s\n", in->method);
    char *path = in->normalize_path ? s_normalize_path(in->path) : strdup(in->path);
    opf_uri_encode(&creq, path ? path : "/", path ? strlen(path) : 1, true);
    free(path);
    opf_buf_putc(&creq, '\n');
    s_canonical_query(&creq, in->query);
    opf_buf_putc(&creq, '\n');
    for (size_t i = 0; i < count; i++) {
        bool repeat = i > 0 && strcmp(h[i].name, h[i - 1].name) == 0;
        if (repeat) { /* repeated names: one line, values joined by commas in request order */
            opf_buf_printf(&creq, ",%s", h[i].value ? h[i].value : "");
            continue;
        }
        opf_buf_printf(&creq, "%s%s:%s", i ? "\n" : "", h[i].name ? h[i].name : "", h[i].value ? h[i].value : "");
        opf_buf_printf(&names, "%s%s", names.len ? ";" : "", h[i].name ? h[i].name : "");
    }
    opf_buf_printf(&creq, "\n\n%s\n%s", names.data ? names.data : "", out->payload_hash);
    for (size_t i = 0; i < count; i++) {
        free(h[i].name);
        free(h[i].value);
    }
    free(h);
    out->canonical_request = opf_buf_steal(&creq);
    out->signed_headers = opf_buf_steal(&names);
    return out->canonical_request && out->signed_headers ? 0 : -1;
}

/* Stage 3: the signature of the string to sign with the key derived for the day, region and service. */
static void s_signature(const struct opf_sigv4_input *in, const char *date, struct opf_sigv4_output *out)
{
    /* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request") */
    struct opf_buf secret = {0};
    opf_buf_printf(&secret, "AWS4%s", in->secret_access_key);
    unsigned char k[32], sig[32];
    s_hmac(secret.data, secret.len, date, k);
    OPENSSL_cleanse(secret.data, secret.len);
    opf_buf_free(&secret);
    s_hmac(k, 32, in->region, k);
    s_hmac(k, 32, in->service, k);
    s_hmac(k, 32, "aws4_request", k);
    s_hmac(k, 32, out->string_to_sign ? out->string_to_sign : "", sig);
    OPENSSL_cleanse(k, sizeof(k));
    s_to_hex(sig, 32, out->signature);
}

int opf_sigv4_sign(const struct opf_sigv4_input *in, struct opf_sigv4_output *out)
{
    memset(out, 0, sizeof(*out));
    struct tm tm;
    gmtime_r(&in->when, &tm);
    strftime(out->amz_date, sizeof(out->amz_date), "%Y%m%dT%H%M%SZ", &tm);
    char date[9];
    memcpy(date, out->amz_date, 8);
    date[8] = '\0';
    opf_sha256_hex(in->body ? in->body : "", in->body ? in->body_len : 0, out->payload_hash);
    if (s_canonical_request(in, out) != 0) {
        opf_sigv4_output_free(out);
        return -1;
    }
    char creq_hash[65];
    opf_sha256_hex(out->canonical_request, strlen(out->canonical_request), creq_hash);
    struct opf_buf sts = {0}; /* stage 2: the string to sign */
    opf_buf_printf(&sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", out->amz_date, date, in->region,
                   in->service, creq_hash);
    out->string_to_sign = opf_buf_steal(&sts);
    s_signature(in, date, out);
    struct opf_buf auth = {0};
    opf_buf_printf(&auth, "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s",
                   in->access_key_id, date, in->region, in->service, out->signed_headers, out->signature);
    out->authorization = opf_buf_steal(&auth);
    if (!out->string_to_sign || !out->authorization) {
        opf_sigv4_output_free(out);
        return -1;
    }
    return 0;
}

void opf_sigv4_output_free(struct opf_sigv4_output *out)
{
    free(out->canonical_request);
    free(out->string_to_sign);
    free(out->signed_headers);
    free(out->authorization);
    memset(out, 0, sizeof(*out));
}
