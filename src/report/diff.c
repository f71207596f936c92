/* The change set between two reports as text, markdown or JSON (docs/diff.md). */
#include <string.h>

#include "report/diff.h"
#include "report/report.h"

/* A status, or "(none)" when the row is absent from that report. */
static const char *s_status(const json_t *change, const char *k)
{
    const char *v = json_string_value(json_object_get(change, k));
    return v ? v : "(none)";
}

static const struct {
    const char *key, *title;
} s_sections[] = {{"new_failures", "New failures"}, {"fixed", "Fixed"}, {"changed", "Other status changes"}};

static const struct {
    const char *key, *title;
} s_account_sections[] = {{"accounts_added", "Accounts added"}, {"accounts_removed", "Accounts gone"}};

static long long s_count(const json_t *diff, const char *key)
{
    return (long long)json_integer_value(json_object_get(json_object_get(diff, "summary"), key));
}

static void s_summary(FILE *out, const json_t *diff)
{
    fprintf(out, "new failures %lld (at or above the gate %lld), fixed %lld, other changes %lld, accounts added %lld, "
            "accounts gone %lld, waivers expired %lld", s_count(diff, "new_failures"), s_count(diff, "gating"),
            s_count(diff, "fixed"), s_count(diff, "changed"), s_count(diff, "accounts_added"),
            s_count(diff, "accounts_removed"), s_count(diff, "waivers_expired"));
}

static bool s_no_changes(const json_t *diff)
{
    const char *key;
    const json_t *n;
    json_object_foreach(json_object_get((json_t *)diff, "summary"), key, n) if (json_integer_value(n)) return false;
    return true;
}

/* "account 123456789012 prod", "organization o-abc", "operator-session arn:..." */
static void s_subject(FILE *out, const json_t *c, void (*put)(FILE *, const char *))
{
    put(out, opf_report_str(c, "subject_type"));
    fputc(' ', out);
    put(out, opf_report_str(c, "subject_id"));
    if (strcmp(opf_report_str(c, "subject_type"), "account") == 0 && *opf_report_str(c, "subject_name")) {
        fputc(' ', out);
        put(out, opf_report_str(c, "subject_name"));
    }
}

static void s_heading(FILE *out, const json_t *diff, size_t k, size_t n, const char *prefix)
{
    fprintf(out, "\n%s%s (%zu", prefix, s_sections[k].title, n);
    if (k == 0)
        fprintf(out, ", %lld at or above the gate", s_count(diff, "gating"));
    fputs(")", out);
}

/* ---- text ---- */

static void s_put_plain(FILE *out, const char *s)
{
    opf_report_visible(out, s);
}

static void s_side_text(FILE *out, const json_t *side)
{
    fprintf(out, "%s (generated %s, %s%s)", opf_report_str(side, "file"), opf_report_str(side, "generated_at"), opf_report_str(side, "verdict"),
            json_is_false(json_object_get(side, "complete")) ? ", incomplete evidence" : "");
}

static int s_write_text(const json_t *diff, FILE *out)
{
    const json_t *old_side = json_object_get(diff, "old"), *new_side = json_object_get(diff, "new");
    fputs("orgpreflight diff: ", out);
    s_side_text(out, old_side);
    fputs(" -> ", out);
    s_side_text(out, new_side);
    fprintf(out, ", gate at %s\n", opf_report_str(diff, "fail_on"));
    if (strcmp(opf_report_str(old_side, "organization_id"), opf_report_str(new_side, "organization_id")) != 0)
        fprintf(out, "NOTE: the reports are of different organizations (%s, %s)\n", opf_report_str(old_side, "organization_id"),
                opf_report_str(new_side, "organization_id"));
    for (size_t k = 0; k < sizeof(s_sections) / sizeof(s_sections[0]); k++) {
        const json_t *list = json_object_get(diff, s_sections[k].key), *c;
        size_t i;
        json_array_foreach(list, i, c) {
            if (i == 0) {
                s_heading(out, diff, k, json_array_size(list), "");
                fputs(":\n", out);
            }
            fprintf(out, "  %-7s -> %-7s %-8s %-26s ", s_status(c, "old_status"), s_status(c, "new_status"),
                    opf_report_str(c, "severity"), opf_report_str(c, "check"));
            s_subject(out, c, s_put_plain);
            fprintf(out, "%s\n      ", k == 0 && !json_is_true(json_object_get(c, "gating")) ? "  (below the gate)" : "");
            opf_report_visible(out, opf_report_str(c, "message"));
            fputc('\n', out);
        }
    }
    for (size_t k = 0; k < sizeof(s_account_sections) / sizeof(s_account_sections[0]); k++) {
        const json_t *list = json_object_get(diff, s_account_sections[k].key), *a;
        size_t i;
        json_array_foreach(list, i, a) {
            if (i == 0)
                fprintf(out, "\n%s (%zu):\n", s_account_sections[k].title, json_array_size(list));
            fprintf(out, "  %s ", opf_report_str(a, "id"));
            opf_report_visible(out, opf_report_str(a, "name"));
            fprintf(out, " (%s%s", opf_report_str(a, "state"), *opf_report_str(a, "ou_path") ? ", " : "");
            opf_report_visible(out, opf_report_str(a, "ou_path"));
            fputs(")\n", out);
        }
    }
    const json_t *expired = json_object_get(diff, "waivers_expired"), *w;
    size_t i;
    json_array_foreach(expired, i, w) {
        if (i == 0)
            fprintf(out, "\nWaivers expired since the old report (%zu):\n", json_array_size(expired));
        fprintf(out, "  %s for %s, expired %s (owner ", opf_report_str(w, "check"), opf_report_str(w, "account_id"),
                opf_report_str(w, "expires"));
        opf_report_visible(out, opf_report_str(w, "owner"));
        fputs("): ", out);
        opf_report_visible(out, opf_report_str(w, "reason"));
        fputc('\n', out);
    }
    fputs(s_no_changes(diff) ? "\nNo changes.\nSummary: " : "\nSummary: ", out);
    s_summary(out, diff);
    fputc('\n', out);
    return ferror(out) ? -1 : 0;
}

