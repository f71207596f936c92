/* The runbook in Markdown: a summary, the accounts, the numbered steps with their actions and re-run commands,
 * then the wait periods, the portal alias and the break-glass users (docs/runbook.md). */
#include <string.h>

#include "report/report.h"

/* An inline code span that holds any text: the fence is longer than any run of backticks inside, and padded
 * with a space (which Markdown strips) when the text starts or ends with a backtick. */
static void s_code(FILE *out, const char *s)
{
    size_t run = 0, longest = 0, len = strlen(s);
    for (const char *c = s; *c; c++) {
        run = *c == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    bool pad = len == 0 || s[0] == '`' || s[len - 1] == '`';
    for (size_t i = 0; i <= longest; i++)
        fputc('`', out);
    if (pad)
        fputc(' ', out);
    for (; *s; s++)
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
    if (pad)
        fputc(' ', out);
    for (size_t i = 0; i <= longest; i++)
        fputc('`', out);
}

static const json_t *s_find_account(const json_t *runbook, const char *id)
{
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(runbook, "accounts"), i, a) if (strcmp(opf_report_str(a, "id"), id) == 0) return a;
    return NULL;
}

/* "name (id)", or the id alone for an account not in the inventory. */
static void s_account_label(FILE *out, const json_t *runbook, const char *id)
{
    const json_t *a = s_find_account(runbook, id);
    if (a && *opf_report_str(a, "name")) {
        opf_report_markdown(out, opf_report_str(a, "name"));
        fprintf(out, " (%s)", id);
    } else {
        opf_report_markdown(out, id);
    }
}

/* The first two cells of a table row: an account id and its (escaped) name. */
static void s_id_name_cells(FILE *out, const char *id, const char *name)
{
    fputs("| ", out);
    opf_report_markdown(out, id);
    fputs(" | ", out);
    opf_report_markdown(out, name);
}

static void s_summary(FILE *out, const json_t *rb)
{
    const json_t *org = json_object_get(rb, "organization"), *mig = json_object_get(rb, "migration");
    const json_t *sum = json_object_get(rb, "summary");
    fputs("# Migration runbook: organization ", out);
    opf_report_markdown(out, opf_report_str(org, "id"));
    fputs("\n\nGenerated ", out);
    opf_report_markdown(out, opf_report_str(rb, "generated_at"));
    fputs(" from evidence collected ", out);
    opf_report_markdown(out, opf_report_str(rb, "evidence_collected_at"));
    fputs("; migration path ", out);
    opf_report_markdown(out, opf_report_str(mig, "path"));
    fputs(", gate at ", out);
    opf_report_markdown(out, opf_report_str(mig, "fail_on"));
    fputs(" (a fail or unknown at or above it blocks).\n\n## Summary\n\n", out);
    bool ready = strcmp(opf_report_str(sum, "verdict"), "ready") == 0;
    fprintf(out, "**%s.** %lld of %lld accounts are ready (%lld members can move now), %lld are blocked, %lld are "
                 "undetermined (an unknown holds them), %lld cannot move.%s\n",
            ready ? "Ready" : "Blocked", json_integer_value(json_object_get(sum, "ready")),
            json_integer_value(json_object_get(sum, "accounts")), json_integer_value(json_object_get(sum, "move_now")),
            json_integer_value(json_object_get(sum, "blocked")), json_integer_value(json_object_get(sum, "undetermined")),
            json_integer_value(json_object_get(sum, "cannot_move")),
            json_is_true(json_object_get(rb, "complete")) ? "" : " The evidence is incomplete: collect it again.");
}

