/* Report writers: every format renders the same report document (docs/report.md). */
#ifndef OPF_REPORT_H
#define OPF_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

struct opf_report_options {
    bool color;                  /* text: ANSI colours (only on a terminal and without NO_COLOR) */
    bool verbose;                /* text: show passing rows too */
};

typedef int opf_report_write_fn(const json_t *report, FILE *out, const struct opf_report_options *opts);

struct opf_report_format {
    const char *name;            /* --format NAME */
    const char *extension;       /* default file extension */
    opf_report_write_fn *write;  /* 0 on success, -1 with errno on a write error */
};

/* The table of formats (src/report/formats.c); NULL when unknown. */
const struct opf_report_format *opf_report_format_find(const char *name);
const struct opf_report_format *opf_report_formats(size_t *count);
/* The runbook formats of `plan` (markdown, json), written by the same kind of writer; NULL when unknown. */
const struct opf_report_format *opf_runbook_format_find(const char *name);

#endif
