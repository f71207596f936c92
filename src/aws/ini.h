/* The AWS shared config and credentials files, read as botocore reads them (Python's RawConfigParser). */
#ifndef OPF_INI_H
#define OPF_INI_H

#include <stdio.h>
#include <jansson.h>
#include <orgpreflight/orgpreflight.h>

/* Parses `path` into {"section name": {"key": "value"}}, merging into `into`. As botocore: section names kept
 * as written between the first '[' and the last ']' (text after it is ignored), keys lower-cased, `key = value`
 * or `key: value`, whole-line comments (# ;), indented lines continue the value above; a value that starts
 * on the next line is a nested block ("s3 =\n  key = v" becomes "s3.key"); [DEFAULT] applies to every
 * section; a section or key given twice in one file is an error. Returns 0, 1 when the file does not exist,
 * or -1 with "FILE:LINE: cause" in err (OPF_ERR_INVALID_INPUT, or the category of a file that cannot be opened). */
OPF_MUST_USE int opf_ini_load(const char *path, json_t *into, struct opf_error *err);
/* The same from an open stream; `name` stands for the file in errors. Returns 0 or -1. */
OPF_MUST_USE int opf_ini_read(FILE *f, const char *name, json_t *into, struct opf_error *err);

#endif
