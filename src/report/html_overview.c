/* The HTML report's account overview (one sortable line per account, coloured by readiness) and its table of
 * remediations, once per check; html.c writes the rest of the page. */
#include <string.h>

#include "report/report.h"

#define s_x opf_report_xml
#define s_str opf_report_str

#define S_CHUNK 100 /* overview rows per block: the browser lays out only the blocks in view */

static void s_overview_row(FILE *out, const json_t *a, bool held_back_all)
{
    const char *readiness = s_str(a, "readiness");
    fputs("<div class=\"tr\" data-id=\"", out);
    s_x(out, s_str(a, "id"));
    fputs("\"><span>", out);
    s_x(out, s_str(a, "id"));
    fputs("</span><span>", out);
    s_x(out, s_str(a, "name"));
    if (json_is_true(json_object_get(a, "is_management")))
        fputs(" <span class=\"gate\">(management)</span>", out);
    fputs("</span><span>", out);
    s_x(out, s_str(a, "ou_path"));
    fputs("</span><span><span class=\"badge r-", out);
    s_x(out, readiness);
    fputs("\">", out);
    s_x(out, readiness);
    fputs("</span></span><span>", out);
    size_t k;
    const json_t *c;
    json_array_foreach(json_object_get(a, "blocking_checks"), k, c) {
        fputs(k ? ", <code class=\"check\">" : "<code class=\"check\">", out);
        s_x(out, json_string_value(c));
        fputs("</code>", out);
    }
    if (held_back_all && strcmp(readiness, "ready") != 0 && strcmp(readiness, "cannot-move") != 0)
        fputs(k ? " + <span class=\"gate\">organization-wide</span>" : "<span class=\"gate\">organization-wide</span>",
              out);
    fputs("</span><span>", out);
    s_x(out, s_str(a, "wait_until"));
    fputs("</span></div>\n", out);
}

/* One line per account, sortable, coloured by readiness; a click shows the account's details. */
void opf_html_overview(FILE *out, const json_t *report)
{
    const json_t *sum = json_object_get(report, "summary"), *r = json_object_get(sum, "readiness");
    const json_t *accounts = json_object_get(report, "accounts");
    fputs("<section id=\"overview\"><h2>Accounts</h2>\n<p>", out);
    static const char *const states[] = {"ready", "blocked", "cannot-move", "undetermined"};
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
        fprintf(out, "%s<span class=\"badge r-%s\">%s</span> %lld", i ? " \xc2\xb7 " : "", states[i], states[i],
                json_integer_value(json_object_get(r, states[i])));
    fprintf(out, " of %zu accounts.", json_array_size(accounts));
    const json_t *all = json_object_get(sum, "holding_back_all_accounts");
    if (json_array_size(all)) {
        fputs(" Every account is held back by ", out);
        opf_report_list(out, all, 8, opf_report_xml);
        fputs(" (organization-wide findings, below).", out);
    }
    fputs(" Click a column to sort, an account to see its details.</p>\n<div id=\"accounts\" role=\"table\">"
          "<div class=\"tr th\"><span>Account</span><span>Name</span><span>OU</span><span>Readiness</span>"
          "<span>Blocking checks</span><span>Wait until</span></div>\n", out);
    size_t i;
    const json_t *a;
    json_array_foreach(accounts, i, a) {
        if (i % S_CHUNK == 0)
            fputs(i ? "</div><div class=\"chunk\">\n" : "<div class=\"chunk\">\n", out);
        s_overview_row(out, a, json_array_size(all) > 0);
    }
    fputs(json_array_size(accounts) ? "</div></div></section>\n" : "</div></section>\n", out);
}

/* Each remediation once, with the subjects it applies to (the rows leave it out at this size). */
void opf_html_remediations(FILE *out, const json_t *report)
{
    json_t *list = opf_report_remediations(report);
    fputs("<section id=\"remediation\"><h2>Remediation, once per check</h2>\n<table><thead><tr><th>Check</th>"
          "<th>Remediation</th><th>Applies to</th></tr></thead><tbody>\n", out);
    size_t i;
    const json_t *e;
    json_array_foreach(list, i, e) {
        fputs("<tr><td><code class=\"check\">", out);
        s_x(out, s_str(e, "check"));
        fputs("</code></td><td>", out);
        s_x(out, s_str(e, "remediation"));
        fprintf(out, "</td><td>%zu: ", json_array_size(json_object_get(e, "subjects")));
        opf_report_list(out, json_object_get(e, "subjects"), 20, opf_report_xml);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table></section>\n", out);
    json_decref(list);
}
