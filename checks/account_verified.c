/* account-verified: a member leaving must have completed sign-up: phone verification, customer agreement,
 * contact information and a support plan. */
#include <string.h>

#include "common.h"
#include "core/core.h"

static const char *const s_needs[] = {"organizations.account", "account.information", "account.contact_information",
                                      "attestation.phone-verified", NULL};

/* What the Account API says; fails are decided as soon as evidence shows them, the rest is recorded so a
 * pass is given only when every item was read. */
struct s_seen {
    bool information_ok;
    bool contact_ok;
    struct opf_item missing; /* the first item that could not be read */
};

/* The account's lifecycle state: GetAccountInformation's AccountState, else Organizations' State or Status
 * (ListAccounts, the same lifecycle states), which the collector reads for every account instead of calling the
 * Account API, whose quota is 3 requests per second for the whole caller. */
static enum opf_status s_account_state(const struct opf_subject *s, struct opf_finding *f, struct s_seen *seen)
{
    struct opf_item item;
    const char *state = NULL, *field = "AccountState";
    if (opf_evidence_get(s, "account.information", &item) == OPF_ITEM_OK) {
        state = opf_chk_str(item.data, "AccountState");
    } else {
        struct opf_item listed;
        const char *listed_field;
        const char *listed_state = opf_evidence_get(s, "organizations.account", &listed) == OPF_ITEM_OK
                                       ? opf_account_state(json_object_get(listed.data, "Account"), &listed_field)
                                       : NULL;
        if (!listed_state) {
            seen->missing = item;
            return OPF_PASS;
        }
        item = listed;
        state = listed_state;
        field = listed_field;
    }
    json_t *values = json_pack("{s:s?}", field, state);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    seen->information_ok = state != NULL;
    if (state && strcmp(state, "PENDING_ACTIVATION") == 0)
        return opf_set(f, OPF_FAIL, "leave path: the account is PENDING_ACTIVATION: its sign-up (phone "
                                    "verification, customer agreement) is incomplete");
    return OPF_PASS;
}

static enum opf_status s_contact(const struct opf_subject *s, struct opf_finding *f, struct s_seen *seen)
{
    struct opf_item item;
    enum opf_item_state st = opf_evidence_get(s, "account.contact_information", &item);
    if (st == OPF_ITEM_ERROR && strcmp(item.error_code, "ResourceNotFoundException") == 0) {
        opf_finding_cite(f, &item, NULL);
        return opf_set(f, OPF_FAIL, "leave path: the account has no contact information, which a standalone "
                                    "account must have");
    }
    if (st != OPF_ITEM_OK) {
        if (!seen->missing.key)
            seen->missing = item;
        return OPF_PASS;
    }
    const json_t *info = json_object_get(item.data, "ContactInformation");
    const char *phone = opf_chk_str(info, "PhoneNumber");
    /* the phone number itself is personal data: cite only whether it is there */
    json_t *values = json_pack("{s:b,s:s?}", "PhoneNumberPresent", phone && *phone, "CountryCode",
                               opf_chk_str(info, "CountryCode"));
    opf_finding_cite(f, &item, values);
    json_decref(values);
    if (!phone || !*phone)
        return opf_set(f, OPF_FAIL, "leave path: the account's contact information has no phone number, so it "
                                    "cannot be phone-verified");
    seen->contact_ok = true;
    return OPF_PASS;
}

/* Without an attestation the joined method decides: CREATED accounts never signed up; INVITED ones did when
 * they were standalone (returns PASS for them, leaving the message to the caller). */
static enum opf_status s_by_joined_method(const struct opf_subject *s, struct opf_finding *f, const char *note)
{
    switch (opf_chk_joined(s, f)) {
    case OPF_JOINED_UNREADABLE:
        return f->status;
    case OPF_JOINED_INVITED:
        return OPF_PASS;
    case OPF_JOINED_CREATED:
        return opf_set(f, OPF_FAIL, "leave path: the account was created by the organization and never went "
                                    "through sign-up (phone verification, customer agreement, support plan); "
                                    "no phone-verified attestation.%s", note);
    default:
        return opf_set(f, OPF_UNKNOWN, "leave path: no phone-verified attestation and no known JoinedMethod.%s",
                       note);
    }
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    if (s->is_management)
        return opf_set(f, OPF_PASS, "leave path: the management account completed sign-up when it was created "
                                    "and pays the organization's bill");
    if (ctx->path == OPF_PATH_DIRECT)
        return opf_set(f, OPF_SKIPPED, "direct path: a direct transfer does not make the account standalone, so "
                                       "standalone sign-up is not required");
    struct s_seen seen = {0};
    if (s_account_state(s, f, &seen) == OPF_FAIL || s_contact(s, f, &seen) == OPF_FAIL)
        return f->status;

    char note[256];
    enum opf_chk_attested attested = opf_chk_attestation(s, ctx, "phone-verified", f, note, sizeof(note));
    if (attested == OPF_ATTESTED_FALSE)
        return opf_set(f, OPF_FAIL, "leave path: the attestation says the account's phone is not verified");
    if (attested != OPF_ATTESTED_TRUE && s_by_joined_method(s, f, note) != OPF_PASS)
        return f->status;
    if (!seen.information_ok || !seen.contact_ok) {
        /* a pass needs the Account API's view too: report the first item that could not be read */
        if (!seen.missing.key)
            return opf_set(f, OPF_UNKNOWN, "leave path: account.information reports no AccountState");
        return opf_chk_unreadable(s, seen.missing.key, f);
    }
    if (attested == OPF_ATTESTED_TRUE)
        return opf_set(f, OPF_PASS, "leave path: phone verification is attested and the account is active with "
                                    "contact information");
    return opf_set(f, OPF_PASS, "leave path: the account was invited, so it was verified when it signed up as a "
                                "standalone account; it is active with contact information.%s", note);
}

const struct opf_check opf_check_account_verified = {
    OPF_CHECK_HEADER,
    .id = "account-verified",
    .title = "Account completed standalone sign-up",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_BLOCKER,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "An account that leaves must have completed sign-up (phone verification, customer agreement, "
                 "contact information, support plan); accounts created by an organization never did "
                 "(ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION, ..._WITHOUT_EULA).",
    .remediation = "Sign in to the account's root user, complete the sign-up flow (phone verification, customer "
                   "agreement, support plan), fill in contact information, then record a phone-verified "
                   "attestation.",
};
