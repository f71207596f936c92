/*
 * OCSF 1.1.0 Compliance Finding events (class 2003, category Findings), the form Security Lake and SIEMs
 * ingest: a JSON array with one event per result, one event per line. Field by field in docs/report.md.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <orgpreflight/check.h>

#include "report/export.h"
#include "report/report.h"

#define OCSF_VERSION "1.1.0"
#define OCSF_CLASS_UID 2003
#define OCSF_CATEGORY_UID 2
#define OCSF_ACTIVITY_CREATE 1
#define OCSF_ACCOUNT_AWS 10 /* account.type_id: AWS Account */

struct s_enum {
    const char *key;
    int id;
    const char *caption;
};

static const struct s_enum *s_lookup(const struct s_enum *map, size_t n, const char *key)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (strcmp(map[i].key, key) == 0)
            return &map[i];
    return &map[n - 1]; /* the last entry is the fallback */
}
#define LOOKUP(map, key) s_lookup(map, sizeof(map) / sizeof(map[0]), key)

/* severity_id: the report's severity. */
static const struct s_enum s_severity[] = {
    {"blocker", 5, "Critical"}, {"high", 4, "High"}, {"medium", 3, "Medium"},
    {"low", 2, "Low"}, {"info", 1, "Informational"}, {"", 0, "Unknown"},
};
/* compliance.status_id: the outcome of the check. */
static const struct s_enum s_compliance[] = {
    {"pass", 1, "Pass"}, {"warn", 2, "Warning"}, {"fail", 3, "Fail"}, {"unknown", 0, "Unknown"}, {"", 99, "Skipped"},
};
/* status_id: the finding's lifecycle; a result that asks for action is New. */
static const struct s_enum s_finding_status[] = {
    {"fail", 1, "New"}, {"warn", 1, "New"}, {"unknown", 1, "New"}, {"pass", 4, "Resolved"},
    {"waived", 3, "Suppressed"}, {"", 99, "Skipped"},
};

/* Milliseconds since the epoch (timestamp_t) of an ISO 8601 member; 0 when unreadable. */
static json_int_t s_ms(const json_t *o, const char *key)
{
    time_t t;
    return opf_time_parse(opf_report_str(o, key), &t) ? (json_int_t)t * 1000 : 0;
}

/* The distinct sources the row's evidence came from (finding_info.data_sources). */
static json_t *s_sources(const json_t *row)
{
    json_t *list = json_array();
    size_t i, j;
    const json_t *e, *seen;
    json_array_foreach(json_object_get(row, "evidence"), i, e) {
        const char *src = opf_report_str(e, "source");
        bool dup = !*src;
        json_array_foreach(list, j, seen) dup |= strcmp(json_string_value(seen), src) == 0;
        if (!dup)
            json_array_append_new(list, json_string(src));
    }
    return list;
}

static json_t *s_resource(const json_t *report, const json_t *row, const char *region)
{
    const char *type = opf_report_str(row, "subject_type"), *id = opf_report_str(row, "subject_id");
    static const struct s_enum types[] = {
        {"account", 0, "AWS::Organizations::Account"}, {"organization", 0, "AWS::Organizations::Organization"},
        {"target-organization", 0, "AWS::Organizations::Organization"}, {"", 0, "AWS::STS::AssumedRoleSession"},
    };
    json_t *data = json_pack("{s:s}", "subject_type", type);
    const json_t *a = strcmp(type, "account") == 0 ? opf_report_account(report, id) : NULL;
    if (a) {
        json_object_set_new(data, "ou_path", json_string(opf_report_str(a, "ou_path")));
        json_object_set_new(data, "state", json_string(opf_report_str(a, "state")));
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "uid", id, "name", opf_report_str(row, "subject_name"),
                     "type", LOOKUP(types, type)->caption, "region", region, "cloud_partition",
                     opf_export_partition(region), "data", data);
}

static json_t *s_cloud(const json_t *report, const json_t *row, const char *region)
{
    char *account = opf_export_account(report, row);
    json_t *acct = json_pack("{s:s, s:i, s:s}", "uid", account ? account : "", "type_id", OCSF_ACCOUNT_AWS,
                             "type", "AWS Account");
    free(account);
    if (strcmp(opf_report_str(row, "subject_type"), "account") == 0)
        json_object_set_new(acct, "name", json_string(opf_report_str(row, "subject_name")));
    return json_pack("{s:s, s:s, s:o, s:{s:s}}", "provider", "AWS", "region", region, "account", acct, "org", "uid",
                     opf_report_str(json_object_get(report, "organization"), "id"));
}