/* ---- markdown (GitHub-flavoured tables) ---- */

static void s_side_md(FILE *out, const char *label, const json_t *side)
{
    fprintf(out, "| %s | ", label);
    opf_report_markdown(out, opf_report_str(side, "file"));
    fprintf(out, " | %s | %s | %s | %s |\n", opf_report_str(side, "generated_at"), opf_report_str(side, "organization_id"),
            opf_report_str(side, "verdict"), json_is_false(json_object_get(side, "complete")) ? "no" : "yes");
}

static void s_change_md(FILE *out, const json_t *c)
{
    bool gating = json_is_true(json_object_get(c, "gating"));
    fprintf(out, "| %s | %s%s%s | %s | ", s_status(c, "old_status"), gating ? "**" : "", s_status(c, "new_status"),
            gating ? "**" : "", opf_report_str(c, "severity"));
    opf_report_markdown(out, opf_report_str(c, "check"));
    fputs(" | ", out);
    s_subject(out, c, opf_report_markdown);
    fputs(" | ", out);
    opf_report_markdown(out, opf_report_str(c, "message"));
    fputs(" |\n", out);
}

static int s_write_markdown(const json_t *diff, FILE *out)
{
    fputs("# orgpreflight diff\n\n| report | file | generated | organization | verdict | complete |\n"
          "|---|---|---|---|---|---|\n", out);
    s_side_md(out, "old", json_object_get(diff, "old"));
    s_side_md(out, "new", json_object_get(diff, "new"));
    fprintf(out, "\nGate: `%s`. New failures in bold are at or above it.\n", opf_report_str(diff, "fail_on"));
    for (size_t k = 0; k < sizeof(s_sections) / sizeof(s_sections[0]); k++) {
        const json_t *list = json_object_get(diff, s_sections[k].key), *c;
        size_t i;
        json_array_foreach(list, i, c) {
            if (i == 0) {
                s_heading(out, diff, k, json_array_size(list), "## ");
                fputs("\n\n| was | now | severity | check | subject | message |\n|---|---|---|---|---|---|\n", out);
            }
            s_change_md(out, c);
        }
    }
    for (size_t k = 0; k < sizeof(s_account_sections) / sizeof(s_account_sections[0]); k++) {
        const json_t *list = json_object_get(diff, s_account_sections[k].key), *a;
        size_t i;
        json_array_foreach(list, i, a) {
            if (i == 0)
                fprintf(out, "\n## %s (%zu)\n\n| account | name | state | OU path |\n|---|---|---|---|\n",
                        s_account_sections[k].title, json_array_size(list));
            fprintf(out, "| %s | ", opf_report_str(a, "id"));
            opf_report_markdown(out, opf_report_str(a, "name"));
            fprintf(out, " | %s | ", opf_report_str(a, "state"));
            opf_report_markdown(out, opf_report_str(a, "ou_path"));
            fputs(" |\n", out);
        }
    }
    const json_t *expired = json_object_get(diff, "waivers_expired"), *w;
    size_t i;
    json_array_foreach(expired, i, w) {
        if (i == 0)
            fprintf(out, "\n## Waivers expired since the old report (%zu)\n\n| check | subject | expired | owner | reason |\n"
                    "|---|---|---|---|---|\n", json_array_size(expired));
        fputs("| ", out);
        opf_report_markdown(out, opf_report_str(w, "check"));
        fputs(" | ", out);
        opf_report_markdown(out, opf_report_str(w, "account_id"));
        fprintf(out, " | %s | ", opf_report_str(w, "expires"));
        opf_report_markdown(out, opf_report_str(w, "owner"));
        fputs(" | ", out);
        opf_report_markdown(out, opf_report_str(w, "reason"));
        fputs(" |\n", out);
    }
    fputs(s_no_changes(diff) ? "\nNo changes.\n\n**Summary:** " : "\n**Summary:** ", out);
    s_summary(out, diff);
    fputs(".\n", out);
    return ferror(out) ? -1 : 0;
}

/* ---- json: the diff document itself (docs/diff.schema.json) ---- */

static int s_write_json(const json_t *diff, FILE *out)
{
    if (json_dumpf(diff, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
        return -1;
    return fputc('\n', out) == EOF ? -1 : 0;
}

opf_diff_write_fn *opf_diff_format_find(const char *name)
{
    static const struct {
        const char *name;
        opf_diff_write_fn *write;
    } formats[] = {{"text", s_write_text}, {"markdown", s_write_markdown}, {"json", s_write_json}};
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (strcmp(formats[i].name, name) == 0)
            return formats[i].write;
    return NULL;
}
