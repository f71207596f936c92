/*
 * The shared config and credentials files as botocore sees them (configloader.build_profile_map and
 * Session.full_config), and the settings resolved from flags, the environment and the profile: which
 * profile, which region.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/client.h"
#include "aws/ini.h"

static const char *s_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* Python's shlex.split (POSIX mode) of a section name into at most 3 words; -1 on an unclosed quote. */
static int s_words(const char *in, char words[3][256])
{
    int n = 0;
    size_t len = 0;
    bool in_word = false;
    char quote = 0;
    for (const char *p = in;; p++) {
        char ch = *p;
        if (!ch) {
            if (quote)
                return -1;
            break;
        }
        if (quote) {
            if (ch == quote) {
                quote = 0;
                continue;
            }
            if (quote == '"' && ch == '\\' && (p[1] == '"' || p[1] == '\\'))
                ch = *++p;
        } else if (isspace((unsigned char)ch)) {
            if (in_word) {
                if (n < 3)
                    words[n][len < 255 ? len : 255] = '\0';
                n++;
                len = 0;
                in_word = false;
            }
            continue;
        } else if (ch == '\'' || ch == '"') {
            quote = ch;
            in_word = true;
            continue;
        } else if (ch == '\\') {
            if (!p[1])
                return -1;
            ch = *++p;
        }
        in_word = true;
        if (n < 3 && len < 255)
            words[n][len] = ch;
        len++;
    }
    if (in_word) {
        if (n < 3)
            words[n][len < 255 ? len : 255] = '\0';
        n++;
    }
    return n;
}

/* "profile dev" -> "dev" when the name splits into exactly two words (botocore's _parse_section). */
static bool s_named(const char *section, const char *prefix, char *name, size_t len)
{
    char words[3][256];
    if (strncmp(section, prefix, strlen(prefix)) != 0 || s_words(section, words) != 2)
        return false;
    snprintf(name, len, "%s", words[1]);
    return true;
}

void opf_aws_config_index(struct opf_aws_client *c)
{
    c->profiles = json_object();
    c->config_profiles = json_object();
    c->sso_sessions = json_object();
    c->services = json_object();
    const char *section;
    json_t *kv;
    char name[256];
    json_object_foreach(c->config, section, kv) {
        if (s_named(section, "profile", name, sizeof(name)))
            json_object_set(c->config_profiles, name, kv);
        else if (s_named(section, "sso-session", name, sizeof(name)))
            json_object_set(c->sso_sessions, name, kv);
        else if (s_named(section, "services", name, sizeof(name)))
            json_object_set(c->services, name, kv);
        else if (strcmp(section, "default") == 0)
            json_object_set(c->config_profiles, "default", kv);
    }
    json_object_foreach(c->config_profiles, section, kv) json_object_set_new(c->profiles, section, json_deep_copy(kv));
    /* the credentials file's sections are profiles by their plain names; its keys win */
    json_object_foreach(c->credentials, section, kv) {
        json_t *p = json_object_get(c->profiles, section);
        if (p)
            json_object_update(p, kv);
        else
            json_object_set_new(c->profiles, section, json_deep_copy(kv));
    }
}

static char *s_home_path(const char *env, const char *rel)
{
    const char *v = s_env(env);
    if (v)
        return strdup(v);
    const char *home = s_env("HOME");
    struct opf_buf b = {0};
    opf_buf_printf(&b, "%s/%s", home ? home : ".", rel);
    return opf_buf_steal(&b);
}

int opf_aws_config_load(struct opf_aws_client *c, struct opf_aws_error *err)
{
    char *config = s_home_path("AWS_CONFIG_FILE", ".aws/config");
    char *creds = s_home_path("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
    c->config = json_object();
    c->credentials = json_object();
    int rc = 0;
    struct opf_error failed = {0};
    if (opf_ini_load(config, c->config, &failed) < 0 || opf_ini_load(creds, c->credentials, &failed) < 0) {
        opf_aws_error_set(err, "ConfigParseError", "%s", failed.message);
        rc = -1;
    }
    free(config);
    free(creds);
    if (rc == 0)
        opf_aws_config_index(c);
    return rc;
}

const json_t *opf_aws_profile(const struct opf_aws_client *c, const char *profile)
{
    return json_object_get(c->profiles, profile);
}

const char *opf_aws_profile_get(const struct opf_aws_client *c, const char *profile, const char *key)
{
    return json_string_value(json_object_get(opf_aws_profile(c, profile), key));
}

const char *opf_aws_setting(const struct opf_aws_client *c, const char *env, const char *key)
{
    const char *v = env ? s_env(env) : NULL;
    return v ? v : opf_aws_profile_get(c, c->profile, key);
}

bool opf_aws_truthy(const char *v)
{
    return v && strcasecmp(v, "true") == 0;
}

/* botocore's validate_region_name: a DNS label, not all digits. */
static bool s_valid_region(const char *r)
{
    size_t n = strlen(r);
    if (n == 0 || n > 63 || r[0] == '-' || r[n - 1] == '-' || strspn(r, "0123456789") == n)
        return false;
    for (const char *p = r; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-')
            return false;
    return true;
}

int opf_aws_config_resolve(struct opf_aws_client *c, const char *profile, const char *region, struct opf_aws_error *err)
{
    /* the profile: --profile, AWS_DEFAULT_PROFILE, AWS_PROFILE (botocore's order), else "default" */
    c->profile_explicit = profile != NULL;
    const char *env_profile = s_env("AWS_DEFAULT_PROFILE");
    if (!env_profile)
        env_profile = s_env("AWS_PROFILE");
    c->profile = strdup(profile ? profile : env_profile ? env_profile : "default");
    if ((profile || env_profile) && !opf_aws_profile(c, c->profile)) {
        opf_aws_error_set(err, "ProfileNotFound", "profile %s is not in the AWS config or credentials file", c->profile);
        return -1;
    }
    /* the region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile, us-east-1 */
    static const char *const sources[] = {"--region", "AWS_REGION", "AWS_DEFAULT_REGION", "profile"};
    const char *values[] = {region, s_env("AWS_REGION"), s_env("AWS_DEFAULT_REGION"),
                            opf_aws_profile_get(c, c->profile, "region")};
    c->region_source = "default";
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]) && !c->region; i++)
        if (values[i] && *values[i]) {
            c->region = strdup(values[i]);
            c->region_source = sources[i];
            c->region_explicit = i < 3;
        }
    if (!c->region)
        c->region = strdup("us-east-1");
    if (!s_valid_region(c->region)) {
        opf_aws_error_set(err, "InvalidRegion", "region %.64s (from %s) is not a valid region name", c->region,
                          c->region_source);
        return -1;
    }
    const char *services = opf_aws_profile_get(c, c->profile, "services");
    if (services && !json_object_get(c->services, services)) {
        opf_aws_error_set(err, "InvalidConfig", "profile %s: services %s has no [services %s] section", c->profile,
                          services, services);
        return -1;
    }
    const char *sts = opf_aws_setting(c, "AWS_STS_REGIONAL_ENDPOINTS", "sts_regional_endpoints");
    if (sts && strcmp(sts, "legacy") != 0 && strcmp(sts, "regional") != 0) {
        opf_aws_error_set(err, "InvalidConfig", "sts_regional_endpoints %.40s (AWS_STS_REGIONAL_ENDPOINTS or the "
                          "profile): expected legacy or regional", sts);
        return -1;
    }
    return 0;
}
