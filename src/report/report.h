/* Report writers: every format renders the same report document (docs/report.md). */
#ifndef OPF_REPORT_H
#define OPF_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include <orgpreflight/export.h>

struct opf_report_options {
    bool color;                  /* text: ANSI colours (only on a terminal and without NO_COLOR) */
    bool verbose;                /* text: show passing rows too */
    const char *region;          /* asff, ocsf: the AWS region the findings belong to (NULL: us-east-1) */
};

typedef int opf_report_write_fn(const json_t *report, FILE *out, const struct opf_report_options *opts);

struct opf_report_format {
    const char *name;            /* --format NAME */
    const char *extension;       /* default file extension */
    opf_report_write_fn *write;  /* 0, or -1 when the stream failed (errno says why): the caller, who names the
                                    stream, writes the error */
};

/* The JSON report whose inventory and result rows were spooled as they were made (the report document holds
 * them empty). */
struct opf_report_spool;
int opf_report_write_json_spooled(const json_t *report, const struct opf_report_spool *spool, FILE *out);

/* The table of formats (src/report/formats.c); NULL when unknown. */
const struct opf_report_format *opf_report_format_find(const char *name);
const struct opf_report_format *opf_report_formats(size_t *count);
/* The runbook formats of `plan` (markdown, json), written by the same kind of writer; NULL when unknown. */
const struct opf_report_format *opf_runbook_format_find(const char *name);

/* Shared by the writers (src/report/common.c). */

/* The statuses in the order of summary.counts, NULL-terminated. */
extern const char *const opf_report_statuses[];

/* A string member of o; "" when absent or not a string. */
const char *opf_report_str(const json_t *o, const char *key);
bool opf_report_status_is(const json_t *row, const char *status);
/* fail, warn or unknown: a row that asks for action. */
bool opf_report_is_problem(const json_t *row);
/* The row matched a waiver that has expired (it keeps its status). */
bool opf_report_waiver_expired(const json_t *row);
long long opf_report_count(const json_t *report, const char *status);
/* Why a verdict was reached, in words. */
const char *opf_report_verdict_reason(const char *verdict);
/* "scope: 3 of 51 accounts (--accounts …)" when the report covers part of the organization, or says the
 * inventory is unknown; false (and "") when it covers every account. */
bool opf_report_scope(const json_t *report, char *buf, size_t len);
/* The inventory row of an account; NULL when absent. */
const json_t *opf_report_account(const json_t *report, const char *id);

/* The inventory row of the account a subject's first row is about (NULL for other subjects), found quickly when
 * subjects are walked in the inventory's order, as the engine writes them: *cursor starts at 0. */
const json_t *opf_report_subject_account(const json_t *report, const json_t *head, size_t *cursor);

/* The rows of one subject, [first, end) of results (the engine writes them subject by subject).
 * Start with {.results = ...}; each opf_report_next_subject() moves to the next, false after the last. */
struct opf_report_subject {
    const json_t *results;
    size_t first, end;
    const json_t *head;          /* the subject's first row */
};
bool opf_report_next_subject(struct opf_report_subject *s);

/* "Organization ID (management account ID), path P, gate at G, as of T, evidence collected T", values escaped. */
void opf_report_context(FILE *out, const json_t *report, void (*escape)(FILE *, const char *));

/* Writes the first `max` strings of `list`, escaped, comma-separated, then " … and N more" for the rest: a list
 * is shortened by whole items, never cut (the JSON report keeps every one). */
void opf_report_list(FILE *out, const json_t *list, size_t max, void (*escape)(FILE *, const char *));

/* Why a fail, warn or unknown row does not gate although it may look severe (a warning at or above the gate, a
 * fail or unknown below it), or NULL; docs/report.md "What gates" is the rule. */
const char *opf_report_gate_note(const json_t *report, const json_t *row);

/* The remediation of every fail, warn and unknown, once per check, with the subjects it applies to, in report
 * order: [{"check", "title", "remediation", "gating", "subjects": [ID, ...]}]. New reference. */
OPF_MUST_USE json_t *opf_report_remediations(const json_t *report);

/* Parts of the HTML page (src/report/html_overview.c): the account overview and the remediations once per check. */
void opf_html_overview(FILE *out, const json_t *report);
void opf_html_remediations(FILE *out, const json_t *report);

/* Terminal control characters (C0, DEL and the UTF-8 C1 ones such as U+009B CSI) are shown, never sent: a
 * name cannot colour, retitle or clear a terminal nor fake a line. opf_report_control gives the visible form
 * of the character at s ("\x1b", "\u009b") in buf and returns how many bytes of s it stands for, 0 when s
 * starts with none; opf_report_visible writes s that way and returns the number of bytes written. */
size_t opf_report_control(const char *s, char buf[8]);
int opf_report_visible(FILE *out, const char *s);

/* Writes text as inline GitHub-flavoured Markdown (a table cell, a heading): pipes, emphasis, code and link
 * syntax are backslash-escaped, HTML is written as entities and a line break as <br>, so no value can break
 * a table or add markup. */
void opf_report_markdown(FILE *out, const char *s);

/* Writes text escaped for XML and HTML (content and quoted attributes), dropping control characters. */
void opf_report_xml(FILE *out, const char *s);
void opf_report_xml_char(FILE *out, char c);

#endif