static void s_accounts(FILE *out, const json_t *rb)
{
    fputs("\n## Accounts\n\n| Account | Name | State | Readiness | Moves in | Blocked by |\n"
          "|---|---|---|---|---|---|\n", out);
    size_t i, k;
    const json_t *a, *b;
    json_array_foreach(json_object_get(rb, "accounts"), i, a) {
        s_id_name_cells(out, opf_report_str(a, "id"), opf_report_str(a, "name"));
        fputs(json_is_true(json_object_get(a, "is_management")) ? " (management) | " : " | ", out);
        opf_report_markdown(out, opf_report_str(a, "state"));
        fprintf(out, " | %s | ", opf_report_str(a, "readiness"));
        const json_t *step = json_object_get(a, "move_step");
        if (json_is_integer(step))
            fprintf(out, "step %lld", json_integer_value(step));
        else
            fputs("—", out);
        fputs(" | ", out);
        json_array_foreach(json_object_get(a, "blockers"), k, b) {
            fputs(k ? ", " : "", out);
            opf_report_markdown(out, opf_report_str(b, "check"));
            fprintf(out, " (%s)", opf_report_str(b, "status"));
        }
        fputs(" |\n", out);
    }
}

static void s_facts(FILE *out, const json_t *action, const char *file)
{
    const json_t *facts = json_object_get(action, "attest");
    if (!json_array_size(facts))
        return;
    fputs("  - Then record ", out);
    size_t i;
    const json_t *f;
    json_array_foreach(facts, i, f) {
        fputs(i ? " and " : "", out);
        s_code(out, json_string_value(f));
    }
    fputs(json_array_size(facts) == 1 ? " attestation" : " attestations", out);
    if (file && *file) {
        fputs(" in ", out);
        s_code(out, file);
    }
    fputs(" (docs/config.md).\n", out);
}

static void s_action(FILE *out, const json_t *rb, const json_t *action)
{
    const char *account = json_string_value(json_object_get(action, "account"));
    fputs("- [ ] ", out);
    if (account) {
        fputs("**", out);
        s_account_label(out, rb, account);
        fputs("**: ", out);
    }
    if (json_is_true(json_object_get(action, "blocking")))
        fputs("*(blocking)* ", out);
    opf_report_markdown(out, opf_report_str(action, "text"));
    fputc('\n', out);
    const json_t *finding = json_object_get(action, "finding");
    if (json_is_object(finding)) {
        fputs("  - Finding: ", out);
        s_code(out, opf_report_str(finding, "check"));
        fprintf(out, " %s (%s): ", opf_report_str(finding, "status"), opf_report_str(finding, "severity"));
        opf_report_markdown(out, opf_report_str(finding, "message"));
        fputc('\n', out);
    }
    if (*opf_report_str(action, "commands")) {
        fputs("  - Commands: ", out);
        s_code(out, opf_report_str(action, "commands"));
        fputc('\n', out);
    }
    s_facts(out, action, opf_report_str(rb, "attestations_file"));
}

static void s_numbers(FILE *out, const char *label, const json_t *numbers)
{
    if (!json_array_size(numbers))
        return;
    fprintf(out, "*%s:* ", label);
    size_t i;
    const json_t *n;
    json_array_foreach(numbers, i, n) fprintf(out, "%sstep %lld", i ? ", " : "", json_integer_value(n));
    fputs("\n\n", out);
}

static void s_step(FILE *out, const json_t *rb, const json_t *step)
{
    fprintf(out, "\n### Step %lld. ", json_integer_value(json_object_get(step, "number")));
    opf_report_markdown(out, opf_report_str(step, "title"));
    fputs("\n\n*Why:* ", out);
    opf_report_markdown(out, opf_report_str(step, "reason"));
    fputs("\n\n", out);
    size_t i;
    const json_t *v;
    if (json_array_size(json_object_get(step, "accounts"))) {
        fputs("*Accounts:* ", out);
        json_array_foreach(json_object_get(step, "accounts"), i, v) {
            fputs(i ? ", " : "", out);
            s_account_label(out, rb, json_string_value(v));
        }
        fputs("\n\n", out);
    }
    s_numbers(out, "After", json_object_get(step, "depends_on"));
    if (json_is_string(json_object_get(step, "not_before"))) {
        fputs("*Not before:* ", out);
        opf_report_markdown(out, opf_report_str(step, "not_before"));
        fputs("\n\n", out);
    }
    json_array_foreach(json_object_get(step, "actions"), i, v) s_action(out, rb, v);
    if (json_array_size(json_object_get(step, "rerun"))) {
        fputs("\nThen run the audit again:\n\n```sh\n", out);
        json_array_foreach(json_object_get(step, "rerun"), i, v) fprintf(out, "%s\n", json_string_value(v));
        fputs("```\n", out);
    }
}

