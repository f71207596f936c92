/* sso-alias-conflict: the new organization's access-portal alias must not be one the old organization holds. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common.h"

static const char *const s_needs[] = {"sso_admin.instances", "local.sso_start_urls", NULL};

/* "https://ALIAS.awsapps.com/start..." → ALIAS; false for any other URL. */
static bool s_alias_of_url(const char *url, char *alias, size_t len)
{
    const char *p = url;
    if (strncasecmp(p, "https://", 8) == 0)
        p += 8;
    else if (strncasecmp(p, "http://", 7) == 0)
        p += 7;
    size_t n = strcspn(p, ".");
    if (n == 0 || n >= len || strncasecmp(p + n, ".awsapps.com", 12) != 0 ||
        (p[n + 12] != '\0' && p[n + 12] != '/' && p[n + 12] != ':'))
        return false;
    for (size_t i = 0; i < n; i++)
        alias[i] = (char)tolower((unsigned char)p[i]);
    alias[n] = '\0';
    return true;
}

/* An alias as compared: lower case, and the ALIAS of a start URL given instead of the alias; false when empty
 * or too long. */
static bool s_normalise(const char *alias, char *out, size_t len)
{
    if (s_alias_of_url(alias, out, len))
        return true;
    size_t n = strlen(alias);
    if (n == 0 || n >= len)
        return false;
    for (size_t i = 0; i <= n; i++)
        out[i] = (char)tolower((unsigned char)alias[i]);
    return true;
}

/* Adds an alias (with where it was seen) to the in-use map, first sighting wins. */
static void s_add(json_t *in_use, const char *alias, const char *where)
{
    char lower[128];
    if (s_normalise(alias, lower, sizeof(lower)) && !json_object_get(in_use, lower))
        json_object_set_new(in_use, lower, json_string(where));
}

/* Every alias the old organization holds: the configured current alias(es), the aliases of the operator's
 * sso_start_url values, and each instance's default d-… alias (its identity store id). */
static json_t *s_aliases_in_use(const struct opf_subject *s, const struct opf_context *ctx, const json_t *instances,
                                struct opf_finding *f)
{
    json_t *in_use = json_object();
    const json_t *current = opf_config_get(ctx, "identity_center.current_portal_alias");
    if (json_is_string(current))
        s_add(in_use, json_string_value(current), "identity_center.current_portal_alias");
    size_t i;
    const json_t *v;
    json_array_foreach(current, i, v) {
        if (json_is_string(v))
            s_add(in_use, json_string_value(v), "identity_center.current_portal_alias");
    }
    struct opf_item urls;
    if (opf_evidence_get(s, "local.sso_start_urls", &urls) == OPF_ITEM_OK) {
        json_t *seen = json_array();
        json_array_foreach(json_object_get(urls.data, "start_urls"), i, v) {
            char alias[128];
            const char *url = opf_chk_str(v, "url");
            if (url && s_alias_of_url(url, alias, sizeof(alias))) {
                s_add(in_use, alias, "sso_start_url in the AWS config");
                json_array_append_new(seen, json_string(url));
            }
        }
        json_t *values = json_pack("{s:o}", "start_urls", seen);
        opf_finding_cite(f, &urls, values);
        json_decref(values);
    }
    json_array_foreach(instances, i, v) {
        const char *store = opf_chk_str(v, "IdentityStoreId");
        if (store)
            s_add(in_use, store, "the instance's default portal alias");
    }
    return in_use;
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_item item;
    if (!opf_require(s, "sso_admin.instances", f, &item))
        return f->status;
    const json_t *instances = json_object_get(item.data, "Instances");
    if (!json_is_array(instances))
        return opf_set(f, OPF_UNKNOWN, "evidence sso_admin.instances has no Instances list");
    json_t *arns = json_array(), *defaults = json_array();
    size_t i;
    const json_t *inst;
    json_array_foreach(instances, i, inst) {
        const char *store = opf_chk_str(inst, "IdentityStoreId");
        if (store && *store)
            json_array_append_new(defaults, json_string(store));
        json_array_append_new(arns, json_pack("{s:s?,s:s?,s:s?}", "InstanceArn", opf_chk_str(inst, "InstanceArn"),
                                              "IdentityStoreId", opf_chk_str(inst, "IdentityStoreId"), "Status",
                                              opf_chk_str(inst, "Status")));
    }
    json_t *values = json_pack("{s:o}", "Instances", arns);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    const char *planned = json_string_value(opf_config_get(ctx, "identity_center.planned_portal_alias"));
    /* the instances' default d-… aliases stay with the old organization: the runbook lists them */
    opf_finding_fact(f, "default_aliases", defaults);
    if (planned && *planned)
        opf_finding_fact(f, "alias", json_string(planned));
    json_t *in_use = s_aliases_in_use(s, ctx, instances, f);
    enum opf_status st;
    char lower[128] = "";
    const char *where = planned && s_normalise(planned, lower, sizeof(lower))
                            ? json_string_value(json_object_get(in_use, lower)) : NULL;
    /* a deleted instance leaves its alias behind: only an alias nobody recorded is free of that question */
    if (json_array_size(instances) == 0 && !where)
        st = opf_set(f, OPF_SKIPPED, "the old organization has no Identity Center instance and no recorded portal "
                                     "alias equals the planned one");
    else if (!planned || !*planned)
        st = opf_set(f, OPF_WARN, "the old organization runs Identity Center but no new portal alias is planned "
                                  "(identity_center.planned_portal_alias): plan the new portal before users lose "
                                  "the old one");
    else if (where)
        st = opf_set(f, OPF_FAIL, "the planned portal alias \"%s\" is still held by the old organization (%s): "
                                  "an alias is not released when its organization is deleted and cannot be moved",
                     planned, where);
    else
        st = opf_set(f, OPF_PASS, "the planned portal alias \"%s\" differs from the %zu alias%s the old "
                                  "organization holds", planned, json_object_size(in_use),
                     json_object_size(in_use) == 1 ? "" : "es");
    json_decref(in_use);
    return st;
}

const struct opf_check opf_check_sso_alias_conflict = {
    OPF_CHECK_HEADER,
    .id = "sso-alias-conflict",
    .title = "New access-portal alias is free",
    .subject = OPF_SUBJECT_ORGANIZATION,
    .severity = OPF_SEV_MEDIUM,
    .runbook = OPF_RUNBOOK_PORTAL_ALIAS,
    .flags = OPF_CHECK_HOLDS_MANAGEMENT, /* it blocks the deletion, not the members */
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "An Identity Center portal alias stays with the organization that claimed it, even after that "
                 "organization is deleted; the new organization cannot reuse it.",
    .remediation = "Choose a different alias for the new organization's access portal, claim it in the new "
                   "organization before the old one is deleted, and tell users the new start URL.",
};
