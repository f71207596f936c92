/*
 * HTML: one self-contained page (no external asset, no network): the verdict, charts, and a table per
 * subject that can be filtered by status and searched. Every report string is escaped; the page's
 * Content-Security-Policy allows nothing to load and only its own style and script (by hash) to run.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "report/report.h"

static const char s_css[] =
    ":root{--pass:#1a7f37;--warn:#9a6700;--fail:#cf222e;--unknown:#8250df;--skipped:#6e7781;--waived:#0969da}"
    "body{font:14px/1.45 system-ui,sans-serif;color:#1f2328;max-width:1280px;margin:0 auto;padding:0 16px 32px}"
    "[hidden]{display:none!important}"
    ".verdict{color:#fff;padding:12px 16px;margin:16px 0;border-radius:6px}.verdict h1{margin:0 0 4px;font-size:22px}"
    ".verdict p{margin:2px 0}.v-ready{background:var(--pass)}.v-not-ready{background:var(--fail)}"
    ".v-undetermined{background:var(--unknown)}.incomplete{border:2px solid var(--fail);padding:8px;border-radius:6px}"
    ".charts{display:flex;flex-wrap:wrap;gap:32px}figure{margin:0}h3,td{overflow-wrap:break-word}"
    "code.check{white-space:nowrap}section.subject{content-visibility:auto;contain-intrinsic-size:auto 300px}"
    ".r-ready{background:var(--pass)}.r-blocked{background:var(--fail)}.r-cannot-move{background:#6e2a2a}"
    ".r-undetermined{background:var(--unknown)}.gate{color:#59636e;white-space:nowrap}"
    "#accounts .tr{display:grid;grid-template-columns:120px minmax(120px,1fr) minmax(120px,1fr) 120px 2fr 170px;"
    "border-bottom:1px solid #d0d7de}#accounts .tr>*{padding:3px 6px;overflow-wrap:break-word}"
    "#accounts .tr>:last-child{white-space:nowrap}#overview{margin-bottom:24px}"
    "#accounts .chunk{content-visibility:auto;contain-intrinsic-size:auto 2800px}#accounts .chunk .tr{cursor:pointer}"
    "#accounts .chunk .tr:hover{background:#f6f8fa}#accounts .th{background:#f6f8fa;font-weight:600;position:sticky;"
    "top:0}#accounts .th>*{cursor:pointer;user-select:none}#accounts [aria-sort=ascending]::after{content:' \\25B4'}"
    "#accounts [aria-sort=descending]::after{content:' \\25BE'}"
    ".charts text{font-size:12px;fill:#1f2328}"
    ".f-pass{fill:var(--pass)}.f-warn{fill:var(--warn)}.f-fail{fill:var(--fail)}.f-unknown{fill:var(--unknown)}"
    ".f-skipped{fill:var(--skipped)}.f-waived{fill:var(--waived)}"
    ".controls{position:sticky;top:0;background:#fff;padding:8px 0;border-bottom:1px solid #d0d7de;z-index:1}"
    ".controls fieldset{display:inline;border:0;padding:0;margin:0 16px 0 0}.controls label{margin-right:8px}"
    "table{border-collapse:collapse;width:100%;margin:4px 0 16px}th,td{border:1px solid #d0d7de;padding:4px 6px;"
    "text-align:left;vertical-align:top}th{background:#f6f8fa}h3 .meta{font-weight:400;color:#59636e;font-size:13px}"
    ".badge{display:inline-block;padding:0 7px;border-radius:10px;color:#fff;font-weight:600;font-size:12px}"
    ".b-pass{background:var(--pass)}.b-warn{background:var(--warn)}.b-fail{background:var(--fail)}"
    ".b-unknown{background:var(--unknown)}.b-skipped{background:var(--skipped)}.b-waived{background:var(--waived)}"
    "tr.waived td{background:#ddf4ff}tr.expired td:first-child{border-left:4px solid var(--fail)}"
    ".note{font-size:12px;margin-top:4px}.expired .note{color:var(--fail);font-weight:600}.title{color:#59636e;"
    "font-size:12px}ul.ev{margin:0;padding-left:16px}.err{color:var(--fail)}pre{white-space:pre-wrap;"
    "word-break:break-all;max-height:240px;overflow:auto;background:#f6f8fa;padding:4px;margin:2px 0}";

static const char s_js[] =
    "(function () {\n"
    "  \"use strict\";\n"
    "  var boxes = Array.prototype.slice.call(document.querySelectorAll(\"#filters input[type=checkbox]\"));\n"
    "  var q = document.getElementById(\"q\");\n"
    "  /* the charts count what the filters show */\n"
    "  function redraw(id, counts) {\n"
    "    var bars = Array.prototype.slice.call(document.querySelectorAll(\"#\" + id + \" g.bar\")), max = 1;\n"
    "    function sum(c) { var n = 0; for (var k in c) n += c[k]; return n; }\n"
    "    bars.forEach(function (g) { max = Math.max(max, sum(counts[g.getAttribute(\"data-label\")] || {})); });\n"
    "    bars.forEach(function (g) {\n"
    "      var label = g.getAttribute(\"data-label\"), c = counts[label] || {}, x = 200, total = 0;\n"
    "      g.querySelectorAll(\"rect\").forEach(function (r) {\n"
    "        var st = r.getAttribute(\"data-s\"), n = c[st] || 0, w = n * 300 / max;\n"
    "        r.setAttribute(\"x\", x.toFixed(1));\n"
    "        r.setAttribute(\"width\", w.toFixed(1));\n"
    "        r.querySelector(\"title\").textContent = label + \": \" + n + \" \" + st;\n"
    "        x += w;\n"
    "        total += n;\n"
    "      });\n"
    "      var t = g.querySelector(\"text.total\");\n"
    "      t.setAttribute(\"x\", (x + 4).toFixed(1));\n"
    "      t.textContent = total;\n"
    "    });\n"
    "  }\n"
    "  function apply() {\n"
    "    var on = {}, needle = q.value.trim().toLowerCase(), shown = 0, total = 0, byStatus = {}, byCheck = {};\n"
    "    boxes.forEach(function (b) { on[b.value] = b.checked; });\n"
    "    document.querySelectorAll(\"section.subject\").forEach(function (s) {\n"
    "      var head = s.querySelector(\"h3\").textContent.toLowerCase(), any = false;\n"
    "      s.querySelectorAll(\"tr.row\").forEach(function (r) {\n"
    "        var st = r.getAttribute(\"data-status\"), ck = r.getAttribute(\"data-check\");\n"
    "        var show = on[st] === true && (!needle ||\n"
    "          head.indexOf(needle) >= 0 || r.textContent.toLowerCase().indexOf(needle) >= 0);\n"
    "        r.hidden = !show;\n"
    "        total++;\n"
    "        if (show) {\n"
    "          shown++;\n"
    "          any = true;\n"
    "          byStatus[st] = byStatus[st] || {};\n"
    "          byStatus[st][st] = (byStatus[st][st] || 0) + 1;\n"
    "          byCheck[ck] = byCheck[ck] || {};\n"
    "          byCheck[ck][st] = (byCheck[ck][st] || 0) + 1;\n"
    "        }\n"
    "      });\n"
    "      s.hidden = !any;\n"
    "    });\n"
    "    document.getElementById(\"shown\").textContent = shown + \" of \" + total + \" results shown\";\n"
    "    redraw(\"chart-status\", byStatus);\n"
    "    redraw(\"chart-check\", byCheck);\n"
    "  }\n"
    "  function only(statuses) {\n"
    "    boxes.forEach(function (b) { b.checked = statuses.indexOf(b.value) >= 0; });\n"
    "    apply();\n"
    "  }\n"
    "  boxes.forEach(function (b) { b.addEventListener(\"change\", apply); });\n"
    "  q.addEventListener(\"input\", apply);\n"
    "  document.getElementById(\"f-problems\").addEventListener(\"click\", function () {\n"
    "    only([\"fail\", \"warn\", \"unknown\"]);\n"
    "  });\n"
    "  document.getElementById(\"f-all\").addEventListener(\"click\", function () {\n"
    "    only(boxes.map(function (b) { return b.value; }));\n"
    "  });\n"
    "  /* the account overview: a click on a header sorts by that column, a click on an account shows its details */\n"
    "  var ov = document.getElementById(\"accounts\");\n"
    "  if (ov) {\n"
    "    var rank = {\"blocked\": 0, \"cannot-move\": 1, \"undetermined\": 2, \"ready\": 3};\n"
    "    var chunks = Array.prototype.slice.call(ov.querySelectorAll(\".chunk\"));\n"
    "    var heads = Array.prototype.slice.call(ov.querySelectorAll(\".th > span\"));\n"
    "    heads.forEach(function (th, col) {\n"
    "      th.addEventListener(\"click\", function () {\n"
    "        var down = th.getAttribute(\"aria-sort\") === \"ascending\";\n"
    "        heads.forEach(function (h) { h.removeAttribute(\"aria-sort\"); });\n"
    "        th.setAttribute(\"aria-sort\", down ? \"descending\" : \"ascending\");\n"
    "        var rows = Array.prototype.slice.call(ov.querySelectorAll(\".chunk > .tr\"));\n"
    "        function key(r) {\n"
    "          var t = r.children[col].textContent;\n"
    "          return col === 3 ? rank[t] + \":\" + r.children[0].textContent : t.toLowerCase();\n"
    "        }\n"
    "        var keys = new Map(rows.map(function (r) { return [r, key(r)]; }));\n"
    "        rows.sort(function (a, b) {\n"
    "          var x = keys.get(a), y = keys.get(b);\n"
    "          return (x < y ? -1 : x > y ? 1 : 0) * (down ? -1 : 1);\n"
    "        });\n"
    "        var per = Math.ceil(rows.length / chunks.length);\n"
    "        rows.forEach(function (r, i) { chunks[Math.floor(i / per)].appendChild(r); });\n"
    "      });\n"
    "    });\n"
    "    ov.addEventListener(\"click\", function (e) {\n"
    "      var tr = e.target.closest(\".chunk > .tr\");\n"
    "      if (!tr) return;\n"
    "      var id = tr.getAttribute(\"data-id\"), target = document.getElementById(\"a-\" + id);\n"
    "      if (!target) {\n"
    "        document.getElementById(\"shown\").textContent = \"account \" + id + \": nothing to act on listed here\";\n"
    "        return;\n"
    "      }\n"
    "      if (target.hidden) only(boxes.map(function (b) { return b.value; }));\n"
    "      target.scrollIntoView();\n"
    "    });\n"
    "  }\n"
    "  apply();\n"
    "})();\n";

