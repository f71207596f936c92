/* The human report: one block per subject, problems first with their remediation, then the verdict. */
#include <string.h>

#include "report/report.h"

static const char *s_color(const char *status)
{
    static const struct {
        const char *status, *code;
    } map[] = {{"pass", "32"}, {"warn", "33"}, {"fail", "1;31"}, {"unknown", "35"}, {"skipped", "2"}, {"waived", "36"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].status, status) == 0)
            return map[i].code;
    return "0";
}

static void s_status(FILE *out, const struct opf_report_options *o, const char *status)
{
    char label[16];
    size_t i;
    for (i = 0; status[i] && i < sizeof(label) - 1; i++)
        label[i] = (char)(status[i] >= 'a' && status[i] <= 'z' ? status[i] - 32 : status[i]);
    label[i] = '\0';
    if (o && o->color)
        fprintf(out, "\033[%sm%-8s\033[0m", s_color(status), label);
    else
        fprintf(out, "%-8s", label);
}

static bool s_shown(const json_t *row, const struct opf_report_options *o)
{
    const char *st = opf_report_str(row, "status");
    return (o && o->verbose) || (strcmp(st, "pass") != 0 && strcmp(st, "skipped") != 0);
}

/* A value from the evidence, shown (never a terminal control), padded to width. */
static void s_put(FILE *out, const char *value, int width)
{
    for (int n = opf_report_visible(out, value); n < width; n++)
        fputc(' ', out);
}

static void s_heading(FILE *out, const json_t *row, const json_t *report)
{
    const char *type = opf_report_str(row, "subject_type"), *id = opf_report_str(row, "subject_id");
    bool account = strcmp(type, "account") == 0;
    const json_t *a = account ? opf_report_account(report, id) : NULL;
    fputs("\n", out);
    s_put(out, type, 0);
    fputc(' ', out);
    s_put(out, id, 0);
    if (account) {
        fputc(' ', out);
        s_put(out, opf_report_str(a ? a : row, a ? "name" : "subject_name"), 0);
    }
    if (a) {
        fputs(" (", out);
        s_put(out, opf_report_str(a, "state"), 0);
        fputs(", ", out);
        s_put(out, opf_report_str(a, "joined_method"), 0);
        if (*opf_report_str(a, "ou_path"))
            fputs(", ", out);
        s_put(out, opf_report_str(a, "ou_path"), 0);
        fprintf(out, ")%s", json_is_true(json_object_get(a, "is_management")) ? " [management account]" : "");
    }
    fputs("\n", out);
}

static void s_subject(FILE *out, const struct opf_report_subject *s, const json_t *report,
                      const struct opf_report_options *o)
{
    s_heading(out, s->head, report);
    size_t passed = 0, skipped = 0;
    for (size_t i = s->first; i < s->end; i++) {
        const json_t *row = json_array_get(s->results, i);
        const char *st = opf_report_str(row, "status");
        if (!s_shown(row, o)) {
            passed += strcmp(st, "pass") == 0;
            skipped += strcmp(st, "skipped") == 0;
            continue;
        }
        fputs("  ", out);
        s_status(out, o, st);
        fputc(' ', out);
        s_put(out, opf_report_str(row, "severity"), 8);
        fputc(' ', out);
        s_put(out, opf_report_str(row, "check"), 26);
        fputc(' ', out);
        s_put(out, opf_report_str(row, "message"), 0);
        fputc('\n', out);
        const json_t *w = json_object_get(row, "waiver");
        if (opf_report_waiver_expired(row) || json_is_object(w)) {
            bool expired = opf_report_waiver_expired(row);
            fprintf(out, "%40s %s ", "", expired ? "waiver EXPIRED on" : "waived, was");
            s_put(out, opf_report_str(w, expired ? "expires" : "original_status"), 0);
            fputs(expired ? ", not applied: " : ": ", out);
            s_put(out, opf_report_str(w, "reason"), 0);
            fputs(" (owner ", out);
            s_put(out, opf_report_str(w, "owner"), 0);
            if (!expired) {
                fputs(", until ", out);
                s_put(out, opf_report_str(w, "expires"), 0);
            }
            fputs(")\n", out);
        }
        if (opf_report_is_problem(row) && *opf_report_str(row, "remediation")) {
            fprintf(out, "%40s fix: ", "");
            s_put(out, opf_report_str(row, "remediation"), 0);
            fputc('\n', out);
        }
    }
    if (passed || skipped)
        fprintf(out, "  (%zu passed, %zu skipped)\n", passed, skipped);
}

