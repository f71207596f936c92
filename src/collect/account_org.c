/*
 * An account's Organizations evidence (its ListAccounts entry, its parents, the SCPs along its path, the services
 * it administers) and its record's ou_path, from the organization-wide reads of discover.c and tree.c.
 */
#include <string.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "collect/collect_internal.h"

/* Only the accounts ListDelegatedAdministrators names are asked which services they administer: for the others
 * the answer is documented to be AccountNotRegisteredException, recorded as an empty list. */
static void s_delegated_services(struct opf_collect *k, const char *id, json_t *ev)
{
    if (k->delegated && !json_object_get(k->delegated, id)) {
        opf_collect_item(ev, "organizations.delegated_services", "organizations:ListDelegatedAdministrators",
                         json_pack("{s:[]}", "DelegatedServices"), NULL);
        return;
    }
    struct opf_aws_error err = {0};
    json_t *in = json_pack("{s:s}", "AccountId", id);
    json_t *r = opf_collect_call(k, k->mgmt, "organizations", "ListDelegatedServicesForAccount", in, OPF_AWS_PAGINATE, &err);
    json_decref(in);
    if (!r && strcmp(err.code, "AccountNotRegisteredException") == 0)
        r = json_pack("{s:[]}", "DelegatedServices"); /* documented meaning: not a delegated administrator */
    opf_collect_item(ev, "organizations.delegated_services", "organizations:ListDelegatedServicesForAccount", r, &err);
}

/* The string member of a ListAccounts entry that held a NUL character (the client shows it as U+FFFD). */
static const char *s_nul_member(const json_t *listed)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)listed, key, v) if (json_is_string(v) && strstr(json_string_value(v), "\xef\xbf\xbd")) return key;
    return NULL;
}
void opf_collect_account_organizations(struct opf_collect *k, json_t *record, const json_t *listed)
{
    json_t *ev = json_object_get(record, "evidence");
    const char *id = json_string_value(json_object_get(record, "id"));
    struct opf_aws_error err = {0};
    const char *bad = s_nul_member(listed);
    if (bad) /* the loader refuses a NUL in a bundle: this account's listing is not evidence, the others' are */
        opf_aws_error_set(&err, "MalformedResponse", "organizations:ListAccounts gave this account a %s with a NUL character", bad);
    opf_collect_item(ev, "organizations.account", "organizations:ListAccounts",
                     bad ? NULL : json_pack("{s:O}", "Account", listed), &err);

    json_t *path = opf_collect_ou_path(k, id, &err);
    if (path) {
        json_t *ou_path = json_array();
        size_t i;
        json_t *p;
        json_array_foreach(path, i, p) json_array_append_new(ou_path, json_pack("{s:O, s:O, s:O}", "id", json_object_get(p, "Id"),
                                                                                "name", json_object_get(p, "Name"), "type",
                                                                                json_object_get(p, "Type")));
        json_object_set_new(record, "ou_path", ou_path);
    }
    if (opf_collect_want(k, "organizations.parents"))
        opf_collect_item(ev, "organizations.parents",
                         "organizations:ListOrganizationalUnitsForParent+organizations:ListAccountsForParent",
                         path ? json_pack("{s:O}", "Parents", path) : NULL, &err);
    if (opf_collect_want(k, "organizations.service_control_policies")) {
        json_t *targets = path ? json_array() : NULL;
        size_t i;
        json_t *p;
        json_array_foreach(path, i, p) {
            json_t *pol = opf_collect_scps_of(k, json_string_value(json_object_get(p, "Id")), &err);
            if (!pol) {
                json_decref(targets);
                targets = NULL;
                break;
            }
            json_array_append_new(targets, json_pack("{s:O, s:o}", "TargetId", json_object_get(p, "Id"), "Policies", pol));
        }
        json_t *own = targets ? opf_collect_scps_of(k, id, &err) : NULL;
        if (own)
            json_array_append_new(targets, json_pack("{s:s, s:o}", "TargetId", id, "Policies", own));
        else if (targets)
            json_decref(targets), targets = NULL;
        opf_collect_item(ev, "organizations.service_control_policies",
                         "organizations:ListPolicies+organizations:ListTargetsForPolicy+organizations:DescribePolicy",
                         targets ? json_pack("{s:o}", "Targets", targets) : NULL, &err);
    }
    json_decref(path);
    if (opf_collect_want(k, "organizations.delegated_services"))
        s_delegated_services(k, id, ev);
}
