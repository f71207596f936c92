/* The report's rows written out as they are made: each element laid out as jansson lays out the whole JSON
 * report (two-space indentation), so the spooled report and the report dumped whole are the same bytes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/core.h"

static void s_indent(struct opf_buf *b, int depth)
{
    static const char line[] = "\n                                ";
    if (2 * depth < (int)sizeof(line) - 1) {
        opf_buf_append(b, line, 1 + 2 * (size_t)depth);
        return;
    }
    opf_buf_putc(b, '\n');
    for (int n = 0; n < depth; n++)
        opf_buf_append(b, "  ", 2);
}

/* A string as jansson writes it without flags: quotes, backslashes and control characters escaped, the rest
 * (UTF-8 included) as is. */
static void s_string(struct opf_buf *b, const char *s, size_t len)
{
    opf_buf_putc(b, '"');
    const char *run = s, *end = s + len;
    for (const char *p = s; p < end; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        opf_buf_append(b, run, (size_t)(p - run));
        run = p + 1;
        const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\b' ? "\\b" : c == '\f' ? "\\f"
                        : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        if (esc)
            opf_buf_puts(b, esc);
        else
            opf_buf_printf(b, "\\u%04X", c);
    }
    opf_buf_append(b, run, (size_t)(end - run));
    opf_buf_putc(b, '"');
}

/* jansson's layout (JSON_INDENT(2), members in order) of v at `depth`, written here because jansson's own
 * dump, a callback per fragment, was a third of an audit's time. */
static void s_value(struct opf_buf *b, const json_t *v, int depth)
{
    size_t i, n;
    const char *key;
    const json_t *m;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        if (json_object_size(v) == 0) {
            opf_buf_puts(b, "{}");
            break;
        }
        opf_buf_putc(b, '{');
        n = 0;
        json_object_foreach((json_t *)v, key, m) {
            opf_buf_puts(b, n++ ? "," : "");
            s_indent(b, depth + 1);
            s_string(b, key, strlen(key));
            opf_buf_puts(b, ": ");
            s_value(b, m, depth + 1);
        }
        s_indent(b, depth);
        opf_buf_putc(b, '}');
        break;
    case JSON_ARRAY:
        if (json_array_size(v) == 0) {
            opf_buf_puts(b, "[]");
            break;
        }
        opf_buf_putc(b, '[');
        json_array_foreach(v, i, m) {
            opf_buf_puts(b, i ? "," : "");
            s_indent(b, depth + 1);
            s_value(b, m, depth + 1);
        }
        s_indent(b, depth);
        opf_buf_putc(b, ']');
        break;
    case JSON_STRING: s_string(b, json_string_value(v), json_string_length(v)); break;
    case JSON_INTEGER: opf_buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
    case JSON_TRUE: opf_buf_puts(b, "true"); break;
    case JSON_FALSE: opf_buf_puts(b, "false"); break;
    case JSON_NULL: opf_buf_puts(b, "null"); break;
    default: { /* a real: jansson's own shortest form */
        char *text = json_dumps(v, JSON_ENCODE_ANY);
        if (text)
            opf_buf_puts(b, text);
        else
            b->oom = true;
        free(text);
    }
    }
}

int opf_json_dump_at(FILE *out, const json_t *v, int depth)
{
    struct opf_buf b = {0};
    s_value(&b, v, depth);
    int rc = b.oom || fwrite(b.data, 1, b.len, out) != b.len ? -1 : 0;
    opf_buf_free(&b);
    return rc;
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
    if (s->accounts && s->results && setvbuf(s->results, NULL, _IOFBF, 1 << 20) == 0)
        return 0;
    int saved = errno;
    opf_report_spool_close(s);
    return opf_fail(err, opf_errno_category(saved), "cannot create a temporary file for the report's rows: %s", strerror(saved));
}

void opf_report_spool_close(struct opf_report_spool *s)
{
    if (s->accounts)
        fclose(s->accounts);
    if (s->results)
        fclose(s->results);
    *s = (struct opf_report_spool){0};
}
