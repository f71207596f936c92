/*
 * Markdown (GitHub-flavoured) for tickets and pull requests: the verdict, the accounts and their readiness, what
 * to fix once per check with the subjects it applies to, the problems of each subject, waivers, and the passing
 * rows folded in <details>. A pull-request comment holds 65,536 characters: past S_BUDGET the report leaves the
 * rest to the JSON report and says what it left out.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

#define S_BUDGET 60000          /* characters for the whole report, */
#define S_NOTE_ROOM 512         /* of which the last line, saying what was left out, may take this many */
#define S_TABLE_MAX_ACCOUNTS 100 /* one line per account up to this many; beyond, one line per kind of block */
#define S_LIST_MAX 10           /* ids listed in a cell before "… and N more" */

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

static void s_md_list(FILE *out, const json_t *list)
{
    opf_report_list(out, list, S_LIST_MAX, s_md);
}

/* The checks that hold back an account, and the organization-wide ones when they do too. */
static void s_blocking(FILE *out, const json_t *report, const json_t *checks, const char *readiness)
{
    s_md_list(out, checks);
    bool all = json_array_size(json_object_get(json_object_get(report, "summary"), "holding_back_all_accounts"));
    if (all && strcmp(readiness, "ready") != 0 && strcmp(readiness, "cannot-move") != 0)
        fputs(json_array_size(checks) ? " + organization-wide" : "organization-wide", out);
}

static void s_account_line(FILE *out, const json_t *report, const json_t *a)
{
    fputc('|', out);
    s_cells(out, a, (const char *const[]){"id", "name", "ou_path", NULL});
    fputs(" **", out);
    s_md(out, opf_report_str(a, "readiness"));
    fputs("** | ", out);
    s_blocking(out, report, json_object_get(a, "blocking_checks"), opf_report_str(a, "readiness"));
    fputs(" |", out);
    s_cells(out, a, (const char *const[]){"wait_until", NULL});
    fputc('\n', out);
}

/* Accounts grouped by readiness and blocking checks: [{"readiness", "checks", "accounts": [ID...], "wait_until"}]. */
static json_t *s_account_groups(const json_t *report)
{
    json_t *groups = json_array(), *index = json_object();
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(report, "accounts"), i, a) {
        char *checks = json_dumps(json_object_get(a, "blocking_checks"), JSON_COMPACT | JSON_ENCODE_ANY);
        size_t n = strlen(opf_report_str(a, "readiness")) + (checks ? strlen(checks) : 0) + 2;
        char *key = malloc(n);
        if (!key) {
            free(checks);
            continue;
        }
        snprintf(key, n, "%s %s", opf_report_str(a, "readiness"), checks ? checks : "");
        json_t *g = json_object_get(index, key);
        if (!g) {
            g = json_pack("{s:s, s:O, s:[], s:s}", "readiness", opf_report_str(a, "readiness"), "checks",
                          json_object_get(a, "blocking_checks"), "accounts", "wait_until", "");
            json_object_set_new(index, key, g);
            json_array_append(groups, g);
        }
        json_array_append_new(json_object_get(g, "accounts"), json_string(opf_report_str(a, "id")));
        if (strcmp(opf_report_str(a, "wait_until"), opf_report_str(g, "wait_until")) > 0) /* ISO 8601: the latest */
            json_object_set_new(g, "wait_until", json_string(opf_report_str(a, "wait_until")));
        free(key);
        free(checks);
    }
    json_decref(index);
    return groups;
}

