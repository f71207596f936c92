/* Logic shared by several built-in checks (see common.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "common.h"
#include "core/core.h"
#include "policy/eval.h"

enum opf_migration_path opf_chk_path(const struct opf_subject *s, const struct opf_context *ctx)
{
    return s->is_management ? OPF_PATH_LEAVE : ctx->path;
}

const char *opf_chk_str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

const json_t *opf_chk_find(const json_t *list, const char *key, const char *value)
{
    size_t i;
    const json_t *o;
    json_array_foreach(list, i, o) {
        const char *v = opf_chk_str(o, key);
        if (v && value && strcmp(v, value) == 0)
            return o;
    }
    return NULL;
}

long opf_chk_config_int(const struct opf_context *ctx, const char *path)
{
    return (long)json_integer_value(opf_config_get(ctx, path));
}

const json_t *opf_chk_account(const struct opf_subject *s, struct opf_finding *f, struct opf_item *item)
{
    if (!opf_require(s, "organizations.account", f, item))
        return NULL;
    const json_t *account = json_object_get(item->data, "Account");
    if (!json_is_object(account)) {
        opf_set(f, OPF_UNKNOWN, "evidence organizations.account has no Account object");
        return NULL;
    }
    return account;
}

enum opf_chk_joined opf_chk_joined(const struct opf_subject *s, struct opf_finding *f)
{
    struct opf_item item;
    const json_t *account = opf_chk_account(s, f, &item);
    if (!account)
        return OPF_JOINED_UNREADABLE;
    const char *method = opf_chk_str(account, "JoinedMethod");
    json_t *values = json_pack("{s:s?}", "JoinedMethod", method);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    if (method && strcmp(method, "CREATED") == 0)
        return OPF_JOINED_CREATED;
    if (method && strcmp(method, "INVITED") == 0)
        return OPF_JOINED_INVITED;
    return OPF_JOINED_OTHER;
}

enum opf_status opf_chk_unreadable(const struct opf_subject *s, const char *key, struct opf_finding *f)
{
    struct opf_item item;
    if (opf_require(s, key, f, &item))
        return opf_set(f, OPF_UNKNOWN, "evidence %s could not be judged", key);
    return f->status;
}

bool opf_chk_org_subject(const struct opf_context *ctx, struct opf_subject *out)
{
    const json_t *org = json_object_get(ctx->bundle, "organization");
    memset(out, 0, sizeof(*out));
    if (!json_is_object(org))
        return false;
    out->kind = OPF_SUBJECT_ORGANIZATION;
    out->id = opf_chk_str(org, "id");
    out->name = out->id;
    out->record = org;
    out->evidence = json_object_get(org, "evidence");
    return true;
}

bool opf_chk_require_org(const struct opf_context *ctx, const char *key, struct opf_finding *f,
                         struct opf_item *out)
{
    struct opf_subject org;
    if (!opf_chk_org_subject(ctx, &org)) {
        memset(out, 0, sizeof(*out));
        out->key = key;
        opf_set(f, OPF_UNKNOWN, "the bundle has no organization record, so %s is unavailable", key);
        return false;
    }
    return opf_require(&org, key, f, out);
}

/* The tail a full list ends with: "… and N more". */
static const char s_more[] = "… and ";

void opf_chk_list_join(char *buf, size_t len, const char *sep, const char *item)
{
    size_t used = strlen(buf), dropped;
    int end = 0;
    char *tail = NULL;
    for (char *p = strstr(buf, s_more); p; p = strstr(p + 1, s_more))
        tail = p;
    if (tail && sscanf(tail + sizeof(s_more) - 1, "%zu more%n", &dropped, &end) == 1 &&
        tail[sizeof(s_more) - 1 + (size_t)end] == '\0') {
        snprintf(tail, len - (size_t)(tail - buf), "%s%zu more", s_more, dropped + 1); /* never longer than room */
        return;
    }
    if (!used)
        sep = "";
    /* an entry goes in whole, and only while a separator and the longest tail still fit after it */
    size_t room = strlen(sep) + sizeof(s_more) + sizeof("999999 more");
    if (used + strlen(sep) + strlen(item) + room < len)
        snprintf(buf + used, len - used, "%s%s", sep, item);
    else if (used + room < len)
        snprintf(buf + used, len - used, "%s%s1 more", used ? " " : "", s_more);
    else if (!used && len > strlen("…"))
        snprintf(buf, len, "…"); /* no room even for the count */
}

void opf_chk_list_add(char *buf, size_t len, const char *item)
{
    opf_chk_list_join(buf, len, ", ", item);
}

