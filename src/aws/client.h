/* The client's and the sessions' state, shared by the files of src/aws; the client's callers see aws.h (and
 * collector.h), never this. */
#ifndef OPF_AWS_CLIENT_H
#define OPF_AWS_CLIENT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "aws/pace.h"
#include "aws/transport.h"
#include "core/buf.h"
#include "orgpreflight/export.h"

enum opf_session_kind { OPF_SESSION_STATIC, OPF_SESSION_ASSUME_ROLE, OPF_SESSION_PROCESS, OPF_SESSION_WEB_IDENTITY,
                        OPF_SESSION_SSO, OPF_SESSION_CONTAINER, OPF_SESSION_IMDS };

enum opf_retry_mode { OPF_RETRY_STANDARD, OPF_RETRY_LEGACY, OPF_RETRY_ADAPTIVE };

struct opf_aws_client {
    char *profile, *region, *endpoint_url, *ca_bundle;
    bool profile_explicit;             /* --profile: environment keys are skipped, as botocore does */
    bool region_explicit;              /* --region, AWS_REGION or AWS_DEFAULT_REGION: beats any profile's */
    const char *region_source;         /* "--region", "AWS_REGION", "AWS_DEFAULT_REGION", "profile", "default" */
    int max_attempts, max_pages;
    enum opf_retry_mode retry_mode;
    int retry_mode_attempts;           /* the mode's default attempts */
    _Atomic long clock_offset_s;       /* added to the calendar when signing (clock.c) */
    long connect_timeout_ms, read_timeout_ms, backoff_base_ms;
    long call_budget_ms, item_budget_ms, max_answer_bytes, process_timeout_ms; /* limits.h */
    volatile int *interrupted;
    json_t *config, *credentials;      /* the shared files, by section as written */
    json_t *profiles;                  /* botocore's profile map: config profiles, credentials file keys on top */
    json_t *config_profiles;           /* the config file's profiles alone */
    json_t *sso_sessions, *services;   /* [sso-session x], [services x] */
    FILE *debug;
    pthread_mutex_t debug_lock;
    struct opf_aws_transport transport; /* libcurl's (http.c) unless the options gave one */
    bool owns_transport;
    struct opf_aws_clock clock;        /* the system's unless the options gave one */
    struct opf_pacer pacer;
    pthread_mutex_t lock;              /* stats */
    struct opf_aws_stats stats;
};

/* Adds one to a counter of c->stats. */
static inline void opf_aws_count(struct opf_aws_client *c, unsigned long *field)
{
    pthread_mutex_lock(&c->lock);
    (*field)++;
    pthread_mutex_unlock(&c->lock);
}

/* ---- the shared files and settings (config.c) ---- */
/* Reads both files and builds the profile map; -1 with err ("ConfigParseError", the file and line). */
OPF_MUST_USE int opf_aws_config_load(struct opf_aws_client *c, struct opf_aws_error *err);
/* Builds c->profiles, c->config_profiles, c->sso_sessions and c->services from c->config and c->credentials. */
void opf_aws_config_index(struct opf_aws_client *c);
/* Sets c->profile and c->region from the flags, the environment and the profile; -1 with err
 * ("ProfileNotFound", "InvalidRegion"). */
OPF_MUST_USE int opf_aws_config_resolve(struct opf_aws_client *c, const char *profile, const char *region,
                                        struct opf_aws_error *err);
/* A profile of the map (credentials file keys over config file keys), or NULL. */
const json_t *opf_aws_profile(const struct opf_aws_client *c, const char *profile);
const char *opf_aws_profile_get(const struct opf_aws_client *c, const char *profile, const char *key);
/* A setting: the environment variable when set, else the client's profile's key. */
const char *opf_aws_setting(const struct opf_aws_client *c, const char *env, const char *key);
/* botocore's ensure_boolean: "true" in any case. */
bool opf_aws_truthy(const char *v);

/* AWS_RETRY_MODE / retry_mode (retry_mode.c); -1 with err for an unknown mode. */
OPF_MUST_USE int opf_aws_retry_mode_resolve(struct opf_aws_client *c, struct opf_aws_error *err);

/* ---- calls ---- */
struct opf_aws_service;
struct opf_aws_operation;
/* One page of an operation, with its retries, by deadline_ms (call.c; paginate.c pages through). */
OPF_MUST_USE json_t *opf_aws_call_page(struct opf_aws_session *s, const char *region, const struct opf_aws_service *svc,
                                       const struct opf_aws_operation *op, const json_t *input, bool sign,
                                       long deadline_ms, struct opf_aws_error *err);
/* A call with signing optional (AssumeRoleWithWebIdentity is unsigned). */
OPF_MUST_USE json_t *opf_aws_call_ex(struct opf_aws_session *s, const char *service, const char *operation,
                                     const json_t *input, unsigned flags, bool sign, struct opf_aws_error *err);

/* ---- sessions (session.c) ---- */
/* A session of `kind` described by `describe` (taken); static ones hold a copy of the keys. */
OPF_MUST_USE struct opf_aws_session *opf_aws_session_new(struct opf_aws_client *c, enum opf_session_kind kind,
                                                         json_t *describe);
OPF_MUST_USE struct opf_aws_session *opf_aws_session_static(struct opf_aws_client *c, const char *akid,
                                                            const char *secret, const char *token, json_t *describe);
/* Current credentials (a copy the caller clears); force refreshes even valid ones. */
OPF_MUST_USE int opf_aws_session_credentials(struct opf_aws_session *s, struct opf_aws_creds *out, bool force,
                                             struct opf_aws_error *err);

struct opf_aws_session {
    struct opf_aws_client *c;
    enum opf_session_kind kind;
    /* opf_aws_session_credentials: the calls reach the providers through it, since the providers call */
    int (*credentials)(struct opf_aws_session *s, struct opf_aws_creds *out, bool force, struct opf_aws_error *err);
    pthread_mutex_t lock;
    struct opf_aws_creds creds;
    _Atomic int bucket;                 /* retry tokens: one bucket per session, as one SDK client has (retry.c) */
    char *region;                       /* the profile's region, or NULL for the client's */
    struct opf_aws_session *base;       /* assume-role: the source session */
    bool owns_base;
    char *role_arn, *external_id, *session_name, *command, *token_file, *url, *auth_token;
    char *sso_start_url, *sso_region, *sso_account, *sso_role, *sso_cache_key;
    int duration_seconds;
    json_t *describe;                   /* the source, without secrets */
};

/* Whether the session's credentials can be obtained again (all but static keys). */
static inline bool opf_aws_session_refreshable(const struct opf_aws_session *s)
{
    return s->kind != OPF_SESSION_STATIC;
}

#endif
