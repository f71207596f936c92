/*
 * The AWS client: its settings (options, environment, the shared files), its transport and clock, its pacing
 * and counters. The calls are call.c's and paginate.c's, the HTTP exchange http.c's, the credentials session.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/endpoint.h"
#include "aws/limits.h"

static const char *s_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* max_attempts: the option, else AWS_MAX_ATTEMPTS, the profile's max_attempts, else the retry mode's. */
static int s_max_attempts(struct opf_aws_client *c, const struct opf_aws_client_options *o, struct opf_aws_error *err)
{
    const char *attempts = s_env("AWS_MAX_ATTEMPTS");
    if (!attempts)
        attempts = opf_aws_profile_get(c, c->profile, "max_attempts");
    c->max_attempts = o && o->max_attempts ? o->max_attempts : c->retry_mode_attempts;
    if (!(o && o->max_attempts) && attempts)
        return opf_aws_parse_count(s_env("AWS_MAX_ATTEMPTS") ? "AWS_MAX_ATTEMPTS" : "max_attempts of the profile",
                                   attempts, 1, 100, &c->max_attempts, err);
    return 0;
}

/* The bounds of calls and transfers (limits.h), each the option when given, else its default. */
static void s_limits(struct opf_aws_client *c, const struct opf_aws_client_options *o)
{
    c->interrupted = o ? o->interrupted : NULL;
    c->call_budget_ms = o && o->call_budget_ms > 0 ? o->call_budget_ms : OPF_CALL_BUDGET_MS_DEFAULT;
    c->item_budget_ms = o && o->item_budget_ms > 0 ? o->item_budget_ms : OPF_ITEM_BUDGET_MS_DEFAULT;
    c->max_answer_bytes = o && o->max_answer_bytes > 0 ? o->max_answer_bytes : OPF_MAX_ANSWER_BYTES_DEFAULT;
    c->max_pages = o && o->max_pages > 0 ? o->max_pages : OPF_MAX_PAGES_DEFAULT;
    c->process_timeout_ms = o && o->process_timeout_ms > 0 ? o->process_timeout_ms : OPF_PROCESS_TIMEOUT_MS_DEFAULT;
    c->connect_timeout_ms = o && o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 3000;
    c->read_timeout_ms = o && o->read_timeout_ms > 0 ? o->read_timeout_ms : 30000;
    const char *base = s_env("OPF_RETRY_BASE_MS"); /* tests shorten the backoff; the SDKs' base is 1 s */
    c->backoff_base_ms = base ? atol(base) : 1000;
}

/* The settings of the shared files and the environment; -1 with err. */
static int s_settings(struct opf_aws_client *c, const struct opf_aws_client_options *o, struct opf_aws_error *err)
{
    if (opf_aws_config_load(c, err) != 0 || opf_aws_config_resolve(c, o ? o->profile : NULL, o ? o->region : NULL, err) != 0 ||
        opf_aws_retry_mode_resolve(c, err) != 0)
        return -1;
    if (!opf_aws_partition(c->region)) {
        opf_aws_error_set(err, "UnsupportedPartition", "region %s (from %s) is in an isolated AWS partition (aws-iso*), "
                          "which orgpreflight does not support", c->region, c->region_source);
        return -1;
    }
    c->endpoint_url = o && o->endpoint_url ? strdup(o->endpoint_url) : NULL;
    if (s_max_attempts(c, o, err) != 0)
        return -1;
    s_limits(c, o);
    const char *ca = s_env("AWS_CA_BUNDLE");
    if (!ca)
        ca = opf_aws_profile_get(c, c->profile, "ca_bundle");
    c->ca_bundle = ca ? strdup(ca) : NULL;
    c->debug = o ? o->debug : NULL;
    return 0;
}

struct opf_aws_client *opf_aws_client_new(const struct opf_aws_client_options *o, struct opf_aws_error *err)
{
    struct opf_aws_client *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    pthread_mutex_init(&c->debug_lock, NULL);
    /* benchmarks against a server without AWS's quotas switch the client's own pacing off */
    const char *pacing = s_env("OPF_PACING");
    opf_aws_pacer_init(&c->pacer, !(pacing && strcmp(pacing, "off") == 0));
    c->clock = o && o->clock ? *o->clock : opf_aws_system_clock;
    if (o && o->transport) {
        c->transport = *o->transport;
    } else if (opf_aws_curl_start(c, &c->transport, err) != 0) {
        opf_aws_client_free(c);
        return NULL;
    } else {
        c->owns_transport = true;
    }
    if (s_settings(c, o, err) != 0) {
        opf_aws_client_free(c);
        return NULL;
    }
    return c;
}

void opf_aws_client_free(struct opf_aws_client *c)
{
    if (!c)
        return;
    if (c->owns_transport)
        opf_aws_curl_stop(&c->transport);
    json_decref(c->config);
    json_decref(c->credentials);
    json_decref(c->profiles);
    json_decref(c->config_profiles);
    json_decref(c->sso_sessions);
    json_decref(c->services);
    free(c->profile);
    free(c->region);
    free(c->endpoint_url);
    free(c->ca_bundle);
    opf_aws_pacer_free(&c->pacer);
    pthread_mutex_destroy(&c->debug_lock);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

const char *opf_aws_client_region(const struct opf_aws_client *c)
{
    return c->region;
}

void opf_aws_client_stats(const struct opf_aws_client *c, struct opf_aws_stats *out)
{
    pthread_mutex_lock((pthread_mutex_t *)&c->lock);
    *out = c->stats;
    pthread_mutex_unlock((pthread_mutex_t *)&c->lock);
}
