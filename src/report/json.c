/* The JSON report: the report document itself (docs/report.schema.json). */
#include "report/report.h"

int opf_report_write_json(const json_t *report, FILE *out, const struct opf_report_options *opts)
{
    (void)opts;
    if (json_dumpf(report, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
        return -1;
    return fputc('\n', out) == EOF ? -1 : 0;
}
