/* wait-period: an account created by the organization can leave only once it is old enough. */
#include <string.h>

#include "common.h"

static const char *const s_needs[] = {"organizations.account", "account.information", NULL};

/* The account's creation time: GetAccountInformation's AccountCreatedDate is the real creation date;
 * JoinedTimestamp is the same moment for CREATED accounts and the fallback when the Account API is
 * unavailable. */
static bool s_created_at(const struct opf_subject *s, const json_t *account, const struct opf_item *account_item,
                         struct opf_finding *f, time_t *out)
{
    struct opf_item info;
    if (opf_evidence_get(s, "account.information", &info) == OPF_ITEM_OK) {
        const json_t *created = json_object_get(info.data, "AccountCreatedDate");
        if (opf_time_from_json(created, out)) {
            json_t *values = json_pack("{s:O}", "AccountCreatedDate", created);
            opf_finding_cite(f, &info, values);
            json_decref(values);
            return true;
        }
    }
    const json_t *joined = json_object_get(account, "JoinedTimestamp");
    json_t *values = json_pack("{s:s,s:O?}", "JoinedMethod", "CREATED", "JoinedTimestamp", joined);
    opf_finding_cite(f, account_item, values);
    json_decref(values);
    return opf_time_from_json(joined, out);
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_item item;
    const json_t *account = opf_chk_account(s, f, &item);
    if (!account)
        return f->status;
    const char *path = opf_path_name(opf_chk_path(s, ctx));
    const char *method = opf_chk_str(account, "JoinedMethod");
    if (method && strcmp(method, "INVITED") == 0) {
        json_t *values = json_pack("{s:s}", "JoinedMethod", method);
        opf_finding_cite(f, &item, values);
        json_decref(values);
        return opf_set(f, OPF_PASS, "%s path: the account was invited, and invited accounts have no waiting period",
                       path);
    }
    if (!method || strcmp(method, "CREATED") != 0)
        return opf_set(f, OPF_UNKNOWN, "organizations.account reports no known JoinedMethod (%s)",
                       method ? method : "absent");
    time_t created;
    if (!s_created_at(s, account, &item, f, &created))
        return opf_set(f, OPF_UNKNOWN, "the account was created by the organization but its creation date is "
                                       "unknown (no AccountCreatedDate nor JoinedTimestamp)");
    long days = opf_chk_config_int(ctx, "migration.wait_period_days");
    time_t allowed = created + (time_t)days * 86400;
    char created_s[32], allowed_s[32];
    opf_chk_format_time(created, created_s, sizeof(created_s));
    opf_chk_format_time(allowed, allowed_s, sizeof(allowed_s));
    opf_finding_fact(f, "allowed_at", json_string(allowed_s));
    opf_finding_fact(f, "days", json_integer(days));
    if (ctx->now >= allowed)
        return opf_set(f, OPF_PASS, "%s path: created by the organization on %s, more than %ld days ago", path,
                       created_s, days);
    long hours = (long)((allowed - ctx->now + 3599) / 3600);
    f->not_before = allowed; /* the wait ends by itself: reports and the runbook give the date */
    return opf_set(f, OPF_FAIL,
                   "%s path: created by the organization on %s; it may leave only %ld days after creation, "
                   "from %s (in %ld hours)",
                   path, created_s, days, allowed_s, hours);
}

const struct opf_check opf_check_wait_period = {
    OPF_CHECK_HEADER,
    .id = "wait-period",
    .title = "Created accounts are past the waiting period",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_BLOCKER,
    .runbook = OPF_RUNBOOK_MOVE_DATE,
    .flags = OPF_CHECK_MEMBERS_ONLY,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "AWS refuses to remove an account created by the organization until it is at least four days "
                 "old (WAIT_PERIOD_ACTIVE); invited accounts are exempt.",
    .remediation = "Wait until the date the finding gives, then run the audit again.",
};
