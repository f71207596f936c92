/* Helpers a check calls while evaluating: evidence lookup, findings, attestations, config, time. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static const char *s_str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A listing the collector merges page by page loses its token; one that still has it is partial. */
static bool s_truncated(const json_t *data)
{
    static const char *const tokens[] = {"NextToken", "nextToken", "Marker", "NextMarker"};
    for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
        const char *t = json_string_value(json_object_get(data, tokens[i]));
        if (t && *t)
            return true;
    }
    return json_is_true(json_object_get(data, "IsTruncated")) || json_is_true(json_object_get(data, "Truncated"));
}

enum opf_item_state opf_evidence_get(const struct opf_subject *s, const char *key, struct opf_item *out)
{
    memset(out, 0, sizeof(*out));
    out->key = key;
    const json_t *item = s ? json_object_get(s->evidence, key) : NULL;
    if (!json_is_object(item))
        return out->state = OPF_ITEM_MISSING;
    out->source = s_str(item, "source");
    out->collected_at = s_str(item, "collected_at");
    const json_t *error = json_object_get(item, "error");
    if (error) {
        out->error_code = s_str(error, "code");
        out->error_message = s_str(error, "message");
        if (!out->error_code)
            out->error_code = "Error";
        return out->state = OPF_ITEM_ERROR;
    }
    out->data = json_object_get(item, "data");
    if (!json_is_object(out->data)) {
        /* an item with neither data nor error is malformed: treat it as an error, never as data */
        out->error_code = "MalformedEvidence";
        out->error_message = out->data ? "the item's data is not an object" : "the item has neither data nor error";
        out->data = NULL;
        return out->state = OPF_ITEM_ERROR;
    }
    if (s_truncated(out->data)) {
        out->error_code = "IncompleteListing";
        out->error_message = "the listing was cut short: its data still carries a pagination token";
        out->data = NULL;
        return out->state = OPF_ITEM_ERROR;
    }
    return out->state = OPF_ITEM_OK;
}

bool opf_require(const struct opf_subject *s, const char *key, struct opf_finding *f, struct opf_item *out)
{
    switch (opf_evidence_get(s, key, out)) {
    case OPF_ITEM_OK:
        return true;
    case OPF_ITEM_MISSING:
        opf_set(f, OPF_UNKNOWN, "evidence %s was not collected", key);
        return false;
    case OPF_ITEM_ERROR:
    default:
        opf_set(f, OPF_UNKNOWN, "evidence %s unavailable: %s%s%s%s%s", key, out->source ? out->source : "",
                out->source ? ": " : "", out->error_code, out->error_message ? ": " : "",
                out->error_message ? out->error_message : "");
        return false;
    }
}

enum opf_status opf_set(struct opf_finding *f, enum opf_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(f->message, sizeof(f->message), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(f->message)) {
        /* too long: end at the last whole word, never mid-token (the evidence keeps every value) */
        static const char more[] = " …";
        size_t cut = sizeof(f->message) - sizeof(more);
        while (cut > 0 && f->message[cut] != ' ')
            cut--;
        while (cut > 0 && strchr(" ,;:(", f->message[cut - 1]))
            cut--;
        memcpy(f->message + cut, more, sizeof(more));
    }
    return f->status = status;
}

void opf_finding_cite(struct opf_finding *f, const struct opf_item *item, const json_t *values)
{
    if (!f->evidence)
        f->evidence = json_array();
    json_t *c = json_object();
    json_object_set_new(c, "item", json_string(item->key));
    if (item->source)
        json_object_set_new(c, "source", json_string(item->source));
    if (item->collected_at)
        json_object_set_new(c, "collected_at", json_string(item->collected_at));
    if (item->state == OPF_ITEM_ERROR)
        json_object_set_new(c, "error", json_string(item->error_code));
    if (values)
        json_object_set_new(c, "values", json_deep_copy(values));
    json_array_append_new(f->evidence, c);
}

void opf_finding_fact(struct opf_finding *f, const char *key, json_t *value)
{
    if (!f->facts)
        f->facts = json_object();
    json_object_set_new(f->facts, key, value ? value : json_null());
}

bool opf_attestation_get(const struct opf_subject *s, const struct opf_context *ctx, const char *fact,
                         struct opf_attestation *out)
{
    char key[128];
    struct opf_item item;
    memset(out, 0, sizeof(*out));
    snprintf(key, sizeof(key), "attestation.%s", fact);
    if (opf_evidence_get(s, key, &item) != OPF_ITEM_OK)
        return false;
    out->value = json_object_get(item.data, "value");
    out->attested_by = s_str(item.data, "attested_by");
    out->attested_at = s_str(item.data, "attested_at");
    out->note = s_str(item.data, "note");
    time_t at;
    if (!out->value || !out->attested_at || !opf_time_parse(out->attested_at, &at))
        return false; /* an attestation without a readable value and date does not count */
    out->present = true;
    out->age_days = (int)((ctx->now - at) / 86400);
    /* an attestation dated in the future is not trusted either */
    out->fresh = at <= ctx->now + 86400 && out->age_days <= ctx->attestation_max_age_days;
    return true;
}

