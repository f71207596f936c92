/*
 * Sessions and their credential providers: static keys, AssumeRole, credential_process, web identity, IAM
 * Identity Center, container credentials and EC2 instance metadata (IMDSv2). Which provider a session uses
 * is the chain's choice (chain.c). Temporary credentials are refreshed five minutes before they expire.
 */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "aws/client.h"
#include "aws/endpoint.h"
#include "aws/limits.h"
#include "aws/process.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "core/core.h"

#define REFRESH_MARGIN_S 300

static const char *s_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static char *s_dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

struct opf_aws_session *opf_aws_session_new(struct opf_aws_client *c, enum opf_session_kind kind, json_t *describe)
{
    struct opf_aws_session *s = calloc(1, sizeof(*s));
    if (!s) {
        json_decref(describe);
        return NULL;
    }
    s->c = c;
    s->kind = kind;
    s->describe = describe;
    s->credentials = opf_aws_session_credentials;
    pthread_mutex_init(&s->lock, NULL);
    atomic_init(&s->bucket, RETRY_BUCKET_MAX);
    return s;
}

void opf_aws_session_free(struct opf_aws_session *s)
{
    if (!s)
        return;
    if (s->owns_base)
        opf_aws_session_free(s->base);
    opf_aws_creds_clear(&s->creds);
    if (s->auth_token)
        OPENSSL_cleanse(s->auth_token, strlen(s->auth_token));
    char *strs[] = {s->region, s->role_arn, s->external_id, s->session_name, s->command, s->token_file, s->url,
                    s->auth_token, s->sso_start_url, s->sso_region, s->sso_account, s->sso_role, s->sso_cache_key};
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
        free(strs[i]);
    json_decref(s->describe);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

json_t *opf_aws_session_describe(struct opf_aws_session *s)
{
    pthread_mutex_lock(&s->lock);
    json_t *d = json_deep_copy(s->describe);
    if (s->creds.expiration) {
        char t[32];
        opf_time_format(s->creds.expiration, t, sizeof(t));
        json_object_set_new(d, "expiration", json_string(t));
    } else if (!json_object_get(d, "expiration")) {
        json_object_set_new(d, "expiration", json_null());
    }
    pthread_mutex_unlock(&s->lock);
    return d;
}

/* Fills creds from a JSON object with the given member names; Expiration as ISO 8601 or epoch (ms when
 * expiration_ms). */
static int s_creds_from(const json_t *o, const char *akid, const char *secret, const char *token, const char *exp,
                        bool expiration_ms, struct opf_aws_creds *out, const char *what, struct opf_aws_error *err)
{
    const char *a = json_string_value(json_object_get(o, akid)), *k = json_string_value(json_object_get(o, secret));
    if (!a || !k) {
        opf_aws_error_set(err, "CredentialsError", "%s returned no %s/%s", what, akid, secret);
        return -1;
    }
    opf_aws_creds_clear(out);
    out->access_key_id = strdup(a);
    out->secret_access_key = strdup(k);
    const char *tok = json_string_value(json_object_get(o, token));
    out->session_token = tok && *tok ? strdup(tok) : NULL; /* container endpoints send "" for long-term keys */
    const json_t *e = json_object_get(o, exp);
    time_t t = 0;
    if (json_is_integer(e) && expiration_ms)
        t = (time_t)(json_integer_value(e) / 1000);
    else if (e && !opf_time_from_json(e, &t)) {
        opf_aws_error_set(err, "CredentialsError", "%s returned an unreadable %s", what, exp);
        return -1;
    }
    out->expiration = t;
    return 0;
}

/* A credentials endpoint's answer: JSON, or a plain text one (IMDS token, role name) as a JSON string. */
static int s_http_json(struct opf_aws_client *c, const char *method, const char *url, const struct opf_header *headers,
                       size_t nheaders, json_t **out, const char *what, struct opf_aws_error *err)
{
    struct opf_http_resp resp = {0};
    struct opf_http_request req = {.method = method, .url = url, .headers = headers, .nheaders = nheaders,
                                   .body = strcmp(method, "PUT") == 0 ? "" : NULL};
    if (opf_aws_http(c, &req, &resp, err) != 0)
        return -1;
    int rc = 0;
    if (resp.status < 200 || resp.status >= 300) {
        opf_aws_error_set(err, "CredentialsError", "%s answered HTTP %ld", what, resp.status);
        err->http_status = resp.status;
        rc = -1;
    } else if (out) {
        *out = json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0, NULL);
        if (!*out)
            *out = json_string(resp.body.data ? resp.body.data : "");
    }
    if (resp.body.data)
        OPENSSL_cleanse(resp.body.data, resp.body.len);
    opf_buf_free(&resp.body);
    return rc;
}

