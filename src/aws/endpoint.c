/*
 * Endpoints: the overrides the SDKs honour, then botocore's endpoint rules for orgpreflight's services,
 * tabulated per partition and variant by scripts/gen_endpoints.py (endpoint_table.inc).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/client.h"
#include "aws/endpoint.h"

struct s_row {
    const char *service, *partition, *region; /* region: NULL for the partition's template */
    int fips, dualstack;
    const char *url, *signing_region;         /* "{region}" stands for the region; a url "!why" is refused */
};

static const struct s_row s_rows[] = {
#include "aws/endpoint_table.inc"
};

/* STS regions whose sts_regional_endpoints = legacy endpoint is the global one (botocore's list). */
static const char *const s_legacy_sts[] = {"ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
                                           "aws-global", "ca-central-1", "eu-central-1", "eu-north-1",
                                           "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
                                           "us-east-1", "us-east-2", "us-west-1", "us-west-2"};

static const struct opf_aws_service s_portal = {.name = "sso", .signing_name = "awsssoportal",
                                                .host_prefix = "portal.sso", .env_suffix = "SSO"};

const struct opf_aws_service *opf_aws_sso_portal(void)
{
    return &s_portal;
}

const char *opf_aws_partition(const char *region)
{
    static const char *const isolated[] = {"us-iso-", "us-isob-", "eu-isoe-", "us-isof-"};
    for (size_t i = 0; i < sizeof(isolated) / sizeof(isolated[0]); i++)
        if (strncmp(region, isolated[i], strlen(isolated[i])) == 0)
            return NULL;
    if (strncmp(region, "cn-", 3) == 0)
        return "aws-cn";
    if (strncmp(region, "us-gov-", 7) == 0)
        return "aws-us-gov";
    return "aws";
}

static void s_expand(const char *template, const char *region, char *out, size_t len)
{
    const char *at = strstr(template, "{region}");
    if (at)
        snprintf(out, len, "%.*s%s%s", (int)(at - template), template, region, at + 8);
    else
        snprintf(out, len, "%s", template);
}

/* The configured override, if any: its value and where it came from. */
static const char *s_override(const struct opf_aws_client *c, const struct opf_aws_service *svc, char *source,
                              size_t len)
{
    if (c->endpoint_url) {
        snprintf(source, len, "--endpoint-url");
        return c->endpoint_url;
    }
    if (opf_aws_truthy(opf_aws_setting(c, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls")))
        return NULL;
    char name[96];
    snprintf(name, sizeof(name), "AWS_ENDPOINT_URL_%s", svc->env_suffix);
    const char *v = getenv(name);
    if (v && *v) {
        snprintf(source, len, "%s", name);
        return v;
    }
    v = getenv("AWS_ENDPOINT_URL");
    if (v && *v) {
        snprintf(source, len, "AWS_ENDPOINT_URL");
        return v;
    }
    const char *services = opf_aws_profile_get(c, c->profile, "services"); /* its section exists (config.c) */
    if (services) {
        /* botocore's key is the service id in snake case: sso_admin, not sso-admin */
        char key[128];
        snprintf(key, sizeof(key), "%s.endpoint_url", svc->env_suffix);
        for (char *p = key; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        v = json_string_value(json_object_get(json_object_get(c->services, services), key));
        if (v) {
            snprintf(source, len, "services %s", services);
            return v;
        }
    }
    v = opf_aws_profile_get(c, c->profile, "endpoint_url");
    if (v)
        snprintf(source, len, "profile %s endpoint_url", c->profile);
    return v;
}

int opf_aws_endpoint(const struct opf_aws_client *c, const struct opf_aws_service *svc, const char *region,
                     struct opf_endpoint *out, struct opf_aws_error *err)
{
    memset(out, 0, sizeof(*out));
    out->signing_name = svc->signing_name;
    const char *override = s_override(c, svc, out->source, sizeof(out->source));
    if (override) {
        /* an override is signed for the client's region, whatever the service */
        snprintf(out->url, sizeof(out->url), "%s", override);
        size_t n = strlen(out->url);
        while (n > 0 && out->url[n - 1] == '/')
            out->url[--n] = '\0';
        snprintf(out->signing_region, sizeof(out->signing_region), "%s", region);
        return 0;
    }
    const char *partition = opf_aws_partition(region);
    if (!partition) {
        opf_aws_error_set(err, "UnsupportedPartition", "region %s is in an isolated AWS partition (aws-iso*), which "
                          "orgpreflight does not support", region);
        return -1;
    }
    bool fips = opf_aws_truthy(opf_aws_setting(c, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"));
    bool dualstack = opf_aws_truthy(opf_aws_setting(c, "AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint"));
    snprintf(out->source, sizeof(out->source), "default");
    if (strcmp(svc->name, "sts") == 0 && !fips && !dualstack) {
        const char *mode = opf_aws_setting(c, "AWS_STS_REGIONAL_ENDPOINTS", "sts_regional_endpoints"); /* checked */
        for (size_t i = 0; mode && strcmp(mode, "legacy") == 0 && i < sizeof(s_legacy_sts) / sizeof(s_legacy_sts[0]); i++)
            if (strcmp(region, s_legacy_sts[i]) == 0) {
                snprintf(out->url, sizeof(out->url), "https://sts.amazonaws.com");
                snprintf(out->signing_region, sizeof(out->signing_region), "us-east-1");
                return 0;
            }
    }
    const struct s_row *row = NULL;
    for (size_t i = 0; i < sizeof(s_rows) / sizeof(s_rows[0]); i++) {
        const struct s_row *r = &s_rows[i];
        if (strcmp(r->service, svc->name) != 0 || strcmp(r->partition, partition) != 0 || r->fips != fips ||
            r->dualstack != dualstack || (r->region && strcmp(r->region, region) != 0))
            continue;
        if (r->region || !row)
            row = r; /* a row for the region itself beats the template */
    }
    if (!row) {
        opf_aws_error_set(err, "ClientError", "no endpoint known for %s in %s", svc->name, region);
        return -1;
    }
    if (row->url[0] == '!') {
        opf_aws_error_set(err, "EndpointResolutionError", "%s in %s%s%s: %s", svc->name, region, fips ? " (FIPS)" : "",
                          dualstack ? " (dual-stack)" : "", row->url + 1);
        return -1;
    }
    s_expand(row->url, region, out->url, sizeof(out->url));
    s_expand(row->signing_region, region, out->signing_region, sizeof(out->signing_region));
    return 0;
}