/* short names: this file writes little else */
#define s_x opf_report_xml
#define s_str opf_report_str

/* The CSP source of an inline element: 'sha256-BASE64' of its exact text. */
static void s_csp_hash(FILE *out, const char *text)
{
    unsigned char md[EVP_MAX_MD_SIZE], b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    unsigned int n = 0;
    EVP_Digest(text, strlen(text), md, &n, EVP_sha256(), NULL);
    EVP_EncodeBlock(b64, md, (int)n);
    fprintf(out, "'sha256-%s'", (const char *)b64);
}

static void s_head(FILE *out, const json_t *report, const char *verdict)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src ",
          out);
    s_csp_hash(out, s_css);
    fputs("; script-src ", out);
    s_csp_hash(out, s_js);
    fputs("; base-uri 'none'; form-action 'none'\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>orgpreflight: ",
          out);
    s_x(out, verdict);
    fputs(" \xe2\x80\x94 ", out);
    s_x(out, s_str(json_object_get(report, "organization"), "id"));
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", s_css);
}

static void s_banner(FILE *out, const json_t *report, const char *verdict)
{
    fputs("<header class=\"verdict v-", out);
    s_x(out, verdict);
    fputs("\" id=\"verdict\">\n<h1>Verdict: ", out);
    s_x(out, verdict);
    fprintf(out, "</h1>\n<p>%s</p>\n<p>", opf_report_verdict_reason(verdict));
    opf_report_context(out, report, opf_report_xml);
    long long ms = json_integer_value(json_object_get(report, "duration_ms"));
    if (ms < 10000)
        fprintf(out, ", run took %lld ms, orgpreflight ", ms);
    else
        fprintf(out, ", run took %.1f s, orgpreflight ", (double)ms / 1000.0);
    s_x(out, s_str(json_object_get(report, "tool"), "version"));
    fputs("</p>\n</header>\n", out);
    if (!json_is_true(json_object_get(report, "complete")))
        fputs("<p class=\"incomplete\"><strong>Warning:</strong> the evidence is incomplete (collection was "
              "interrupted): the verdict cannot be ready.</p>\n",
              out);
}

