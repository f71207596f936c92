/*
 * JUnit XML, as Jenkins and GitLab read it: one <testsuite> per subject, one <testcase> per check.
 * fail -> <failure>, unknown -> <error> (the check could not decide), skipped and waived -> <skipped>,
 * warn -> a passing case with the warning in <system-out>.
 */
#include <string.h>

#include "report/report.h"

static void s_case(FILE *out, const json_t *report, const json_t *row)
{
    fprintf(out, "    <testcase classname=\"orgpreflight.");
    opf_report_xml(out, opf_report_str(row, "subject_type"));
    fputc('.', out);
    opf_report_xml(out, opf_report_str(row, "subject_id"));
    fputs("\" name=\"", out);
    opf_report_xml(out, opf_report_str(row, "check"));
    fputs("\">\n", out);
    const char *tag = opf_report_status_is(row, "fail")      ? "failure"
                      : opf_report_status_is(row, "unknown") ? "error"
                                                             : NULL;
    if (tag) {
        fprintf(out, "      <%s type=\"%s\" message=\"", tag, opf_report_str(row, "severity"));
        opf_report_xml(out, opf_report_str(row, "message"));
        fputs("\">", out);
        opf_report_xml(out, opf_report_str(row, "remediation"));
        fprintf(out, "</%s>\n", tag);
    } else if (opf_report_status_is(row, "skipped") || opf_report_status_is(row, "waived")) {
        fputs("      <skipped message=\"", out);
        if (opf_report_status_is(row, "waived")) {
            fputs("waived: ", out);
            opf_report_xml(out, opf_report_str(json_object_get(row, "waiver"), "reason"));
        } else {
            opf_report_xml(out, opf_report_str(row, "message"));
        }
        fputs("\"/>\n", out);
    } else if (opf_report_status_is(row, "warn")) {
        fputs("      <system-out>warning: ", out);
        opf_report_xml(out, opf_report_str(row, "message"));
        const char *note = opf_report_gate_note(report, row);
        if (note) {
            fprintf(out, " (%s warn, ", opf_report_str(row, "severity"));
            opf_report_xml(out, note);
            fputc(')', out);
        }
        fputs("</system-out>\n", out);
    }
    fputs("    </testcase>\n", out);
}

int opf_report_write_junit(const json_t *report, FILE *out, const struct opf_report_options *opts)
{
    (void)opts;
    const json_t *results = json_object_get(report, "results");
    /* junit-10.xsd allows no skipped count on <testsuites>: each <testsuite> carries its own */
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"orgpreflight\" tests=\"%zu\" "
                 "failures=\"%lld\" errors=\"%lld\">\n",
            json_array_size(results), opf_report_count(report, "fail"), opf_report_count(report, "unknown"));
    struct opf_report_subject s = {.results = results};
    while (opf_report_next_subject(&s)) {
        size_t fails = 0, errors = 0, skipped = 0;
        for (size_t k = s.first; k < s.end; k++) {
            const json_t *row = json_array_get(results, k);
            fails += opf_report_status_is(row, "fail");
            errors += opf_report_status_is(row, "unknown");
            skipped += opf_report_status_is(row, "skipped") || opf_report_status_is(row, "waived");
        }
        const json_t *a = s.head;
        fputs("  <testsuite name=\"", out);
        opf_report_xml(out, opf_report_str(a, "subject_type"));
        fputc(' ', out);
        opf_report_xml(out, opf_report_str(a, "subject_id"));
        if (*opf_report_str(a, "subject_name")) {
            fputc(' ', out);
            opf_report_xml(out, opf_report_str(a, "subject_name"));
        }
        fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" timestamp=\"", s.end - s.first,
                fails, errors, skipped);
        opf_report_xml(out, opf_report_str(report, "generated_at"));
        fputs("\">\n", out);
        for (size_t k = s.first; k < s.end; k++)
            s_case(out, report, json_array_get(results, k));
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    return ferror(out) ? -1 : 0;
}
