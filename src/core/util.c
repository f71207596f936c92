/* Small shared pieces of the engine: errors, JSON files, time formatting, id lists. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"

int opf_fail(struct opf_error *err, enum opf_error_category category, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    err->category = category;
    return -1;
}

enum opf_error_category opf_errno_category(int errnum)
{
    switch (errnum) {
    case ENOENT:
    case ENOTDIR: return OPF_ERR_NOT_FOUND;
    case EACCES:
    case EPERM:
    case EROFS: return OPF_ERR_PERMISSION;
    case ENOMEM: return OPF_ERR_NO_MEMORY;
    default: return OPF_ERR_IO;
    }
}

json_t *opf_json_load_file(const char *path, struct opf_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        opf_fail(err, opf_errno_category(errno), "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) { /* opens fine, then reads as empty */
        fclose(f);
        opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: is a directory", path);
        return NULL;
    }
    json_error_t je;
    json_t *doc = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    if (!doc)
        opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: line %d column %d: invalid JSON: %s", path, je.line, je.column, je.text);
    return doc;
}

void opf_time_format(time_t t, char *buf, size_t len)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool opf_date_parse(const char *ymd, time_t *out)
{
    return ymd && strlen(ymd) == 10 && opf_time_parse(ymd, out); /* the one parser refuses impossible days */
}

bool opf_is_account_id(const char *s)
{
    if (!s || strlen(s) != 12)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

bool opf_list_contains(const char *list, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, id, n) == 0)
            return true;
        p += len + (p[len] == ',');
    }
    return false;
}

const char *opf_version(void)
{
    return OPF_VERSION;
}

bool opf_severity_parse(const char *name, enum opf_severity *out)
{
    for (int i = 0; name && i < OPF_SEVERITY_COUNT; i++)
        if (strcmp(name, opf_severity_name((enum opf_severity)i)) == 0) {
            *out = (enum opf_severity)i;
            return true;
        }
    return false;
}

enum opf_severity opf_fail_on(const char *name)
{
    enum opf_severity gate;
    if (!opf_severity_parse(name, &gate))
        opf_severity_parse(json_string_value(opf_config_value(NULL, "gate.fail_on")), &gate);
    return gate;
}

bool opf_status_parse(const char *name, enum opf_status *out)
{
    for (int i = 0; name && i < OPF_STATUS_COUNT; i++)
        if (strcmp(name, opf_status_name((enum opf_status)i)) == 0) {
            *out = (enum opf_status)i;
            return true;
        }
    return false;
}

FILE *opf_temp_file(const char **dir)
{
    /* tmpfile() ignores TMPDIR, which users set to keep large spools off a small /tmp */
    const char *tmpdir = getenv("TMPDIR");
    tmpdir = tmpdir && *tmpdir ? tmpdir : "/tmp";
    if (dir)
        *dir = tmpdir;
    char path[4096];
    if (snprintf(path, sizeof(path), "%s/orgpreflight-XXXXXX", tmpdir) >= (int)sizeof(path)) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    unlink(path);
    FILE *f = fdopen(fd, "w+");
    if (!f) {
        int saved = errno;
        close(fd);
        errno = saved;
    }
    return f;
}
