/* identity-center-assignments: the permission sets assigned in the account, to recreate in the new organization
 * before users lose them. */
#include <stdio.h>
#include <string.h>

#include "common.h"

static const char *const s_needs[] = {"sso_admin.account_assignments", "sso_admin.instances", NULL};

#define S_LIST_MAX 640

/* Without the assignments listing: when the old organization has no Identity Center instance, nothing is
 * assigned; otherwise unknown with the listing's reason. */
static enum opf_status s_without_listing(const struct opf_subject *s, const struct opf_context *ctx,
                                         struct opf_finding *f)
{
    struct opf_subject org;
    struct opf_item instances;
    if (opf_chk_org_subject(ctx, &org) && opf_evidence_get(&org, "sso_admin.instances", &instances) == OPF_ITEM_OK &&
        json_is_array(json_object_get(instances.data, "Instances")) &&
        json_array_size(json_object_get(instances.data, "Instances")) == 0) {
        opf_finding_cite(f, &instances, instances.data);
        return opf_set(f, OPF_SKIPPED, "the old organization has no Identity Center instance, so nothing is "
                                       "assigned in this account");
    }
    return opf_chk_unreadable(s, "sso_admin.account_assignments", f);
}

/* "AdministratorAccess (2 groups, 1 user)" */
static void s_describe(const json_t *set, const size_t counts[3], char *buf, size_t len)
{
    static const char *const nouns[3][2] = {{"group", "groups"}, {"user", "users"}, {"other", "others"}};
    const char *name = opf_chk_str(set, "Name");
    if (!name)
        name = opf_chk_str(set, "PermissionSetArn");
    char list[96] = "";
    for (size_t i = 0; i < 3; i++) {
        char part[48];
        if (!counts[i])
            continue;
        snprintf(part, sizeof(part), "%zu %s", counts[i], nouns[i][counts[i] != 1]);
        opf_chk_list_add(list, sizeof(list), part);
    }
    snprintf(buf, len, "%s (%s)", name ? name : "(unnamed permission set)", list);
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_item item;
    if (opf_evidence_get(s, "sso_admin.account_assignments", &item) != OPF_ITEM_OK)
        return s_without_listing(s, ctx, f);
    const json_t *sets = json_object_get(item.data, "PermissionSets");
    if (!json_is_array(sets))
        return opf_set(f, OPF_UNKNOWN, "evidence sso_admin.account_assignments has no PermissionSets list");
    size_t i, k;
    const json_t *set, *a;
    json_array_foreach(sets, i, set) {
        const json_t *assignments = json_object_get(set, "AccountAssignments");
        if (!json_is_object(set) || (assignments && !opf_chk_all_objects(assignments)))
            return opf_set(f, OPF_UNKNOWN, "evidence sso_admin.account_assignments lists a permission set or an "
                                           "assignment that cannot be read");
    }
    char listing[S_LIST_MAX] = "";
    size_t n_assignments = 0;
    json_t *cited = json_array();
    json_array_foreach(sets, i, set) {
        size_t counts[3] = {0, 0, 0}; /* groups, users, other principals */
        const json_t *assignments = json_object_get(set, "AccountAssignments");
        json_array_foreach(assignments, k, a) {
            const char *type = opf_chk_str(a, "PrincipalType");
            counts[type && strcmp(type, "GROUP") == 0 ? 0 : type && strcmp(type, "USER") == 0 ? 1 : 2]++;
        }
        /* principal ids are cited: they are what recreating the assignments needs */
        json_array_append_new(cited, json_pack("{s:s?,s:s?,s:O?}", "Name", opf_chk_str(set, "Name"),
                                               "PermissionSetArn", opf_chk_str(set, "PermissionSetArn"),
                                               "AccountAssignments", assignments));
        size_t n = counts[0] + counts[1] + counts[2];
        if (n == 0)
            continue;
        char entry[256];
        s_describe(set, counts, entry, sizeof(entry));
        opf_chk_list_add(listing, sizeof(listing), entry);
        n_assignments += n;
    }
    json_t *values = json_pack("{s:s?,s:o}", "InstanceArn", opf_chk_str(item.data, "InstanceArn"), "PermissionSets",
                               cited);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    if (n_assignments)
        return opf_set(f, OPF_WARN, "%zu Identity Center assignment%s end%s when the account leaves; recreate "
                                    "%s in the new organization first: %s",
                       n_assignments, n_assignments == 1 ? "" : "s", n_assignments == 1 ? "s" : "",
                       n_assignments == 1 ? "it" : "them", listing);
    return opf_set(f, OPF_PASS, "no Identity Center user or group is assigned in this account (%zu permission set%s "
                                "provisioned)", json_array_size(sets), json_array_size(sets) == 1 ? "" : "s");
}

const struct opf_check opf_check_identity_center_assignments = {
    OPF_CHECK_HEADER,
    .id = "identity-center-assignments",
    .title = "Identity Center assignments to recreate",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_INFO,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "Identity Center assignments belong to the old organization's instance: they end when the "
                 "account leaves, and its users lose their way in unless the new organization assigns them again.",
    .remediation = "Recreate the listed permission sets in the new organization's Identity Center and assign them "
                   "to the same groups and users (matched by name in the new identity store) before the move; "
                   "export the listing from the JSON report.",
};
