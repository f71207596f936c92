/*
 * Markdown (GitHub-flavoured) for tickets and pull requests: the verdict, the counts, a table of the
 * problems of each subject with their remediation, waivers, and the passing rows folded in <details>.
 */
#include <string.h>

#include "report/report.h"

#define s_md opf_report_markdown

static void s_cell(FILE *out, const char *s)
{
    fputs(" ", out);
    s_md(out, s);
    fputs(" |", out);
}

/* Cells of these members of o, in order (NULL-terminated). */
static void s_cells(FILE *out, const json_t *o, const char *const *keys)
{
    for (; *keys; keys++)
        s_cell(out, opf_report_str(o, *keys));
}

static void s_subject_name(FILE *out, const json_t *row)
{
    s_md(out, opf_report_str(row, "subject_type"));
    fputc(' ', out);
    s_md(out, opf_report_str(row, "subject_id"));
    if (strcmp(opf_report_str(row, "subject_type"), "account") == 0) {
        fputc(' ', out);
        s_md(out, opf_report_str(row, "subject_name"));
    }
}

static void s_header(FILE *out, const json_t *report)
{
    const char *verdict = opf_report_str(json_object_get(report, "summary"), "verdict");
    fputs("# orgpreflight: ", out);
    s_md(out, verdict);
    fputs("\n\n**Verdict: ", out);
    s_md(out, verdict);
    fprintf(out, "**: %s.\n", opf_report_verdict_reason(verdict));
    opf_report_context(out, report, s_md);
    fputs(".\n", out);
    if (!json_is_true(json_object_get(report, "complete")))
        fputs("\n> **Warning:** the evidence is incomplete (collection was interrupted): "
              "the verdict cannot be ready.\n",
              out);
    fputs("\n| Status | Results |\n| --- | ---: |\n", out);
    for (const char *const *st = opf_report_statuses; *st; st++)
        fprintf(out, "| %s | %lld |\n", *st, opf_report_count(report, *st));
    fprintf(out, "| **total** | %lld |\n",
            json_integer_value(json_object_get(json_object_get(report, "summary"), "total")));
}

static void s_problem(FILE *out, const json_t *row)
{
    fprintf(out, "| **%s**", opf_report_str(row, "status"));
    if (opf_report_waiver_expired(row)) {
        fputs(" (waiver expired ", out);
        s_md(out, opf_report_str(json_object_get(row, "waiver"), "expires"));
        fputc(')', out);
    }
    fputs(" |", out);
    s_cells(out, row, (const char *const[]){"severity", "check", "message", "remediation", NULL});
    fputc('\n', out);
}

/* One table per subject that has a fail, warn or unknown. */
static void s_problems(FILE *out, const json_t *report)
{
    fputs("\n## Problems\n", out);
    bool any = false;
    struct opf_report_subject s = {.results = json_object_get(report, "results"),
                                   .accounts = json_object_get(report, "accounts")};
    while (opf_report_next_subject(&s)) {
        bool heading = false;
        for (size_t i = s.first; i < s.end; i++) {
            const json_t *row = json_array_get(s.results, i);
            if (!opf_report_is_problem(row))
                continue;
            if (!heading) {
                const json_t *a = s.account;
                fputs("\n### ", out);
                s_subject_name(out, row);
                if (a && *opf_report_str(a, "ou_path")) {
                    fputs(" (", out);
                    s_md(out, opf_report_str(a, "ou_path"));
                    fputc(')', out);
                }
                fputs("\n\n| Status | Severity | Check | Finding | Remediation |\n"
                      "| --- | --- | --- | --- | --- |\n",
                      out);
                heading = any = true;
            }
            s_problem(out, row);
        }
    }
    if (!any)
        fputs("\nNo fail, warn or unknown results.\n", out);
}

static void s_waivers(FILE *out, const json_t *report)
{
    size_t i;
    const json_t *row, *w;
    bool any = false;
    json_array_foreach(json_object_get(report, "results"), i, row) {
        if (!opf_report_status_is(row, "waived"))
            continue;
        if (!any)
            fputs("\n## Waived\n\n| Subject | Check | Was | Severity | Reason | Owner | Expires |\n"
                  "| --- | --- | --- | --- | --- | --- | --- |\n",
                  out);
        any = true;
        w = json_object_get(row, "waiver");
        fputs("| ", out);
        s_subject_name(out, row);
        fputs(" |", out);
        s_cells(out, row, (const char *const[]){"check", NULL});
        s_cells(out, w, (const char *const[]){"original_status", NULL});
        s_cells(out, row, (const char *const[]){"severity", NULL});
        s_cells(out, w, (const char *const[]){"reason", "owner", "expires", NULL});
        fputc('\n', out);
    }
    json_array_foreach(json_object_get(report, "waivers_expired"), i, w) {
        if (i == 0)
            fputs("\n## Expired waivers (no longer applied)\n\n| Account | Check | Reason | Owner | Expired |\n"
                  "| --- | --- | --- | --- | --- |\n",
                  out);
        fputc('|', out);
        s_cells(out, w, (const char *const[]){"account_id", "check", "reason", "owner", "expires", NULL});
        fputc('\n', out);
    }
}

/* Passing and skipped rows, folded: they matter for the record, not for the action list. */
static void s_passes(FILE *out, const json_t *report)
{
    long long pass = opf_report_count(report, "pass"), skipped = opf_report_count(report, "skipped");
    if (!pass && !skipped)
        return;
    fprintf(out, "\n<details>\n<summary>Passed and skipped (%lld pass, %lld skipped)</summary>\n\n"
                 "| Subject | Status | Check | Finding |\n| --- | --- | --- | --- |\n",
            pass, skipped);
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(report, "results"), i, row) {
        if (!opf_report_status_is(row, "pass") && !opf_report_status_is(row, "skipped"))
            continue;
        fputs("| ", out);
        s_subject_name(out, row);
        fputs(" |", out);
        s_cells(out, row, (const char *const[]){"status", "check", "message", NULL});
        fputc('\n', out);
    }
    fputs("\n</details>\n", out);
}

int opf_report_write_markdown(const json_t *report, FILE *out, const struct opf_report_options *opts)
{
    (void)opts;
    s_header(out, report);
    s_problems(out, report);
    s_waivers(out, report);
    s_passes(out, report);
    return ferror(out) ? -1 : 0;
}
