/* A strict reader of ~/.aws/config and ~/.aws/credentials (botocore's configloader rules). */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "aws/ini.h"

static char *s_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

int opf_ini_read(FILE *f, const char *path, json_t *into, char *err, size_t errlen)
{
    char line[4096], parent[256] = "";
    json_t *section = NULL;
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        bool indented = line[0] == ' ' || line[0] == '\t';
        char *p = s_trim(line);
        if (!*p || *p == '#' || *p == ';')
            continue;
        if (*p == '[') {
            char *close = strchr(p, ']');
            if (!close || s_trim(close + 1)[0]) {
                snprintf(err, errlen, "%s:%d: malformed section header", path, lineno);
                rc = -1;
                break;
            }
            *close = '\0';
            char *name = s_trim(p + 1);
            /* collapse inner runs of spaces: "profile   dev" is "profile dev" */
            char norm[256];
            size_t n = 0;
            for (char *c = name; *c && n < sizeof(norm) - 1; c++)
                if (!(isspace((unsigned char)*c) && n && isspace((unsigned char)norm[n - 1])))
                    norm[n++] = isspace((unsigned char)*c) ? ' ' : *c;
            norm[n] = '\0';
            section = json_object_get(into, norm);
            if (!section) {
                section = json_object();
                json_object_set_new(into, norm, section);
            }
            parent[0] = '\0';
            continue;
        }
        char *eq = strchr(p, '=');
        if (!section || !eq) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno,
                     section ? "expected key = value" : "a setting before any [section]");
            rc = -1;
            break;
        }
        *eq = '\0';
        char *key = s_trim(p), *value = s_trim(eq + 1);
        if (!*key) {
            snprintf(err, errlen, "%s:%d: empty key", path, lineno);
            rc = -1;
            break;
        }
        if (indented && parent[0]) {
            char full[512];
            snprintf(full, sizeof(full), "%s.%s", parent, key);
            json_object_set_new(section, full, json_string(value));
        } else if (!*value) {
            snprintf(parent, sizeof(parent), "%s", key); /* a nested block follows */
        } else {
            parent[0] = '\0';
            json_object_set_new(section, key, json_string(value));
        }
    }
    return rc;
}

int opf_ini_load(const char *path, json_t *into, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 1;
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int rc = opf_ini_read(f, path, into, err, errlen);
    fclose(f);
    return rc;
}
