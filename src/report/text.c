/*
 * The human report. `text`: the verdict, then one line per account (readiness, blocking checks, wait-period end),
 * then details only for the subjects with problems, each remediation once per check with the accounts it
 * applies to, and the counts. `summary`: the verdict and the account table alone.
 */
#include <string.h>

#include "report/report.h"

#define S_LIST_MAX 6     /* ids and checks listed before "… and N more" */
#define S_NAME_WIDTH 24  /* a longer name or OU path is printed whole and shifts its line */
#define S_WRAP 120       /* messages and remediations wrap between words at this column */

/* A value from the report, shown (never a terminal control: opf_report_visible), padded to width. */
static void s_put(FILE *out, const char *value, int width)
{
    for (int n = opf_report_visible(out, value); n < width; n++)
        fputc(' ', out);
}

static void s_plain(FILE *out, const char *s)
{
    s_put(out, s, 0);
}

/* Text from the report written from `column` on, wrapped between words at S_WRAP, continued at `indent`; a word
 * longer than a line stays whole. */
static void s_wrapped(FILE *out, const char *text, int column, int indent)
{
    char word[256];
    bool first = true;
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, " ");
        if (!first) {
            if (column + 1 + (int)n > S_WRAP && column > indent) {
                fprintf(out, "\n%*s", indent, "");
                column = indent;
            } else {
                fputc(' ', out);
                column++;
            }
        }
        for (size_t done = 0; done < n;) { /* in pieces only when a word outgrows the buffer */
            size_t k = n - done < sizeof(word) - 1 ? n - done : sizeof(word) - 1;
            memcpy(word, p + done, k);
            word[k] = '\0';
            s_put(out, word, 0);
            done += k;
        }
        column += (int)n;
        first = false;
        p += n;
        while (*p == ' ')
            p++;
    }
}

static const char *s_color(const char *word)
{
    static const struct {
        const char *word, *code;
    } map[] = {{"pass", "32"},    {"warn", "33"},       {"fail", "1;31"},    {"unknown", "35"},
               {"skipped", "2"},  {"waived", "36"},     {"ready", "32"},     {"blocked", "1;31"},
               {"cannot-move", "31"}, {"undetermined", "35"}, {"not-ready", "1;31"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].word, word) == 0)
            return map[i].code;
    return "0";
}

/* A word padded to `width`, coloured on a terminal (the escape codes do not count in the width). */
static void s_word(FILE *out, const struct opf_report_options *o, const char *word, bool upper, int width)
{
    char label[32];
    size_t i;
    for (i = 0; word[i] && i < sizeof(label) - 1; i++)
        label[i] = (char)(upper && word[i] >= 'a' && word[i] <= 'z' ? word[i] - 32 : word[i]);
    label[i] = '\0';
    if (o && o->color)
        fprintf(out, "\033[%sm%-*s\033[0m", s_color(word), width, label);
    else
        fprintf(out, "%-*s", width, label);
}

static int s_width(const json_t *accounts, const char *key, int floor)
{
    int w = floor;
    size_t i;
    const json_t *a;
    json_array_foreach(accounts, i, a) {
        int n = (int)strlen(opf_report_str(a, key));
        if (n > w)
            w = n < S_NAME_WIDTH ? n : S_NAME_WIDTH;
    }
    return w;
}

static void s_verdict(FILE *out, const json_t *report, const struct opf_report_options *o)
{
    const json_t *sum = json_object_get(report, "summary"), *r = json_object_get(sum, "readiness");
    const char *verdict = opf_report_str(sum, "verdict");
    fputs("Verdict: ", out);
    if (o && o->color)
        fprintf(out, "\033[1;%sm%s\033[0m", s_color(verdict), verdict);
    else
        fputs(verdict, out);
    fprintf(out, " (%s)\n", opf_report_verdict_reason(verdict));
    fprintf(out, "Accounts: %lld ready, %lld blocked, %lld cannot move, %lld undetermined, of %zu\n",
            json_integer_value(json_object_get(r, "ready")), json_integer_value(json_object_get(r, "blocked")),
            json_integer_value(json_object_get(r, "cannot-move")), json_integer_value(json_object_get(r, "undetermined")),
            json_array_size(json_object_get(report, "accounts")));
    const json_t *all = json_object_get(sum, "holding_back_all_accounts");
    if (json_array_size(all)) {
        fputs("Every account is held back by: ", out);
        opf_report_list(out, all, S_LIST_MAX, s_plain);
        fputs(" (see the details)\n", out);
    }
}

