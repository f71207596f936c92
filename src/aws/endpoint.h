/* Where a service's requests go and the region they are signed for, as botocore resolves them. */
#ifndef OPF_AWS_ENDPOINT_H
#define OPF_AWS_ENDPOINT_H

#include "aws/model.h"

struct opf_aws_client;
struct opf_aws_error;

struct opf_endpoint {
    char url[1024];              /* scheme and host (and a path prefix of an override), no trailing '/' */
    char signing_region[64];
    const char *signing_name;
    char source[96];             /* "default", "--endpoint-url", "AWS_ENDPOINT_URL_STS", "services dev", ... */
};

/* The partition of a region ("aws", "aws-cn", "aws-us-gov"), or NULL for the isolated ones, which are not
 * supported. */
const char *opf_aws_partition(const char *region);

/* The endpoint of `svc` in `region`: an override (--endpoint-url; then, unless ignore_configured_endpoint_urls,
 * AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's services section, its endpoint_url), else the
 * partition's endpoint with use_fips_endpoint, use_dualstack_endpoint and sts_regional_endpoints applied.
 * 0, or -1 with err (an isolated partition, a combination the partition does not offer, a bad setting). */
OPF_MUST_USE int opf_aws_endpoint(const struct opf_aws_client *c, const struct opf_aws_service *svc, const char *region,
                                  struct opf_endpoint *out, struct opf_aws_error *err);

/* The IAM Identity Center portal (GetRoleCredentials), resolved the same way. */
const struct opf_aws_service *opf_aws_sso_portal(void);

#endif
