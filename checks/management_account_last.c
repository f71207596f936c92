/* management-account-last: the management account moves only after every member left and the organization
 * is deleted. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "core/core.h"

static const char *const s_needs[] = {"organizations.organization", "organizations.accounts", NULL};

/* Appends "name (id)" whole to a bounded list. */
static void s_append(char *buf, size_t len, const char *name, const char *id)
{
    char entry[256];
    snprintf(entry, sizeof(entry), "%s (%s)", name ? name : "?", id ? id : "?");
    opf_chk_list_add(buf, len, entry);
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_item item;
    if (!opf_require(s, "organizations.organization", f, &item))
        return f->status;
    const char *mgmt = opf_chk_str(json_object_get(item.data, "Organization"), "MasterAccountId");
    if (!mgmt)
        return opf_set(f, OPF_UNKNOWN, "organizations.organization has no MasterAccountId");
    /* the organization's complete inventory (ListAccounts), not the accounts selected for this audit */
    struct opf_item inv;
    if (!opf_require(s, "organizations.accounts", f, &inv))
        return f->status;
    const json_t *accounts = json_object_get(inv.data, "Accounts");
    if (!json_is_array(accounts))
        return opf_set(f, OPF_UNKNOWN, "organizations.accounts has no Accounts list");
    char members[640] = "", blocking[640] = "";
    json_t *to_go = json_array();
    size_t i, n_blocking = 0;
    bool has_mgmt = false, malformed = false;
    const json_t *acct;
    json_array_foreach(accounts, i, acct) {
        const char *id = opf_chk_str(acct, "Id"), *name = opf_chk_str(acct, "Name");
        const char *state = opf_account_state(acct, NULL);
        malformed |= !id;
        if (id && strcmp(id, mgmt) == 0) {
            has_mgmt = true;
            continue;
        }
        json_array_append_new(to_go, json_pack("{s:s?,s:s?,s:s?}", "id", id, "name", name, "state", state));
        if (!state || strcmp(state, "ACTIVE") != 0) {
            s_append(blocking, sizeof(blocking), name, id);
            n_blocking++;
        } else {
            s_append(members, sizeof(members), name, id);
        }
    }
    size_t n = json_array_size(to_go);
    json_t *values = json_pack("{s:s}", "MasterAccountId", mgmt);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    values = json_pack("{s:I,s:o}", "accounts", (json_int_t)json_array_size(accounts), "members", to_go);
    opf_finding_cite(f, &inv, values);
    json_decref(values);
    if (malformed || !has_mgmt)
        return opf_set(f, OPF_UNKNOWN, "the account inventory (organizations.accounts) %s, so the members still to "
                                       "go are unknown", malformed ? "has an entry without an Id"
                                                                   : "does not list the management account");
    if (n_blocking)
        return opf_set(f, OPF_FAIL, "leave path for the management account: %zu member%s cannot leave (%s): a "
                                    "closed or suspended member keeps the organization from being deleted for up "
                                    "to 90 days, so the management account cannot move until then",
                       n_blocking, n_blocking == 1 ? "" : "s", blocking);
    if (n)
        return opf_set(f, OPF_WARN, "leave path for the management account: move it last; %zu member%s still to "
                                    "go before the organization can be deleted: %s", n, n == 1 ? "" : "s", members);
    return opf_set(f, OPF_PASS, "leave path for the management account: no members remain; delete the "
                                "organization, then accept the new invitation");
}

const struct opf_check opf_check_management_account_last = {
    OPF_CHECK_HEADER,
    .id = "management-account-last",
    .title = "Management account moves last",
    .subject = OPF_SUBJECT_ORGANIZATION,
    .severity = OPF_SEV_BLOCKER,
    .runbook = OPF_RUNBOOK_ORG_DELETION,
    .flags = OPF_CHECK_HOLDS_MANAGEMENT, /* it blocks the deletion, not the members */
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "The management account cannot leave: it must remove every member and delete the organization "
                 "first, and closed or suspended members block that deletion for up to 90 days.",
    .remediation = "Move every member first; close unwanted members early (their 90-day suspension must end "
                   "before the organization can be deleted); delete the organization last.",
};
