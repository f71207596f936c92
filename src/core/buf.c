#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static bool s_reserve(struct opf_buf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void opf_buf_append(struct opf_buf *b, const void *data, size_t len)
{
    if (!s_reserve(b, len))
        return;
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void opf_buf_puts(struct opf_buf *b, const char *s)
{
    opf_buf_append(b, s, strlen(s));
}

void opf_buf_putc(struct opf_buf *b, char c)
{
    opf_buf_append(b, &c, 1);
}

void opf_buf_printf(struct opf_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !s_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *opf_buf_steal(struct opf_buf *b)
{
    char *p = b->oom ? NULL : b->data;
    if (!p && !b->oom)
        p = calloc(1, 1);
    if (b->oom)
        free(b->data);
    memset(b, 0, sizeof(*b));
    return p;
}

void opf_buf_free(struct opf_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}