/* One line per account: id, name, OU, readiness, the checks that hold it back, when its wait period ends. */
static void s_table(FILE *out, const json_t *report, const struct opf_report_options *o)
{
    const json_t *accounts = json_object_get(report, "accounts");
    int wn = s_width(accounts, "name", 4), wo = s_width(accounts, "ou_path", 2);
    fprintf(out, "\n%-12s  %-*s  %-*s  %-12s  %-20s  %s\n", "ACCOUNT", wn, "NAME", wo, "OU", "READINESS",
            "WAIT UNTIL", "BLOCKING CHECKS");
    bool all = json_array_size(json_object_get(json_object_get(report, "summary"), "holding_back_all_accounts"));
    size_t i;
    const json_t *a;
    json_array_foreach(accounts, i, a) {
        const char *readiness = opf_report_str(a, "readiness");
        s_put(out, opf_report_str(a, "id"), 12);
        fputs("  ", out);
        s_put(out, opf_report_str(a, "name"), wn);
        fputs("  ", out);
        s_put(out, opf_report_str(a, "ou_path"), wo);
        fputs("  ", out);
        s_word(out, o, *readiness ? readiness : "undetermined", false, 12);
        const char *wait = opf_report_str(a, "wait_until");
        fputs("  ", out);
        s_put(out, *wait ? wait : "-", 20);
        fputs("  ", out);
        const json_t *checks = json_object_get(a, "blocking_checks");
        opf_report_list(out, checks, S_LIST_MAX, s_plain);
        if (all && strcmp(readiness, "ready") != 0 && strcmp(readiness, "cannot-move") != 0)
            fputs(json_array_size(checks) ? " + organization-wide" : "organization-wide", out);
        else if (!json_array_size(checks))
            fputc('-', out);
        if (json_is_true(json_object_get(a, "is_management")))
            fputs(" [management account]", out);
        fputc('\n', out);
    }
}

static bool s_shown(const json_t *row, const struct opf_report_options *o)
{
    return (o && o->verbose) || opf_report_is_problem(row) || opf_report_status_is(row, "waived") ||
           opf_report_waiver_expired(row);
}

static void s_heading(FILE *out, const json_t *row, const json_t *a)
{
    const char *type = opf_report_str(row, "subject_type");
    fputc('\n', out);
    s_put(out, type, 0);
    fputc(' ', out);
    s_put(out, opf_report_str(row, "subject_id"), 0);
    if (strcmp(type, "account") == 0) {
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
        fputs("): ", out);
        s_put(out, opf_report_str(a, "readiness"), 0);
        fputs(json_is_true(json_object_get(a, "is_management")) ? " [management account]" : "", out);
    }
    fputc('\n', out);
}