size_t opf_chk_item_errors(const json_t *data, char *buf, size_t len)
{
    const json_t *errors = json_object_get(data, "Errors");
    size_t i;
    const json_t *e;
    buf[0] = '\0';
    json_array_foreach(errors, i, e) {
        char one[512];
        const char *region = opf_chk_str(e, "Region"), *resource = opf_chk_str(e, "Resource");
        snprintf(one, sizeof(one), "%s%s%s %s%s%s", region ? region : "", region ? " " : "",
                 opf_chk_str(e, "Operation") ? opf_chk_str(e, "Operation") : "(operation not named)",
                 opf_chk_str(e, "Code") ? opf_chk_str(e, "Code") : "Error", resource ? " on " : "",
                 resource ? resource : "");
        opf_chk_list_add(buf, len, one);
    }
    return json_is_array(errors) ? json_array_size(errors) : 0;
}

bool opf_chk_wildcard(const char *pattern, const char *text, bool casefold)
{
    return opf_policy_wildcard(pattern, text, casefold);
}

void opf_chk_format_time(time_t t, char *buf, size_t len)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum opf_chk_attested opf_chk_attestation(const struct opf_subject *s, const struct opf_context *ctx,
                                          const char *fact, struct opf_finding *f, char *note, size_t len)
{
    struct opf_attestation a;
    struct opf_item item;
    char key[128];
    note[0] = '\0';
    snprintf(key, sizeof(key), "attestation.%s", fact);
    if (opf_evidence_get(s, key, &item) != OPF_ITEM_OK)
        return OPF_ATTESTED_NONE;
    opf_finding_cite(f, &item, item.data);
    if (!opf_attestation_get(s, ctx, fact, &a)) {
        snprintf(note, len, " The %s attestation has no readable value or date and was ignored.", fact);
        return OPF_ATTESTED_INVALID;
    }
    if (!a.fresh && a.age_days < 0) {
        snprintf(note, len, " The %s attestation is dated in the future (%s) and was ignored.", fact, a.attested_at);
        return OPF_ATTESTED_STALE;
    }
    if (!a.fresh) {
        snprintf(note, len, " The %s attestation of %s by %s is stale (%d days old, maximum %d) and was ignored.",
                 fact, a.attested_at, a.attested_by ? a.attested_by : "an unnamed operator", a.age_days,
                 ctx->attestation_max_age_days);
        return OPF_ATTESTED_STALE;
    }
    if (!json_is_boolean(a.value)) {
        snprintf(note, len, " The %s attestation's value is not true or false and was ignored.", fact);
        return OPF_ATTESTED_INVALID;
    }
    return json_is_true(a.value) ? OPF_ATTESTED_TRUE : OPF_ATTESTED_FALSE;
}

/* ---- IAM policy documents ---- */

json_t *opf_chk_policy_document(const json_t *doc)
{
    if (json_is_object(doc))
        return json_incref((json_t *)doc);
    return json_is_string(doc) ? json_loads(json_string_value(doc), 0, NULL) : NULL;
}

bool opf_chk_all_objects(const json_t *list)
{
    size_t i;
    const json_t *e;
    json_array_foreach(list, i, e) if (!json_is_object(e)) return false;
    return json_is_array(list);
}

json_t *opf_chk_policy_statements(const json_t *document)
{
    json_t *statement = json_object_get(document, "Statement");
    if (json_is_array(statement) && !opf_chk_all_objects(statement))
        return NULL; /* a null or a string among the statements: unreadable */
    if (json_is_array(statement))
        return json_incref(statement);
    if (json_is_object(statement)) {
        json_t *list = json_array();
        json_array_append(list, statement);
        return list;
    }
    return NULL;
}

bool opf_chk_statement_effect(const json_t *statement, const char *effect)
{
    const char *e = opf_chk_str(statement, "Effect");
    return e && strcmp(e, effect) == 0;
}

/* ---- IAM credential report ---- */

/* Base64 through OpenSSL, tolerating the line breaks IAM and tools insert. */
static unsigned char *s_base64_decode(const char *in, size_t *out_len)
{
    size_t n = strlen(in), m = 0, pad = 0;
    char *clean = malloc(n + 1);
    if (!clean)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)in[i]))
            clean[m++] = in[i];
    clean[m] = '\0';
    if (m == 0 || m % 4 != 0 || m > (size_t)0x7fffffff) {
        free(clean);
        return NULL;
    }
    unsigned char *out = malloc(m / 4 * 3 + 1);
    int got = out ? EVP_DecodeBlock(out, (const unsigned char *)clean, (int)m) : -1;
    pad = (clean[m - 1] == '=') + (clean[m - 2] == '=');
    free(clean);
    if (got < 0) {
        free(out);
        return NULL;
    }
    *out_len = (size_t)got - pad; /* EVP_DecodeBlock counts the padding as output bytes */
    out[*out_len] = '\0';
    return out;
}

