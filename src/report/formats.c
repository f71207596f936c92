/* The table of report formats: one module per format in src/report/. */
#include <string.h>
#include "report/report.h"

opf_report_write_fn opf_report_write_summary, opf_report_write_openmetrics;
opf_report_write_fn opf_report_write_json, opf_report_write_text, opf_report_write_csv,
    opf_report_write_junit, opf_report_write_markdown,
    opf_report_write_html, opf_report_write_prometheus, opf_report_write_asff, opf_report_write_ocsf,
    opf_runbook_write_markdown;

static const struct opf_report_format s_formats[] = {
    {"text", "txt", opf_report_write_text},
    {"summary", "txt", opf_report_write_summary},
    {"json", "json", opf_report_write_json},
    {"csv", "csv", opf_report_write_csv},
    {"junit", "xml", opf_report_write_junit},
    {"markdown", "md", opf_report_write_markdown},
    {"html", "html", opf_report_write_html},
    {"prometheus", "prom", opf_report_write_prometheus},
    {"openmetrics", "om", opf_report_write_openmetrics},
    {"asff", "asff.json", opf_report_write_asff},
    {"ocsf", "ocsf.json", opf_report_write_ocsf},
};

const struct opf_report_format *opf_report_formats(size_t *count)
{
    *count = sizeof(s_formats) / sizeof(s_formats[0]);
    return s_formats;
}

static const struct opf_report_format *s_find(const struct opf_report_format *table, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

const struct opf_report_format *opf_report_format_find(const char *name)
{
    return s_find(s_formats, sizeof(s_formats) / sizeof(s_formats[0]), name);
}

/* `plan --format`: the runbook document (docs/runbook.md); its JSON is the document itself, like the report's. */
static const struct opf_report_format s_runbook_formats[] = {
    {"markdown", "md", opf_runbook_write_markdown},
    {"json", "json", opf_report_write_json},
};

const struct opf_report_format *opf_runbook_format_find(const char *name)
{
    return s_find(s_runbook_formats, sizeof(s_runbook_formats) / sizeof(s_runbook_formats[0]), name);
}
