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

static void s_heading(FILE *out, const json_t *row, const json_t *a)
{
    const char *type = opf_report_str(row, "subject_type"), *id = opf_report_str(row, "subject_id");
    if (a)
        fprintf(out, "\naccount %s %s (%s, %s%s%s)%s\n", id, opf_report_str(a, "name"), opf_report_str(a, "state"),
                opf_report_str(a, "joined_method"), *opf_report_str(a, "ou_path") ? ", " : "",
                opf_report_str(a, "ou_path"), json_is_true(json_object_get(a, "is_management")) ? " [management account]" : "");
    else if (strcmp(type, "account") == 0)
        fprintf(out, "\naccount %s %s\n", id, opf_report_str(row, "subject_name"));
    else
        fprintf(out, "\n%s %s\n", type, id);
}

static void s_subject(FILE *out, const struct opf_report_subject *s, const struct opf_report_options *o)
{
    s_heading(out, s->head, s->account);
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
        fprintf(out, " %-8s %-26s %s\n", opf_report_str(row, "severity"), opf_report_str(row, "check"),
                opf_report_str(row, "message"));
        const json_t *w = json_object_get(row, "waiver");
        if (opf_report_waiver_expired(row))
            fprintf(out, "%40s waiver EXPIRED on %s, not applied: %s (owner %s)\n", "", opf_report_str(w, "expires"),
                    opf_report_str(w, "reason"), opf_report_str(w, "owner"));
        else if (json_is_object(w))
            fprintf(out, "%40s waived, was %s: %s (owner %s, until %s)\n", "", opf_report_str(w, "original_status"),
                    opf_report_str(w, "reason"), opf_report_str(w, "owner"), opf_report_str(w, "expires"));
        if (opf_report_is_problem(row) && *opf_report_str(row, "remediation"))
            fprintf(out, "%40s fix: %s\n", "", opf_report_str(row, "remediation"));
    }
    if (passed || skipped)
        fprintf(out, "  (%zu passed, %zu skipped)\n", passed, skipped);
}

int opf_report_write_text(const json_t *report, FILE *out, const struct opf_report_options *o)
{
    const json_t *org = json_object_get(report, "organization"), *mig = json_object_get(report, "migration");
    const json_t *results = json_object_get(report, "results");
    fprintf(out, "orgpreflight %s: organization %s (management account %s), path %s, gate at %s\n",
            opf_report_str(json_object_get(report, "tool"), "version"), opf_report_str(org, "id"),
            opf_report_str(org, "management_account_id"), opf_report_str(mig, "path"), opf_report_str(mig, "fail_on"));
    if (!json_is_true(json_object_get(report, "complete")))
        fputs("WARNING: the evidence is incomplete (collection was interrupted): the verdict cannot be ready\n", out);

    struct opf_report_subject s = {.results = results, .accounts = json_object_get(report, "accounts")};
    while (opf_report_next_subject(&s))
        s_subject(out, &s, o);

    size_t i;
    const json_t *w;
    json_array_foreach(json_object_get(report, "waivers_expired"), i, w) {
        if (i == 0)
            fputs("\nExpired waivers (no longer applied):\n", out);
        fprintf(out, "  %s for %s, expired %s (owner %s)\n", opf_report_str(w, "check"),
                opf_report_str(w, "account_id"), opf_report_str(w, "expires"), opf_report_str(w, "owner"));
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
