/*
 * A parser for the plain JSON an evidence bundle is mostly made of: ASCII strings with the short escapes,
 * integers, literals, objects and arrays. It builds the very tree jansson would (keys in order, duplicates
 * refused) in about a third of jansson's time, and gives up (NULL) on anything else — \u escapes, non-ASCII
 * text, reals, deep nesting, any error — which jansson then parses, or finds wrong.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define MAX_DEPTH 256

struct s_parser {
    const char *p, *end;
    char *buf; /* a string's text once its escapes are resolved */
    size_t cap;
};

static void s_ws(struct s_parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
        ps->p++;
}

/* ps->p at the opening quote; the text (in ps->buf when it had escapes) and its length, or NULL. */
static const char *s_string(struct s_parser *ps, size_t *len)
{
    const char *start = ++ps->p, *q = start;
    while (q < ps->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20 && (unsigned char)*q < 0x80)
        q++;
    if (q < ps->end && *q == '"') { /* the usual case: no escape */
        *len = (size_t)(q - start);
        ps->p = q + 1;
        return start;
    }
    size_t n = 0;
    for (q = start; q < ps->end && *q != '"'; q++) {
        unsigned char c = (unsigned char)*q;
        if (c < 0x20 || c >= 0x80)
            return NULL;
        if (c == '\\') {
            if (++q >= ps->end)
                return NULL;
            const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t", *at = strchr(from, *q);
            if (!*q || !at)
                return NULL; /* \u and the invalid ones are jansson's */
            c = (unsigned char)to[at - from];
        }
        if (n + 1 >= ps->cap) {
            size_t cap = ps->cap ? ps->cap * 2 : 256;
            char *buf = realloc(ps->buf, cap);
            if (!buf)
                return NULL;
            ps->buf = buf;
            ps->cap = cap;
        }
        ps->buf[n++] = (char)c;
    }
    if (q >= ps->end)
        return NULL;
    ps->p = q + 1;
    *len = n;
    return ps->buf;
}

/* After a member or element: the closing bracket ends the container (1), a comma leads to the next one (0),
 * anything else is not plain JSON (-1). Skips the blanks after either. */
static int s_after(struct s_parser *ps, char close)
{
    s_ws(ps);
    if (ps->p >= ps->end || (*ps->p != close && *ps->p != ','))
        return -1;
    int closed = *ps->p++ == close;
    if (!closed)
        s_ws(ps);
    return closed;
}

static json_t *s_value(struct s_parser *ps, int depth);

static json_t *s_object(struct s_parser *ps, int depth)
{
    json_t *obj = json_object();
    ps->p++;
    s_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return obj;
    }
    for (;;) {
        size_t len;
        const char *key = ps->p < ps->end && *ps->p == '"' ? s_string(ps, &len) : NULL;
        char *copy = key && key == ps->buf ? strndup(key, len) : NULL; /* ps->buf is reused by the value */
        if (key && key == ps->buf)
            key = copy;
        s_ws(ps);
        json_t *v = NULL;
        if (key && ps->p < ps->end && *ps->p == ':' && !json_object_getn(obj, key, len)) {
            ps->p++;
            v = s_value(ps, depth);
        }
        int rc = v ? json_object_setn_new_nocheck(obj, key, len, v) : -1;
        free(copy);
        if (rc != 0) {
            json_decref(obj);
            return NULL;
        }
        int after = s_after(ps, '}');
        if (after != 0) {
            if (after < 0)
                json_decref(obj);
            return after > 0 ? obj : NULL;
        }
    }
}

static json_t *s_array(struct s_parser *ps, int depth)
{
    json_t *arr = json_array();
    ps->p++;
    s_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return arr;
    }
    for (;;) {
        json_t *v = s_value(ps, depth);
        if (!v || json_array_append_new(arr, v) != 0) {
            json_decref(arr);
            return NULL;
        }
        int after = s_after(ps, ']');
        if (after != 0) {
            if (after < 0)
                json_decref(arr);
            return after > 0 ? arr : NULL;
        }
    }
}

/* An integer without fraction or exponent, within 18 digits (no overflow to judge). */
static json_t *s_integer(struct s_parser *ps)
{
    bool negative = *ps->p == '-';
    const char *digits = ps->p + negative, *q = digits;
    while (q < ps->end && *q >= '0' && *q <= '9')
        q++;
    size_t n = (size_t)(q - digits);
    if (n == 0 || n > 18 || (n > 1 && *digits == '0') || (q < ps->end && (*q == '.' || *q == 'e' || *q == 'E')))
        return NULL;
    json_int_t v = 0;
    for (const char *d = digits; d < q; d++)
        v = v * 10 + (*d - '0');
    ps->p = q;
    return json_integer(negative ? -v : v);
}

static json_t *s_literal(struct s_parser *ps, const char *word, json_t *value)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return NULL;
    ps->p += n;
    return value;
}

static json_t *s_value(struct s_parser *ps, int depth)
{
    s_ws(ps);
    if (ps->p >= ps->end || depth >= MAX_DEPTH)
        return NULL;
    size_t len;
    const char *s;
    switch (*ps->p) {
    case '{': return s_object(ps, depth + 1);
    case '[': return s_array(ps, depth + 1);
    case '"': return (s = s_string(ps, &len)) ? json_stringn_nocheck(s, len) : NULL;
    case 't': return s_literal(ps, "true", json_true());
    case 'f': return s_literal(ps, "false", json_false());
    case 'n': return s_literal(ps, "null", json_null());
    default: return *ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9') ? s_integer(ps) : NULL;
    }
}

json_t *opf_json_parse_plain(const char *text, size_t len)
{
    struct s_parser ps = {text, text + len, NULL, 0};
    json_t *v = s_value(&ps, 0);
    s_ws(&ps);
    free(ps.buf);
    if (v && ps.p != ps.end) {
        json_decref(v);
        v = NULL;
    }
    return v;
}