static int s_refresh_assume_role(struct opf_aws_session *s, struct opf_aws_error *err)
{
    json_t *in = json_pack("{s:s, s:s}", "RoleArn", s->role_arn, "RoleSessionName",
                           s->session_name ? s->session_name : "orgpreflight");
    if (s->external_id)
        json_object_set_new(in, "ExternalId", json_string(s->external_id));
    if (s->duration_seconds)
        json_object_set_new(in, "DurationSeconds", json_integer(s->duration_seconds));
    json_t *out = opf_aws_call(s->base, "sts", "AssumeRole", in, 0, err);
    json_decref(in);
    if (!out) {
        char msg[sizeof(err->message)];
        snprintf(msg, sizeof(msg), "AssumeRole %s: %s", s->role_arn, err->message);
        snprintf(err->message, sizeof(err->message), "%s", msg);
        return -1;
    }
    int rc = s_creds_from(json_object_get(out, "Credentials"), "AccessKeyId", "SecretAccessKey", "SessionToken",
                          "Expiration", false, &s->creds, "AssumeRole", err);
    json_decref(out);
    return rc;
}

static int s_refresh_process(struct opf_aws_session *s, struct opf_aws_error *err)
{
    struct opf_buf b = {0};
    int status = opf_aws_process_run(s->c, s->command, &b, err);
    json_t *doc = status == 0 && b.data ? json_loadb(b.data, b.len, 0, NULL) : NULL;
    if (b.data)
        OPENSSL_cleanse(b.data, b.len);
    opf_buf_free(&b);
    int rc = -1;
    if (status != 0)
        ; /* err says why */
    else if (!json_is_object(doc) || json_integer_value(json_object_get(doc, "Version")) != 1)
        opf_aws_error_set(err, "CredentialsError", "credential_process did not print a JSON object with Version 1");
    else
        rc = s_creds_from(doc, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", false, &s->creds,
                          "credential_process", err);
    json_decref(doc);
    return rc;
}

static int s_refresh_web_identity(struct opf_aws_session *s, struct opf_aws_error *err)
{
    FILE *f = fopen(s->token_file, "r");
    if (!f) {
        opf_aws_error_set(err, "CredentialsError", "%s: cannot read the web identity token: %s", s->token_file,
                          strerror(errno));
        return -1;
    }
    char token[16384];
    size_t n = fread(token, 1, sizeof(token) - 1, f);
    fclose(f);
    token[n] = '\0';
    token[strcspn(token, "\r\n")] = '\0';
    json_t *in = json_pack("{s:s, s:s, s:s}", "RoleArn", s->role_arn, "RoleSessionName",
                           s->session_name ? s->session_name : "orgpreflight", "WebIdentityToken", token);
    OPENSSL_cleanse(token, sizeof(token));
    json_t *out = opf_aws_call_ex(s, "sts", "AssumeRoleWithWebIdentity", in, 0, false, err);
    json_t *tok = json_object_get(in, "WebIdentityToken");
    if (tok)
        OPENSSL_cleanse((char *)json_string_value(tok), strlen(json_string_value(tok)));
    json_decref(in);
    if (!out)
        return -1;
    int rc = s_creds_from(json_object_get(out, "Credentials"), "AccessKeyId", "SecretAccessKey", "SessionToken",
                          "Expiration", false, &s->creds, "AssumeRoleWithWebIdentity", err);
    json_decref(out);
    return rc;
}

