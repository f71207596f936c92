/* Writers of the change set between two reports (docs/diff.md): text, markdown and json. */
#ifndef OPF_REPORT_DIFF_H
#define OPF_REPORT_DIFF_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

/* Writes the diff document; 0 on success, -1 on a write error. */
typedef int opf_diff_write_fn(const json_t *diff, FILE *out);

/* The writer of a --format name, or NULL when unknown. */
opf_diff_write_fn *opf_diff_format_find(const char *name);

#endif
