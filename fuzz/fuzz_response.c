/*
 * Successful AWS answers: the JSON 1.1, rest-JSON and Query-XML parsers. The first line names the
 * operation ("iam:ListUsers"); the rest is the body. An unknown operation reads the body as XML with no
 * list fields. A parsed answer is an object; a refused one carries a code and a reason.
 */
#include <string.h>

#include "aws/protocol.h"
#include "fuzz.h"

int opf_fuzz_response(const uint8_t *data, size_t size)
{
    char name[128];
    const char *body;
    size_t len;
    opf_fuzz_split(data, size, name, sizeof(name), &body, &len);
    char *colon = strchr(name, ':');
    if (colon)
        *colon = '\0';
    const struct opf_aws_operation *op = colon ? opf_aws_operation_find(name, colon + 1) : NULL;
    if (op) {
        struct opf_aws_error err = {0};
        json_t *out = opf_protocol_parse(opf_aws_service_find(op->service), op, body, len, &err);
        OPF_FUZZ_ASSERT(out ? json_is_object(out) : err.code[0] != '\0', "a parse neither succeeded nor failed");
        json_decref(out);
    } else {
        char why[256] = "";
        json_t *out = opf_xml_to_json(body, len, NULL, why, sizeof(why));
        json_decref(out);
    }
    return 0;
}

OPF_FUZZ_ENTRY(opf_fuzz_response)