static json_t *s_event(const json_t *report, const json_t *row, const char *region)
{
    const char *status = opf_report_str(row, "status");
    const char *outcome = strcmp(status, "waived") == 0
                              ? opf_report_str(json_object_get(row, "waiver"), "original_status")
                              : status;
    /* a pass or a check that did not apply is information, whatever the check's severity */
    bool informational = strcmp(status, "pass") == 0 || strcmp(status, "skipped") == 0;
    const struct s_enum *sev = LOOKUP(s_severity, informational ? "info" : opf_report_str(row, "severity"));
    const struct s_enum *comp = LOOKUP(s_compliance, outcome), *fst = LOOKUP(s_finding_status, status);
    json_int_t at = s_ms(report, "generated_at");
    json_t *evidence = json_incref(json_object_get(row, "evidence"));
    char uid[1024];
    snprintf(uid, sizeof(uid), "orgpreflight/%s/%s/%s", opf_report_str(row, "subject_type"),
             opf_report_str(row, "subject_id"), opf_report_str(row, "check"));
    json_t *ev = json_pack(
        "{s:{s:s, s:{s:s, s:s, s:s}, s:[s]}, s:I, s:i, s:s, s:i, s:s, s:i, s:s, s:I, s:s, s:i, s:s, s:i, s:s,"
        " s:s, s:{s:s, s:s, s:s, s:[s], s:I, s:I, s:o}, s:{s:[s], s:[s], s:s, s:s, s:i, s:s}, s:o, s:o,"
        " s:{s:s, s:s, s:b, s:o}}",
        "metadata", "version", OCSF_VERSION, "product", "name", "orgpreflight", "vendor_name", "orgpreflight",
        "version", opf_report_str(json_object_get(report, "tool"), "version"), "profiles", "cloud",
        "time", at,
        "activity_id", OCSF_ACTIVITY_CREATE, "activity_name", "Create",
        "category_uid", OCSF_CATEGORY_UID, "category_name", "Findings",
        "class_uid", OCSF_CLASS_UID, "class_name", "Compliance Finding",
        "type_uid", (json_int_t)OCSF_CLASS_UID * 100 + OCSF_ACTIVITY_CREATE, "type_name", "Compliance Finding: Create",
        "severity_id", sev->id, "severity", sev->caption,
        "status_id", fst->id, "status", fst->caption,
        "message", opf_report_str(row, "message"),
        "finding_info", "uid", uid, "title", opf_report_str(row, "title"), "desc", opf_report_str(row, "message"),
        "types", "Organization Migration Readiness", "created_time", at, "last_seen_time",
        s_ms(report, "evidence_collected_at"), "data_sources", s_sources(row),
        "compliance", "standards", "orgpreflight", "requirements", opf_report_str(row, "check"),
        "control", opf_report_str(row, "check"), "status", comp->caption, "status_id", comp->id,
        "status_detail", opf_report_str(row, "message"),
        "resource", s_resource(report, row, region),
        "cloud", s_cloud(report, row, region),
        "unmapped", "status", status, "severity", opf_report_str(row, "severity"), "gating",
        json_is_true(json_object_get(row, "gating")), "evidence", evidence ? evidence : json_array());
    if (ev && *opf_report_str(row, "remediation"))
        json_object_set_new(ev, "remediation", json_pack("{s:s}", "desc", opf_report_str(row, "remediation")));
    const json_t *w = json_object_get(row, "waiver");
    if (ev && json_is_object(w))
        json_object_set(json_object_get(ev, "unmapped"), "waiver", (json_t *)w);
    return ev;
}

int opf_report_write_ocsf(const json_t *report, FILE *out, const struct opf_report_options *opts)
{
    const char *region = opts->region && *opts->region ? opts->region : "us-east-1";
    size_t i;
    const json_t *row;
    fputc('[', out);
    json_array_foreach(json_object_get(report, "results"), i, row) {
        json_t *ev = s_event(report, row, region);
        int rc = ev ? (fputs(i ? ",\n" : "\n", out), json_dumpf(ev, out, JSON_COMPACT | JSON_PRESERVE_ORDER)) : -1;
        json_decref(ev);
        if (rc != 0)
            return -1;
    }
    fputs("\n]\n", out);
    return ferror(out) ? -1 : 0;
}
