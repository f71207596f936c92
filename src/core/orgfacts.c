/* Organization-wide facts, computed once per audit from the bundle so that a check evaluated on each of N
 * accounts looks them up instead of walking the whole inventory again (which made the audit quadratic). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

struct opf_org_facts {
    json_t *old_ids;    /* the organization id, then each root and OU id, each once (case-insensitive) */
    json_t *accounts;   /* object: account id -> true, the management account and the inventory */
};

static const char *s_str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void s_add_id(json_t *ids, json_t *seen, const char *id)
{
    char key[128];
    size_t n = 0;
    if (!id || !*id)
        return;
    for (; id[n] && n + 1 < sizeof(key); n++)
        key[n] = (char)tolower((unsigned char)id[n]);
    key[n] = '\0';
    if (json_object_get(seen, key))
        return;
    json_object_set_new(seen, key, json_true());
    json_array_append_new(ids, json_string(id));
}

struct opf_org_facts *opf_org_facts_new(const json_t *bundle)
{
    struct opf_org_facts *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->old_ids = json_array();
    f->accounts = json_object();
    json_t *seen = json_object();
    const json_t *org = json_object_get(bundle, "organization");
    s_add_id(f->old_ids, seen, s_str(org, "id"));
    const char *mgmt = s_str(org, "management_account_id");
    if (mgmt)
        json_object_set_new(f->accounts, mgmt, json_true());
    size_t i, k;
    const json_t *acct, *level;
    json_array_foreach(json_object_get(bundle, "accounts"), i, acct) {
        const char *id = s_str(acct, "id");
        if (id)
            json_object_set_new(f->accounts, id, json_true());
        json_array_foreach(json_object_get(acct, "ou_path"), k, level) s_add_id(f->old_ids, seen, s_str(level, "id"));
    }
    json_decref(seen);
    return f;
}

void opf_org_facts_free(struct opf_org_facts *f)
{
    if (!f)
        return;
    json_decref(f->old_ids);
    json_decref(f->accounts);
    free(f);
}

const json_t *opf_org_old_ids(const struct opf_context *ctx)
{
    return ctx && ctx->org ? ctx->org->old_ids : NULL;
}

bool opf_org_has_account(const struct opf_context *ctx, const char *id)
{
    return ctx && ctx->org && id && json_object_get(ctx->org->accounts, id) != NULL;
}