enum { S_NSTATUS = 6, S_ROW = 22, S_LABEL = 200, S_BAR = 300 };

static size_t s_status_index(const char *status)
{
    for (size_t i = 0; opf_report_statuses[i]; i++)
        if (strcmp(opf_report_statuses[i], status) == 0)
            return i;
    return S_NSTATUS;
}

static void s_rect(FILE *out, size_t status, double x, size_t y, double w, long long n, const char *label)
{
    fprintf(out, "<rect class=\"f-%s\" data-s=\"%s\" x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"16\"><title>",
            opf_report_statuses[status], opf_report_statuses[status], x, y, w);
    s_x(out, label);
    fprintf(out, ": %lld %s</title></rect>", n, opf_report_statuses[status]);
}

/* One bar per row of rows: [status, n] (a bar of that status), or, stacked, [label, n_pass, ..., n_waived]. Every
 * bar keeps a rect per status, empty ones zero wide, so that the script can redraw it for what the filters show. */
static void s_chart(FILE *out, const char *id, const char *caption, const json_t *rows, bool stacked)
{
    long long max = 1;
    size_t i;
    const json_t *r;
    json_array_foreach(rows, i, r) {
        long long sum = 0;
        for (size_t k = 1; k < json_array_size(r); k++)
            sum += json_integer_value(json_array_get(r, k));
        max = sum > max ? sum : max;
    }
    size_t height = json_array_size(rows) * S_ROW + 24;
    fprintf(out,
            "<figure id=\"%s\"><svg role=\"img\" width=\"%d\" height=\"%zu\" viewBox=\"0 0 %d %zu\">"
            "<title>%s</title>\n",
            id, S_LABEL + S_BAR + 60, height, S_LABEL + S_BAR + 60, height, caption);
    json_array_foreach(rows, i, r) {
        const char *label = json_string_value(json_array_get(r, 0));
        size_t y = i * S_ROW;
        double x = S_LABEL;
        fputs("<g class=\"bar\" data-label=\"", out);
        s_x(out, label);
        fprintf(out, "\"><text x=\"0\" y=\"%zu\">", y + 13);
        s_x(out, label);
        fputs("</text>", out);
        long long total = 0;
        for (size_t k = 1; k < json_array_size(r); k++) {
            long long n = json_integer_value(json_array_get(r, k));
            size_t status = stacked ? k - 1 : s_status_index(label);
            double w = (double)n * S_BAR / (double)max;
            s_rect(out, status, x, y, w, n, label);
            x += w;
            total += n;
        }
        fprintf(out, "<text class=\"total\" x=\"%.1f\" y=\"%zu\">%lld</text></g>\n", x + 4, y + 13, total);
    }
    fprintf(out, "</svg><figcaption>%s (as filtered below)</figcaption></figure>\n", caption);
}

