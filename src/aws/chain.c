/*
 * The credential chain, in botocore's order (credentials.create_credential_resolver): environment keys
 * (skipped under --profile), the profile's role_arn (source_profile or credential_source), web identity,
 * then the profile's providers: IAM Identity Center, keys of the credentials file, credential_process, keys of
 * the config file; then container credentials and EC2 instance metadata. A source_profile is resolved through
 * the same profile providers, so its own role_arn is used only when it holds no credentials of its own.
 * Every role of a chain is assumed through STS in the region of the session being made.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "aws/client.h"

#define MAX_CHAIN 8

static const char *s_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

struct s_chain {
    struct opf_aws_client *c;
    const char *region;                 /* the region of the session being made; NULL: the client's */
    const char *visited[MAX_CHAIN];
    int nvisited;
    struct opf_aws_error *err;
};

#define FAIL(ch, code, ...) (opf_aws_error_set((ch)->err, code, __VA_ARGS__), (struct opf_aws_session *)NULL)

static struct opf_aws_session *s_made(struct s_chain *ch, struct opf_aws_session *s)
{
    if (s && ch->region) {
        free(s->region);
        s->region = strdup(ch->region);
    }
    return s;
}

static json_t *s_describe(const char *source, const char *profile, const char *detail_key, const char *detail)
{
    json_t *d = json_pack("{s:s}", "source", source);
    if (profile)
        json_object_set_new(d, "profile", json_string(profile));
    if (detail_key && detail)
        json_object_set_new(d, detail_key, json_string(detail));
    return d;
}

/* Keys from a mapping: the access key needs its secret (botocore's PartialCredentialsError). */
static struct opf_aws_session *s_keys(struct s_chain *ch, const json_t *m, const char *profile, const char *where)
{
    const char *a = json_string_value(json_object_get(m, "aws_access_key_id"));
    const char *k = json_string_value(json_object_get(m, "aws_secret_access_key"));
    if (!a)
        return NULL;
    if (!k)
        return FAIL(ch, "PartialCredentials", "profile %s: aws_access_key_id without aws_secret_access_key in the %s",
                    profile, where);
    const char *t = json_string_value(json_object_get(m, "aws_session_token"));
    if (!t)
        t = json_string_value(json_object_get(m, "aws_security_token"));
    return s_made(ch, opf_aws_session_static(ch->c, a, k, t, s_describe("profile", profile, "file", where)));
}

static struct opf_aws_session *s_env_keys(struct s_chain *ch)
{
    const char *a = s_env("AWS_ACCESS_KEY_ID"), *k = s_env("AWS_SECRET_ACCESS_KEY");
    if (!a)
        return NULL;
    if (!k)
        return FAIL(ch, "PartialCredentials", "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY");
    const char *t = s_env("AWS_SESSION_TOKEN");
    return s_made(ch, opf_aws_session_static(ch->c, a, k, t ? t : s_env("AWS_SECURITY_TOKEN"), s_describe("env", NULL, NULL, NULL)));
}

/* Web identity: the environment's token file and role (unless env is false), else the profile's. */
static struct opf_aws_session *s_web_identity(struct s_chain *ch, const char *profile, bool env)
{
    const json_t *p = opf_aws_profile(ch->c, profile);
#define W(envname, key) (env && getenv(envname) ? getenv(envname) : json_string_value(json_object_get(p, key)))
    const char *file = W("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file");
    if (!file || !*file)
        return NULL;
    const char *role = W("AWS_ROLE_ARN", "role_arn"), *name = W("AWS_ROLE_SESSION_NAME", "role_session_name");
#undef W
    if (!role || !*role)
        return FAIL(ch, "InvalidConfig", "a web identity token file is set without a role ARN (AWS_ROLE_ARN or role_arn)");
    json_t *d = s_describe("web-identity", json_object_get(p, "web_identity_token_file") ? profile : NULL, "role_arn", role);
    struct opf_aws_session *s = opf_aws_session_new(ch->c, OPF_SESSION_WEB_IDENTITY, d);
    if (s) {
        s->token_file = strdup(file);
        s->role_arn = strdup(role);
        s->session_name = name && *name ? strdup(name) : NULL;
    }
    return s_made(ch, s);
}

