/* A reader of ~/.aws/config and ~/.aws/credentials with the rules of Python's RawConfigParser, which botocore
 * uses (configloader.raw_config_parse), so that a file means to orgpreflight what it means to the AWS CLI. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ini.h"
#include "core/buf.h"
#include "core/core.h"

static char *s_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

struct s_reader {
    const char *path;
    json_t *sections;       /* this file's sections, values as arrays of lines until the end */
    json_t *defaults;       /* [DEFAULT] */
    json_t *section;        /* the current one */
    char *option;           /* the current key, NULL after a header */
    size_t indent;          /* the current key's indentation */
};

/* Joins each value's lines; a value whose first line is empty is a nested block of key = value lines. */
static int s_finish(struct s_reader *r, json_t *into, struct opf_error *err)
{
    const char *name;
    json_t *kv;
    json_object_foreach(r->sections, name, kv) {
        json_t *out = json_object_get(into, name);
        if (!out) {
            out = json_object();
            json_object_set_new(into, name, out);
        }
        json_t *merged = json_deep_copy(r->defaults);
        json_object_update(merged, kv);
        const char *key;
        json_t *lines;
        json_object_foreach(merged, key, lines) {
            struct opf_buf b = {0};
            size_t i;
            json_t *l;
            json_array_foreach(lines, i, l) opf_buf_printf(&b, "%s%s", i ? "\n" : "", json_string_value(l));
            char *v = b.data ? b.data : strdup("");
            size_t n = strlen(v);
            while (n && isspace((unsigned char)v[n - 1]))
                v[--n] = '\0';
            if (v[0] != '\n') {
                json_object_set_new(out, key, json_string(v));
                free(v);
                continue;
            }
            for (char *line = strtok(v, "\n"); line; line = strtok(NULL, "\n")) {
                char *t = s_trim(line), *eq = strchr(t, '=');
                if (!*t)
                    continue;
                if (!eq) {
                    opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: [%s] %s: a nested line without '=': %.60s", r->path, name,
                             key, t);
                    free(v);
                    json_decref(merged);
                    return -1;
                }
                *eq = '\0';
                struct opf_buf full = {0};
                opf_buf_printf(&full, "%s.%s", key, s_trim(t));
                json_object_set_new(out, full.data, json_string(s_trim(eq + 1)));
                opf_buf_free(&full);
            }
            free(v);
        }
        json_decref(merged);
    }
    return 0;
}

/* One line (without its newline). 0, or -1 with err. */
static int s_line(struct s_reader *r, char *line, int lineno, struct opf_error *err)
{
    char *value = s_trim(line);
    if (*value == '#' || *value == ';' || !*value) {
        if (!*value && r->option && r->section)
            json_array_append_new(json_object_get(r->section, r->option), json_string("")); /* a blank in a value */
        return 0;
    }
    size_t indent = (size_t)(value - line);
    if (r->section && r->option && indent > r->indent) {
        json_array_append_new(json_object_get(r->section, r->option), json_string(value));
        return 0;
    }
    r->indent = indent;
    free(r->option);
    r->option = NULL;
    char *close = strrchr(value, ']');
    if (*value == '[' && close && close > value + 1) {
        *close = '\0';
        const char *name = value + 1;
        if (strcmp(name, "DEFAULT") == 0) {
            r->section = r->defaults;
        } else if (json_object_get(r->sections, name)) {
            opf_fail(err, OPF_ERR_INVALID_INPUT, "%s:%d: section [%s] appears twice", r->path, lineno, name);
            return -1;
        } else {
            r->section = json_object();
            json_object_set_new(r->sections, name, r->section);
        }
        return 0;
    }
    if (!r->section) {
        opf_fail(err, OPF_ERR_INVALID_INPUT, "%s:%d: a setting before any [section]", r->path, lineno);
        return -1;
    }
    size_t k = strcspn(value, "=:");
    if (!value[k]) {
        opf_fail(err, OPF_ERR_INVALID_INPUT, "%s:%d: expected key = value", r->path, lineno);
        return -1;
    }
    char *v = s_trim(value + k + 1);
    value[k] = '\0';
    char *key = s_trim(value);
    if (!*key) {
        opf_fail(err, OPF_ERR_INVALID_INPUT, "%s:%d: empty key", r->path, lineno);
        return -1;
    }
    for (char *c = key; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (json_object_get(r->section, key)) {
        opf_fail(err, OPF_ERR_INVALID_INPUT, "%s:%d: key %s appears twice in its section", r->path, lineno, key);
        return -1;
    }
    json_object_set_new(r->section, key, json_pack("[s]", v));
    r->option = strdup(key);
    return 0;
}

int opf_ini_read(FILE *f, const char *path, json_t *into, struct opf_error *err)
{
    struct s_reader r = {.path = path, .sections = json_object(), .defaults = json_object()};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0, rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (memchr(line, '\0', (size_t)n)) {
            opf_fail(err, OPF_ERR_INVALID_INPUT, "%s:%d: a NUL byte", path, lineno);
            rc = -1;
            break;
        }
        line[strcspn(line, "\r\n")] = '\0';
        json_t *utf8 = json_string(line);
        if (!utf8) {
            opf_fail(err, OPF_ERR_INVALID_INPUT, "%s:%d: not UTF-8 text", path, lineno);
            rc = -1;
            break;
        }
        json_decref(utf8);
        rc = s_line(&r, line, lineno, err);
    }
    free(line);
    free(r.option);
    if (rc == 0)
        rc = s_finish(&r, into, err);
    json_decref(r.sections);
    json_decref(r.defaults);
    return rc;
}

int opf_ini_load(const char *path, json_t *into, struct opf_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 1;
        opf_fail(err, opf_errno_category(errno), "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int rc = opf_ini_read(f, path, into, err);
    fclose(f);
    return rc;
}
