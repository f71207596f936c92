/* Evidence items: how every provider records what it read or why it could not (docs/evidence.md). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "collect/collect_internal.h"
#include "core/core.h"

bool opf_collect_want(const struct opf_collect *k, const char *key)
{
    if (!k->opts->needs)
        return true;
    for (const char *const *n = k->opts->needs; *n; n++)
        if (strcmp(*n, key) == 0)
            return true;
    return false;
}

static void s_now(char *buf, size_t n)
{
    opf_time_format(time(NULL), buf, n);
}

void opf_collect_item(json_t *evidence, const char *key, const char *source, json_t *data, const struct opf_aws_error *err)
{
    char at[32];
    s_now(at, sizeof(at));
    json_t *item = json_pack("{s:s, s:s}", "source", source, "collected_at", at);
    if (data)
        json_object_set_new(item, "data", data);
    else
        json_object_set_new(item, "error", json_pack("{s:s, s:s, s:I}", "code", err->code[0] ? err->code : "Error",
                                                     "message", err->message, "http_status", (json_int_t)err->http_status));
    json_object_set_new(evidence, key, item);
}

json_t *opf_collect_item_end(const struct opf_aws_item *item, const struct opf_aws_item *outer, json_t *data,
                             struct opf_aws_error *err)
{
    if (opf_aws_item_end(item, outer, err))
        return data;
    json_decref(data);
    return NULL;
}

static char *s_url_decode(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1), *o = out;
    for (size_t i = 0; out && i < n; i++) {
        if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = {s[i + 1], s[i + 2], 0};
            *o++ = (char)strtol(hex, NULL, 16);
            i += 2;
        } else {
            *o++ = s[i]; /* '+' stays: botocore decodes with unquote, not unquote_plus */
        }
    }
    if (out)
        *o = '\0';
    return out;
}

/* Query answers carry policy documents URL-encoded: decode them to JSON as botocore does. */
void opf_collect_decode_document(json_t *obj, const char *key)
{
    const char *text = json_string_value(json_object_get(obj, key));
    if (!text)
        return;
    char *decoded = s_url_decode(text);
    json_t *doc = decoded ? json_loads(decoded, 0, NULL) : NULL;
    free(decoded);
    if (doc)
        json_object_set_new(obj, key, doc);
}

bool opf_collect_denied(const char *code)
{
    return opf_aws_error_category(code, 0) == OPF_ERR_PERMISSION;
}

void opf_collect_error_entry(json_t *errors, const char *region, const struct opf_aws_error *err, const char *resource)
{
    json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "Region", region ? region : "", "Operation", err->operation,
                          "Code", err->code[0] ? err->code : "Error", "Message", err->message);
    if (resource)
        json_object_set_new(e, "Resource", json_string(resource));
    json_array_append_new(errors, e);
}

/* The answers that mean the caller cannot read the organization (as opposed to a failed call). */
static bool s_not_in_organization(const char *code)
{
    return opf_collect_denied(code) || strcmp(code, "AWSOrganizationsNotInUseException") == 0;
}

void opf_collect_discovery_failed(const char *caller, const struct opf_aws_error *aerr, struct opf_error *err)
{
    if (s_not_in_organization(aerr->code))
        opf_fail(err, OPF_ERR_PERMISSION, "%s is not the management account or a delegated administrator of an "
                 "organization: %s: %s: %s", caller ? caller : "the caller", aerr->operation, aerr->code, aerr->message);
    else /* throttling, a cut answer, a redirect, an invalid token...: said as it is */
        opf_fail(err, opf_aws_error_category(aerr->code, aerr->http_status), "discovery failed: %s: %s: %s",
                 aerr->operation, aerr->code, aerr->message);
}