/* IAM Identity Center: the profile's sso_* settings, with those of its [sso-session]. */
static struct opf_aws_session *s_sso(struct s_chain *ch, const char *profile)
{
    const json_t *p = opf_aws_profile(ch->c, profile);
    if (!json_object_get(p, "sso_role_name") && !json_object_get(p, "sso_account_id"))
        return NULL;
    json_t *conf = json_deep_copy(p);
    const char *session = json_string_value(json_object_get(p, "sso_session"));
    if (session) {
        const json_t *sect = json_object_get(ch->c->sso_sessions, session);
        if (!sect) {
            json_decref(conf);
            return FAIL(ch, "InvalidConfig", "profile %s: sso_session %s has no [sso-session %s] section", profile,
                        session, session);
        }
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)sect, key, v) {
            const json_t *mine = json_object_get(conf, key);
            if (mine && !json_equal(mine, v)) {
                json_decref(conf);
                return FAIL(ch, "InvalidConfig", "profile %s: %s differs between the profile and [sso-session %s]",
                            profile, key, session);
            }
            json_object_set(conf, key, v);
        }
    }
    static const char *const required[] = {"sso_role_name", "sso_account_id", "sso_start_url", "sso_region"};
    char missing[128] = "";
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
        if (!json_string_value(json_object_get(conf, required[i])))
            snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), "%s%s", missing[0] ? ", " : "",
                     required[i]);
    struct opf_aws_session *s = NULL;
    if (missing[0]) {
        opf_aws_error_set(ch->err, "InvalidConfig", "profile %s uses IAM Identity Center but lacks %s", profile, missing);
    } else {
#define C(key) json_string_value(json_object_get(conf, key))
        json_t *d = s_describe("sso", profile, "sso_start_url", C("sso_start_url"));
        if (session)
            json_object_set_new(d, "sso_session", json_string(session));
        s = opf_aws_session_new(ch->c, OPF_SESSION_SSO, d);
        if (s) {
            s->sso_start_url = strdup(C("sso_start_url"));
            s->sso_region = strdup(C("sso_region"));
            s->sso_account = strdup(C("sso_account_id"));
            s->sso_role = strdup(C("sso_role_name"));
            s->sso_cache_key = strdup(session ? session : C("sso_start_url")); /* botocore's cache key */
        }
#undef C
    }
    json_decref(conf);
    return s_made(ch, s);
}

/* The profile's own providers (ProfileProviderBuilder.providers), NULL without an error when none applies. */
static struct opf_aws_session *s_profile_providers(struct s_chain *ch, const char *profile, bool env)
{
    struct opf_aws_session *s = s_web_identity(ch, profile, env);
    if (s || ch->err->code[0])
        return s;
    if ((s = s_sso(ch, profile)) || ch->err->code[0])
        return s;
    if ((s = s_keys(ch, json_object_get(ch->c->credentials, profile), profile, "credentials file")) || ch->err->code[0])
        return s;
    const char *process = opf_aws_profile_get(ch->c, profile, "credential_process");
    if (process) {
        s = opf_aws_session_new(ch->c, OPF_SESSION_PROCESS, s_describe("process", profile, NULL, NULL));
        if (s)
            s->command = strdup(process);
        return s_made(ch, s);
    }
    return s_keys(ch, json_object_get(ch->c->config_profiles, profile), profile, "config file");
}

/* Container credentials: plain http only to loopback addresses and the ECS/EKS hosts (botocore's rule),
 * refused before anything is resolved or sent. */
