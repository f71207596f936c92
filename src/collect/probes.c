/* The probes of an account's root address: its domain's mail servers in DNS, and optionally an SMTP RCPT TO
 * at the first of them (docs/evidence.md). */
#include <string.h>

#include "aws/collector.h"
#include "collect/collect_internal.h"
#include "probes/probes.h"

/* The evidence's error codes of the probes (docs/evidence.md), by what kind of failure the probe reported. */
static const char *s_dns_code(enum opf_error_category category)
{
    return category == OPF_ERR_TIMEOUT         ? "DnsTimeout"
           : category == OPF_ERR_INVALID_INPUT ? "DnsConfigError"
                                               : "DnsError";
}

static const char *s_smtp_code(enum opf_error_category category)
{
    return category == OPF_ERR_NETWORK ? "SmtpUnreachable" : "SmtpError";
}

static void s_dns(struct opf_collect *k, const char *email, json_t *ev)
{
    const char *at = email ? strrchr(email, '@') : NULL;
    struct opf_aws_error err = {0};
    if (!at) {
        opf_aws_error_set(&err, "NoRootEmail", "the account has no root e-mail address to probe");
        opf_collect_item(ev, "probe.dns", "probe:dns", NULL, &err);
        return;
    }
    const char *domain = at + 1;
    json_t *cached = opf_collect_cache_claim(k, k->dns_cache, domain);
    if (!cached) {
        const json_t *dns = json_object_get(k->opts->config, "dns");
        struct opf_error failed = {0};
        cached = opf_dns_probe(domain, json_object_get(dns, "servers"),
                               (int)json_integer_value(json_object_get(dns, "timeout_ms")), &failed);
        if (!cached) {
            opf_aws_error_set(&err, s_dns_code(failed.category), "%s", failed.message);
            cached = json_pack("{s:s, s:s}", "code", err.code, "message", err.message);
        }
        opf_collect_cache_fill(k, k->dns_cache, domain, cached);
    }
    if (json_object_get(cached, "rcode")) {
        opf_collect_item(ev, "probe.dns", "probe:dns", json_deep_copy(cached), NULL);
    } else {
        snprintf(err.code, sizeof(err.code), "%s", json_string_value(json_object_get(cached, "code")));
        snprintf(err.message, sizeof(err.message), "%s", json_string_value(json_object_get(cached, "message")));
        opf_collect_item(ev, "probe.dns", "probe:dns", NULL, &err);
    }
    json_decref(cached);
}

/* The optional RCPT TO probe at the first MX (lowest preference) of the root address's domain. */
static void s_smtp(struct opf_collect *k, const char *email, json_t *ev)
{
    const json_t *re = json_object_get(k->opts->config, "root_email");
    if (!json_is_true(json_object_get(re, "smtp_probe")))
        return;
    struct opf_aws_error err = {0};
    const json_t *dns = json_object_get(json_object_get(ev, "probe.dns"), "data");
    const char *exchange = NULL;
    json_int_t best = 1 << 30;
    size_t i;
    const json_t *mx;
    json_array_foreach(json_object_get(dns, "mx"), i, mx) {
        const char *ex = json_string_value(json_object_get(mx, "exchange"));
        if (ex && strcmp(ex, ".") != 0 && json_integer_value(json_object_get(mx, "preference")) < best) {
            best = json_integer_value(json_object_get(mx, "preference"));
            exchange = ex;
        }
    }
    if (!exchange) {
        opf_aws_error_set(&err, "NoMailServer", "no MX to probe for %s", email ? email : "the root address");
        opf_collect_item(ev, "probe.smtp", "probe:smtp", NULL, &err);
        return;
    }
    const json_t *dcfg = json_object_get(k->opts->config, "dns");
    struct opf_error failed = {0};
    json_t *host = opf_dns_probe(exchange, json_object_get(dcfg, "servers"),
                                 (int)json_integer_value(json_object_get(dcfg, "timeout_ms")), &failed);
    const char *addr = json_string_value(json_array_get(json_object_get(host, "a"), 0));
    json_t *out = NULL;
    if (!host)
        opf_aws_error_set(&err, s_dns_code(failed.category), "%s", failed.message);
    else if (!addr)
        opf_aws_error_set(&err, "NoMailServerAddress", "the MX %s has no A record", exchange);
    else if (!(out = opf_smtp_probe(addr, (int)json_integer_value(json_object_get(re, "smtp_port")), email, 5000,
                                    &failed)))
        opf_aws_error_set(&err, s_smtp_code(failed.category), "%s", failed.message);
    if (out)
        json_object_set_new(out, "exchange", json_string(exchange));
    opf_collect_item(ev, "probe.smtp", "probe:smtp", out, &err);
    json_decref(host);
}

void opf_collect_probes_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const char *email = ((const struct opf_collect_account *)arg)->email;
    if (opf_collect_want(k, "probe.dns"))
        s_dns(k, email, ev);
    if (opf_collect_want(k, "probe.smtp"))
        s_smtp(k, email, ev); /* reads probe.dns */
}