/* One line per account, or, for a large organization, one line per readiness and set of blocking checks. */
static void s_accounts(FILE *out, const json_t *report)
{
    const json_t *accounts = json_object_get(report, "accounts"), *sum = json_object_get(report, "summary");
    const json_t *r = json_object_get(sum, "readiness");
    fprintf(out, "\n## Accounts\n\n%lld ready, %lld blocked, %lld cannot move, %lld undetermined, of %zu.",
            json_integer_value(json_object_get(r, "ready")), json_integer_value(json_object_get(r, "blocked")),
            json_integer_value(json_object_get(r, "cannot-move")),
            json_integer_value(json_object_get(r, "undetermined")), json_array_size(accounts));
    const json_t *all = json_object_get(sum, "holding_back_all_accounts");
    if (json_array_size(all)) {
        fputs(" Every account is held back by the organization-wide ", out);
        s_md_list(out, all);
        fputs(" (below).", out);
    }
    fputc('\n', out);
    if (json_array_size(accounts) <= S_TABLE_MAX_ACCOUNTS) {
        fputs("\n| Account | Name | OU | Readiness | Blocking checks | Wait until |\n"
              "| --- | --- | --- | --- | --- | --- |\n", out);
        size_t i;
        const json_t *a;
        json_array_foreach(accounts, i, a) s_account_line(out, report, a);
        return;
    }
    fputs("\n| Readiness | Blocking checks | Accounts | Wait until (latest) |\n| --- | --- | ---: | --- |\n", out);
    json_t *groups = s_account_groups(report);
    size_t i;
    const json_t *g;
    json_array_foreach(groups, i, g) {
        const json_t *ids = json_object_get(g, "accounts");
        fputs("| **", out);
        s_md(out, opf_report_str(g, "readiness"));
        fputs("** | ", out);
        s_blocking(out, report, json_object_get(g, "checks"), opf_report_str(g, "readiness"));
        fprintf(out, " | %zu: ", json_array_size(ids));
        s_md_list(out, ids);
        fputs(" |", out);
        s_cells(out, g, (const char *const[]){"wait_until", NULL});
        fputc('\n', out);
    }
    json_decref(groups);
}

/* What to fix, once per check, with the subjects it applies to: what gates first. */
static void s_fixes(FILE *out, const json_t *report)
{
    json_t *list = opf_report_remediations(report);
    if (!json_array_size(list)) {
        json_decref(list);
        return;
    }
    fputs("\n## What to fix, once per check\n\n| Check | Gates | Subjects | Remediation |\n| --- | --- | --- | --- |\n",
          out);
    for (int pass = 0; pass < 2; pass++) {
        size_t i;
        const json_t *e;
        json_array_foreach(list, i, e) {
            if (json_is_true(json_object_get(e, "gating")) != (pass == 0))
                continue;
            const json_t *subjects = json_object_get(e, "subjects");
            fputc('|', out);
            s_cells(out, e, (const char *const[]){"check", NULL});
            fprintf(out, " %s | %zu: ", pass == 0 ? "**yes**" : "no", json_array_size(subjects));
            s_md_list(out, subjects);
            fputs(" |", out);
            s_cells(out, e, (const char *const[]){"remediation", NULL});
            fputc('\n', out);
        }
    }
    json_decref(list);
}

static void s_problem(FILE *out, const json_t *report, const json_t *row)
{
    fprintf(out, "| **%s**", opf_report_str(row, "status"));
    if (opf_report_waiver_expired(row)) {
        fputs(" (waiver expired ", out);
        s_md(out, opf_report_str(json_object_get(row, "waiver"), "expires"));
        fputc(')', out);
    }
    fputs(" | ", out);
    s_md(out, opf_report_str(row, "severity"));
    const char *note = opf_report_gate_note(report, row);
    if (note) {
        fputs(" (", out);
        s_md(out, note);
        fputc(')', out);
    }
    fputs(" |", out);
    s_cells(out, row, (const char *const[]){"check", "message", NULL});
    fputc('\n', out);
}

/* The subject's table of fail, warn and unknown rows, or nothing. */
static void s_subject_problems(FILE *out, const json_t *report, const struct opf_report_subject *s, const json_t *a)
{
    bool heading = false;
    for (size_t i = s->first; i < s->end; i++) {
        const json_t *row = json_array_get(s->results, i);
        if (!opf_report_is_problem(row))
            continue;
        if (!heading) {
            fputs("\n### ", out);
            s_subject_name(out, row);
            if (a && *opf_report_str(a, "ou_path")) {
                fputs(" (", out);
                s_md(out, opf_report_str(a, "ou_path"));
                fputc(')', out);
            }
            fputs("\n\n| Status | Severity | Check | Finding |\n| --- | --- | --- | --- |\n", out);
            heading = true;
        }
        s_problem(out, report, row);
    }
}

/* A part written into memory first, so that it goes in whole or not at all. */
struct s_part {
    char *text;
    size_t len;
    FILE *f;
};