const json_t *opf_config_get(const struct opf_context *ctx, const char *dotted_path)
{
    return opf_config_value(ctx ? ctx->config : NULL, dotted_path);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (no timegm() in C11/POSIX). */
static long s_days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static bool s_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

bool opf_time_parse(const char *s, time_t *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    const char *p = s;
    if (!s || !s_digits(&p, 4, &y) || *p++ != '-' || !s_digits(&p, 2, &mo) || *p++ != '-' ||
        !s_digits(&p, 2, &d))
        return false;
    /* a real day of a real month: 2026-02-31 is refused, never read as March 3 */
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > days[mo - 1] + (mo == 2 && leap))
        return false;
    long offset = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (!s_digits(&p, 2, &h) || *p++ != ':' || !s_digits(&p, 2, &mi))
            return false;
        if (*p == ':') {
            p++;
            if (!s_digits(&p, 2, &sec))
                return false;
        }
        if (*p == '.')
            for (p++; isdigit((unsigned char)*p); p++)
                ;
        if (h > 23 || mi > 59 || sec > 60)
            return false;
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            int sign = *p++ == '-' ? -1 : 1;
            if (!s_digits(&p, 2, &oh))
                return false;
            if (*p == ':')
                p++;
            if (!s_digits(&p, 2, &om))
                return false;
            offset = sign * (oh * 3600L + om * 60L);
        }
    }
    if (*p != '\0')
        return false;
    *out = (time_t)(s_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400L + h * 3600L + mi * 60L + sec - offset);
    return true;
}

bool opf_time_from_json(const json_t *v, time_t *out)
{
    if (json_is_number(v)) {
        *out = (time_t)json_number_value(v);
        return true;
    }
    return json_is_string(v) && opf_time_parse(json_string_value(v), out);
}

static const char *const s_status_names[] = {"pass", "warn", "fail", "unknown", "skipped", "waived"};
static const char *const s_severity_names[] = {"info", "low", "medium", "high", "blocker"};
static const char *const s_subject_names[] = {"account", "organization", "operator-session",
                                              "target-organization"};

const char *opf_status_name(enum opf_status s)
{
    return (unsigned)s < OPF_STATUS_COUNT ? s_status_names[s] : "invalid";
}

const char *opf_severity_name(enum opf_severity s)
{
    return (unsigned)s < OPF_SEVERITY_COUNT ? s_severity_names[s] : "invalid";
}

const char *opf_subject_kind_name(enum opf_subject_kind k)
{
    return (unsigned)k < OPF_SUBJECT_KIND_COUNT ? s_subject_names[k] : "invalid";
}

const char *opf_path_name(enum opf_migration_path p)
{
    return p == OPF_PATH_DIRECT ? "direct" : "leave";
}

static const char *const s_placement_names[] = {"before-move", "after-move", "move-date",
                                                 "deregister", "break-glass", "operator-access",
                                                 "unmovable", "org-deletion", "portal-alias"};
_Static_assert(sizeof(s_placement_names) / sizeof(s_placement_names[0]) == OPF_RUNBOOK_PLACEMENT_COUNT,
               "one name per runbook placement");

const char *opf_runbook_placement_name(enum opf_runbook_placement p)
{
    return (unsigned)p < OPF_RUNBOOK_PLACEMENT_COUNT ? s_placement_names[p] : "invalid";
}

bool opf_runbook_placement_parse(const char *name, enum opf_runbook_placement *out)
{
    for (unsigned i = 0; name && i < OPF_RUNBOOK_PLACEMENT_COUNT; i++)
        if (strcmp(name, s_placement_names[i]) == 0) {
            *out = (enum opf_runbook_placement)i;
            return true;
        }
    return false;
}

const struct opf_host opf_host = {
    .size = sizeof(struct opf_host),
    .evidence_get = opf_evidence_get,
    .require = opf_require,
    .set = opf_set,
    .finding_cite = opf_finding_cite,
    .attestation_get = opf_attestation_get,
    .config_get = opf_config_get,
    .org_old_ids = opf_org_old_ids,
    .org_has_account = opf_org_has_account,
    .time_from_json = opf_time_from_json,
    .time_parse = opf_time_parse,
    .status_name = opf_status_name,
    .severity_name = opf_severity_name,
    .subject_kind_name = opf_subject_kind_name,
    .path_name = opf_path_name,
    .finding_fact = opf_finding_fact,
};