/* [label, count per status] rows: one per status, and one per check. */
static void s_charts(FILE *out, const json_t *report)
{
    json_t *by_status = json_array(), *by_check = json_array(), *index = json_object();
    for (const char *const *st = opf_report_statuses; *st; st++)
        json_array_append_new(by_status, json_pack("[s, I]", *st, (json_int_t)opf_report_count(report, *st)));
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(report, "results"), i, row) {
        const char *check = s_str(row, "check");
        json_t *r = json_object_get(index, check);
        if (!r) {
            r = json_pack("[s, i, i, i, i, i, i]", check, 0, 0, 0, 0, 0, 0);
            json_array_append_new(by_check, r);
            json_object_set(index, check, r);
        }
        size_t k = s_status_index(s_str(row, "status"));
        if (k < S_NSTATUS)
            json_array_set_new(r, k + 1, json_integer(json_integer_value(json_array_get(r, k + 1)) + 1));
    }
    fputs("<section class=\"charts\" id=\"charts\">\n", out);
    s_chart(out, "chart-status", "Results per status", by_status, false);
    s_chart(out, "chart-check", "Results per check", by_check, true);
    fputs("</section>\n", out);
    json_decref(by_status);
    json_decref(by_check);
    json_decref(index);
}

static void s_controls(FILE *out, const json_t *report)
{
    fputs("<div class=\"controls\" id=\"controls\">\n<fieldset id=\"filters\"><legend>Show</legend>\n", out);
    for (const char *const *st = opf_report_statuses; *st; st++)
        fprintf(out,
                "<label><input type=\"checkbox\" value=\"%s\"%s> <span class=\"badge b-%s\">%s</span> %lld</label>\n",
                *st, strcmp(*st, "pass") && strcmp(*st, "skipped") ? " checked" : "", *st, *st,
                opf_report_count(report, *st));
    fputs("<button type=\"button\" id=\"f-problems\">Problems only</button> <button type=\"button\" id=\"f-all\">All"
          "</button></fieldset>\n<label>Search <input type=\"search\" id=\"q\" placeholder=\"account, check, message\" "
          "autocomplete=\"off\"></label> <span id=\"shown\"></span>\n</div>\n",
          out);
}

