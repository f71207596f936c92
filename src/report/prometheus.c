/*
 * Metrics text: a sample per result with its status, severity and gating as labels, per account whether it is
 * ready and how many findings hold it back, the counts per status and readiness, the verdict, what ran and when.
 * `openmetrics` types the verdict as a stateset and the run as an info metric; `prometheus` writes the very same
 * samples as gauges, which the Prometheus text parser (node_exporter's textfile collector, promtool) reads.
 * No sample timestamps; "# EOF" ends both.
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

static void s_typed(FILE *out, const char *name, const char *type, const char *help)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void s_family(FILE *out, const char *name, const char *help)
{
    s_typed(out, name, "gauge", help);
}

static void s_results(FILE *out, const json_t *report)
{
    s_family(out, "orgpreflight_check_status",
             "1 for each result of a check on a subject, its status, severity and whether it gates as labels "
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
        s_label(out, "gating", json_is_true(json_object_get(row, "gating")) ? "true" : "false", false);
        fputs("} 1\n", out);
    }
    s_family(out, "orgpreflight_results", "Results per status");
    for (const char *const *st = opf_report_statuses; *st; st++)
        fprintf(out, "orgpreflight_results{status=\"%s\"} %lld\n", *st, opf_report_count(report, *st));
}

/* Two samples per account, whatever the number of checks: bounded series. */
static void s_accounts(FILE *out, const json_t *report)
{
    const json_t *accounts = json_object_get(report, "accounts");
    size_t i;
    const json_t *a;
    s_family(out, "orgpreflight_account_ready", "1 when nothing holds the account back at the gate, else 0");
    json_array_foreach(accounts, i, a) {
        fputs("orgpreflight_account_ready{", out);
        s_label(out, "account_id", opf_report_str(a, "id"), true);
        s_label(out, "account_name", opf_report_str(a, "name"), false);
        fprintf(out, "} %d\n", strcmp(opf_report_str(a, "readiness"), "ready") == 0);
    }
    s_family(out, "orgpreflight_account_blocking_findings",
             "Findings that hold the account back at the gate (organization-wide ones that hold back every account "
             "are in orgpreflight_check_status)");
    json_array_foreach(accounts, i, a) {
        fputs("orgpreflight_account_blocking_findings{", out);
        s_label(out, "account_id", opf_report_str(a, "id"), true);
        s_label(out, "account_name", opf_report_str(a, "name"), false);
        fprintf(out, "} %zu\n", json_array_size(json_object_get(a, "blocking_checks")));
    }
    static const char *const states[] = {"ready", "blocked", "cannot-move", "undetermined"};
    const json_t *r = json_object_get(json_object_get(report, "summary"), "readiness");
    s_family(out, "orgpreflight_accounts", "Accounts per readiness");
    for (size_t k = 0; k < sizeof(states) / sizeof(states[0]); k++)
        fprintf(out, "orgpreflight_accounts{readiness=\"%s\"} %lld\n", states[k],
                json_integer_value(json_object_get(r, states[k])));
}

static void s_verdict(FILE *out, const json_t *report, bool openmetrics)
{
    static const char *const verdicts[] = {"ready", "not-ready", "undetermined"};
    const char *verdict = opf_report_str(json_object_get(report, "summary"), "verdict");
    s_typed(out, "orgpreflight_verdict", openmetrics ? "stateset" : "gauge",
            "The audit's verdict: 1 for it, 0 for the others");
    for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
        fprintf(out, "orgpreflight_verdict{orgpreflight_verdict=\"%s\"} %d\n", verdicts[i],
                strcmp(verdict, verdicts[i]) == 0);
    s_family(out, "orgpreflight_evidence_complete", "1 when the evidence collection completed, 0 when interrupted");
    fprintf(out, "orgpreflight_evidence_complete %d\n", json_is_true(json_object_get(report, "complete")));
}

static void s_audit(FILE *out, const json_t *report, bool openmetrics)
{
    const json_t *org = json_object_get(report, "organization"), *mig = json_object_get(report, "migration");
    /* an info family is named without the _info its sample carries */
    s_typed(out, openmetrics ? "orgpreflight_audit" : "orgpreflight_audit_info", openmetrics ? "info" : "gauge",
            "What was audited, on which path, at which gate, by which version");
    fputs("orgpreflight_audit_info{", out);
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

static int s_write(const json_t *report, FILE *out, bool openmetrics)
{
    s_results(out, report);
    s_accounts(out, report);
    s_verdict(out, report, openmetrics);
    s_audit(out, report, openmetrics);
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

int opf_report_write_prometheus(const json_t *report, FILE *out, const struct opf_report_options *opts)
{
    (void)opts;
    return s_write(report, out, false);
}

int opf_report_write_openmetrics(const json_t *report, FILE *out, const struct opf_report_options *opts)
{
    (void)opts;
    return s_write(report, out, true);
}
