/*
 * SigV4 against AWS's official vectors (tests/data/sigv4/v4, header signing): for every
 * case the canonical request, the string to sign and the signature must match byte for byte.
 * Query (presigned) signing is not applicable: orgpreflight signs headers only.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "aws/sigv4.h"
#include "orgpreflight/check.h"

static char *s_read(const char *dir, const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct opf_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        opf_buf_append(&b, chunk, n);
    fclose(f);
    if (len)
        *len = b.len;
    return opf_buf_steal(&b);
}

struct s_req {
    char *method, *path, *query;
    struct opf_header headers[16];
    bool joined[16];        /* the value was allocated by joining continuation lines */
    size_t nheaders;
    char *body;
    size_t body_len;
    struct opf_buf store;
};

/* Parses request.txt: "METHOD SP target SP HTTP/1.1", then Name:value lines (continuations start with
 * whitespace), an empty line, and the body. */
static void s_parse_request(char *text, size_t len, struct s_req *r)
{
    memset(r, 0, sizeof(*r));
    char *eol = strchr(text, '\n');
    if (!eol)
        eol = text + len;
    *eol = '\0';
    char *sp = strchr(text, ' ');
    *sp = '\0';
    r->method = text;
    char *target = sp + 1;
    target[strlen(target) - 9] = '\0'; /* " HTTP/1.1" */
    char *q = strchr(target, '?');
    if (q) {
        *q = '\0';
        r->query = q + 1;
    }
    r->path = target;
    char *p = eol < text + len ? eol + 1 : text + len;
    char *end = text + len;
    while (p < end && *p != '\n') {
        char *line_end = memchr(p, '\n', (size_t)(end - p));
        if (!line_end)
            line_end = end;
        *line_end = '\0';
        if ((*p == ' ' || *p == '\t') && r->nheaders) {
            /* continuation: append to the previous value, keeping the line break for folding */
            struct opf_header *h = &r->headers[r->nheaders - 1];
            char *joined = malloc(strlen(h->value) + strlen(p) + 2);
            sprintf(joined, "%s\n%s", h->value, p);
            if (r->joined[r->nheaders - 1])
                free((char *)h->value);
            h->value = joined;
            r->joined[r->nheaders - 1] = true;
        } else {
            char *colon = strchr(p, ':');
            *colon = '\0';
            r->headers[r->nheaders++] = (struct opf_header){p, colon + 1};
        }
        p = line_end + 1;
    }
    if (p < end && *p == '\n') {
        r->body = p + 1;
        r->body_len = (size_t)(end - (p + 1));
    }
}

static int s_run_case(const char *dir, const char *name, char *why, size_t whylen)
{
    char cdir[1024];
    snprintf(cdir, sizeof(cdir), "%s/%s", dir, name);
    size_t len;
    char *req_text = s_read(cdir, "request.txt", &len);
    char *ctx_text = s_read(cdir, "context.json", NULL);
    char *creq = s_read(cdir, "header-canonical-request.txt", NULL);
    char *sts = s_read(cdir, "header-string-to-sign.txt", NULL);
    char *sig = s_read(cdir, "header-signature.txt", NULL);
    assert_non_null(req_text);
    assert_non_null(ctx_text);
    json_t *ctx = json_loads(ctx_text, 0, NULL);
    assert_non_null(ctx);
    struct s_req r;
    s_parse_request(req_text, len, &r);
    const json_t *cred = json_object_get(ctx, "credentials");
    time_t when;
    assert_true(opf_time_parse(json_string_value(json_object_get(ctx, "timestamp")), &when));
    struct opf_sigv4_input in = {
        .method = r.method, .path = r.path, .query = r.query, .headers = r.headers, .nheaders = r.nheaders,
        .body = r.body, .body_len = r.body_len,
        .region = json_string_value(json_object_get(ctx, "region")),
        .service = json_string_value(json_object_get(ctx, "service")),
        .access_key_id = json_string_value(json_object_get(cred, "access_key_id")),
        .secret_access_key = json_string_value(json_object_get(cred, "secret_access_key")),
        .session_token = json_string_value(json_object_get(cred, "token")),
        .when = when,
        .normalize_path = json_is_true(json_object_get(ctx, "normalize")),
        .content_sha256_header = json_is_true(json_object_get(ctx, "sign_body")),
        .omit_session_token = json_is_true(json_object_get(ctx, "omit_session_token")),
    };
    struct opf_sigv4_output out;
    assert_int_equal(opf_sigv4_sign(&in, &out), 0);
    int bad = 0;
    if (strcmp(out.canonical_request, creq) != 0)
        bad = snprintf(why, whylen, "%s: canonical request\n--- got\n%s\n--- want\n%s", name, out.canonical_request, creq);
    else if (strcmp(out.string_to_sign, sts) != 0)
        bad = snprintf(why, whylen, "%s: string to sign", name);
    else if (strcmp(out.signature, sig) != 0)
        bad = snprintf(why, whylen, "%s: signature", name);
    opf_sigv4_output_free(&out);
    for (size_t i = 0; i < r.nheaders; i++)
        if (r.joined[i])
            free((char *)r.headers[i].value);
    json_decref(ctx);
    free(req_text);
    free(ctx_text);
    free(creq);
    free(sts);
    free(sig);
    return bad;
}

