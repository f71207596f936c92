/*
 * AWS Security Finding Format for Security Hub's BatchImportFindings: a JSON array with one AwsSecurityFinding
 * per result. Ids depend only on the subject and the check, so importing next week's audit updates last
 * week's findings instead of adding new ones; a result that no longer asks for action (pass, waived, skipped)
 * is written ARCHIVED so its finding closes. Field by field in docs/report.md.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "report/export.h"
#include "report/report.h"

/* Security Hub's documented limits (AWS Security Finding Format, required and optional attributes). */
#define ASFF_TITLE_MAX 256
#define ASFF_DESCRIPTION_MAX 1024
#define ASFF_RECOMMENDATION_MAX 512
#define ASFF_PRODUCT_FIELD_MAX 2048
#define ASFF_DETAIL_MAX 1024
#define ASFF_ACCOUNT_NAME_MAX 50
#define ASFF_TYPE "Software and Configuration Checks/AWS Security Best Practices/Organization Migration Readiness"

static const char *s_label(const char *severity)
{
    static const struct {
        const char *severity, *label;
    } map[] = {{"blocker", "CRITICAL"}, {"high", "HIGH"}, {"medium", "MEDIUM"}, {"low", "LOW"},
               {"info", "INFORMATIONAL"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].severity, severity) == 0)
            return map[i].label;
    return "INFORMATIONAL";
}

/* Compliance.Status of a status; a waived row reports the status the waiver covered. */
static const char *s_compliance(const json_t *row)
{
    const char *st = opf_report_str(row, "status");
    if (strcmp(st, "waived") == 0)
        st = opf_report_str(json_object_get(row, "waiver"), "original_status");
    return strcmp(st, "pass") == 0 ? "PASSED"
           : strcmp(st, "fail") == 0 ? "FAILED"
           : strcmp(st, "warn") == 0 ? "WARNING"
                                     : "NOT_AVAILABLE";
}

static json_t *s_resource(const json_t *report, const json_t *row, const char *region, const char *partition)
{
    const char *type = opf_report_str(row, "subject_type"), *id = opf_report_str(row, "subject_id");
    json_t *other = json_object(), *res;
    json_object_set_new(other, "SubjectType", json_string(type));
    json_object_set_new(other, "SubjectName", opf_export_string(opf_report_str(row, "subject_name"), ASFF_DETAIL_MAX));
    if (strcmp(type, "account") == 0) {
        res = json_pack("{s:s, s:s+}", "Type", "AwsAccount", "Id", "AWS::::Account:", id);
        const json_t *a = opf_report_account(report, id);
        if (a) {
            json_object_set_new(other, "OuPath", opf_export_string(opf_report_str(a, "ou_path"), ASFF_DETAIL_MAX));
            json_object_set_new(other, "State", json_string(opf_report_str(a, "state")));
        }
    } else if (strcmp(type, "organization") == 0) {
        const char *mgmt = opf_report_str(json_object_get(report, "organization"), "management_account_id");
        res = json_pack("{s:s, s:s+++++}", "Type", "Other", "Id", "arn:", partition, ":organizations::", mgmt,
                        ":organization/", id);
    } else {
        res = json_pack("{s:s, s:s}", "Type", "Other", "Id", id);
    }
    json_object_set_new(res, "Partition", json_string(partition));
    json_object_set_new(res, "Region", json_string(region));
    json_object_set_new(res, "Details", json_pack("{s:o}", "Other", other));
    return json_pack("[o]", res);
}

static json_t *s_product_fields(const json_t *report, const json_t *row)
{
    json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:s}", "orgpreflight/Check", opf_report_str(row, "check"),
                          "orgpreflight/Status", opf_report_str(row, "status"), "orgpreflight/Severity",
                          opf_report_str(row, "severity"), "orgpreflight/OrganizationId",
                          opf_report_str(json_object_get(report, "organization"), "id"), "orgpreflight/Version",
                          opf_report_str(json_object_get(report, "tool"), "version"));
    /* whether the finding holds the migration back at the gate (docs/report.md) */
    bool gating = json_is_true(json_object_get(row, "gating"));
    json_object_set_new(f, "orgpreflight/Gating", json_string(gating ? "true" : "false"));
    char *evidence = opf_export_evidence_summary(row);
    json_object_set_new(f, "orgpreflight/Evidence",
                        opf_export_string(evidence ? evidence : "", ASFF_PRODUCT_FIELD_MAX));
    free(evidence);
    const json_t *w = json_object_get(row, "waiver");
    if (json_is_object(w)) {
        struct opf_buf text = {0};
        opf_buf_printf(&text, "%s%s (%s, until %s)", opf_report_waiver_expired(row) ? "expired, not applied: " : "",
                       opf_report_str(w, "reason"), opf_report_str(w, "owner"), opf_report_str(w, "expires"));
        if (text.data)
            json_object_set_new(f, "orgpreflight/Waiver", opf_export_string(text.data, ASFF_PRODUCT_FIELD_MAX));
        opf_buf_free(&text);
    }
    return f;
}

