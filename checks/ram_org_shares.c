/* ram-org-shares: resources shared with the account through the organization stop being shared when it
 * leaves, unless the share retains them. */
#include <stdio.h>
#include <string.h>

#include "common.h"

static const char *const s_needs[] = {"ram.resource_shares", NULL};

#define S_LIST_MAX 640

/* A share reaches this account through the organization when its owner is an account of the organization, or
 * when it admits no external principals (then only accounts of the owner's organization can receive it). */
static bool s_through_organization(const struct opf_context *ctx, const json_t *share)
{
    const char *owner = opf_chk_str(share, "owningAccountId");
    return opf_org_has_account(ctx, owner) || json_is_false(json_object_get(share, "allowExternalPrincipals"));
}

static bool s_retained(const json_t *share)
{
    const json_t *config = json_object_get(share, "resourceShareConfiguration");
    return json_is_true(json_object_get(config, "retainSharingOnAccountLeaveOrganization"));
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_item item;
    if (!opf_require(s, "ram.resource_shares", f, &item))
        return f->status;
    const json_t *shares = json_object_get(item.data, "ResourceShares");
    if (!json_is_array(shares))
        return opf_set(f, OPF_UNKNOWN, "evidence ram.resource_shares has no ResourceShares list");
    if (!opf_chk_all_objects(shares))
        return opf_set(f, OPF_UNKNOWN, "evidence ram.resource_shares lists an entry that is not a resource share");
    char lost[S_LIST_MAX] = "";
    size_t n_lost = 0, n_org = 0;
    json_t *cited = json_array();
    size_t i;
    const json_t *share;
    json_array_foreach(shares, i, share) {
        const char *status = opf_chk_str(share, "status");
        if ((status && strcmp(status, "ACTIVE") != 0) || !s_through_organization(ctx, share))
            continue;
        n_org++;
        const char *name = opf_chk_str(share, "name"), *owner = opf_chk_str(share, "owningAccountId");
        const char *arn = opf_chk_str(share, "resourceShareArn");
        const char *region = opf_chk_str(share, "Region");
        bool retained = s_retained(share);
        json_array_append_new(cited, json_pack("{s:s?,s:s?,s:s?,s:s?,s:b}", "resourceShareArn", arn, "name", name,
                                               "owningAccountId", owner, "Region", region,
                                               "retainSharingOnAccountLeaveOrganization", retained));
        if (retained)
            continue;
        char entry[512];
        snprintf(entry, sizeof(entry), "%s from %s in %s", name ? name : arn ? arn : "(unnamed share)",
                 owner ? owner : "an unnamed owner", region ? region : "an unnamed region");
        opf_chk_list_add(lost, sizeof(lost), entry);
        n_lost++;
    }
    char errors[512];
    size_t n_errors = opf_chk_item_errors(item.data, errors, sizeof(errors));
    json_t *values = json_pack("{s:O?,s:I,s:o,s:I}", "Regions", json_object_get(item.data, "Regions"), "ResourceShares",
                               (json_int_t)json_array_size(shares), "through_organization", cited, "errors",
                               (json_int_t)n_errors);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    if (n_lost)
        return opf_set(f, OPF_WARN, "%zu resource share%s reach%s this account through the organization and end%s "
                                    "when it leaves (retainSharingOnAccountLeaveOrganization is not set): %s%s%s",
                       n_lost, n_lost == 1 ? "" : "s", n_lost == 1 ? "es" : "", n_lost == 1 ? "s" : "", lost,
                       n_errors ? "; the listing also reported errors: " : "", n_errors ? errors : "");
    if (n_errors)
        return opf_set(f, OPF_UNKNOWN, "no resource share seen ends when the account leaves, but the listing is "
                                       "incomplete: %zu error%s: %s", n_errors, n_errors == 1 ? "" : "s", errors);
    if (n_org)
        return opf_set(f, OPF_PASS, "the %zu resource share%s reaching this account through the organization "
                                    "retain%s it after it leaves", n_org, n_org == 1 ? "" : "s", n_org == 1 ? "s" : "");
    return opf_set(f, OPF_PASS, "no resource is shared with this account through the organization (%zu share%s "
                                "from other accounts)", json_array_size(shares), json_array_size(shares) == 1 ? "" : "s");
}

const struct opf_check opf_check_ram_org_shares = {
    OPF_CHECK_HEADER,
    .id = "ram-org-shares",
    .title = "Organization resource shares survive the move",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_MEDIUM,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "Resources shared through AWS RAM with the organization or one of its OUs stop being shared with "
                 "an account when it leaves, unless the share retains access for accounts that leave.",
    .remediation = "Ask each share's owner to enable retainSharingOnAccountLeaveOrganization on the share, or to "
                   "share the resources with this account's id directly (allowing external principals), before "
                   "the account leaves; otherwise recreate the shares in the new organization.",
};
