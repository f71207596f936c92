/* account-state: only an ACTIVE account can leave, be invited or be transferred. */
#include <string.h>

#include "common.h"
#include "core/core.h"

static const char *const s_needs[] = {"organizations.account", NULL};

/* Why each non-active state stops the move. */
static const char *s_state_reason(const char *state)
{
    if (strcmp(state, "SUSPENDED") == 0 || strcmp(state, "PENDING_CLOSURE") == 0)
        return "a closed or suspended account cannot be migrated, and it keeps the old organization from being "
               "deleted for up to 90 days after closure";
    if (strcmp(state, "CLOSED") == 0)
        return "a closed account cannot be migrated";
    if (strcmp(state, "PENDING_ACTIVATION") == 0)
        return "the account's sign-up or activation is incomplete, so it cannot operate standalone or accept "
               "an invitation";
    return NULL;
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_item item;
    const json_t *account = opf_chk_account(s, f, &item);
    if (!account)
        return f->status;
    const char *field;
    const char *state = opf_account_state(account, &field);
    json_t *values = json_pack("{s:s?}", field, state);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    if (!state)
        return opf_set(f, OPF_UNKNOWN, "organizations.account reports no State for the account");
    opf_finding_fact(f, "state", json_string(state));
    opf_finding_fact(f, "can_move", json_boolean(strcmp(state, "ACTIVE") == 0));
    if (strcmp(state, "ACTIVE") == 0)
        return opf_set(f, OPF_PASS, "the account is ACTIVE");
    const char *reason = s_state_reason(state);
    if (!reason)
        return opf_set(f, OPF_UNKNOWN, "the account's state %s is not one this tool knows", state);
    return opf_set(f, OPF_FAIL, "the account is %s: %s", state, reason);
}

const struct opf_check opf_check_account_state = {
    OPF_CHECK_HEADER,
    .id = "account-state",
    .title = "Account is active",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_BLOCKER,
    .runbook = OPF_RUNBOOK_UNMOVABLE,
    .flags = OPF_CHECK_ANY_STATE,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "Only ACTIVE accounts can leave, be invited or be transferred; suspended and closing accounts "
                 "also keep the old organization from being deleted for up to 90 days.",
    .remediation = "Finish activation of PENDING_ACTIVATION accounts; for suspended or closing accounts, reopen "
                   "them through AWS Support or wait until closure completes before deleting the organization.",
};
