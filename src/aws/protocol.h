/* Serializing requests and parsing answers for the JSON, rest-JSON, Query, rest-XML and EC2 protocols. */
#ifndef OPF_AWS_PROTOCOL_H
#define OPF_AWS_PROTOCOL_H

#include <jansson.h>

#include "aws/aws.h"
#include "aws/model.h"
#include "core/buf.h"

struct opf_wire_request {
    const char *method;             /* "POST", or the rest-XML operation's method */
    const char *path;               /* "/", the rest path, or path_buf; not URI-encoded */
    char *query;                    /* after '?', URI-encoded; malloc'd or NULL */
    const char *content_type;       /* NULL: no body to describe (rest-XML GET) */
    char target[160];               /* X-Amz-Target, or "" */
    char *body;                     /* malloc'd; "" when there is none */
    char path_buf[512];
};

/* 0, or -1 when the input lacks a member the path needs (out is then empty). */
OPF_MUST_USE int opf_protocol_build(const struct opf_aws_service *svc, const struct opf_aws_operation *op,
                                    const json_t *input, struct opf_wire_request *out);
void opf_wire_request_free(struct opf_wire_request *w);

/* A successful answer's output in botocore's shape; NULL when the body cannot be parsed (err filled). */
OPF_MUST_USE json_t *opf_protocol_parse(const struct opf_aws_service *svc, const struct opf_aws_operation *op,
                                        const char *body, size_t len, struct opf_aws_error *err);

/* A 2xx answer that is an error all the same: an x-amzn-ErrorType header, a JSON body with "__type", or an
 * XML <ErrorResponse>, <Error> or EC2 <Response><Errors> document. */
bool opf_protocol_is_error(const struct opf_aws_service *svc, const char *body, size_t len, const char *error_type_header);

/* Fills err->code/message/reason/request_id from an error answer of any protocol (JSON, the XML that
 * auth layers send even for JSON services, or an HTML page). */
void opf_protocol_error(const char *body, size_t len, const char *error_type_header, long status,
                        struct opf_aws_error *err);

/* XML to JSON: elements with children become objects, <member> runs arrays, <entry><key/><value/> maps,
 * text leaves strings. `lists` names fields that are lists even when empty. New reference or NULL. */
OPF_MUST_USE json_t *opf_xml_to_json(const char *xml, size_t len, const char *lists, char *err, size_t errlen);

/* Replaces the values of secret fields (SecretAccessKey, SessionToken, accessToken, ...) in a JSON or
 * XML text by "***", in place. */
void opf_redact_secrets(char *text);

#endif
