/*
 * Sessions and the credential chain, in the SDKs' order: environment, web identity, the profile (static
 * keys, role_arn with source_profile or credential_source, credential_process, IAM Identity Center), then
 * container credentials and EC2 instance metadata (IMDSv2). Temporary credentials are refreshed five
 * minutes before they expire.
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
#include "aws/limits.h"
#include "aws/process.h"
#include "core/core.h"

#define REFRESH_MARGIN_S 300
#define MAX_CHAIN 8

static const char *s_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static char *s_dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static struct opf_aws_session *s_new(struct opf_aws_client *c, enum opf_session_kind kind, json_t *describe)
{
    struct opf_aws_session *s = calloc(1, sizeof(*s));
    if (!s) {
        json_decref(describe);
        return NULL;
    }
    s->c = c;
    s->kind = kind;
    s->describe = describe;
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

bool opf_aws_session_refreshable(const struct opf_aws_session *s)
{
    return s->kind != OPF_SESSION_STATIC;
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

static int s_http_json(struct opf_aws_client *c, const char *method, const char *url, struct curl_slist *headers,
                       json_t **out, const char *what, struct opf_aws_error *err)
{
    struct opf_http_resp resp = {0};
    if (opf_aws_http(c, method, url, headers, strcmp(method, "PUT") == 0 ? "" : NULL, &resp, err) != 0)
        return -1;
    int rc = 0;
    if (resp.status < 200 || resp.status >= 300) {
        opf_aws_error_set(err, "CredentialsError", "%s answered HTTP %ld", what, resp.status);
        rc = -1;
    } else if (out) {
        *out = json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0, NULL);
        if (!*out) {
            /* a plain text answer (IMDS token, role name) is returned as a JSON string */
            *out = json_string(resp.body.data ? resp.body.data : "");
        }
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
        opf_aws_error_set(err, "CredentialsError", "IAM Identity Center: no cached token for %s (%s); run `aws sso login`",
                          s->sso_start_url, path);
        return -1;
    }
    const char *token = json_string_value(json_object_get(cache, "accessToken"));
    time_t expires = 0;
    if (!token || !opf_time_from_json(json_object_get(cache, "expiresAt"), &expires) || expires <= time(NULL)) {
        json_decref(cache);
        opf_aws_error_set(err, "CredentialsError", "IAM Identity Center: the cached token for %s has expired; run `aws sso login`",
                          s->sso_start_url);
        return -1;
    }
    char url[1024];
    const char *ep = s_env("AWS_ENDPOINT_URL_SSO");
    if (!ep)
        ep = s_env("AWS_ENDPOINT_URL");
    if (ep)
        snprintf(url, sizeof(url), "%s/federation/credentials?role_name=%s&account_id=%s", ep, s->sso_role, s->sso_account);
    else
        snprintf(url, sizeof(url), "https://portal.sso.%s.amazonaws.com/federation/credentials?role_name=%s&account_id=%s",
                 s->sso_region, s->sso_role, s->sso_account);
    struct opf_buf h = {0};
    opf_buf_printf(&h, "x-amz-sso_bearer_token: %s", token);
    struct curl_slist *headers = curl_slist_append(NULL, h.data);
    OPENSSL_cleanse(h.data, h.len);
    opf_buf_free(&h);
    json_decref(cache);
    json_t *out = NULL;
    int rc = s_http_json(s->c, "GET", url, headers, &out, "IAM Identity Center GetRoleCredentials", err);
    curl_slist_free_all(headers);
    if (rc == 0)
        rc = s_creds_from(json_object_get(out, "roleCredentials"), "accessKeyId", "secretAccessKey", "sessionToken",
                          "expiration", true, &s->creds, "GetRoleCredentials", err);
    json_decref(out);
    return rc;
}

