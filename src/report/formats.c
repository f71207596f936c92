/* The table of report formats: one module per format in src/report/. */
#include <string.h>
#include "report/report.h"

opf_report_write_fn opf_report_write_json, opf_report_write_text, opf_report_write_csv,
    opf_report_write_junit, opf_report_write_markdown,
    opf_report_write_html, opf_report_write_prometheus;

static const struct opf_report_format s_formats[] = {
    {"text", "txt", opf_report_write_text},
    {"json", "json", opf_report_write_json},
    {"csv", "csv", opf_report_write_csv},
    {"junit", "xml", opf_report_write_junit},
    {"markdown", "md", opf_report_write_markdown},
    {"html", "html", opf_report_write_html},
    {"prometheus", "prom", opf_report_write_prometheus},
};

const struct opf_report_format *opf_report_formats(size_t *count)
{
    *count = sizeof(s_formats) / sizeof(s_formats[0]);
    return s_formats;
}

const struct opf_report_format *opf_report_format_find(const char *name)
{
    for (size_t i = 0; i < sizeof(s_formats) / sizeof(s_formats[0]); i++)
        if (strcmp(s_formats[i].name, name) == 0)
            return &s_formats[i];
    return NULL;
}
