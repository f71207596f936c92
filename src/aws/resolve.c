/* What a session resolves to (profile, region, credential source, every service's endpoint), for
 * `orgpreflight whoami` and the tests that compare it with the AWS SDKs. Nothing is sent. */
#include "aws/client.h"
#include "aws/endpoint.h"

json_t *opf_aws_session_resolution(struct opf_aws_session *s)
{
    struct opf_aws_client *c = s->c;
    static const char *const modes[] = {[OPF_RETRY_STANDARD] = "standard", [OPF_RETRY_LEGACY] = "legacy",
                                        [OPF_RETRY_ADAPTIVE] = "adaptive"};
    const char *region = s->region ? s->region : c->region;
    json_t *endpoints = json_object();
    const struct opf_aws_service *svc;
    for (size_t i = 0; (svc = opf_aws_service_at(i)); i++) {
        struct opf_endpoint ep;
        struct opf_aws_error err = {0};
        if (opf_aws_endpoint(c, svc, region, &ep, &err) == 0)
            json_object_set_new(endpoints, svc->name, json_pack("{s:s, s:s, s:s, s:s}", "url", ep.url, "signing_region",
                                                                ep.signing_region, "signing_name", ep.signing_name,
                                                                "source", ep.source));
        else
            json_object_set_new(endpoints, svc->name, json_pack("{s:s++}", "error", err.code, ": ", err.message));
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:i, s:o, s:o}", "profile", c->profile, "region", region, "region_source",
                     s->region ? "profile" : c->region_source, "retry_mode", modes[c->retry_mode], "max_attempts",
                     c->max_attempts, "credentials", opf_aws_session_describe(s), "endpoints", endpoints);
}
