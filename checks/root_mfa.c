/* root-mfa: a root user that can sign in with a password must have MFA before it becomes the recovery path. */
#include <stdio.h>
#include <string.h>

#include "common.h"

static const char *const s_needs[] = {"iam.account_summary", "iam.credential_report", NULL};

#define S_ROOT_ROW "<root_account>"

/* A fact about the root user: known true, known false, or unknown. */
enum s_fact { S_UNKNOWN = -1, S_NO = 0, S_YES = 1 };

static enum s_fact s_summary_fact(const struct opf_item *summary, const char *key)
{
    const json_t *v = json_object_get(json_object_get(summary->data, "SummaryMap"), key);
    return json_is_integer(v) ? (json_integer_value(v) != 0 ? S_YES : S_NO) : S_UNKNOWN;
}

/* The root row's mfa_active. (IAM writes "not_supported" in the root's password columns: only
 * GetAccountSummary says whether the root user has a password.) */
static enum s_fact s_report_mfa(const json_t *root)
{
    const char *v = opf_chk_str(root, "mfa_active");
    if (!v || (strcmp(v, "true") != 0 && strcmp(v, "false") != 0))
        return S_UNKNOWN;
    return strcmp(v, "true") == 0 ? S_YES : S_NO;
}

/* The <root_account> row of the credential report (new reference), or NULL with the reason in `why`. */
static json_t *s_root_row(const struct opf_subject *s, struct opf_item *item, char *why, size_t len)
{
    if (opf_evidence_get(s, "iam.credential_report", item) != OPF_ITEM_OK) {
        snprintf(why, len, "iam.credential_report %s", item->state == OPF_ITEM_MISSING ? "was not collected"
                                                                                        : item->error_code);
        return NULL;
    }
    struct opf_error failed;
    json_t *rows = opf_chk_credential_report(item->data, &failed);
    if (!rows)
        snprintf(why, len, "%s", failed.message);
    size_t i;
    json_t *row, *root = NULL;
    json_array_foreach(rows, i, row) {
        const char *user = opf_chk_str(row, "user");
        if (!root && user && strcmp(user, S_ROOT_ROW) == 0)
            root = json_incref(row);
    }
    if (rows && !root)
        snprintf(why, len, "the credential report has no %s row", S_ROOT_ROW);
    json_decref(rows);
    return root;
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_item summary, report;
    char why_summary[256] = "", why_report[256] = "";
    enum s_fact password = S_UNKNOWN, mfa = S_UNKNOWN;
    /* GetAccountSummary is read at collection time; the credential report may be up to four hours old */
    if (opf_require(s, "iam.account_summary", f, &summary)) {
        password = s_summary_fact(&summary, "AccountPasswordPresent");
        mfa = s_summary_fact(&summary, "AccountMFAEnabled");
        const json_t *map = json_object_get(summary.data, "SummaryMap");
        json_t *values = json_pack("{s:O?,s:O?}", "AccountPasswordPresent", json_object_get(map, "AccountPasswordPresent"),
                                   "AccountMFAEnabled", json_object_get(map, "AccountMFAEnabled"));
        opf_finding_cite(f, &summary, values);
        json_decref(values);
    } else {
        snprintf(why_summary, sizeof(why_summary), "%s", f->message);
    }
    if (mfa == S_UNKNOWN && password != S_NO) {
        json_t *root = s_root_row(s, &report, why_report, sizeof(why_report));
        if (root) {
            mfa = s_report_mfa(root);
            json_t *values = json_pack("{s:s?,s:s?}", "password_last_used", opf_chk_str(root, "password_last_used"),
                                       "mfa_active", opf_chk_str(root, "mfa_active"));
            opf_finding_cite(f, &report, values);
            json_decref(values);
            json_decref(root);
        }
    }
    if (mfa == S_YES)
        return opf_set(f, OPF_PASS, "the root user has MFA");
    if (password == S_NO)
        return opf_set(f, OPF_PASS, "the root user has no password (centralized root access, or never set), so "
                                    "nobody can sign in as root without MFA; root-recovery judges whether it can be "
                                    "recovered");
    if (password == S_YES && mfa == S_NO)
        return opf_set(f, OPF_FAIL, "the root user has a password and no MFA: once the account is standalone its "
                                    "root user is the recovery path, protected by the password alone");
    return opf_set(f, OPF_UNKNOWN, "whether the root user has %s is unknown (%s%s%s)",
                   password == S_UNKNOWN ? "a password" : "MFA", why_summary[0] ? why_summary : "iam.account_summary "
                   "lacks AccountPasswordPresent or AccountMFAEnabled", why_report[0] ? "; " : "", why_report);
}

const struct opf_check opf_check_root_mfa = {
    OPF_CHECK_HEADER,
    .id = "root-mfa",
    .title = "Root user with a password has MFA",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_HIGH,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "A standalone account's root user is its recovery path and cannot be restricted by any policy; "
                 "with a password and no MFA, the password alone protects the whole account.",
    .remediation = "Sign in as the root user and assign an MFA device (a hardware key kept by two people, or a "
                   "passkey), before the account leaves; or remove the root password under centralized root "
                   "access.",
};
