/* Evidence bundles: loading with validation that names the file and the JSON path, and atomic writes (regular
 * files and new paths; devices and FIFOs are written in place, other special files refused). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"

/* A character device or a FIFO (-o /dev/stdout, a pipe) is written in place: a rename would replace the node. */
static int s_write_in_place(const char *path, opf_write_fn *fn, void *ud, struct opf_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return opf_fail(err, opf_errno_category(errno), "%s: %s", path, strerror(errno));
    int rc = fn(f, ud) != 0 || fflush(f) != 0 ? -1 : 0;
    int saved = errno;
    if (fclose(f) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    return rc ? opf_fail(err, opf_errno_category(saved ? saved : EIO), "%s: write failed: %s", path, strerror(saved ? saved : EIO)) : 0;
}

static const char *s_node_kind(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISSOCK(m) ? "a socket" : S_ISBLK(m) ? "a block device" : "a special file";
}

int opf_file_write_atomic(const char *path, int mode, opf_write_fn *fn, void *ud, struct opf_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
            return s_write_in_place(path, fn, ud, err);
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: is %s, not a file to write: refusing to write there", path,
                        s_node_kind(st.st_mode));
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return opf_fail(err, OPF_ERR_NO_MEMORY, "%s: out of memory", path);
    snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        opf_fail(err, opf_errno_category(errno), "%s: cannot create a temporary file: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    FILE *f = fdopen(fd, "w");
    int rc = -1;
    if (!f) {
        close(fd);
        opf_fail(err, opf_errno_category(errno), "%s: %s", path, strerror(errno));
    } else if (fchmod(fd, (mode_t)mode) != 0 || fn(f, ud) != 0 || fflush(f) != 0 || fsync(fd) != 0) {
        opf_fail(err, OPF_ERR_IO, "%s: write failed: %s", path, strerror(errno ? errno : EIO));
        fclose(f);
    } else if (fclose(f) != 0) {
        opf_fail(err, OPF_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    } else if (rename(tmp, path) != 0) {
        opf_fail(err, opf_errno_category(errno), "%s: cannot replace: %s", path, strerror(errno));
    } else {
        rc = 0;
    }
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

static int s_dump(FILE *out, void *ud)
{
    if (json_dumpf((const json_t *)ud, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
        return -1;
    return fputc('\n', out) == EOF ? -1 : 0;
}

int opf_json_write_file(const json_t *doc, const char *path, int mode, struct opf_error *err)
{
    return opf_file_write_atomic(path, mode, s_dump, (void *)doc, err);
}

/* ---- validation ---- */

struct s_ctx {
    const char *name;
    struct opf_error *err;
};

static int s_bad(struct s_ctx *c, const char *path, const char *what)
{
    return opf_fail(c->err, OPF_ERR_INVALID_INPUT, "%s: %s: %s", c->name, path, what);
}

static bool s_is_account_id(const json_t *v)
{
    return opf_is_account_id(json_string_value(v));
}

static int s_need_string(struct s_ctx *c, const json_t *obj, const char *key, const char *path)
{
    char p[256];
    snprintf(p, sizeof(p), "%s.%s", path, key);
    if (!json_is_string(json_object_get(obj, key)))
        return s_bad(c, p, json_object_get(obj, key) ? "expected a string" : "missing");
    return 0;
}

static int s_item(struct s_ctx *c, const json_t *item, const char *path)
{
    if (!json_is_object(item))
        return s_bad(c, path, "an evidence item must be an object");
    if (s_need_string(c, item, "source", path) || s_need_string(c, item, "collected_at", path))
        return -1;
    const json_t *data = json_object_get(item, "data"), *error = json_object_get(item, "error");
    if (!data == !error)
        return s_bad(c, path, "an evidence item needs exactly one of \"data\" and \"error\"");
    if (error) {
        char p[256];
        snprintf(p, sizeof(p), "%s.error", path);
        if (!json_is_object(error))
            return s_bad(c, p, "expected an object");
        if (s_need_string(c, error, "code", p))
            return -1;
    }
    return 0;
}

static int s_evidence(struct s_ctx *c, const json_t *owner, const char *path)
{
    const json_t *ev = json_object_get(owner, "evidence");
    char p[384];
    snprintf(p, sizeof(p), "%s.evidence", path);
    if (!ev)
        return 0;
    if (!json_is_object(ev))
        return s_bad(c, p, "expected an object of evidence items");
    const char *key;
    const json_t *item;
    json_object_foreach((json_t *)ev, key, item) {
        char ip[512];
        snprintf(ip, sizeof(ip), "%s[\"%s\"]", p, key);
        if (s_item(c, item, ip))
            return -1;
    }
    return 0;
}

static int s_account(struct s_ctx *c, const json_t *a, const char *path)
{
    char p[256];
    if (!json_is_object(a))
        return s_bad(c, path, "expected an account object");
    snprintf(p, sizeof(p), "%s.id", path);
    if (!s_is_account_id(json_object_get(a, "id")))
        return s_bad(c, p, "expected a 12-digit account id");
    if (s_need_string(c, a, "name", path) || s_need_string(c, a, "state", path))
        return -1;
    const json_t *m = json_object_get(a, "is_management");
    snprintf(p, sizeof(p), "%s.is_management", path);
    if (m && !json_is_boolean(m))
        return s_bad(c, p, "expected true or false");
    return s_evidence(c, a, path);
}

int opf_bundle_validate_account(const json_t *account, size_t index, const char *name, struct opf_error *err)
{
    struct s_ctx c = {name, err};
    char p[64];
    snprintf(p, sizeof(p), "$.accounts[%zu]", index);
    return s_account(&c, account, p);
}

int opf_bundle_validate(const json_t *b, const char *name, struct opf_error *err)
{
    struct s_ctx c = {name, err};
    if (!json_is_object(b))
        return s_bad(&c, "$", "an evidence bundle must be a JSON object");
    const char *schema = json_string_value(json_object_get(b, "schema"));
    if (!schema)
        return s_bad(&c, "$.schema", "missing: not an orgpreflight evidence bundle");
    if (strcmp(schema, OPF_EVIDENCE_SCHEMA) != 0) {
        char msg[256];
        snprintf(msg, sizeof(msg), "unsupported version \"%.100s\", expected \"%s\"", schema, OPF_EVIDENCE_SCHEMA);
        return s_bad(&c, "$.schema", msg);
    }
    const json_t *complete = json_object_get(b, "complete");
    if (complete && !json_is_boolean(complete))
        return s_bad(&c, "$.complete", "expected true or false");
    const json_t *org = json_object_get(b, "organization");
    if (!json_is_object(org))
        return s_bad(&c, "$.organization", org ? "expected an object" : "missing");
    if (s_need_string(&c, org, "id", "$.organization"))
        return -1;
    if (!s_is_account_id(json_object_get(org, "management_account_id")))
        return s_bad(&c, "$.organization.management_account_id", "expected a 12-digit account id");
    if (s_evidence(&c, org, "$.organization"))
        return -1;
    const json_t *accounts = json_object_get(b, "accounts");
    if (!json_is_array(accounts))
        return s_bad(&c, "$.accounts", accounts ? "expected an array" : "missing");
    size_t i;
    const json_t *a;
    json_array_foreach(accounts, i, a) if (opf_bundle_validate_account(a, i, name, err)) return -1;
    static const char *const optional[] = {"operator_session", "target_organization"};
    for (size_t k = 0; k < 2; k++) {
        const json_t *s = json_object_get(b, optional[k]);
        char p[64];
        snprintf(p, sizeof(p), "$.%s", optional[k]);
        if (s && !json_is_object(s))
            return s_bad(&c, p, "expected an object");
        if (s && s_evidence(&c, s, p))
            return -1;
    }
    return 0;
}

json_t *opf_bundle_load(const char *path, struct opf_error *err)
{
    json_t *b = opf_json_load_file(path, err);
    if (b && opf_bundle_validate(b, path, err) != 0) {
        json_decref(b);
        return NULL;
    }
    return b;
}