static void s_row(FILE *out, const json_t *report, const json_t *row, const struct opf_report_options *o)
{
    fputs("  ", out);
    s_word(out, o, opf_report_str(row, "status"), true, 8);
    fputc(' ', out);
    s_put(out, opf_report_str(row, "severity"), 8);
    fputc(' ', out);
    s_put(out, opf_report_str(row, "check"), 26);
    fputc(' ', out);
    int at = 2 + 8 + 1 + 8 + 1 + 26 + 1; /* where the message starts when the check id fits its column */
    int len = (int)strlen(opf_report_str(row, "check"));
    s_wrapped(out, opf_report_str(row, "message"), len > 26 ? at + len - 26 : at, at);
    fputc('\n', out);
    const char *note = opf_report_gate_note(report, row);
    if (note) {
        fprintf(out, "%46s (", "");
        s_put(out, opf_report_str(row, "severity"), 0);
        fputc(' ', out);
        s_put(out, opf_report_str(row, "status"), 0);
        fprintf(out, ", %s)\n", note);
    }
    const json_t *w = json_object_get(row, "waiver");
    if (opf_report_waiver_expired(row) || json_is_object(w)) {
        bool expired = opf_report_waiver_expired(row);
        fprintf(out, "%46s %s ", "", expired ? "waiver EXPIRED on" : "waived, was");
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
}

/* The subjects with something to act on (every subject with --verbose), their rows, without the remediation. */
static void s_details(FILE *out, const json_t *report, const struct opf_report_options *o)
{
    bool any = false;
    size_t cursor = 0;
    struct opf_report_subject s = {.results = json_object_get(report, "results")};
    while (opf_report_next_subject(&s)) {
        const json_t *a = opf_report_subject_account(report, s.head, &cursor);
        size_t shown = 0, passed = 0, skipped = 0;
        for (size_t i = s.first; i < s.end; i++)
            shown += s_shown(json_array_get(s.results, i), o);
        if (!shown)
            continue;
        if (!any)
            fputs(o && o->verbose ? "\nDetails:\n" : "\nDetails of the subjects with problems:\n", out);
        any = true;
        s_heading(out, s.head, a);
        for (size_t i = s.first; i < s.end; i++) {
            const json_t *row = json_array_get(s.results, i);
            if (s_shown(row, o))
                s_row(out, report, row, o);
            else {
                passed += opf_report_status_is(row, "pass");
                skipped += opf_report_status_is(row, "skipped");
            }
        }
        if (passed || skipped)
            fprintf(out, "  (%zu passed, %zu skipped)\n", passed, skipped);
    }
}

/* Each remediation once, with the subjects it applies to. */
static void s_remediations(FILE *out, const json_t *report)
{
    json_t *list = opf_report_remediations(report);
    size_t i;
    const json_t *e;
    json_array_foreach(list, i, e) {
        if (i == 0)
            fputs("\nRemediation, once per check:\n", out);
        const json_t *subjects = json_object_get(e, "subjects");
        fputs("\n  ", out);
        s_put(out, opf_report_str(e, "check"), 0);
        fprintf(out, "%s (%zu): ", json_is_true(json_object_get(e, "gating")) ? " [gating]" : "",
                json_array_size(subjects));
        opf_report_list(out, subjects, S_LIST_MAX, s_plain);
        const char *fix = opf_report_str(e, "remediation");
        fputs("\n    ", out);
        s_wrapped(out, *fix ? fix : "(the check gives no remediation: see its message)", 4, 4);
        fputc('\n', out);
    }
    json_decref(list);
}

static void s_header(FILE *out, const json_t *report, const struct opf_report_options *o)
{
    const json_t *org = json_object_get(report, "organization"), *mig = json_object_get(report, "migration");
    fprintf(out, "orgpreflight %s: organization ", opf_report_str(json_object_get(report, "tool"), "version"));
    s_put(out, opf_report_str(org, "id"), 0);
    fputs(" (management account ", out);
    s_put(out, opf_report_str(org, "management_account_id"), 0);
    fprintf(out, "), path %s, gate at %s\n", opf_report_str(mig, "path"), opf_report_str(mig, "fail_on"));
    if (!json_is_true(json_object_get(report, "complete")))
        fputs("WARNING: the evidence is incomplete (collection was interrupted): the verdict cannot be ready\n", out);
    char scope[256];
    if (opf_report_scope(report, scope, sizeof(scope)))
        fprintf(out, "%s\n", scope);
    s_verdict(out, report, o);
}

static void s_footer(FILE *out, const json_t *report)
{
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
}

int opf_report_write_text(const json_t *report, FILE *out, const struct opf_report_options *o)
{
    s_header(out, report, o);
    s_table(out, report, o);
    s_details(out, report, o);
    s_remediations(out, report);
    s_footer(out, report);
    s_verdict(out, report, o); /* again at the end, where a terminal leaves the reader */
    return ferror(out) ? -1 : 0;
}

int opf_report_write_summary(const json_t *report, FILE *out, const struct opf_report_options *o)
{
    s_header(out, report, o);
    s_table(out, report, o);
    return ferror(out) ? -1 : 0;
}