/* Above this many accounts the page shows the rows to act on (fail, warn, unknown, waived) with their citations but
 * not the cited values, and each remediation once: the page stays quick to load; the JSON report has the rest. */
#define S_FULL_MAX_ACCOUNTS 1000
/* and lists at most this many rows: the rest of the subjects are left to the JSON report, and the page says so */
#define S_ROWS_MAX 3000

struct s_page {
    const json_t *report;
    bool full;
};

static void s_evidence(FILE *out, const json_t *evidence, bool values_too)
{
    if (!json_array_size(evidence))
        return;
    fputs("<ul class=\"ev\">", out);
    size_t i;
    const json_t *e;
    json_array_foreach(evidence, i, e) {
        fputs("<li><code>", out);
        s_x(out, s_str(e, "item"));
        fputs("</code> ", out);
        s_x(out, s_str(e, "source"));
        fputc(' ', out);
        s_x(out, s_str(e, "collected_at"));
        if (*s_str(e, "error")) {
            fputs(" <span class=\"err\">", out);
            s_x(out, s_str(e, "error"));
            fputs("</span>", out);
        }
        const json_t *values = values_too ? json_object_get(e, "values") : NULL;
        char *text = values ? json_dumps(values, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) : NULL;
        if (text) {
            fputs("<details><summary>values</summary><pre>", out);
            s_x(out, text);
            fputs("</pre></details>", out);
        }
        free(text);
        fputs("</li>", out);
    }
    fputs("</ul>", out);
}

static void s_waiver_note(FILE *out, const json_t *row)
{
    const json_t *w = json_object_get(row, "waiver");
    if (!json_is_object(w))
        return;
    bool expired = opf_report_waiver_expired(row);
    fputs("<div class=\"note\">", out);
    if (expired) {
        fputs("waiver expired ", out);
        s_x(out, s_str(w, "expires"));
        fputs(", not applied: ", out);
    } else {
        fputs("waived (was ", out);
        s_x(out, s_str(w, "original_status"));
        fputs(") until ", out);
        s_x(out, s_str(w, "expires"));
        fputs(": ", out);
    }
    s_x(out, s_str(w, "reason"));
    fputs(" \xe2\x80\x94 ", out);
    s_x(out, s_str(w, "owner"));
    fputs("</div>", out);
}

static void s_row(FILE *out, const struct s_page *pg, const json_t *row)
{
    const char *st = s_str(row, "status");
    fputs("<tr class=\"row", out);
    fputs(opf_report_status_is(row, "waived") ? " waived" : opf_report_waiver_expired(row) ? " expired" : "", out);
    fputs("\" data-status=\"", out);
    s_x(out, st);
    fputs("\" data-check=\"", out);
    s_x(out, s_str(row, "check"));
    fputs("\"><td><span class=\"badge b-", out);
    s_x(out, st);
    fputs("\">", out);
    s_x(out, st);
    fputs("</span>", out);
    s_waiver_note(out, row);
    fputs("</td><td>", out);
    s_x(out, s_str(row, "severity"));
    const char *note = opf_report_gate_note(pg->report, row);
    if (note) {
        fputs("<div class=\"note gate\">", out);
        s_x(out, note);
        fputs("</div>", out);
    }
    fputs("</td><td><code class=\"check\">", out);
    s_x(out, s_str(row, "check"));
    fputs("</code><div class=\"title\">", out);
    s_x(out, s_str(row, "title"));
    fputs("</div></td><td>", out);
    s_x(out, s_str(row, "message"));
    fputs("</td><td>", out);
    s_evidence(out, json_object_get(row, "evidence"), pg->full);
    if (pg->full) {
        fputs("</td><td>", out);
        if (opf_report_is_problem(row) || opf_report_status_is(row, "waived"))
            s_x(out, s_str(row, "remediation"));
    }
    fputs("</td></tr>\n", out);
}

static bool s_listed(const struct s_page *pg, const json_t *row)
{
    return pg->full || opf_report_is_problem(row) || opf_report_status_is(row, "waived");
}

static size_t s_count_listed(const struct s_page *pg, const struct opf_report_subject *s)
{
    size_t listed = 0;
    for (size_t i = s->first; i < s->end; i++)
        listed += s_listed(pg, json_array_get(s->results, i));
    return listed;
}

