/*
 * CSV (RFC 4180): one row per result, the columns of the JSON rows; CRLF line ends, quoted when needed. A cell a
 * spreadsheet would run as a formula (OWASP CSV injection: it starts with = + - @, a tab or a carriage return)
 * gets a leading ', unless it is a plain number (docs/report.md).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* [+-]digits[.digits][e[+-]digits]: data, never a formula. */
static bool s_number(const char *v)
{
    const char *p = v + (*v == '+' || *v == '-');
    bool digits = false;
    for (; isdigit((unsigned char)*p); p++)
        digits = true;
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++)
            digits = true;
    if (digits && (*p == 'e' || *p == 'E')) {
        p += 1 + (p[1] == '+' || p[1] == '-');
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    return digits && *p == '\0';
}

static void s_field(FILE *out, const char *v, bool last)
{
    bool guard = *v && strchr("=+-@\t\r", *v) && !s_number(v);
    if (strpbrk(v, ",\"\r\n")) {
        fputc('"', out);
        if (guard)
            fputc('\'', out);
        for (const char *p = v; *p; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    } else {
        if (guard)
            fputc('\'', out);
        fputs(v, out);
    }
    fputs(last ? "\r\n" : ",", out);
}

int opf_report_write_csv(const json_t *report, FILE *out, const struct opf_report_options *opts)
{
    (void)opts;
    static const char *const cols[] = {"check", "title", "subject_type", "subject_id", "subject_name", "status",
                                       "severity", "gating", "message", "evidence", "remediation", "waiver"};
    size_t n = sizeof(cols) / sizeof(cols[0]);
    for (size_t i = 0; i < n; i++)
        s_field(out, cols[i], i == n - 1);
    size_t r;
    const json_t *row;
    json_array_foreach(json_object_get(report, "results"), r, row) {
        for (size_t i = 0; i < n; i++) {
            const json_t *v = json_object_get(row, cols[i]);
            if (json_is_boolean(v)) {
                s_field(out, json_is_true(v) ? "true" : "false", i == n - 1);
            } else if (json_is_string(v)) {
                s_field(out, json_string_value(v), i == n - 1);
            } else {
                /* structured columns (evidence, waiver) as compact JSON; null as empty */
                char *text = json_is_null(v) || !v ? NULL : json_dumps(v, JSON_COMPACT);
                s_field(out, text ? text : "", i == n - 1);
                free(text);
            }
        }
    }
    return ferror(out) ? -1 : 0;
}