static int s_refresh_container(struct opf_aws_session *s, struct opf_aws_error *err)
{
    struct curl_slist *headers = NULL;
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
    if (token && *token) {
        struct opf_buf h = {0};
        opf_buf_printf(&h, "Authorization: %s", token);
        headers = curl_slist_append(headers, h.data);
        OPENSSL_cleanse(h.data, h.len);
        opf_buf_free(&h);
    }
    if (token)
        OPENSSL_cleanse(token, strlen(token));
    free(token);
    json_t *out = NULL;
    int rc = s_http_json(s->c, "GET", s->url, headers, &out, "container credentials endpoint", err);
    curl_slist_free_all(headers);
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
    struct curl_slist *h = curl_slist_append(NULL, "X-aws-ec2-metadata-token-ttl-seconds: 21600");
    json_t *token = NULL;
    int rc = s_http_json(s->c, "PUT", url, h, &token, "EC2 instance metadata (IMDSv2 token)", err);
    curl_slist_free_all(h);
    if (rc != 0)
        return -1;
    struct opf_buf th = {0};
    opf_buf_printf(&th, "X-aws-ec2-metadata-token: %s", json_string_value(token));
    json_decref(token);
    h = curl_slist_append(NULL, th.data);
    opf_buf_free(&th);
    json_t *role = NULL, *out = NULL;
    snprintf(url, sizeof(url), "%s/latest/meta-data/iam/security-credentials/", base);
    rc = s_http_json(s->c, "GET", url, h, &role, "EC2 instance metadata (role)", err);
    if (rc == 0 && json_is_string(role)) {
        char name[256];
        snprintf(name, sizeof(name), "%s", json_string_value(role));
        name[strcspn(name, "\r\n")] = '\0';
        snprintf(url, sizeof(url), "%s/latest/meta-data/iam/security-credentials/%s", base, name);
        rc = s_http_json(s->c, "GET", url, h, &out, "EC2 instance metadata (credentials)", err);
        if (rc == 0)
            rc = s_creds_from(out, "AccessKeyId", "SecretAccessKey", "Token", "Expiration", false, &s->creds,
                              "EC2 instance metadata", err);
    }
    curl_slist_free_all(h);
    json_decref(role);
    json_decref(out);
    return rc;
}