static json_t *s_finding(const json_t *report, const json_t *row, const char *region)
{
    const char *partition = opf_export_partition(region);
    char *account = opf_export_account(report, row);
    const char *mgmt = opf_report_str(json_object_get(report, "organization"), "management_account_id");
    const char *status = opf_report_str(row, "status"), *severity = opf_report_str(row, "severity");
    bool active = opf_report_is_problem(row);
    /* a pass or a check that did not apply is information, whatever the check's severity */
    bool informational = strcmp(status, "pass") == 0 || strcmp(status, "skipped") == 0;
    const char *label = informational ? "INFORMATIONAL" : s_label(severity);
    const char *at = opf_report_str(report, "generated_at");
    json_t *f = json_pack(
        "{s:s, s:s+++++, s:s++++++++, s:s, s:s, s:s, s:s, s:s, s:[s], s:s, s:s, s:s, s:{s:s, s:s}, s:o, s:o,"
        " s:o, s:o, s:{s:s}, s:s, s:{s:{s:s, s:s}, s:[s]}}",
        "SchemaVersion", "2018-10-08",
        "Id", "orgpreflight/", opf_report_str(row, "subject_type"), "/", opf_report_str(row, "subject_id"), "/",
        opf_report_str(row, "check"),
        "ProductArn", "arn:", partition, ":securityhub:", region, ":", mgmt, ":product/", mgmt, "/default",
        "ProductName", "orgpreflight", "CompanyName", "orgpreflight", "Region", region,
        "GeneratorId", opf_report_str(row, "check"), "AwsAccountId", account ? account : "",
        "Types", ASFF_TYPE,
        "CreatedAt", at, "UpdatedAt", at, "LastObservedAt", opf_report_str(report, "evidence_collected_at"),
        "Severity", "Label", label, "Original", severity,
        "Title", opf_export_string(opf_report_str(row, "title"), ASFF_TITLE_MAX),
        "Description", opf_export_string(opf_report_str(row, "message"), ASFF_DESCRIPTION_MAX),
        "ProductFields", s_product_fields(report, row),
        "Resources", s_resource(report, row, region, partition),
        "Compliance", "Status", s_compliance(row),
        "RecordState", active ? "ACTIVE" : "ARCHIVED",
        "FindingProviderFields", "Severity", "Label", label, "Original", severity, "Types", ASFF_TYPE);
    free(account);
    if (f && *opf_report_str(row, "remediation"))
        json_object_set_new(f, "Remediation", json_pack("{s:{s:o}}", "Recommendation", "Text",
                                                         opf_export_string(opf_report_str(row, "remediation"),
                                                                           ASFF_RECOMMENDATION_MAX)));
    if (f && strcmp(opf_report_str(row, "subject_type"), "account") == 0 && *opf_report_str(row, "subject_name"))
        json_object_set_new(f, "AwsAccountName", opf_export_string(opf_report_str(row, "subject_name"),
                                                                    ASFF_ACCOUNT_NAME_MAX));
    return f;
}

int opf_report_write_asff(const json_t *report, FILE *out, const struct opf_report_options *opts)
{
    const char *region = opts->region && *opts->region ? opts->region : "us-east-1";
    json_t *findings = json_array();
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(report, "results"), i, row) {
        json_t *f = s_finding(report, row, region);
        if (!f || json_array_append_new(findings, f) != 0) {
            json_decref(findings);
            return -1;
        }
    }
    int rc = json_dumpf(findings, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 && fputc('\n', out) != EOF ? 0 : -1;
    json_decref(findings);
    return rc == 0 && !ferror(out) ? 0 : -1;
}
