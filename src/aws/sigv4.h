/*
 * AWS Signature Version 4 (header signing) in three testable stages: canonical request, string to sign,
 * signature. It sees no HTTP library type: the caller describes the request.
 */
#ifndef OPF_SIGV4_H
#define OPF_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/buf.h"
#include "orgpreflight/export.h"

struct opf_header {
    const char *name;
    const char *value;
};

struct opf_sigv4_input {
    const char *method;
    const char *path;                 /* as given (may hold raw bytes); URI-encoded by the signer */
    const char *query;                /* after '?', or NULL */
    const struct opf_header *headers; /* every header sent, x-amz-date and the token excluded */
    size_t nheaders;
    const void *body;
    size_t body_len;
    const char *region, *service;
    const char *access_key_id, *secret_access_key, *session_token;
    time_t when;
    bool normalize_path;              /* remove . and .. segments and repeated slashes (not for S3) */
    bool content_sha256_header;       /* also send and sign x-amz-content-sha256 */
    bool omit_session_token;          /* send the token unsigned (a few services want this) */
};

struct opf_sigv4_output {
    char amz_date[17];                /* 20150830T123600Z */
    char payload_hash[65];
    char signature[65];
    char *canonical_request;
    char *string_to_sign;
    char *signed_headers;
    char *authorization;              /* the Authorization header value */
};

/* 0 on success, -1 on allocation failure. */
OPF_MUST_USE int opf_sigv4_sign(const struct opf_sigv4_input *in, struct opf_sigv4_output *out);
void opf_sigv4_output_free(struct opf_sigv4_output *out);

/* RFC 3986 percent-encoding of everything but unreserved characters (and '/' when keep_slash). */
void opf_uri_encode(struct opf_buf *b, const char *s, size_t len, bool keep_slash);
/* Lower-case hex SHA-256 of data into hex[65]. */
void opf_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
