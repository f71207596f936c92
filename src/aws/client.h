/* Internals shared by the client (client.c) and the credential providers (session.c). */
#ifndef OPF_AWS_CLIENT_H
#define OPF_AWS_CLIENT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>

#include <curl/curl.h>

#include "aws/aws.h"
#include "aws/ini.h"
#include "core/buf.h"

struct opf_transfer;

struct opf_pace {                      /* a token bucket of the Account API's quotas */
    double tokens;
    long at_ms;
};

struct opf_adaptive {                  /* a service's sending rate, lowered when it throttles (client.c) */
    const void *service;
    double rate, tokens, measured;     /* rate: requests per second, 0 while not limited */
    long at_ms, cut_ms, window_ms;
    unsigned window_count;             /* requests sent since window_ms */
};

struct opf_aws_client {
    char *profile, *region, *endpoint_url, *ca_bundle;
    int max_attempts, max_pages;
    long connect_timeout_ms, read_timeout_ms, backoff_base_ms;
    long call_budget_ms, max_answer_bytes, process_timeout_ms; /* limits.h */
    volatile int *interrupted;
    json_t *config, *credentials;      /* the shared files, by section */
    FILE *debug;
    pthread_mutex_t debug_lock;
    CURLM *multi;                      /* driven by the event-loop thread only */
    pthread_t loop;
    pthread_mutex_t qlock;             /* queue, stop and the transfers' done flags (each has its own condition) */
    struct opf_transfer *queue;        /* transfers waiting to join the multi handle */
    bool stop;
    pthread_mutex_t lock;              /* stats, pacing */
    pthread_cond_t orgs_cond;
    int orgs_in_flight;
    bool pacing;                       /* false with OPF_PACING=off */
    struct opf_adaptive adaptive[8];
    size_t nadaptive;
    struct opf_pace *pace;
    json_t *pace_index;                /* "Operation/scope" -> index in pace */
    size_t npace;
    struct opf_aws_stats stats;
};

void opf_aws_error_set(struct opf_aws_error *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

struct opf_http_resp {
    long deadline_ms;         /* in: the exchange ends by then (0: only the read timeout) */
    bool too_large;           /* the answer passed max_answer_bytes and was abandoned */
    long status;
    struct opf_buf body;
    char error_type[128];     /* x-amzn-ErrorType */
    char request_id[96];
    long retry_after_ms;      /* x-amz-retry-after */
};

/* One HTTP exchange: 0 with resp filled (any status), or -1 with a transport error in err. */
int opf_aws_http(struct opf_aws_client *c, const char *method, const char *url, struct curl_slist *headers,
                 const char *body, struct opf_http_resp *resp, struct opf_aws_error *err);

/* A profile's setting from the credentials file, then the config file. */
const char *opf_aws_profile_get(const struct opf_aws_client *c, const char *profile, const char *key);
const json_t *opf_aws_profile_section(const struct opf_aws_client *c, const char *profile);

/* One page of an operation, with its retries, by deadline_ms (paginate.c pages through). */
struct opf_aws_service;
struct opf_aws_operation;
json_t *opf_aws_call_page(struct opf_aws_session *s, const char *region, const struct opf_aws_service *svc,
                          const struct opf_aws_operation *op, const json_t *input, bool sign, long deadline_ms,
                          struct opf_aws_error *err);

/* A call with signing optional (AssumeRoleWithWebIdentity is unsigned). */
json_t *opf_aws_call_ex(struct opf_aws_session *s, const char *service, const char *operation, const json_t *input,
                        unsigned flags, bool sign, struct opf_aws_error *err);

/* Current credentials (a copy the caller clears); force refreshes even valid ones. */
int opf_aws_session_credentials(struct opf_aws_session *s, struct opf_aws_creds *out, bool force,
                                struct opf_aws_error *err);
bool opf_aws_session_refreshable(const struct opf_aws_session *s);

/* Retry policy, exposed for tests. */
bool opf_aws_retryable(const char *code, long status);
bool opf_aws_throttling(const char *code, long status);
long opf_aws_backoff_ms(long base_ms, int attempt);

enum opf_session_kind { OPF_SESSION_STATIC, OPF_SESSION_ASSUME_ROLE, OPF_SESSION_PROCESS, OPF_SESSION_WEB_IDENTITY,
                        OPF_SESSION_SSO, OPF_SESSION_CONTAINER, OPF_SESSION_IMDS };

#define RETRY_BUCKET_MAX 500 /* the SDKs' standard retry mode: tokens per client */

struct opf_aws_session {
    struct opf_aws_client *c;
    enum opf_session_kind kind;
    pthread_mutex_t lock;
    struct opf_aws_creds creds;
    _Atomic int bucket;                 /* retry tokens: one bucket per session, as one SDK client has */
    char *region;                       /* the profile's region, or NULL for the client's */
    struct opf_aws_session *base;       /* assume-role: the source session */
    bool owns_base;
    char *role_arn, *external_id, *session_name, *command, *token_file, *url, *auth_token;
    char *sso_start_url, *sso_region, *sso_account, *sso_role, *sso_cache_key;
    int duration_seconds;
    json_t *describe;                   /* the source, without secrets */
};

#endif
