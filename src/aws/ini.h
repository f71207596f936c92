/* The AWS shared config and credentials files: INI sections of key = value lines. */
#ifndef OPF_INI_H
#define OPF_INI_H

#include <stdio.h>
#include <jansson.h>

/* Parses `path` into {"section name": {"key": "value"}}, merging into `into` (sections from a later file
 * add keys). Section names are kept as written ("profile dev", "sso-session corp", "default"); keys of a
 * nested block ("s3 =\n  key = v") become "s3.key". Returns 0, 1 when the file does not exist, or -1 with
 * "FILE:LINE: cause" in err. */
int opf_ini_load(const char *path, json_t *into, char *err, size_t errlen);
/* The same from an open stream; `name` stands for the file in errors. Returns 0 or -1. */
int opf_ini_read(FILE *f, const char *name, json_t *into, char *err, size_t errlen);

#endif
