/* The report's rows written out as they are made: each element laid out as the whole JSON report lays it out
 * (jansson, two-space indentation), so the spooled report and the report dumped whole are the same bytes. */
#include <errno.h>
#include <string.h>

#include "core/core.h"

struct s_indent {
    FILE *out;
    int pad;
};

/* jansson's output with `pad` more spaces after each line break: its strings never hold a raw one. */
static int s_indented(const char *buf, size_t size, void *ud)
{
    struct s_indent *in = ud;
    for (const char *p = buf, *end = buf + size; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        if (fwrite(p, 1, n, in->out) != n || (nl && fprintf(in->out, "%*s", in->pad, "") < 0))
            return -1;
        p += n;
    }
    return 0;
}

int opf_json_dump_at(FILE *out, const json_t *v, int depth)
{
    struct s_indent in = {out, 2 * depth};
    return json_dump_callback(v, s_indented, &in, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
}

int opf_spool_add(FILE *spool, size_t *count, const json_t *element)
{
    if (fputs(*count ? ",\n    " : "    ", spool) == EOF || opf_json_dump_at(spool, element, 2) != 0)
        return -1;
    (*count)++;
    return 0;
}

int opf_spool_copy(FILE *spool, size_t count, FILE *out)
{
    if (count == 0)
        return fputs("[]", out) == EOF ? -1 : 0;
    if (fputs("[\n", out) == EOF || fseek(spool, 0, SEEK_SET) != 0)
        return -1;
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), spool)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            return -1;
    return ferror(spool) || fputs("\n  ]", out) == EOF ? -1 : 0;
}

int opf_report_spool_open(struct opf_report_spool *s, struct opf_error *err)
{
    *s = (struct opf_report_spool){tmpfile(), tmpfile(), 0, 0};
    if (s->accounts && s->results)
        return 0;
    int saved = errno;
    opf_report_spool_close(s);
    return opf_fail(err, OPF_EXIT_ERROR, "cannot create a temporary file for the report's rows: %s", strerror(saved));
}

void opf_report_spool_close(struct opf_report_spool *s)
{
    if (s->accounts)
        fclose(s->accounts);
    if (s->results)
        fclose(s->results);
    *s = (struct opf_report_spool){0};
}