int opf_aws_session_credentials(struct opf_aws_session *s, struct opf_aws_creds *out, bool force,
                                struct opf_aws_error *err)
{
    pthread_mutex_lock(&s->lock);
    int rc = 0;
    bool stale = !s->creds.access_key_id || (s->creds.expiration && time(NULL) >= s->creds.expiration - REFRESH_MARGIN_S);
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
    if (rc == 0) {
        out->access_key_id = strdup(s->creds.access_key_id);
        out->secret_access_key = strdup(s->creds.secret_access_key);
        out->session_token = s_dup(s->creds.session_token);
        out->expiration = s->creds.expiration;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- the chain ---- */

static struct opf_aws_session *s_static(struct opf_aws_client *c, const char *akid, const char *secret,
                                        const char *token, json_t *describe)
{
    struct opf_aws_session *s = s_new(c, OPF_SESSION_STATIC, describe);
    if (s) {
        s->creds.access_key_id = strdup(akid);
        s->creds.secret_access_key = strdup(secret);
        s->creds.session_token = s_dup(token);
    }
    return s;
}

static struct opf_aws_session *s_from_env(struct opf_aws_client *c)
{
    const char *a = s_env("AWS_ACCESS_KEY_ID"), *k = s_env("AWS_SECRET_ACCESS_KEY");
    if (!a || !k)
        return NULL;
    return s_static(c, a, k, s_env("AWS_SESSION_TOKEN"), json_pack("{s:s}", "source", "env"));
}

static struct opf_aws_session *s_profile(struct opf_aws_client *c, const char *profile, const char **visited,
                                         int depth, struct opf_aws_error *err);

static struct opf_aws_session *s_profile(struct opf_aws_client *c, const char *profile, const char **visited,
                                         int depth, struct opf_aws_error *err)
{
    for (int i = 0; i < depth; i++)
        if (strcmp(visited[i], profile) == 0) {
            opf_aws_error_set(err, "CredentialsError", "profile %s: source_profile chain loops back to itself", profile);
            return NULL;
        }
    if (depth >= MAX_CHAIN) {
        opf_aws_error_set(err, "CredentialsError", "profile %s: source_profile chain is too long", profile);
        return NULL;
    }
    visited[depth] = profile;
    bool exists = opf_aws_profile_section(c, profile) || json_object_get(c->credentials, profile);
    if (!exists) {
        opf_aws_error_set(err, "CredentialsError", "profile %s is not in the AWS config or credentials file", profile);
        return NULL;
    }
#define P(key) opf_aws_profile_get(c, profile, key)
    const char *role = P("role_arn"), *source = P("source_profile"), *csource = P("credential_source");
    struct opf_aws_session *s = NULL;
    if (role && (source || csource)) {
        struct opf_aws_session *base = NULL;
        /* a profile may source itself when it holds static keys: both of them, or it is a loop */
        bool self_keys = source && strcmp(source, profile) == 0 && P("aws_access_key_id") && P("aws_secret_access_key");
        if (source && !self_keys)
            base = s_profile(c, source, visited, depth + 1, err);
        else if (source)
            base = s_static(c, P("aws_access_key_id"), P("aws_secret_access_key"), P("aws_session_token"),
                            json_pack("{s:s, s:s}", "source", "profile", "profile", profile));
        else if (strcmp(csource, "Environment") == 0)
            base = s_from_env(c);
        if (!base) {
            if (!err->code[0])
                opf_aws_error_set(err, "CredentialsError", "profile %s: credential_source %s gave no credentials",
                                  profile, csource ? csource : "");
            return NULL;
        }
        json_t *d = json_pack("{s:s, s:s, s:s}", "source", "assume-role", "profile", profile, "role_arn", role);
        json_t *bd = base->describe;
        json_t *chain = json_array();
        json_array_append_new(chain, json_pack("{s:s, s:s}", "profile", profile, "source", "assume-role"));
        if (json_object_get(bd, "chain"))
            json_array_extend(chain, json_object_get(bd, "chain"));
        else
            json_array_append_new(chain, json_pack("{s:s?, s:s}", "profile", json_string_value(json_object_get(bd, "profile")),
                                                   "source", json_string_value(json_object_get(bd, "source"))));
        json_object_set_new(d, "chain", chain);
        if (json_object_get(bd, "sso_start_url"))
            json_object_set(d, "sso_start_url", json_object_get(bd, "sso_start_url"));
        s = opf_aws_session_assume_role(base, role, P("external_id"), P("role_session_name"));
        if (!s) {
            opf_aws_session_free(base);
            json_decref(d);
            return NULL;
        }
        s->owns_base = true;
        json_decref(s->describe);
        s->describe = d;
        const char *dur = P("duration_seconds");
        s->duration_seconds = dur ? atoi(dur) : 0;
    } else if (role) {
        opf_aws_error_set(err, "CredentialsError", "profile %s: role_arn needs source_profile or credential_source", profile);
        return NULL;
    } else if (P("aws_access_key_id") && P("aws_secret_access_key")) {
        s = s_static(c, P("aws_access_key_id"), P("aws_secret_access_key"), P("aws_session_token"),
                     json_pack("{s:s, s:s}", "source", "profile", "profile", profile));
    } else if (P("credential_process")) {
        s = s_new(c, OPF_SESSION_PROCESS, json_pack("{s:s, s:s}", "source", "process", "profile", profile));
        if (s)
            s->command = strdup(P("credential_process"));
    } else if (P("sso_session") || P("sso_start_url")) {
        const char *session = P("sso_session");
        const json_t *sect = NULL;
        if (session) {
            char name[300];
            snprintf(name, sizeof(name), "sso-session %s", session);
            sect = json_object_get(c->config, name);
            if (!sect) {
                opf_aws_error_set(err, "CredentialsError", "profile %s: sso_session %s has no [sso-session %s] section",
                                  profile, session, session);
                return NULL;
            }
        }
        const char *url = sect ? json_string_value(json_object_get(sect, "sso_start_url")) : P("sso_start_url");
        const char *region = sect ? json_string_value(json_object_get(sect, "sso_region")) : P("sso_region");
        if (!url || !region || !P("sso_account_id") || !P("sso_role_name")) {
            opf_aws_error_set(err, "CredentialsError", "profile %s: an Identity Center profile needs sso_start_url, "
                              "sso_region, sso_account_id and sso_role_name", profile);
            return NULL;
        }
        s = s_new(c, OPF_SESSION_SSO, json_pack("{s:s, s:s, s:s}", "source", "sso", "profile", profile, "sso_start_url", url));
        if (s) {
            s->sso_start_url = strdup(url);
            s->sso_region = strdup(region);
            s->sso_account = strdup(P("sso_account_id"));
            s->sso_role = strdup(P("sso_role_name"));
            s->sso_cache_key = strdup(session ? session : url); /* botocore's cache key */
        }
    } else {
        opf_aws_error_set(err, "CredentialsError", "profile %s has no credentials (keys, role_arn, credential_process or sso)",
                          profile);
        return NULL;
    }
    if (s && P("region")) {
        free(s->region); /* an assumed role starts with its base's region */
        s->region = strdup(P("region"));
    }
#undef P
    return s;
}

struct opf_aws_session *opf_aws_session_profile(struct opf_aws_client *c, const char *profile, struct opf_aws_error *err)
{
    const char *visited[MAX_CHAIN];
    memset(err, 0, sizeof(*err));
    return s_profile(c, profile, visited, 0, err);
}

struct opf_aws_session *opf_aws_session_default(struct opf_aws_client *c, struct opf_aws_error *err)
{
    memset(err, 0, sizeof(*err));
    bool explicit_profile = s_env("AWS_PROFILE") || strcmp(c->profile, "default") != 0;
    struct opf_aws_session *s = explicit_profile ? NULL : s_from_env(c);
    if (s)
        return s;
    if (!explicit_profile && s_env("AWS_WEB_IDENTITY_TOKEN_FILE") && s_env("AWS_ROLE_ARN")) {
        s = s_new(c, OPF_SESSION_WEB_IDENTITY, json_pack("{s:s, s:s}", "source", "web-identity", "role_arn", s_env("AWS_ROLE_ARN")));
        if (s) {
            s->token_file = strdup(s_env("AWS_WEB_IDENTITY_TOKEN_FILE"));
            s->role_arn = strdup(s_env("AWS_ROLE_ARN"));
            s->session_name = s_dup(s_env("AWS_ROLE_SESSION_NAME"));
        }
        return s;
    }
    if (explicit_profile || opf_aws_profile_section(c, "default") || json_object_get(c->credentials, "default")) {
        s = opf_aws_session_profile(c, c->profile, err);
        if (s || explicit_profile)
            return s;
        if (strstr(err->message, "has no credentials") == NULL)
            return NULL; /* a broken default profile is an error, not a reason to look further */
    }
    memset(err, 0, sizeof(*err));
    const char *full = s_env("AWS_CONTAINER_CREDENTIALS_FULL_URI"), *rel = s_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    if (full || rel) {
        s = s_new(c, OPF_SESSION_CONTAINER, json_pack("{s:s}", "source", "container"));
        if (s) {
            struct opf_buf u = {0};
            if (full)
                opf_buf_puts(&u, full);
            else
                opf_buf_printf(&u, "http://169.254.170.2%s", rel);
            s->url = opf_buf_steal(&u);
        }
        return s;
    }
    const char *disabled = s_env("AWS_EC2_METADATA_DISABLED");
    if (!(disabled && strcasecmp(disabled, "true") == 0)) {
        s = s_new(c, OPF_SESSION_IMDS, json_pack("{s:s}", "source", "imds"));
        const char *ep = s_env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        if (s)
            s->url = strdup(ep ? ep : "http://169.254.169.254");
        if (s) {
            size_t n = strlen(s->url);
            while (n && s->url[n - 1] == '/')
                s->url[--n] = '\0';
        }
        return s;
    }
    opf_aws_error_set(err, "NoCredentials", "no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
                      "AWS_PROFILE or --profile, or a default profile in the AWS config files");
    return NULL;
}

struct opf_aws_session *opf_aws_session_assume_role(struct opf_aws_session *base, const char *role_arn,
                                                    const char *external_id, const char *session_name)
{
    struct opf_aws_session *s = s_new(base->c, OPF_SESSION_ASSUME_ROLE,
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