static void test_official_vectors(void **state)
{
    const char *root = getenv("OPF_SOURCE_DIR");
    char dir[1024];
    /* ctest runs unit tests from tests/, so the fallback is relative to it */
    snprintf(dir, sizeof(dir), "%s/tests/data/sigv4/v4", root ? root : "..");
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int cases = 0, failed = 0;
    char why[8192];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        cases++;
        if (s_run_case(dir, e->d_name, why, sizeof(why))) {
            print_error("%s\n", why);
            failed++;
        }
    }
    closedir(d);
    print_message("sigv4: %d header-signing vectors, %d failed\n", cases, failed);
    assert_int_equal(cases, 38);
    assert_int_equal(failed, 0);
}

/* Vectors computed with botocore's SigV4Auth: a real Organizations call, with and without a session token,
 * and the Query protocol. */
static void test_service_requests(void **state)
{
    time_t when;
    assert_true(opf_time_parse("2025-01-02T03:04:05Z", &when));
    struct opf_header h[] = {{"Content-Type", "application/x-amz-json-1.1"},
                             {"Host", "organizations.us-east-1.amazonaws.com"},
                             {"X-Amz-Target", "AWSOrganizationsV20161128.ListAccounts"}};
    struct opf_sigv4_input in = {.method = "POST", .path = "/", .headers = h, .nheaders = 3, .body = "{}",
                                 .body_len = 2, .region = "us-east-1", .service = "organizations",
                                 .access_key_id = "AKIDEXAMPLE",
                                 .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", .when = when,
                                 .normalize_path = true};
    struct opf_sigv4_output out;
    assert_int_equal(opf_sigv4_sign(&in, &out), 0);
    assert_string_equal(out.signature, "dd05fe7be5c6e4d90d3f14ce2e1870350b5b26452ff01babd84e77ae5c453d90");
    opf_sigv4_output_free(&out);
    in.session_token = "FQoGZXIvYXdzEXAMPLETOKEN";
    assert_int_equal(opf_sigv4_sign(&in, &out), 0);
    assert_string_equal(out.signed_headers, "content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
    assert_string_equal(out.signature, "fa1ae6d77b8ee6725d9c4375dc63ba9289169ab2bf2588fbd2c8703216d26fa8");
    /* the Authorization header never carries the secret */
    assert_null(strstr(out.authorization, "wJalrXUtnFEMI"));
    opf_sigv4_output_free(&out);

    struct opf_header q[] = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                             {"Host", "iam.amazonaws.com"}};
    struct opf_sigv4_input iam = in;
    iam.headers = q;
    iam.nheaders = 2;
    iam.session_token = NULL;
    iam.service = "iam";
    iam.body = "Action=GetAccountSummary&Version=2010-05-08";
    iam.body_len = strlen(iam.body);
    assert_int_equal(opf_sigv4_sign(&iam, &out), 0);
    assert_string_equal(out.signature, "f47f94fd405db5aa588a7127b4f0f82efbb50c3a4e5f2ef9ceadce6ce1d0f67c");
    opf_sigv4_output_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_official_vectors),
        cmocka_unit_test(test_service_requests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
