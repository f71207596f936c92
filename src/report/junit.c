/*
 * JUnit XML, as Jenkins and GitLab read it: one <testsuite> per subject, one <testcase> per check.
 * fail -> <failure>, unknown -> <error> (the check could not decide), skipped and waived -> <skipped>,
 * warn -> a passing case with the warning in <system-out>.
 */
#include <string.h>

#include "report/report.h"

static const char *s_str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static void s_xml(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default:
            /* XML 1.0 forbids most control characters, even escaped */
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t' || *s == '\r')
                fputc(*s, out);
        }
    }
}

static bool s_is(const json_t *row, const char *status)
{
    return strcmp(s_str(row, "status"), status) == 0;
}

static void s_case(FILE *out, const json_t *row)
{
    fprintf(out, "    <testcase classname=\"orgpreflight.");
    s_xml(out, s_str(row, "subject_type"));
    fputc('.', out);
    s_xml(out, s_str(row, "subject_id"));
    fputs("\" name=\"", out);
    s_xml(out, s_str(row, "check"));
    fputs("\">\n", out);
    const char *tag = s_is(row, "fail") ? "failure" : s_is(row, "unknown") ? "error" : NULL;
    if (tag) {
        fprintf(out, "      <%s type=\"%s\" message=\"", tag, s_str(row, "severity"));
        s_xml(out, s_str(row, "message"));
        fputs("\">", out);
        s_xml(out, s_str(row, "remediation"));
        fprintf(out, "</%s>\n", tag);
    } else if (s_is(row, "skipped") || s_is(row, "waived")) {
        fputs("      <skipped message=\"", out);
        if (s_is(row, "waived")) {
            fputs("waived: ", out);
            s_xml(out, s_str(json_object_get(row, "waiver"), "reason"));
        } else {
            s_xml(out, s_str(row, "message"));
        }
        fputs("\"/>\n", out);
    } else if (s_is(row, "warn")) {
        fputs("      <system-out>warning: ", out);
        s_xml(out, s_str(row, "message"));
        fputs("</system-out>\n", out);
    }
    fputs("    </testcase>\n", out);
}

int opf_report_write_junit(const json_t *report, FILE *out, const struct opf_report_options *opts)
{
    (void)opts;
    const json_t *results = json_object_get(report, "results");
    const json_t *c = json_object_get(json_object_get(report, "summary"), "counts");
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"orgpreflight\" tests=\"%zu\" "
                 "failures=\"%lld\" errors=\"%lld\" skipped=\"%lld\">\n",
            json_array_size(results), json_integer_value(json_object_get(c, "fail")),
            json_integer_value(json_object_get(c, "unknown")),
            json_integer_value(json_object_get(c, "skipped")) + json_integer_value(json_object_get(c, "waived")));
    size_t n = json_array_size(results), first = 0;
    for (size_t i = 1; i <= n; i++) {
        const json_t *a = json_array_get(results, first), *b = i < n ? json_array_get(results, i) : NULL;
        if (b && strcmp(s_str(a, "subject_id"), s_str(b, "subject_id")) == 0 &&
            strcmp(s_str(a, "subject_type"), s_str(b, "subject_type")) == 0)
            continue;
        size_t fails = 0, errors = 0, skipped = 0;
        for (size_t k = first; k < i; k++) {
            const json_t *row = json_array_get(results, k);
            fails += s_is(row, "fail");
            errors += s_is(row, "unknown");
            skipped += s_is(row, "skipped") || s_is(row, "waived");
        }
        fputs("  <testsuite name=\"", out);
        s_xml(out, s_str(a, "subject_type"));
        fputc(' ', out);
        s_xml(out, s_str(a, "subject_id"));
        if (*s_str(a, "subject_name")) {
            fputc(' ', out);
            s_xml(out, s_str(a, "subject_name"));
        }
        fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" timestamp=\"", i - first, fails,
                errors, skipped);
        s_xml(out, s_str(report, "generated_at"));
        fputs("\">\n", out);
        for (size_t k = first; k < i; k++)
            s_case(out, json_array_get(results, k));
        fputs("  </testsuite>\n", out);
        first = i;
    }
    fputs("</testsuites>\n", out);
    return ferror(out) ? -1 : 0;
}