/* IAM Identity Center: the token `aws sso login` cached, exchanged for role credentials. */
static int s_refresh_sso(struct opf_aws_session *s, struct opf_aws_error *err)
{
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)s->sso_cache_key, strlen(s->sso_cache_key), md);
    char hex[41];
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    const char *home = s_env("HOME");
    char path[1024];
    snprintf(path, sizeof(path), "%s/.aws/sso/cache/%s.json", home ? home : ".", hex);
    struct opf_error e;
    json_t *cache = opf_json_load_file(path, &e);
    if (!cache) {
        opf_aws_error_set(err, "SSOTokenError", "IAM Identity Center: no cached token for %s (%s); run `aws sso login`",
                          s->sso_start_url, path);
        return -1;
    }
    const char *token = json_string_value(json_object_get(cache, "accessToken"));
    const char *at = json_string_value(json_object_get(cache, "expiresAt"));
    char stamp[64] = "";
    if (at) { /* the CLI v1 writes "2026-12-03T10:00:00UTC" */
        size_t n = strlen(at);
        snprintf(stamp, sizeof(stamp), "%.*s%s", (int)(n >= 3 && strcmp(at + n - 3, "UTC") == 0 ? n - 3 : n), at,
                 n >= 3 && strcmp(at + n - 3, "UTC") == 0 ? "Z" : "");
    }
    time_t expires = 0;
    if (!token || !opf_time_parse(stamp, &expires) || expires <= opf_aws_wall(s->c)) {
        json_decref(cache);
        opf_aws_error_set(err, "SSOTokenError", "IAM Identity Center: the cached token for %s has expired; run `aws sso login`",
                          s->sso_start_url);
        return -1;
    }
    struct opf_endpoint ep;
    if (opf_aws_endpoint(s->c, opf_aws_sso_portal(), s->sso_region, &ep, err) != 0) {
        json_decref(cache);
        return -1;
    }
    struct opf_buf u = {0};
    opf_buf_printf(&u, "%s/federation/credentials?role_name=", ep.url);
    opf_uri_encode(&u, s->sso_role, strlen(s->sso_role), false);
    opf_buf_puts(&u, "&account_id=");
    opf_uri_encode(&u, s->sso_account, strlen(s->sso_account), false);
    struct opf_header bearer = {"x-amz-sso_bearer_token", token};
    json_t *out = NULL;
    int rc = s_http_json(s->c, "GET", u.data, &bearer, 1, &out, "IAM Identity Center GetRoleCredentials", err);
    json_decref(cache);
    opf_buf_free(&u);
    if (rc != 0 && err->http_status == 401)
        opf_aws_error_set(err, "SSOTokenError", "IAM Identity Center refused the cached token for %s; run `aws sso login`",
                          s->sso_start_url);
    if (rc == 0)
        rc = s_creds_from(json_object_get(out, "roleCredentials"), "accessKeyId", "secretAccessKey", "sessionToken",
                          "expiration", true, &s->creds, "GetRoleCredentials", err);
    json_decref(out);
    return rc;
}