/* RFC 4180 records: fields split by commas, records by CRLF (LF accepted), quoted fields may hold
 * commas, line breaks and doubled quotes. Returns an array of arrays of strings. */
static json_t *s_csv_parse(const char *p, const char *end, char *err, size_t errlen)
{
    json_t *records = json_array();
    json_t *record = json_array();
    size_t cap = 64, len = 0, line = 1;
    char *field = malloc(cap);
    bool quoted = false, was_quoted = false, at_field_start = true;
    for (;;) {
        bool eof = p >= end;
        char c = eof ? '\0' : *p;
        if (quoted) {
            if (eof) {
                snprintf(err, errlen, "line %zu: unterminated quoted field", line);
                goto fail;
            }
            if (c == '"' && p + 1 < end && p[1] == '"') {
                p++; /* doubled quote: one literal quote */
            } else if (c == '"') {
                quoted = false;
                p++;
                continue;
            }
            if (c == '\n')
                line++;
        } else if (c == '"' && at_field_start) {
            quoted = was_quoted = true;
            at_field_start = false;
            p++;
            continue;
        } else if (c == '"' || (was_quoted && !eof && c != ',' && c != '\r' && c != '\n')) {
            snprintf(err, errlen, "line %zu: stray quote in a field", line);
            goto fail;
        } else if (eof || c == ',' || c == '\n' || (c == '\r' && p + 1 < end && p[1] == '\n')) {
            field[len] = '\0';
            json_array_append_new(record, json_string_nocheck(field));
            len = 0;
            at_field_start = true;
            was_quoted = false;
            if (c != ',') {
                /* a trailing line break does not start an empty record */
                bool blank = json_array_size(record) == 1 && !*json_string_value(json_array_get(record, 0));
                if (!(eof && blank))
                    json_array_append(records, record);
                json_decref(record);
                record = json_array();
                if (c == '\r')
                    p++;
                line++;
            }
            if (eof)
                break;
            p++;
            continue;
        }
        if (len + 1 >= cap) {
            char *bigger = realloc(field, cap *= 2);
            if (!bigger) {
                snprintf(err, errlen, "out of memory");
                goto fail;
            }
            field = bigger;
        }
        field[len++] = c;
        at_field_start = false;
        p++;
    }
    free(field);
    json_decref(record);
    return records;
fail:
    free(field);
    json_decref(record);
    json_decref(records);
    return NULL;
}

static bool s_has_string(const json_t *array, const char *value)
{
    size_t i;
    const json_t *v;
    json_array_foreach(array, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), value) == 0)
            return true;
    }
    return false;
}

json_t *opf_chk_credential_report(const json_t *data, struct opf_error *err)
{
    const char *content = opf_chk_str(data, "Content");
    size_t len = 0;
    if (!content) {
        opf_fail(err, OPF_ERR_INVALID_INPUT, "the credential report has no Content");
        return NULL;
    }
    unsigned char *csv = s_base64_decode(content, &len);
    if (!csv) {
        opf_fail(err, OPF_ERR_INVALID_INPUT, "the credential report's Content is not valid base64");
        return NULL;
    }
    char why[160];
    json_t *records = s_csv_parse((const char *)csv, (const char *)csv + len, why, sizeof(why));
    free(csv);
    if (!records) {
        opf_fail(err, OPF_ERR_INVALID_INPUT, "the credential report is not valid CSV: %s", why);
        return NULL;
    }
    json_t *header = json_array_get(records, 0);
    if (!s_has_string(header, "user")) {
        opf_fail(err, OPF_ERR_INVALID_INPUT, "the credential report has no \"user\" column");
        json_decref(records);
        return NULL;
    }
    json_t *rows = json_array();
    size_t i;
    json_t *record;
    json_array_foreach(records, i, record) {
        if (i == 0)
            continue;
        if (json_array_size(record) != json_array_size(header)) {
            opf_fail(err, OPF_ERR_INVALID_INPUT, "the credential report's line %zu has %zu fields, its header %zu",
                     i + 1, json_array_size(record), json_array_size(header));
            json_decref(rows);
            json_decref(records);
            return NULL;
        }
        json_t *row = json_object();
        for (size_t k = 0; k < json_array_size(header); k++)
            json_object_set(row, json_string_value(json_array_get(header, k)), json_array_get(record, k));
        json_array_append_new(rows, row);
    }
    json_decref(records);
    return rows;
}

bool opf_chk_report_true(const json_t *row, const char *column)
{
    const char *v = opf_chk_str(row, column);
    return v && strcasecmp(v, "true") == 0;
}