static bool s_container_url_allowed(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    bool ok = false;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        static const char *const hosts[] = {"169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "localhost", "[::1]"};
        ok = strcasecmp(scheme, "https") == 0;
        for (size_t i = 0; !ok && strcasecmp(scheme, "http") == 0 && i < sizeof(hosts) / sizeof(hosts[0]); i++)
            ok = strcasecmp(host, hosts[i]) == 0;
        /* 127.0.0.0/8 written as a dotted quad */
        unsigned a, b, d, e;
        char tail;
        if (!ok && strcasecmp(scheme, "http") == 0 && sscanf(host, "%u.%u.%u.%u%c", &a, &b, &d, &e, &tail) == 4)
            ok = a == 127 && b < 256 && d < 256 && e < 256;
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

static struct opf_aws_session *s_container(struct s_chain *ch)
{
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"), *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    if (!full && !rel)
        return NULL;
    struct opf_buf u = {0};
    if (rel)
        opf_buf_printf(&u, "http://169.254.170.2%s", rel);
    else
        opf_buf_puts(&u, full);
    if (!rel && !s_container_url_allowed(u.data)) {
        opf_buf_free(&u);
        return FAIL(ch, "ContainerURIRefused", "AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http is allowed only to a "
                    "loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23; use https");
    }
    struct opf_aws_session *s = opf_aws_session_new(ch->c, OPF_SESSION_CONTAINER, s_describe("container", NULL, NULL, NULL));
    if (s)
        s->url = opf_buf_steal(&u);
    opf_buf_free(&u);
    return s_made(ch, s);
}

static struct opf_aws_session *s_imds(struct s_chain *ch)
{
    const char *disabled = s_env("AWS_EC2_METADATA_DISABLED");
    if (disabled && strcasecmp(disabled, "true") == 0)
        return NULL;
    struct opf_aws_session *s = opf_aws_session_new(ch->c, OPF_SESSION_IMDS, s_describe("imds", NULL, NULL, NULL));
    const char *ep = opf_aws_setting(ch->c, "AWS_EC2_METADATA_SERVICE_ENDPOINT", "ec2_metadata_service_endpoint");
    if (s) {
        s->url = strdup(ep ? ep : "http://169.254.169.254");
        size_t n = strlen(s->url);
        while (n && s->url[n - 1] == '/')
            s->url[--n] = '\0';
    }
    return s_made(ch, s);
}

static struct opf_aws_session *s_assume_role(struct s_chain *ch, const char *profile);

/* credential_source: the environment, the container or instance metadata, nothing else. */
static struct opf_aws_session *s_named_source(struct s_chain *ch, const char *profile, const char *source)
{
    struct opf_aws_session *s = NULL;
    if (strcmp(source, "Environment") == 0) /* exactly so, as botocore */
        s = s_env_keys(ch);
    else if (strcmp(source, "EcsContainer") == 0)
        s = s_container(ch);
    else if (strcmp(source, "Ec2InstanceMetadata") == 0)
        s = s_imds(ch);
    else
        return FAIL(ch, "InvalidConfig", "profile %s: credential_source %s is not Environment, EcsContainer or "
                    "Ec2InstanceMetadata", profile, source);
    if (!s && !ch->err->code[0])
        opf_aws_error_set(ch->err, "CredentialRetrieval", "profile %s: credential_source %s gave no credentials", profile,
                          source);
    return s;
}

/* The credentials a source_profile stands for. */
static struct opf_aws_session *s_source(struct s_chain *ch, const char *parent, const char *source)
{
    const json_t *p = opf_aws_profile(ch->c, source);
    if (!p)
        return FAIL(ch, "InvalidConfig", "profile %s: source_profile %s does not exist", parent, source);
    bool keys = json_object_get(p, "aws_access_key_id") || json_object_get(p, "aws_secret_access_key");
    for (int i = 0; i < ch->nvisited; i++)
        if (strcmp(ch->visited[i], source) == 0 && (strcmp(source, parent) != 0 || !keys))
            return FAIL(ch, "InfiniteLoop", "profile %s: source_profile %s loops back into the chain", parent, source);
    if (ch->nvisited >= MAX_CHAIN)
        return FAIL(ch, "InvalidConfig", "profile %s: the source_profile chain is too long", parent);
    ch->visited[ch->nvisited++] = source;
    bool role = json_object_get(p, "role_arn") && !json_object_get(p, "web_identity_token_file");
    if (role && !keys)
        return s_assume_role(ch, source);
    struct opf_aws_session *s = s_profile_providers(ch, source, false);
    if (!s && !ch->err->code[0])
        opf_aws_error_set(ch->err, "InvalidConfig", "source profile %s has no credentials", source);
    return s;
}

static struct opf_aws_session *s_assume_role(struct s_chain *ch, const char *profile)
{
#define P(key) opf_aws_profile_get(ch->c, profile, key)
    const char *role = P("role_arn"), *source = P("source_profile"), *csource = P("credential_source");
    if (source && csource)
        return FAIL(ch, "InvalidConfig", "profile %s has both source_profile and credential_source", profile);
    if (!source && !csource)
        return FAIL(ch, "PartialCredentials", "profile %s: role_arn needs source_profile or credential_source", profile);
    struct opf_aws_session *base = source ? s_source(ch, profile, source) : s_named_source(ch, profile, csource);
    if (!base)
        return NULL;
    struct opf_aws_session *s = opf_aws_session_assume_role(base, role, P("external_id"), P("role_session_name"));
    if (!s) {
        opf_aws_session_free(base);
        return FAIL(ch, "ClientError", "out of memory");
    }
    s->owns_base = true;
    const char *dur = P("duration_seconds");
    s->duration_seconds = dur ? atoi(dur) : 0;
    /* the description: this profile's role, then the links its source went through */
    json_t *d = s_describe("assume-role", profile, "role_arn", role), *bd = base->describe;
    json_t *chain = json_array();
    json_array_append_new(chain, json_pack("{s:s, s:s, s:s}", "profile", profile, "source", "assume-role", "role_arn", role));
    if (json_object_get(bd, "chain"))
        json_array_extend(chain, json_object_get(bd, "chain"));
    else
        json_array_append(chain, bd);
    json_object_set_new(d, "chain", chain);
    if (json_object_get(bd, "sso_start_url"))
        json_object_set(d, "sso_start_url", json_object_get(bd, "sso_start_url"));
    json_decref(s->describe);
    s->describe = d;
#undef P
    return s_made(ch, s);
}

/* The chain for `profile`; env: whether environment keys and web identity variables count. */
static struct opf_aws_session *s_resolve(struct s_chain *ch, const char *profile, bool env)
{
    struct opf_aws_session *s = NULL;
    if (env && ((s = s_env_keys(ch)) || ch->err->code[0]))
        return s;
    const json_t *p = opf_aws_profile(ch->c, profile);
    ch->visited[ch->nvisited++] = profile;
    if (json_object_get(p, "role_arn") && !json_object_get(p, "web_identity_token_file"))
        return s_assume_role(ch, profile);
    if ((s = s_profile_providers(ch, profile, env)) || ch->err->code[0])
        return s;
    if ((s = s_container(ch)) || ch->err->code[0])
        return s;
    if ((s = s_imds(ch)))
        return s;
    return FAIL(ch, "NoCredentials", "no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE "
                "or --profile, or a default profile in the AWS config files");
}

struct opf_aws_session *opf_aws_session_default(struct opf_aws_client *c, struct opf_aws_error *err)
{
    memset(err, 0, sizeof(*err));
    struct s_chain ch = {.c = c, .err = err};
    return s_resolve(&ch, c->profile, !c->profile_explicit);
}

struct opf_aws_session *opf_aws_session_profile(struct opf_aws_client *c, const char *profile, struct opf_aws_error *err)
{
    memset(err, 0, sizeof(*err));
    if (!opf_aws_profile(c, profile)) {
        opf_aws_error_set(err, "ProfileNotFound", "profile %s is not in the AWS config or credentials file", profile);
        return NULL;
    }
    /* another profile's session works in that profile's region, unless the region was given explicitly */
    const char *region = c->region_explicit ? NULL : opf_aws_profile_get(c, profile, "region");
    struct s_chain ch = {.c = c, .region = region, .err = err};
    return s_resolve(&ch, profile, false);
}