/* Writes the subject's section, when it lists a row; returns how many it lists. */
static size_t s_subject(FILE *out, const struct s_page *pg, const struct opf_report_subject *s, const json_t *a)
{
    const char *type = s_str(s->head, "subject_type"), *id = s_str(s->head, "subject_id");
    size_t listed = s_count_listed(pg, s);
    if (!listed)
        return 0;
    fputs("<section class=\"subject\"", out);
    if (a) {
        fputs(" id=\"a-", out);
        s_x(out, id);
        fputc('"', out);
    }
    fputs(">\n<h3>", out);
    s_x(out, type);
    fputs(" <span class=\"sid\">", out);
    s_x(out, id);
    fputs("</span>", out);
    if (strcmp(type, "account") == 0) {
        fputs(" <span class=\"sname\">", out);
        s_x(out, s_str(s->head, "subject_name"));
        fputs("</span>", out);
    }
    if (a) {
        fputs(" <span class=\"meta\">", out);
        s_x(out, s_str(a, "ou_path"));
        fputs(" \xc2\xb7 ", out);
        s_x(out, s_str(a, "state"));
        fputs(" \xc2\xb7 ", out);
        s_x(out, s_str(a, "joined_method"));
        fputs(json_is_true(json_object_get(a, "is_management")) ? " \xc2\xb7 management account" : "", out);
        fputs(" \xc2\xb7 ", out);
        s_x(out, s_str(a, "readiness"));
        fputs("</span>", out);
    }
    fprintf(out, "</h3>\n<table><thead><tr><th>Status</th><th>Severity</th><th>Check</th><th>Finding</th>"
                 "<th>Evidence</th>%s</tr></thead>\n<tbody>\n", pg->full ? "<th>Remediation</th>" : "");
    for (size_t i = s->first; i < s->end; i++)
        if (s_listed(pg, json_array_get(s->results, i)))
            s_row(out, pg, json_array_get(s->results, i));
    fputs("</tbody></table>\n</section>\n", out);
    return listed;
}

static void s_expired(FILE *out, const json_t *expired)
{
    if (!json_array_size(expired))
        return;
    fputs("<section id=\"waivers-expired\"><h2>Expired waivers (no longer applied)</h2>\n<table><thead><tr>"
          "<th>Account</th><th>Check</th><th>Reason</th><th>Owner</th><th>Expired</th></tr></thead><tbody>\n",
          out);
    static const char *const cols[] = {"account_id", "check", "reason", "owner", "expires"};
    size_t i;
    const json_t *w;
    json_array_foreach(expired, i, w) {
        fputs("<tr>", out);
        for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) {
            fputs("<td>", out);
            s_x(out, s_str(w, cols[k]));
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table></section>\n", out);
}

int opf_report_write_html(const json_t *report, FILE *out, const struct opf_report_options *opts)
{
    (void)opts;
    const char *verdict = s_str(json_object_get(report, "summary"), "verdict");
    const json_t *accounts = json_object_get(report, "accounts");
    struct s_page pg = {report, json_array_size(accounts) <= S_FULL_MAX_ACCOUNTS};
    s_head(out, report, verdict);
    s_banner(out, report, verdict);
    opf_html_overview(out, report);
    s_charts(out, report);
    s_expired(out, json_object_get(report, "waivers_expired"));
    if (!pg.full) {
        fprintf(out, "<p class=\"incomplete\" id=\"left-out\">With more than %d accounts this page lists only the "
                     "results to act on (fail, warn, unknown, waived) and their citations without the cited values, "
                     "and each remediation once: %lld pass and %lld skipped results and the values are in the JSON "
                     "report.</p>\n", S_FULL_MAX_ACCOUNTS, opf_report_count(report, "pass"),
                opf_report_count(report, "skipped"));
        opf_html_remediations(out, report);
    }
    s_controls(out, report);
    fputs("<main id=\"subjects\">\n", out);
    /* the engine writes the subjects in the inventory's order: walk both together */
    size_t next = 0, rows = 0, left = 0;
    struct opf_report_subject s = {.results = json_object_get(report, "results")};
    while (opf_report_next_subject(&s)) {
        const json_t *a = opf_report_subject_account(report, s.head, &next);
        if (!pg.full && rows >= S_ROWS_MAX)
            left += s_count_listed(&pg, &s) > 0;
        else
            rows += s_subject(out, &pg, &s, a);
    }
    if (left)
        fprintf(out, "<p class=\"incomplete\" id=\"details-left-out\">The details of %zu more subjects are left to "
                     "the JSON report: this page lists %d rows at most.</p>\n", left, S_ROWS_MAX);
    fprintf(out, "</main>\n<script>%s</script>\n</body>\n</html>\n", s_js);
    return ferror(out) ? -1 : 0;
}
