/* payment-method: a member leaving must carry a valid payment method of its own. */
#include "common.h"

static const char *const s_needs[] = {"organizations.account", "attestation.payment-method", NULL};

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    if (s->is_management)
        return opf_set(f, OPF_PASS, "leave path: the management account pays the organization's bill, so it has "
                                    "a payment method");
    if (ctx->path == OPF_PATH_DIRECT)
        return opf_set(f, OPF_SKIPPED, "direct path: a direct transfer does not make the account standalone, so "
                                       "no payment method of its own is required");
    char note[256];
    switch (opf_chk_attestation(s, ctx, "payment-method", f, note, sizeof(note))) {
    case OPF_ATTESTED_TRUE:
        return opf_set(f, OPF_PASS, "leave path: a valid payment method is attested");
    case OPF_ATTESTED_FALSE:
        return opf_set(f, OPF_FAIL, "leave path: the attestation says the account has no valid payment method");
    default:
        break;
    }
    switch (opf_chk_joined(s, f)) {
    case OPF_JOINED_UNREADABLE:
        return f->status;
    case OPF_JOINED_INVITED:
        return opf_set(f, OPF_WARN, "leave path: the account was invited, so it had a payment method when it was "
                                    "standalone; no attestation confirms it is still valid.%s", note);
    case OPF_JOINED_CREATED:
        return opf_set(f, OPF_FAIL, "leave path: the account was created by the organization and has no payment "
                                    "method until someone adds one; none is attested.%s", note);
    default:
        return opf_set(f, OPF_UNKNOWN, "leave path: no payment-method attestation and no known JoinedMethod.%s",
                       note);
    }
}

const struct opf_check opf_check_payment_method = {
    OPF_CHECK_HEADER,
    .id = "payment-method",
    .title = "Account has a valid payment method",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_BLOCKER,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "An account that leaves must pay its own bill while standalone; AWS refuses to remove it "
                 "without a valid payment method (MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED), and no API shows "
                 "whether it has one.",
    .remediation = "Sign in to the account (root or an IAM user with billing access), add a payment method under "
                   "Billing > Payment preferences, then record a payment-method attestation.",
};
