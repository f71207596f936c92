/*
 * The configuration's defaults (docs/config.md), written once: the loader checks documents against them, and
 * every reader of a setting falls back to them (opf_config_value), so no other file repeats a default.
 */
#include <pthread.h>
#include <string.h>

#include "core/core.h"

static const char s_defaults[] =
    "{"
    "\"migration\": {\"path\": \"leave\", \"window_minutes\": 120, \"wait_period_days\": 4,"
    "               \"target_organization_id\": null},"
    "\"access\": {\"role_name\": \"OrganizationAccountAccessRole\", \"external_id\": null,"
    "            \"session_name\": \"orgpreflight\", \"concurrency\": 8},"
    "\"identity_center\": {\"current_portal_alias\": null, \"planned_portal_alias\": null},"
    "\"dns\": {\"servers\": [], \"timeout_ms\": 3000},"
    "\"aws\": {\"connect_timeout_ms\": 3000, \"read_timeout_ms\": 30000, \"call_budget_seconds\": 300,"
    "          \"item_budget_seconds\": 1800,"
    "          \"max_answer_bytes\": 67108864, \"max_pages\": 10000, \"credential_process_timeout_seconds\": 60},"
    "\"root_email\": {\"allowed_domains\": [], \"group_addresses\": [], \"smtp_probe\": false, \"smtp_port\": 25},"
    "\"break_glass\": {\"user_pattern\": null},"
    "\"target\": {\"account_quota\": 10},"
    "\"attestations\": {\"file\": null, \"max_age_days\": 90},"
    "\"waivers\": {\"file\": null},"
    "\"gate\": {\"fail_on\": \"high\"},"
    "\"regions\": []"
    "}";

json_t *opf_config_default(void)
{
    return json_loads(s_defaults, 0, NULL);
}

static bool s_string_list(const json_t *v)
{
    size_t i;
    const json_t *e;
    if (!json_is_array(v))
        return false;
    json_array_foreach(v, i, e) if (!json_is_string(e)) return false;
    return true;
}

const char *opf_config_type_mismatch(const json_t *def, const json_t *v)
{
    if (json_is_null(def))
        return json_is_null(v) || json_is_string(v) || s_string_list(v) ? NULL : "expected a string";
    if (json_is_array(def))
        return s_string_list(v) ? NULL : "expected a list of strings";
    if (json_is_integer(def))
        return json_is_integer(v) && json_integer_value(v) >= 0 ? NULL : "expected a non-negative integer";
    if (json_is_boolean(def))
        return json_is_boolean(v) ? NULL : "expected true or false";
    if (json_is_string(def))
        return json_is_string(v) ? NULL : "expected a string";
    return json_is_object(v) ? NULL : "expected an object";
}

/* The defaults parsed once, for opf_config_value: never freed, never changed. */
static json_t *s_default_doc;
static pthread_once_t s_default_once = PTHREAD_ONCE_INIT;

static void s_default_parse(void)
{
    s_default_doc = opf_config_default();
}

/* The node at a dotted path ("migration.wait_period_days"), or NULL. */
static const json_t *s_at(const json_t *node, const char *dotted_path)
{
    char part[128];
    const char *p = dotted_path;
    while (node && *p) {
        size_t n = strcspn(p, ".");
        if (n >= sizeof(part))
            return NULL;
        memcpy(part, p, n);
        part[n] = '\0';
        node = json_object_get(node, part);
        p += n + (p[n] == '.');
    }
    return node;
}

const json_t *opf_config_value(const json_t *config, const char *dotted_path)
{
    pthread_once(&s_default_once, s_default_parse);
    const json_t *def = s_at(s_default_doc, dotted_path);
    const json_t *v = s_at(config, dotted_path);
    /* absent, or of another type than the default's (a document no loader checked): the default */
    if (!v || json_is_null(v) || (def && opf_config_type_mismatch(def, v)))
        v = def;
    return json_is_null(v) ? NULL : v;
}