int opf_report_write_text(const json_t *report, FILE *out, const struct opf_report_options *o)
{
    const json_t *org = json_object_get(report, "organization"), *mig = json_object_get(report, "migration");
    const json_t *results = json_object_get(report, "results");
    fprintf(out, "orgpreflight %s: organization ", opf_report_str(json_object_get(report, "tool"), "version"));
    s_put(out, opf_report_str(org, "id"), 0);
    fputs(" (management account ", out);
    s_put(out, opf_report_str(org, "management_account_id"), 0);
    fprintf(out, "), path %s, gate at %s\n", opf_report_str(mig, "path"), opf_report_str(mig, "fail_on"));
    if (!json_is_true(json_object_get(report, "complete")))
        fputs("WARNING: the evidence is incomplete (collection was interrupted): the verdict cannot be ready\n", out);

    struct opf_report_subject s = {.results = results};
    while (opf_report_next_subject(&s))
        s_subject(out, &s, report, o);

    size_t i;
    const json_t *w;
    json_array_foreach(json_object_get(report, "waivers_expired"), i, w) {
        if (i == 0)
            fputs("\nExpired waivers (no longer applied):\n", out);
        fputs("  ", out);
        s_put(out, opf_report_str(w, "check"), 0);
        fputs(" for ", out);
        s_put(out, opf_report_str(w, "account_id"), 0);
        fputs(", expired ", out);
        s_put(out, opf_report_str(w, "expires"), 0);
        fputs(" (owner ", out);
        s_put(out, opf_report_str(w, "owner"), 0);
        fputs(")\n", out);
    }

    const json_t *sum = json_object_get(report, "summary"), *c = json_object_get(sum, "counts");
    fprintf(out, "\nSummary: %lld results: %lld pass, %lld warn, %lld fail, %lld unknown, %lld skipped, %lld waived\n",
            json_integer_value(json_object_get(sum, "total")), json_integer_value(json_object_get(c, "pass")),
            json_integer_value(json_object_get(c, "warn")), json_integer_value(json_object_get(c, "fail")),
            json_integer_value(json_object_get(c, "unknown")), json_integer_value(json_object_get(c, "skipped")),
            json_integer_value(json_object_get(c, "waived")));
    const json_t *st = json_object_get(report, "stats");
    if (st) /* a live run: how hard AWS pushed back */
        fprintf(out, "AWS: %lld requests, %lld retries (%lld throttled), %lld credential refreshes, %lld evidence errors\n",
                json_integer_value(json_object_get(st, "api_calls")), json_integer_value(json_object_get(st, "retries")),
                json_integer_value(json_object_get(st, "throttled")),
                json_integer_value(json_object_get(st, "credential_refreshes")),
                json_integer_value(json_object_get(st, "errors")));
    const char *verdict = opf_report_str(sum, "verdict");
    fprintf(out, "Verdict: ");
    if (o && o->color)
        fprintf(out, "\033[1;%sm%s\033[0m", strcmp(verdict, "ready") == 0 ? "32" : strcmp(verdict, "not-ready") == 0 ? "31" : "35", verdict);
    else
        fputs(verdict, out);
    fprintf(out, " (%s)\n", opf_report_verdict_reason(verdict));
    return ferror(out) ? -1 : 0;
}
