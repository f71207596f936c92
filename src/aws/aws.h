/*
 * The AWS client: SigV4 over libcurl, the credential chain, endpoints, the JSON, rest-JSON, Query, rest-XML
 * and EC2 protocols, pagination and the SDKs' retry modes. Read-only by construction: only operations in
 * the allow-list (src/aws/model.c) can be sent.
 *
 * Threading: one event-loop thread drives every request through a curl multi handle (connections and TLS
 * sessions reused). opf_aws_call() is synchronous and thread-safe: collectors call it from worker threads,
 * one per account in flight, and block until the loop completes the call (retries and pacing included).
 */
#ifndef OPF_AWS_H
#define OPF_AWS_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <jansson.h>
#include <orgpreflight/orgpreflight.h>

struct opf_aws_error {
    char code[128];        /* "AccessDenied", "TooManyRequestsException", "CredentialsError", "Timeout", ... */
    char message[512];     /* never contains a secret */
    char reason[96];       /* Organizations ConstraintViolationException Reason, when given */
    char operation[96];    /* "organizations:ListAccounts" */
    char request_id[96];
    long http_status;      /* 0 when no HTTP answer */
    int attempts;          /* how many times it was sent */
};

/* What kind of failure an error's code and HTTP status (0: none) are: a caller that reports the failure as a
 * struct opf_error takes its category from here (error_category.c). */
enum opf_error_category opf_aws_error_category(const char *code, long http_status);

/* ---- credentials ---- */

struct opf_aws_creds {
    char *access_key_id;
    char *secret_access_key;     /* wiped on free */
    char *session_token;         /* NULL for long-term keys; wiped on free */
    time_t expiration;           /* 0 when they do not expire */
};
void opf_aws_creds_clear(struct opf_aws_creds *c);

struct opf_aws_transport;
struct opf_aws_clock;

struct opf_aws_client_options {
    const char *profile;         /* --profile, else AWS_DEFAULT_PROFILE, AWS_PROFILE, else "default" */
    const char *region;          /* --region, else AWS_REGION, AWS_DEFAULT_REGION, the profile, us-east-1 */
    const char *endpoint_url;    /* --endpoint-url: overrides every service */
    int max_attempts;            /* 0: AWS_MAX_ATTEMPTS, the profile's max_attempts, else the retry mode's */
    long connect_timeout_ms;     /* 0: 3000 */
    long read_timeout_ms;        /* 0: 30000 */
    int max_connections;         /* 0: 64 */
    FILE *debug;                 /* --debug: redacted wire trace, or NULL */
    volatile int *interrupted;   /* set by a signal handler: every wait ends, calls fail "Interrupted" */
    long call_budget_ms;         /* 0: 300 s for one call, its retries and its pages */
    long item_budget_ms;         /* 0: 1800 s for the calls of one evidence item (limits.h) */
    long max_answer_bytes;       /* 0: 64 MiB for one answer */
    int max_pages;               /* 0: 10,000 pages for one listing */
    long process_timeout_ms;     /* 0: 60 s for credential_process */
    const struct opf_aws_transport *transport; /* NULL: libcurl (transport.h; tests inject canned answers) */
    const struct opf_aws_clock *clock;         /* NULL: the system's clocks */
};

struct opf_aws_client;

/* Creates the client and starts its transport (libcurl's event loop, unless opts gives one). On failure returns
 * NULL with err filled (a broken config file names the file and line, an invalid AWS_MAX_ATTEMPTS the value). */
OPF_MUST_USE struct opf_aws_client *opf_aws_client_new(const struct opf_aws_client_options *opts,
                                                       struct opf_aws_error *err);
void opf_aws_client_free(struct opf_aws_client *c);
const char *opf_aws_client_region(const struct opf_aws_client *c);
/* Counters for reports and benchmarks. */
struct opf_aws_stats { unsigned long requests, retries, throttled, failures, refreshes; };
void opf_aws_client_stats(const struct opf_aws_client *c, struct opf_aws_stats *out);

/* A session: credentials plus everything needed to sign as them. */
struct opf_aws_session;

/* The operator's session, from the default credential chain (env, profile incl. assume-role, SSO,
 * credential_process, web identity, container, IMDS). NULL with err on failure. */
OPF_MUST_USE struct opf_aws_session *opf_aws_session_default(struct opf_aws_client *c, struct opf_aws_error *err);
/* A session for a named profile (--target-profile). */
OPF_MUST_USE struct opf_aws_session *opf_aws_session_profile(struct opf_aws_client *c, const char *profile,
                                                             struct opf_aws_error *err);
/* A role session assumed from `base`; credentials are obtained on first use and refreshed before expiry.
 * Returns NULL only on allocation failure: AssumeRole errors surface on the first opf_aws_call(). */
OPF_MUST_USE struct opf_aws_session *opf_aws_session_assume_role(struct opf_aws_session *base, const char *role_arn,
                                                                 const char *external_id, const char *session_name);
void opf_aws_session_free(struct opf_aws_session *s);

/* Where the session's credentials came from, without secrets:
 * {"source":"env|profile|assume-role|sso|process|web-identity|container|imds|static",
 *  "profile":"...", "file":"credentials file|config file", "chain":[{"profile":"...","source":"...",
 *  "role_arn":"..."}..., the source's own description], "role_arn":"...", "sso_start_url":"...",
 *  "sso_session":"...", "expiration":"ISO 8601"|null}. New reference. */
OPF_MUST_USE json_t *opf_aws_session_describe(struct opf_aws_session *s);

/* What the session resolves to, without secrets and without sending anything:
 * {"profile":"...", "region":"...", "region_source":"--region|AWS_REGION|AWS_DEFAULT_REGION|profile|default",
 *  "retry_mode":"standard|legacy|adaptive", "max_attempts":N, "credentials":<opf_aws_session_describe>,
 *  "endpoints":{"SERVICE":{"url":"...","signing_region":"...","signing_name":"...","source":"..."} or
 *               {"error":"CODE: message"}}}. New reference. */
OPF_MUST_USE json_t *opf_aws_session_resolution(struct opf_aws_session *s);

/* ---- calls ---- */

#define OPF_AWS_PAGINATE 0x1u   /* follow NextToken / Marker and merge the result lists */

/* Calls service:operation (botocore names, e.g. "organizations", "ListAccounts") with `input` (botocore
 * input shape; borrowed; NULL for none). Returns the output as botocore would parse it (a new reference),
 * or NULL with err filled. Thread-safe; blocks the calling thread. */
OPF_MUST_USE json_t *opf_aws_call(struct opf_aws_session *s, const char *service, const char *operation,
                                  const json_t *input, unsigned flags, struct opf_aws_error *err);

/* The same in another region (regional services scanned region by region); NULL region: the session's. */
OPF_MUST_USE json_t *opf_aws_call_in(struct opf_aws_session *s, const char *region, const char *service,
                                     const char *operation, const json_t *input, unsigned flags,
                                     struct opf_aws_error *err);

/* A listing merged as opf_aws_call(..., OPF_AWS_PAGINATE, ...) merges it, with on_page(ud, page) called on each
 * page (borrowed) as it arrives, so that a caller can start on the first entries while the others are read. */
typedef void opf_aws_page_fn(void *ud, const json_t *page);
json_t *opf_aws_call_pages(struct opf_aws_session *s, const char *service, const char *operation, const json_t *input,
                           opf_aws_page_fn *on_page, void *ud, struct opf_aws_error *err);

/* "service:Operation" is in the read-only allow-list. */
bool opf_aws_operation_allowed(const char *service, const char *operation);

#endif