static void s_waits(FILE *out, const json_t *rb)
{
    const json_t *waits = json_object_get(rb, "wait_periods");
    fputs("\n## Wait periods\n\n", out);
    if (!json_array_size(waits)) {
        fputs("No account is inside its wait period.\n", out);
        return;
    }
    fputs("| Account | Name | Wait ends |\n|---|---|---|\n", out);
    size_t i;
    const json_t *w;
    json_array_foreach(waits, i, w) {
        s_id_name_cells(out, opf_report_str(w, "account"), opf_report_str(w, "name"));
        fputs(" | ", out);
        opf_report_markdown(out, *opf_report_str(w, "ends_at") ? opf_report_str(w, "ends_at") : "unknown: see the finding");
        fputs(" |\n", out);
    }
}

static void s_alias(FILE *out, const json_t *rb)
{
    const json_t *alias = json_object_get(rb, "portal_alias");
    fputs("\n## Access-portal alias\n\n", out);
    if (!json_is_true(json_object_get(alias, "identity_center"))) {
        fputs("The old organization runs no Identity Center instance: there is no portal alias to claim.\n", out);
        return;
    }
    fputs("- Planned alias of the new organization: ", out);
    if (*opf_report_str(alias, "planned"))
        s_code(out, opf_report_str(alias, "planned"));
    else
        fputs("none (set identity_center.planned_portal_alias)", out);
    fputs("\n- Held by the old organization, never reusable: ", out);
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(alias, "held_by_old_organization"), i, v) {
        fputs(i ? ", " : "", out);
        s_code(out, json_string_value(v));
    }
    if (*opf_report_str(alias, "check"))
        fprintf(out, "\n- %s: %s\n", opf_report_str(alias, "check"), opf_report_str(alias, "status"));
    else
        fputs("\n- The portal-alias check did not run.\n", out);
    if (json_is_integer(json_object_get(alias, "step")))
        fprintf(out, "- Claimed in step %lld, before the old organization is deleted.\n",
                json_integer_value(json_object_get(alias, "step")));
}

static void s_break_glass(FILE *out, const json_t *rb)
{
    const json_t *users = json_object_get(rb, "break_glass");
    fputs("\n## Break-glass access\n\nKeep these IAM users until the last step: they are the way back in when the "
          "old organization's Identity Center sessions end.\n\n", out);
    if (!json_array_size(users)) {
        fputs("No break-glass check ran.\n", out);
        return;
    }
    fputs("| Account | Name | User | Status |\n|---|---|---|---|\n", out);
    size_t i;
    const json_t *u;
    json_array_foreach(users, i, u) {
        s_id_name_cells(out, opf_report_str(u, "account"), opf_report_str(u, "name"));
        fputs(" | ", out);
        opf_report_markdown(out, *opf_report_str(u, "user") ? opf_report_str(u, "user") : "none yet");
        fprintf(out, " | %s%s |\n", opf_report_str(u, "status"), json_is_true(json_object_get(u, "blocking")) ? " (blocking)" : "");
    }
}

int opf_runbook_write_markdown(const json_t *runbook, FILE *out, const struct opf_report_options *opts)
{
    (void)opts;
    s_summary(out, runbook);
    s_accounts(out, runbook);
    fputs("\n## Steps\n", out);
    size_t i;
    const json_t *step;
    json_array_foreach(json_object_get(runbook, "steps"), i, step) s_step(out, runbook, step);
    s_waits(out, runbook);
    s_alias(out, runbook);
    s_break_glass(out, runbook);
    return ferror(out) ? -1 : 0;
}