static FILE *s_part_open(struct s_part *p)
{
    p->text = NULL;
    p->len = 0;
    return p->f = open_memstream(&p->text, &p->len);
}

/* Appends the part to out when it fits in what is left of the budget; true when it did. */
static bool s_part_put(struct s_part *p, FILE *out, size_t *used)
{
    bool fits = p->f && fclose(p->f) == 0 && *used + p->len <= S_BUDGET - S_NOTE_ROOM;
    if (fits) {
        fwrite(p->text, 1, p->len, out);
        *used += p->len;
    }
    free(p->text);
    return fits;
}

/* One table per subject that has a fail, warn or unknown, while the budget lasts. */
static void s_problems(FILE *out, const json_t *report, size_t *used, json_t *left_out)
{
    fputs("\n## Problems\n", out);
    *used += 14;
    size_t shown = 0, left = 0, cursor = 0;
    struct opf_report_subject s = {.results = json_object_get(report, "results")};
    while (opf_report_next_subject(&s)) {
        const json_t *a = opf_report_subject_account(report, s.head, &cursor);
        bool any = false;
        for (size_t i = s.first; i < s.end && !any; i++)
            any = opf_report_is_problem(json_array_get(s.results, i));
        if (!any)
            continue;
        struct s_part part;
        FILE *f = left ? NULL : s_part_open(&part); /* once one subject is left out, the rest are too */
        if (f)
            s_subject_problems(f, report, &s, a);
        if (f && s_part_put(&part, out, used))
            shown++;
        else
            left++;
    }
    if (!shown && !left)
        fputs("\nNo fail, warn or unknown results.\n", out);
    if (left) {
        char note[128];
        snprintf(note, sizeof(note), "the problems of %zu more subjects", left);
        json_array_append_new(left_out, json_string(note));
    }
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
static void s_passes(FILE *out, const json_t *report, size_t *used, json_t *left_out)
{
    long long pass = opf_report_count(report, "pass"), skipped = opf_report_count(report, "skipped");
    if (!pass && !skipped)
        return;
    struct s_part part;
    FILE *f = s_part_open(&part);
    if (f) {
        fprintf(f, "\n<details>\n<summary>Passed and skipped (%lld pass, %lld skipped)</summary>\n\n"
                   "| Subject | Status | Check | Finding |\n| --- | --- | --- | --- |\n",
                pass, skipped);
        size_t i;
        const json_t *row;
        json_array_foreach(json_object_get(report, "results"), i, row) {
            if (!opf_report_status_is(row, "pass") && !opf_report_status_is(row, "skipped"))
                continue;
            fputs("| ", f);
            s_subject_name(f, row);
            fputs(" |", f);
            s_cells(f, row, (const char *const[]){"status", "check", "message", NULL});
            fputc('\n', f);
        }
        fputs("\n</details>\n", f);
    }
    if (!s_part_put(&part, out, used)) {
        char note[128];
        snprintf(note, sizeof(note), "%lld pass and %lld skipped results", pass, skipped);
        json_array_append_new(left_out, json_string(note));
    }
}

/* The parts that always go in; returns their length. */
static size_t s_top(FILE *out, const json_t *report)
{
    long start = ftell(out);
    s_header(out, report);
    s_accounts(out, report);
    s_fixes(out, report);
    s_waivers(out, report);
    long end = ftell(out);
    return start >= 0 && end >= start ? (size_t)(end - start) : 0;
}

int opf_report_write_markdown(const json_t *report, FILE *out, const struct opf_report_options *opts)
{
    (void)opts;
    struct s_part top;
    FILE *f = s_part_open(&top);
    if (!f)
        return -1;
    size_t used = s_top(f, report);
    fclose(f);
    top.f = NULL;
    fwrite(top.text, 1, top.len, out);
    free(top.text);
    json_t *left_out = json_array();
    s_problems(out, report, &used, left_out);
    s_passes(out, report, &used, left_out);
    if (json_array_size(left_out)) {
        fputs("\n> **Left out to stay within a comment's size:** ", out);
        opf_report_list(out, left_out, 8, s_md);
        fputs(". The JSON report (`--format json`) has every result.\n", out);
    }
    json_decref(left_out);
    return ferror(out) ? -1 : 0;
}
