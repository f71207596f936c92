/* The JSON report: the report document itself (docs/report.schema.json). */
#include <string.h>

#include "core/core.h"
#include "report/report.h"

int opf_report_write_json(const json_t *report, FILE *out, const struct opf_report_options *opts)
{
    (void)opts;
    if (json_dumpf(report, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
        return -1;
    return fputc('\n', out) == EOF ? -1 : 0;
}

/* The same document, its "accounts" and "results" taken from the spool: member by member, as jansson lays out
 * the whole. */
int opf_report_write_json_spooled(const json_t *report, const struct opf_report_spool *spool, FILE *out)
{
    const char *key;
    const json_t *value;
    int rc = fputs("{", out) == EOF;
    bool first = true;
    json_object_foreach((json_t *)report, key, value) {
        json_t *name = json_string(key);
        rc |= fputs(first ? "\n  " : ",\n  ", out) == EOF || opf_json_dump_at(out, name, 1) != 0 ||
              fputs(": ", out) == EOF;
        json_decref(name);
        first = false;
        if (strcmp(key, "accounts") == 0)
            rc |= opf_spool_copy(spool->accounts, spool->naccounts, out);
        else if (strcmp(key, "results") == 0)
            rc |= opf_spool_copy(spool->results, spool->nresults, out);
        else
            rc |= opf_json_dump_at(out, value, 1);
    }
    return rc || fputs(first ? "}\n" : "\n}\n", out) == EOF ? -1 : 0;
}