static int s_refresh_container(struct opf_aws_session *s, struct opf_aws_error *err)
{
    char *token = s_dup(s_env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
    const char *token_file = s_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (token_file) {
        FILE *f = fopen(token_file, "r");
        char buf[4096] = "";
        if (f) {
            size_t n = fread(buf, 1, sizeof(buf) - 1, f);
            buf[n] = '\0';
            fclose(f);
        }
        buf[strcspn(buf, "\r\n")] = '\0';
        free(token);
        token = strdup(buf);
        OPENSSL_cleanse(buf, sizeof(buf));
    }
    struct opf_header authorization = {"Authorization", token};
    json_t *out = NULL;
    int rc = s_http_json(s->c, "GET", s->url, &authorization, token && *token ? 1 : 0, &out,
                         "container credentials endpoint", err);
    if (token)
        OPENSSL_cleanse(token, strlen(token));
    free(token);
    if (rc == 0)
        rc = s_creds_from(out, "AccessKeyId", "SecretAccessKey", "Token", "Expiration", false, &s->creds,
                          "container credentials endpoint", err);
    json_decref(out);
    return rc;
}

static int s_refresh_imds(struct opf_aws_session *s, struct opf_aws_error *err)
{
    const char *base = s->url;
    char url[1024];
    snprintf(url, sizeof(url), "%s/latest/api/token", base);
    struct opf_header ttl = {"X-aws-ec2-metadata-token-ttl-seconds", "21600"};
    json_t *token = NULL;
    if (s_http_json(s->c, "PUT", url, &ttl, 1, &token, "EC2 instance metadata (IMDSv2 token)", err) != 0)
        return -1;
    struct opf_header h = {"X-aws-ec2-metadata-token", json_string_value(token) ? json_string_value(token) : ""};
    json_t *role = NULL, *out = NULL;
    snprintf(url, sizeof(url), "%s/latest/meta-data/iam/security-credentials/", base);
    int rc = s_http_json(s->c, "GET", url, &h, 1, &role, "EC2 instance metadata (role)", err);
    if (rc == 0 && json_is_string(role)) {
        char name[256];
        snprintf(name, sizeof(name), "%s", json_string_value(role));
        name[strcspn(name, "\r\n")] = '\0';
        snprintf(url, sizeof(url), "%s/latest/meta-data/iam/security-credentials/%s", base, name);
        rc = s_http_json(s->c, "GET", url, &h, 1, &out, "EC2 instance metadata (credentials)", err);
        if (rc == 0)
            rc = s_creds_from(out, "AccessKeyId", "SecretAccessKey", "Token", "Expiration", false, &s->creds,
                              "EC2 instance metadata", err);
    }
    json_decref(token);
    json_decref(role);
    json_decref(out);
    return rc;
}

struct opf_aws_session *opf_aws_session_static(struct opf_aws_client *c, const char *akid, const char *secret,
                                               const char *token, json_t *describe)
{
    struct opf_aws_session *s = opf_aws_session_new(c, OPF_SESSION_STATIC, describe);
    if (s) {
        s->creds.access_key_id = strdup(akid);
        s->creds.secret_access_key = strdup(secret);
        s->creds.session_token = s_dup(token);
    }
    return s;
}

int opf_aws_session_credentials(struct opf_aws_session *s, struct opf_aws_creds *out, bool force,
                                struct opf_aws_error *err)
{
    pthread_mutex_lock(&s->lock);
    int rc = 0;
    bool stale = !s->creds.access_key_id || (s->creds.expiration && opf_aws_wall(s->c) >= s->creds.expiration - REFRESH_MARGIN_S);
    if (s->kind != OPF_SESSION_STATIC && (stale || force) && opf_aws_interrupted(s->c)) {
        opf_aws_error_stopped(s->c, err); /* no credential_process is started once a signal came */
        rc = -1;
    } else if (s->kind != OPF_SESSION_STATIC && (stale || force)) {
        switch (s->kind) {
        case OPF_SESSION_ASSUME_ROLE: rc = s_refresh_assume_role(s, err); break;
        case OPF_SESSION_PROCESS: rc = s_refresh_process(s, err); break;
        case OPF_SESSION_WEB_IDENTITY: rc = s_refresh_web_identity(s, err); break;
        case OPF_SESSION_SSO: rc = s_refresh_sso(s, err); break;
        case OPF_SESSION_CONTAINER: rc = s_refresh_container(s, err); break;
        case OPF_SESSION_IMDS: rc = s_refresh_imds(s, err); break;
        default: break;
        }
    }
    if (rc == 0 && !s->creds.access_key_id) {
        opf_aws_error_set(err, "CredentialsError", "no credentials");
        rc = -1;
    }
    if (rc == 0 && s->kind != OPF_SESSION_STATIC && s->creds.expiration && s->creds.expiration <= opf_aws_wall(s->c)) {
        /* as botocore: refreshed credentials that are already expired are an error, not a reason to loop */
        char at[32];
        opf_time_format(s->creds.expiration, at, sizeof(at));
        opf_aws_error_set(err, "ExpiredCredentials", "the %s credentials expired at %s as they were obtained",
                          json_string_value(json_object_get(s->describe, "source")), at);
        rc = -1;
    }
    if (rc == 0) {
        out->access_key_id = strdup(s->creds.access_key_id);
        out->secret_access_key = strdup(s->creds.secret_access_key);
        out->session_token = s_dup(s->creds.session_token);
        out->expiration = s->creds.expiration;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

struct opf_aws_session *opf_aws_session_assume_role(struct opf_aws_session *base, const char *role_arn,
                                                    const char *external_id, const char *session_name)
{
    struct opf_aws_session *s = opf_aws_session_new(base->c, OPF_SESSION_ASSUME_ROLE,
                                      json_pack("{s:s, s:s}", "source", "assume-role", "role_arn", role_arn));
    if (!s)
        return NULL;
    s->base = base;
    s->role_arn = strdup(role_arn);
    s->external_id = s_dup(external_id);
    s->session_name = s_dup(session_name);
    s->region = s_dup(base->region);
    return s;
}
