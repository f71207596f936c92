/*
 * The SigV4 canonicalizer and signer. The input is a request in the format of AWS's signing test suite
 * (request.txt): "METHOD TARGET HTTP/1.1", header lines (a line starting with white space continues the
 * previous value), an empty line, the body. It is signed with and without path normalization, and with a
 * session token and the payload hash header.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "fuzz.h"

#define MAX_HEADERS 32

struct s_request {
    char *method, *path, *query, *body;
    struct opf_header headers[MAX_HEADERS];
    size_t nheaders;
};

/* Cuts the text at the next '\n' (or its end) and returns the line; *rest moves past it. */
static char *s_line(char **rest)
{
    char *line = *rest, *nl = strchr(line, '\n');
    *rest = nl ? nl + 1 : line + strlen(line);
    if (nl)
        *nl = '\0';
    return line;
}

/* Parses `text` in place; continuation lines are joined into `joined` (freed by the caller). */
static void s_parse(char *text, struct s_request *r, char **joined)
{
    memset(r, 0, sizeof(*r));
    char *rest = text, *first = s_line(&rest);
    char *sp = strchr(first, ' ');
    r->method = first;
    r->path = sp ? sp + 1 : first + strlen(first);
    if (sp)
        *sp = '\0';
    char *version = strstr(r->path, " HTTP/");
    if (version)
        *version = '\0';
    char *q = strchr(r->path, '?');
    if (q) {
        *q = '\0';
        r->query = q + 1;
    }
    while (*rest && *rest != '\n') {
        char *line = s_line(&rest);
        if ((line[0] == ' ' || line[0] == '\t') && r->nheaders) {
            struct opf_header *h = &r->headers[r->nheaders - 1];
            size_t n = strlen(h->value) + strlen(line) + 2;
            char *v = malloc(n);
            OPF_FUZZ_ASSERT(v, "out of memory");
            snprintf(v, n, "%s\n%s", h->value, line);
            free(joined[r->nheaders - 1]);
            joined[r->nheaders - 1] = v;
            h->value = v;
            continue;
        }
        if (r->nheaders == MAX_HEADERS)
            continue;
        char *colon = strchr(line, ':');
        if (colon)
            *colon = '\0';
        r->headers[r->nheaders++] = (struct opf_header){line, colon ? colon + 1 : ""};
    }
    r->body = *rest ? rest + 1 : rest;
}

static void s_sign(const struct s_request *r, bool normalize, const char *token)
{
    struct opf_sigv4_input in = {
        .method = r->method, .path = r->path, .query = r->query, .headers = r->headers,
        .nheaders = r->nheaders, .body = r->body, .body_len = strlen(r->body), .region = "us-east-1",
        .service = "service", .access_key_id = "AKIDEXAMPLE",
        .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", .session_token = token,
        .when = 1440938160 /* 20150830T123600Z, the test suite's date */, .normalize_path = normalize,
        .content_sha256_header = token != NULL};
    struct opf_sigv4_output out;
    OPF_FUZZ_ASSERT(opf_sigv4_sign(&in, &out) == 0, "signing failed");
    OPF_FUZZ_ASSERT(strstr(out.authorization, out.signature) && strstr(out.authorization, out.signed_headers),
                    "the Authorization header does not carry the signature and the signed headers");
    OPF_FUZZ_ASSERT(strncmp(out.canonical_request, r->method, strlen(r->method)) == 0,
                    "the canonical request does not start with the method");
    opf_sigv4_output_free(&out);
}

int opf_fuzz_sigv4(const uint8_t *data, size_t size)
{
    char *text = opf_fuzz_string(data, size);
    char *joined[MAX_HEADERS] = {0};
    struct s_request r;
    s_parse(text, &r, joined);
    s_sign(&r, true, NULL);
    s_sign(&r, false, "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==");
    for (size_t i = 0; i < MAX_HEADERS; i++)
        free(joined[i]);
    free(text);
    return 0;
}

OPF_FUZZ_ENTRY(opf_fuzz_sigv4)
