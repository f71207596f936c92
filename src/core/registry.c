/* The check registry: the checks checks/registry.c adds (the built-in catalogue) plus modules loaded with
 * --plugin. A check whose needs name an evidence key no provider gives (src/collect/providers.c) is refused. */
#include <dlfcn.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/providers.h"
#include "core/core.h"

struct opf_registry {
    const struct opf_check **checks;
    size_t count, cap;
    void **handles;
    size_t nhandles;
    struct opf_check **copies;       /* the modules' checks as this build reads them, one array per module */
};

int opf_registry_add(struct opf_registry *r, const struct opf_check *c, const char *origin, struct opf_error *err)
{
    if (c->abi != OPF_CHECK_ABI)
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: check ABI %u, this orgpreflight needs ABI %u: rebuild the module",
                        origin, c->abi, OPF_CHECK_ABI);
    if (!c->id || !*c->id || !c->evaluate || !c->title)
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: a check lacks an id, a title or an evaluate function", origin);
    if ((unsigned)c->subject >= OPF_SUBJECT_KIND_COUNT || (unsigned)c->severity >= OPF_SEVERITY_COUNT ||
        (unsigned)c->runbook >= OPF_RUNBOOK_PLACEMENT_COUNT)
        return opf_fail(err, OPF_ERR_INVALID_INPUT,
                        "%s: check %s has an invalid subject kind, severity or runbook placement", origin, c->id);
    if (opf_registry_find(r, c->id))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: check id %s is already registered", origin, c->id);
    for (const char *const *key = c->needs; key && *key; key++)
        if (!opf_provider_find(*key))
            return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: check %s needs the evidence key %s, which no provider "
                            "gives (docs/evidence.md)", origin, c->id, *key);
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        const struct opf_check **n = realloc(r->checks, cap * sizeof(*n));
        if (!n)
            return opf_fail(err, OPF_ERR_NO_MEMORY, "out of memory");
        r->checks = n;
        r->cap = cap;
    }
    r->checks[r->count++] = c;
    return 0;
}

struct opf_registry *opf_registry_empty(void)
{
    return calloc(1, sizeof(struct opf_registry));
}

void opf_registry_free(struct opf_registry *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nhandles; i++) {
        dlclose(r->handles[i]);
        free(r->copies[i]);
    }
    free(r->handles);
    free(r->copies);
    free(r->checks);
    free(r);
}

/* Code others could replace is refused, as ssh refuses loose key files: a module writable by anyone, owned
 * by another user (not root), or in a folder (or above) where anyone may rename entries. */
static int s_plugin_trusted(const char *path, struct opf_error *err)
{
    char real[PATH_MAX];
    struct stat st;
    if (!realpath(path, real) || stat(real, &st) != 0)
        return opf_fail(err, opf_errno_category(errno), "%s: cannot load plugin: %s", path, strerror(errno));
    if (st.st_mode & S_IWOTH)
        return opf_fail(err, OPF_ERR_PERMISSION, "%s: refusing a world-writable plugin (chmod o-w)", path);
    if (st.st_uid != 0 && st.st_uid != geteuid())
        return opf_fail(err, OPF_ERR_PERMISSION, "%s: refusing a plugin owned by uid %u, neither root nor this user", path,
                        (unsigned)st.st_uid);
    for (char *dir = dirname(real);; dir = dirname(dir)) {
        if (stat(dir, &st) != 0)
            return opf_fail(err, opf_errno_category(errno), "%s: cannot check %s: %s", path, dir, strerror(errno));
        if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
            return opf_fail(err, OPF_ERR_PERMISSION, "%s: refusing a plugin under %s, world-writable without the sticky bit",
                            path, dir);
        if (strcmp(dir, "/") == 0 || strcmp(dir, ".") == 0)
            return 0;
    }
}

/* A module's checks as this build reads them. The ABI major must match; struct opf_check only grows at its end,
 * so a module built against an older header (a smaller size) loads with the fields it lacks zero, and one built
 * against a newer header is refused rather than partly understood. */
static struct opf_check *s_plugin_checks(const struct opf_check *const *list, const char *path, size_t *n,
                                         struct opf_error *err)
{
    static const size_t required = offsetof(struct opf_check, evaluate) + sizeof(opf_evaluate_fn *);
    for (*n = 0; list && list[*n]; (*n)++) {
        const struct opf_check *c = list[*n];
        if (c->abi != OPF_CHECK_ABI) {
            opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: check ABI %u, this orgpreflight needs ABI %u: rebuild the module",
                     path, c->abi, OPF_CHECK_ABI);
            return NULL;
        }
        if (c->size < required || c->size > sizeof(struct opf_check)) {
            opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: a check of %u bytes, this orgpreflight reads %zu to %zu: %s", path,
                     c->size, required, sizeof(struct opf_check),
                     c->size < required ? "rebuild the module" : "the module needs a newer orgpreflight");
            return NULL;
        }
    }
    struct opf_check *copies = calloc(*n ? *n : 1, sizeof(*copies));
    if (!copies) {
        opf_fail(err, OPF_ERR_NO_MEMORY, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < *n; i++)
        memcpy(&copies[i], list[i], list[i]->size);
    return copies;
}

int opf_registry_load_plugin(struct opf_registry *r, const char *path, struct opf_error *err)
{
    if (s_plugin_trusted(path, err) != 0)
        return -1;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: cannot load plugin: %s", path, dlerror());
    opf_plugin_checks_fn *entry;
    *(void **)&entry = dlsym(h, OPF_PLUGIN_SYMBOL);
    if (!entry) {
        dlclose(h);
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: not an orgpreflight plugin: no symbol %s", path, OPF_PLUGIN_SYMBOL);
    }
    size_t n, before = r->count;
    struct opf_check *copies = s_plugin_checks(entry(), path, &n, err);
    if (!copies) {
        dlclose(h);
        return -1;
    }
    void **handles = realloc(r->handles, (r->nhandles + 1) * sizeof(*handles));
    if (handles)
        r->handles = handles;
    struct opf_check **all = handles ? realloc(r->copies, (r->nhandles + 1) * sizeof(*all)) : NULL;
    if (all)
        r->copies = all;
    if (!all)
        opf_fail(err, OPF_ERR_NO_MEMORY, "out of memory");
    for (size_t i = 0; all && i < n; i++)
        if (opf_registry_add(r, &copies[i], path, err) != 0)
            all = NULL;
    if (!all) {
        r->count = before; /* all or nothing: a refused module adds no check */
        free(copies);
        dlclose(h);
        return -1;
    }
    r->copies[r->nhandles] = copies;
    r->handles[r->nhandles++] = h;
    return 0;
}

size_t opf_registry_count(const struct opf_registry *r)
{
    return r->count;
}

const struct opf_check *opf_registry_at(const struct opf_registry *r, size_t i)
{
    return i < r->count ? r->checks[i] : NULL;
}

const struct opf_check *opf_registry_find(const struct opf_registry *r, const char *id)
{
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->checks[i]->id, id) == 0)
            return r->checks[i];
    return NULL;
}
