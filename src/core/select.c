/*
 * Account selection (--accounts, --ou, --exclude-accounts): the same rule for a live collection, which
 * selects from ListAccounts, and for a saved bundle, which selects from its account records. A selection
 * that names an account the organization does not have, or that selects nothing, is a usage error: an
 * audit of nothing must never read as "ready".
 */
#include <string.h>

#include "core/core.h"

bool opf_selection_any(const struct opf_selection *s)
{
    return (s->accounts && *s->accounts) || (s->ou && *s->ou) || (s->exclude_accounts && *s->exclude_accounts);
}

bool opf_selection_match(const struct opf_selection *s, const char *id, const json_t *ou_ids)
{
    if (s->accounts && *s->accounts && !opf_list_contains(s->accounts, id))
        return false;
    if (s->exclude_accounts && opf_list_contains(s->exclude_accounts, id))
        return false;
    if (!s->ou || !*s->ou)
        return true;
    size_t i;
    const json_t *ou;
    json_array_foreach(ou_ids, i, ou) if (json_is_string(ou) && strcmp(json_string_value(ou), s->ou) == 0) return true;
    return false;
}

static bool s_has(const json_t *ids, const char *id, size_t n)
{
    size_t i;
    const json_t *v;
    json_array_foreach(ids, i, v) {
        const char *s = json_string_value(v);
        if (s && strlen(s) == n && strncmp(s, id, n) == 0)
            return true;
    }
    return false;
}

int opf_selection_check(const struct opf_selection *s, const json_t *inventory_ids, size_t selected,
                        const char *where, struct opf_error *err)
{
    for (const char *p = s->accounts; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n && !s_has(inventory_ids, p, n))
            return opf_fail(err, OPF_ERR_USAGE, "--accounts: %.*s is not an account of %s", (int)n, p, where);
        p += n + (p[n] == ',');
    }
    if (selected > 0)
        return 0;
    if (s->ou && *s->ou)
        return opf_fail(err, OPF_ERR_USAGE, "--ou %s: no account of %s is in that OU%s", s->ou, where,
                        s->accounts || s->exclude_accounts ? " among the accounts selected" : "");
    if (opf_selection_any(s))
        return opf_fail(err, OPF_ERR_USAGE, "--accounts/--exclude-accounts select no account of %s", where);
    return opf_fail(err, OPF_ERR_USAGE, "%s holds no account to audit", where);
}

/* The selection as recorded in a bundle ("selection": {...}). */
static json_t *s_record(const struct opf_selection *s)
{
    json_t *out = json_object();
    const char *const flags[][2] = {
        {"accounts", s->accounts}, {"ou", s->ou}, {"exclude_accounts", s->exclude_accounts}};
    for (size_t i = 0; i < 3; i++)
        if (flags[i][1] && *flags[i][1])
            json_object_set_new(out, flags[i][0], json_string(flags[i][1]));
    return out;
}

void opf_selection_record(json_t *bundle, const struct opf_selection *s)
{
    if (opf_selection_any(s))
        json_object_set_new(bundle, "selection", s_record(s));
}

int opf_bundle_select(json_t *bundle, const struct opf_selection *s, const char *name, struct opf_error *err)
{
    json_t *accounts = json_object_get(bundle, "accounts");
    json_t *ids = json_array(), *kept = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(accounts, i, a) {
        const char *id = json_string_value(json_object_get(a, "id"));
        json_t *ou_ids = json_array();
        size_t k;
        const json_t *p;
        json_array_foreach(json_object_get(a, "ou_path"), k, p) json_array_append(ou_ids, json_object_get(p, "id"));
        if (id)
            json_array_append_new(ids, json_string(id));
        if (id && opf_selection_match(s, id, ou_ids))
            json_array_append(kept, a);
        json_decref(ou_ids);
    }
    char where[512];
    snprintf(where, sizeof(where), "the evidence bundle %s", name);
    int rc = opf_selection_check(s, ids, json_array_size(kept), where, err);
    if (rc == 0 && opf_selection_any(s)) {
        json_object_set(bundle, "accounts", kept);
        opf_selection_record(bundle, s);
    }
    json_decref(ids);
    json_decref(kept);
    return rc;
}
