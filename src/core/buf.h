/* A growable byte buffer, always NUL-terminated. */
#ifndef OPF_BUF_H
#define OPF_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <orgpreflight/export.h>

struct opf_buf {
    char *data;
    size_t len, cap;
    bool oom;      /* an allocation failed: the content is incomplete */
};

void opf_buf_append(struct opf_buf *b, const void *data, size_t len);
void opf_buf_puts(struct opf_buf *b, const char *s);
void opf_buf_putc(struct opf_buf *b, char c);
void opf_buf_printf(struct opf_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the content over (caller frees); NULL after an allocation failure. */
OPF_MUST_USE char *opf_buf_steal(struct opf_buf *b);
void opf_buf_free(struct opf_buf *b);

#endif
