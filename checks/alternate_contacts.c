/* alternate-contacts: a standalone account needs its own security, billing and operations contacts. */
#include <stdio.h>
#include <string.h>

#include "common.h"

static const char *const s_needs[] = {"account.alternate_contacts", NULL};

static const char *const s_types[] = {"SECURITY", "BILLING", "OPERATIONS", NULL};

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_item item;
    if (!opf_require(s, "account.alternate_contacts", f, &item))
        return f->status;
    const json_t *contacts = json_object_get(item.data, "AlternateContacts");
    if (!json_is_object(contacts))
        return opf_set(f, OPF_UNKNOWN, "evidence account.alternate_contacts has no AlternateContacts object");
    char missing[64] = "", unread[64] = "";
    json_t *set = json_object();
    for (const char *const *t = s_types; *t; t++) {
        const json_t *c = json_object_get(contacts, *t);
        if (json_is_object(c) || json_is_null(c)) /* null: ResourceNotFoundException, not set */
            json_object_set_new(set, *t, json_boolean(json_is_object(c)));
        if (json_is_null(c))
            opf_chk_list_add(missing, sizeof(missing), *t);
        else if (!json_is_object(c))
            opf_chk_list_add(unread, sizeof(unread), *t);
    }
    /* contact details are personal data: only whether each type is set is cited */
    opf_finding_cite(f, &item, set);
    json_decref(set);
    if (missing[0])
        return opf_set(f, OPF_WARN, "no %s alternate contact is set: once standalone, AWS sends those notices to "
                                    "the root address only", missing);
    if (unread[0])
        return opf_set(f, OPF_UNKNOWN, "account.alternate_contacts does not say whether the %s contact is set",
                       unread);
    return opf_set(f, OPF_PASS, "the security, billing and operations contacts are set");
}

const struct opf_check opf_check_alternate_contacts = {
    OPF_CHECK_HEADER,
    .id = "alternate-contacts",
    .title = "Alternate contacts are set",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_LOW,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "Security, billing and operations notices go to the alternate contacts; without them a "
                 "standalone account's only contact is its root address.",
    .remediation = "Set the missing contacts with aws account put-alternate-contact (from the management account "
                   "with --account-id while it still can, or inside the account) to team addresses that are read.",
};
