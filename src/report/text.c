/* The human report: one block per subject, problems first with their remediation, then the verdict. */
#include <string.h>

#include "report/report.h"

static const char *s_str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

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
    const char *st = s_str(row, "status");
    return (o && o->verbose) || (strcmp(st, "pass") != 0 && strcmp(st, "skipped") != 0);
}

static void s_heading(FILE *out, const json_t *row, const json_t *accounts)
{
    const char *type = s_str(row, "subject_type"), *id = s_str(row, "subject_id");
    if (strcmp(type, "account") != 0) {
        fprintf(out, "\n%s %s\n", type, id);
        return;
    }
    size_t i;
    const json_t *a;
    json_array_foreach(accounts, i, a) {
        if (strcmp(s_str(a, "id"), id) != 0)
            continue;
        fprintf(out, "\naccount %s %s (%s, %s%s%s)%s\n", id, s_str(a, "name"), s_str(a, "state"),
                s_str(a, "joined_method"), *s_str(a, "ou_path") ? ", " : "", s_str(a, "ou_path"),
                json_is_true(json_object_get(a, "is_management")) ? " [management account]" : "");
        return;
    }
    fprintf(out, "\naccount %s %s\n", id, s_str(row, "subject_name"));
}

/* Writes the rows of one subject, [first, end). */
static void s_subject(FILE *out, const json_t *results, size_t first, size_t end, const json_t *accounts,
                      const struct opf_report_options *o)
{
    s_heading(out, json_array_get(results, first), accounts);
    size_t passed = 0, skipped = 0;
    for (size_t i = first; i < end; i++) {
        const json_t *row = json_array_get(results, i);
        const char *st = s_str(row, "status");
        if (!s_shown(row, o)) {
            passed += strcmp(st, "pass") == 0;
            skipped += strcmp(st, "skipped") == 0;
            continue;
        }
        fputs("  ", out);
        s_status(out, o, st);
        fprintf(out, " %-8s %-26s %s\n", s_str(row, "severity"), s_str(row, "check"), s_str(row, "message"));
        const json_t *w = json_object_get(row, "waiver");
        if (json_is_object(w))
            fprintf(out, "%40s waiver%s: %s (owner %s, expires %s)\n", "",
                    json_is_true(json_object_get(w, "expired")) ? " EXPIRED, not applied" : "", s_str(w, "reason"),
                    s_str(w, "owner"), s_str(w, "expires"));
        if ((strcmp(st, "fail") == 0 || strcmp(st, "unknown") == 0 || strcmp(st, "warn") == 0) &&
            *s_str(row, "remediation"))
            fprintf(out, "%40s fix: %s\n", "", s_str(row, "remediation"));
    }
    if (passed || skipped)
        fprintf(out, "  (%zu passed, %zu skipped)\n", passed, skipped);
}

int opf_report_write_text(const json_t *report, FILE *out, const struct opf_report_options *o)
{
    const json_t *org = json_object_get(report, "organization"), *mig = json_object_get(report, "migration");
    const json_t *results = json_object_get(report, "results"), *accounts = json_object_get(report, "accounts");
    fprintf(out, "orgpreflight %s: organization %s (management account %s), path %s, gate at %s\n",
            s_str(json_object_get(report, "tool"), "version"), s_str(org, "id"), s_str(org, "management_account_id"),
            s_str(mig, "path"), s_str(mig, "fail_on"));
    if (!json_is_true(json_object_get(report, "complete")))
        fputs("WARNING: the evidence is incomplete (collection was interrupted): the verdict cannot be ready\n", out);

    size_t n = json_array_size(results), first = 0;
    for (size_t i = 1; i <= n; i++) {
        const json_t *a = json_array_get(results, first), *b = i < n ? json_array_get(results, i) : NULL;
        if (b && strcmp(s_str(a, "subject_id"), s_str(b, "subject_id")) == 0 &&
            strcmp(s_str(a, "subject_type"), s_str(b, "subject_type")) == 0)
            continue;
        s_subject(out, results, first, i, accounts, o);
        first = i;
    }

    size_t i;
    const json_t *w;
    json_array_foreach(json_object_get(report, "waivers_expired"), i, w) {
        if (i == 0)
            fputs("\nExpired waivers (no longer applied):\n", out);
        fprintf(out, "  %s for %s, expired %s (owner %s)\n", s_str(w, "check"), s_str(w, "account_id"),
                s_str(w, "expires"), s_str(w, "owner"));
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
    const char *verdict = s_str(sum, "verdict");
    const char *why = strcmp(verdict, "ready") == 0       ? "no fail and no unknown at or above the gate"
                      : strcmp(verdict, "not-ready") == 0 ? "a fail at or above the gate"
                                                          : "an unknown at or above the gate, or incomplete evidence";
    fprintf(out, "Verdict: ");
    if (o && o->color)
        fprintf(out, "\033[1;%sm%s\033[0m", strcmp(verdict, "ready") == 0 ? "32" : strcmp(verdict, "not-ready") == 0 ? "31" : "35", verdict);
    else
        fputs(verdict, out);
    fprintf(out, " (%s)\n", why);
    return ferror(out) ? -1 : 0;
}
