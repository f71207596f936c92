/*
 * AWS error answers of every protocol (JSON, Query-XML, HTML pages, empty bodies) and the redaction of
 * secrets from the debug trace. The first line is "STATUS [x-amzn-ErrorType]"; the rest is the body.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/protocol.h"
#include "fuzz.h"

int opf_fuzz_aws_error(const uint8_t *data, size_t size)
{
    char head[160];
    const char *body;
    size_t len;
    opf_fuzz_split(data, size, head, sizeof(head), &body, &len);
    char *type = strchr(head, ' ');
    if (type)
        *type++ = '\0';
    long status = strtol(head, NULL, 10);

    struct opf_aws_error err = {0};
    opf_protocol_error(body, len, type, status, &err);
    OPF_FUZZ_ASSERT(err.code[0], "an error answer left no code");
    OPF_FUZZ_ASSERT(err.http_status == status, "an error answer lost its status");

    char *text = opf_fuzz_string(data, size);
    size_t before = strlen(text);
    opf_redact_secrets(text);
    OPF_FUZZ_ASSERT(strlen(text) == before, "redaction changed the length of the text");
    free(text);
    return 0;
}

OPF_FUZZ_ENTRY(opf_fuzz_aws_error)
