/* delegated-administrator: a delegated administrator cannot leave until it is deregistered. */
#include <string.h>

#include "common.h"

static const char *const s_needs[] = {"organizations.delegated_services", "organizations.delegated_administrators",
                                      NULL};

/* The services' principals as one comma-separated list, and as a JSON array to cite; `named` gets those that
 * have a principal (the runbook's deregister commands). */
static json_t *s_service_principals(const json_t *services, char *buf, size_t len, json_t *named)
{
    json_t *list = json_array();
    size_t i, used = 0;
    const json_t *svc;
    buf[0] = '\0';
    json_array_foreach(services, i, svc) {
        const char *p = opf_chk_str(svc, "ServicePrincipal");
        if (p && *p)
            json_array_append_new(named, json_string(p));
        if (!p)
            p = "(unnamed service)";
        json_array_append_new(list, json_string(p));
        if (used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", p);
    }
    return list;
}

/* ListDelegatedAdministrators at the organization: used only when the per-account listing is missing. */
static enum opf_status s_from_organization(const struct opf_subject *s, const struct opf_context *ctx,
                                           const struct opf_item *own, struct opf_finding *f)
{
    struct opf_subject org;
    struct opf_item item;
    if (!opf_chk_org_subject(ctx, &org) ||
        opf_evidence_get(&org, "organizations.delegated_administrators", &item) != OPF_ITEM_OK)
        return opf_chk_unreadable(s, own->key, f); /* neither listing: the per-account item's reason */
    const json_t *admins = json_object_get(item.data, "DelegatedAdministrators");
    size_t i;
    const json_t *admin;
    json_array_foreach(admins, i, admin) {
        const char *id = opf_chk_str(admin, "Id");
        if (id && s->id && strcmp(id, s->id) == 0) {
            json_t *values = json_pack("{s:s}", "Id", id);
            opf_finding_cite(f, &item, values);
            json_decref(values);
            return opf_set(f, OPF_FAIL, "the account is a delegated administrator (the services it administers "
                                        "could not be listed: %s %s)",
                           own->key, own->state == OPF_ITEM_MISSING ? "was not collected" : own->error_code);
        }
    }
    if (!json_is_array(admins))
        return opf_set(f, OPF_UNKNOWN, "evidence organizations.delegated_administrators has no list");
    json_t *values = json_pack("{s:I}", "DelegatedAdministrators", (json_int_t)json_array_size(admins));
    opf_finding_cite(f, &item, values);
    json_decref(values);
    return opf_set(f, OPF_PASS, "the account is not among the organization's %zu delegated administrators",
                   json_array_size(admins));
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_item item;
    if (opf_evidence_get(s, "organizations.delegated_services", &item) != OPF_ITEM_OK)
        return s_from_organization(s, ctx, &item, f);
    const json_t *services = json_object_get(item.data, "DelegatedServices");
    if (!json_is_array(services))
        return opf_set(f, OPF_UNKNOWN, "evidence organizations.delegated_services has no DelegatedServices list");
    char names[512];
    json_t *named = json_array();
    json_t *principals = s_service_principals(services, names, sizeof(names), named);
    opf_finding_fact(f, "services", named);
    json_t *values = json_pack("{s:o}", "DelegatedServices", principals);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    if (json_array_size(services) == 0)
        return opf_set(f, OPF_PASS, "the account is not a delegated administrator for any service");
    return opf_set(f, OPF_FAIL, "the account is the delegated administrator for %zu service%s: %s",
                   json_array_size(services), json_array_size(services) == 1 ? "" : "s", names);
}

const struct opf_check opf_check_delegated_administrator = {
    OPF_CHECK_HEADER,
    .id = "delegated-administrator",
    .title = "Account is not a delegated administrator",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_BLOCKER,
    .runbook = OPF_RUNBOOK_DEREGISTER,
    .flags = OPF_CHECK_MEMBERS_ONLY,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "AWS refuses to remove a delegated administrator from the organization "
                 "(CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG).",
    .remediation = "Move each listed service's administration to another account (or back to the management "
                   "account), then deregister this one with organizations:DeregisterDelegatedAdministrator; some "
                   "services delete their organization-wide data when the administrator is deregistered.",
};
