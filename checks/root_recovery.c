/* root-recovery: an account about to run standalone needs a root user that can sign in. */
#include <string.h>

#include "common.h"

static const char *const s_needs[] = {"iam.account_summary", "organizations.account", "iam.organizations_features",
                                      NULL};

/* Why the root user has no password, for the message: centralized root access, or created by the
 * organization. */
static const char *s_cause(const struct opf_subject *s, const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_subject org;
    struct opf_item item;
    if (opf_chk_org_subject(ctx, &org) &&
        opf_evidence_get(&org, "iam.organizations_features", &item) == OPF_ITEM_OK) {
        const json_t *features = json_object_get(item.data, "EnabledFeatures");
        size_t i;
        const json_t *feat;
        json_array_foreach(features, i, feat) {
            if (json_is_string(feat) && strcmp(json_string_value(feat), "RootCredentialsManagement") == 0) {
                json_t *values = json_pack("{s:O}", "EnabledFeatures", features);
                opf_finding_cite(f, &item, values);
                json_decref(values);
                return "centralized root access (RootCredentialsManagement) manages its root credentials, so "
                       "the member cannot recover the root password itself";
            }
        }
    }
    if (opf_evidence_get(s, "organizations.account", &item) == OPF_ITEM_OK) {
        const char *method = opf_chk_str(json_object_get(item.data, "Account"), "JoinedMethod");
        if (method && strcmp(method, "CREATED") == 0) {
            json_t *values = json_pack("{s:s}", "JoinedMethod", method);
            opf_finding_cite(f, &item, values);
            json_decref(values);
            return "it was created by the organization, and such accounts start without a root password";
        }
    }
    return "its root credentials were removed";
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_item item;
    if (!opf_require(s, "iam.account_summary", f, &item))
        return f->status;
    const json_t *present = json_object_get(json_object_get(item.data, "SummaryMap"), "AccountPasswordPresent");
    json_t *values = json_pack("{s:O?}", "AccountPasswordPresent", present);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    if (!json_is_integer(present))
        return opf_set(f, OPF_UNKNOWN, "iam.account_summary has no AccountPasswordPresent");
    enum opf_migration_path route = opf_chk_path(s, ctx);
    const char *path = opf_path_name(route);
    if (json_integer_value(present) != 0)
        return opf_set(f, OPF_PASS, "%s path: the root user has a password, recoverable through the root mailbox",
                       path);
    const char *cause = s_cause(s, ctx, f);
    if (route == OPF_PATH_DIRECT)
        return opf_set(f, OPF_WARN, "direct path: the root user has no password (%s); the account never runs "
                                    "standalone, but enable password recovery while the management account "
                                    "still can", cause);
    return opf_set(f, OPF_FAIL, "leave path: the root user has no password (%s); once standalone nobody can sign "
                                "in as root. Enable recovery first: sts:AssumeRoot with IAMCreateRootUserPassword "
                                "from the management account", cause);
}

const struct opf_check opf_check_root_recovery = {
    OPF_CHECK_HEADER,
    .id = "root-recovery",
    .title = "Root user can sign in once standalone",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_BLOCKER,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "Accounts created by an organization, and members under centralized root access, have no root "
                 "password; standalone, such an account has no owner who can recover it.",
    .remediation = "From the management account run sts:AssumeRoot with the IAMCreateRootUserPassword task "
                   "policy for the account, then reset the root password through the root mailbox, before the "
                   "account leaves.",
};
