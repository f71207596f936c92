/*
 * OpenMetrics text for node_exporter's textfile collector: a sample per result with its status and
 * severity as labels, the counts per status, the verdict, and when the run happened and how long it took.
 * Only gauges and no sample timestamps, so the Prometheus text parser reads it too; "# EOF" ends it.
 */
#include <string.h>

#include <orgpreflight/check.h>

#include "report/report.h"

/* A label value: backslash, double quote and line feed escaped (OpenMetrics ABNF escaped-char); other control
 * characters shown as the text \x1b (its backslash escaped), never sent to whoever reads the file. */
static void s_value(FILE *out, const char *s)
{
    char shown[8];
    for (size_t len; *s; s += len ? len : 1) {
        len = *s == '\n' ? 0 : opf_report_control(s, shown);
        if (len)
            fprintf(out, "\\%s", shown);
        else if (*s == '\\' || *s == '"')
            fprintf(out, "\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", out);
        else
            fputc(*s, out);
    }
}

static void s_label(FILE *out, const char *name, const char *value, bool first)
{
    fprintf(out, "%s%s=\"", first ? "" : ",", name);
    s_value(out, value);
    fputc('"', out);
}

static void s_family(FILE *out, const char *name, const char *help)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void s_results(FILE *out, const json_t *report)
{
    s_family(out, "orgpreflight_check_status",
             "1 for each result of a check on a subject, its status and severity as labels "
             "(account_id and account_name are empty for organization-wide subjects)");
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(report, "results"), i, row) {
        bool account = strcmp(opf_report_str(row, "subject_type"), "account") == 0;
        fputs("orgpreflight_check_status{", out);
        s_label(out, "subject_type", opf_report_str(row, "subject_type"), true);
        s_label(out, "account_id", account ? opf_report_str(row, "subject_id") : "", false);
        s_label(out, "account_name", account ? opf_report_str(row, "subject_name") : "", false);
        s_label(out, "check", opf_report_str(row, "check"), false);
        s_label(out, "status", opf_report_str(row, "status"), false);
        s_label(out, "severity", opf_report_str(row, "severity"), false);
        fputs("} 1\n", out);
    }
    s_family(out, "orgpreflight_results", "Results per status");
    for (const char *const *st = opf_report_statuses; *st; st++)
        fprintf(out, "orgpreflight_results{status=\"%s\"} %lld\n", *st, opf_report_count(report, *st));
}

static void s_verdict(FILE *out, const json_t *report)
{
    static const char *const verdicts[] = {"ready", "not-ready", "undetermined"};
    const char *verdict = opf_report_str(json_object_get(report, "summary"), "verdict");
    s_family(out, "orgpreflight_verdict", "1 for the audit's verdict, 0 for the others");
    for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
        fprintf(out, "orgpreflight_verdict{verdict=\"%s\"} %d\n", verdicts[i], strcmp(verdict, verdicts[i]) == 0);
    s_family(out, "orgpreflight_evidence_complete", "1 when the evidence collection completed, 0 when interrupted");
    fprintf(out, "orgpreflight_evidence_complete %d\n", json_is_true(json_object_get(report, "complete")));
}

static void s_audit(FILE *out, const json_t *report)
{
    const json_t *org = json_object_get(report, "organization"), *mig = json_object_get(report, "migration");
    s_family(out, "orgpreflight_audit", "Constant 1: what was audited, on which path, at which gate, by which version");
    fputs("orgpreflight_audit{", out);
    s_label(out, "organization_id", opf_report_str(org, "id"), true);
    s_label(out, "management_account_id", opf_report_str(org, "management_account_id"), false);
    s_label(out, "path", opf_report_str(mig, "path"), false);
    s_label(out, "target", opf_report_str(mig, "target"), false);
    s_label(out, "fail_on", opf_report_str(mig, "fail_on"), false);
    s_label(out, "version", opf_report_str(json_object_get(report, "tool"), "version"), false);
    fputs("} 1\n", out);
}

/* A Unix time from an ISO 8601 member, as a gauge; omitted when the member is absent or unreadable. */
static void s_time(FILE *out, const json_t *report, const char *key, const char *name, const char *help)
{
    time_t t;
    if (!opf_time_parse(opf_report_str(report, key), &t))
        return;
    s_family(out, name, help);
    fprintf(out, "# UNIT %s seconds\n%s %lld\n", name, name, (long long)t);
}

/* Live runs only (the report's stats): the evidence items the collection could not get. */
static void s_stats(FILE *out, const json_t *report)
{
    const json_t *stats = json_object_get(report, "stats");
    if (!json_is_object(stats))
        return;
    s_family(out, "orgpreflight_evidence_errors", "Evidence items the live collection could not collect");
    fprintf(out, "orgpreflight_evidence_errors %lld\n", (long long)json_integer_value(json_object_get(stats, "errors")));
}

int opf_report_write_prometheus(const json_t *report, FILE *out, const struct opf_report_options *opts)
{
    (void)opts;
    s_results(out, report);
    s_verdict(out, report);
    s_audit(out, report);
    s_time(out, report, "generated_at", "orgpreflight_audit_timestamp_seconds",
           "When the audit ran (the time it evaluated as of), Unix time");
    s_time(out, report, "evidence_collected_at", "orgpreflight_evidence_timestamp_seconds",
           "When the evidence was collected (the bundle's collected_at), Unix time");
    s_family(out, "orgpreflight_run_duration_seconds",
             "Wall time of the run: the live collection, if any, and the audit");
    fprintf(out, "# UNIT orgpreflight_run_duration_seconds seconds\norgpreflight_run_duration_seconds %.3f\n",
            (double)json_integer_value(json_object_get(report, "duration_ms")) / 1000.0);
    s_stats(out, report);
    fputs("# EOF\n", out);
    return ferror(out) ? -1 : 0;
}
