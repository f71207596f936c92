/* The AWS services and operations orgpreflight uses: protocols, endpoints, pagination, the allow-list. */
#ifndef OPF_AWS_MODEL_H
#define OPF_AWS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "aws/aws.h"
#include "orgpreflight/export.h"

/* JSON 1.0/1.1, rest-JSON, Query, rest-XML (S3) and EC2's own Query dialect */
enum opf_protocol { OPF_PROTO_JSON, OPF_PROTO_REST_JSON, OPF_PROTO_QUERY, OPF_PROTO_REST_XML, OPF_PROTO_EC2 };

struct opf_aws_service {
    const char *name;           /* botocore service name: "sso-admin" */
    const char *signing_name;   /* "sso" */
    const char *host_prefix;    /* "sso" -> sso.REGION.amazonaws.com */
    const char *env_suffix;     /* AWS_ENDPOINT_URL_<env_suffix> */
    enum opf_protocol protocol;
    const char *target_prefix;  /* JSON: X-Amz-Target prefix */
    const char *api_version;    /* Query: Version= */
    bool global;                /* one endpoint for the partition (organizations, iam, account) */
    const char *json_version;   /* JSON: "1.0" (SQS), NULL for 1.1 */
};

struct opf_aws_operation {
    const char *service;
    const char *name;
    const char *http_path;      /* rest-JSON: POST path; rest-XML: "/{Bucket}?policy", where {Member} takes the
                                 * input member (a query parameter whose member is absent is left out) */
    const char *input_token;    /* pagination: "NextToken" or "Marker" */
    const char *output_token;
    const char *result_key;     /* the list merged across pages */
    const char *lists;          /* XML: comma-separated fields that are lists (empty ones too) */
    const char *http_method;    /* rest-XML: "GET"; NULL for POST */
    const char *payload;        /* rest-XML: the output member that is the whole body (a policy document) */
    const char *renames;        /* EC2: "xmlName=Member,..." where botocore's name is not the capitalized XML one */
    const char *required;       /* output members every answer has: "Name:list,Other:structure" (botocore's
                                 * required members, and the members AWS always sends that the tool reads) */
};

const struct opf_aws_service *opf_aws_service_find(const char *name);
/* The i-th service, NULL past the last. */
const struct opf_aws_service *opf_aws_service_at(size_t i);
/* NULL when the operation is not in the read-only allow-list. */
const struct opf_aws_operation *opf_aws_operation_find(const char *service, const char *operation);

/* 0 when an answer has the operation's output shape: its required members, lists and pagination tokens of the
 * right type; else -1 with err "MalformedResponse" naming the member. */
OPF_MUST_USE int opf_aws_output_check(const struct opf_aws_operation *op, const json_t *out, struct opf_aws_error *err);

#endif
