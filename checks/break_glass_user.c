/* break-glass-user: an IAM user that still works once the organization and Identity Center are gone. */
#include <stdio.h>
#include <string.h>

#include "common.h"

static const char *const s_needs[] = {"iam.credential_report", "iam.users", NULL};

#define OPF_ROOT_ROW "<root_account>"

/* "Allow * on *" with no condition: what AdministratorAccess grants. */
static bool s_allows_everything(const json_t *doc_json)
{
    json_t *doc = opf_chk_policy_document(doc_json);
    json_t *statements = opf_chk_policy_statements(doc);
    size_t i;
    const json_t *st;
    bool all = false;
    json_array_foreach(statements, i, st) {
        const json_t *actions = json_object_get(st, "Action");
        bool star = false;
        if (json_is_string(actions))
            star = strcmp(json_string_value(actions), "*") == 0 || strcmp(json_string_value(actions), "*:*") == 0;
        size_t k;
        const json_t *a;
        json_array_foreach(actions, k, a) {
            star |= json_is_string(a) && (strcmp(json_string_value(a), "*") == 0 ||
                                          strcmp(json_string_value(a), "*:*") == 0);
        }
        if (star && opf_chk_statement_effect(st, "Allow") && !json_object_get(st, "Condition") &&
            opf_chk_statement_all_resources(st))
            all = true;
    }
    json_decref(statements);
    json_decref(doc);
    return all;
}

/* Whether a principal's (user's or group's) policies make it an administrator; names the policy in `why`. */
static bool s_admin_policies(const json_t *principal, const char *via, char *why, size_t len)
{
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(principal, "AttachedPolicies"), i, p) {
        const char *arn = opf_chk_str(p, "PolicyArn");
        if (arn && opf_chk_wildcard("arn:*:iam::aws:policy/AdministratorAccess", arn, false)) {
            snprintf(why, len, "AdministratorAccess attached %s", via);
            return true;
        }
    }
    json_array_foreach(json_object_get(principal, "InlinePolicies"), i, p) {
        if (s_allows_everything(json_object_get(p, "PolicyDocument"))) {
            snprintf(why, len, "inline policy %s %s allows * on *", opf_chk_str(p, "PolicyName"), via);
            return true;
        }
    }
    return false;
}

static bool s_is_admin(const json_t *user, char *why, size_t len)
{
    if (s_admin_policies(user, "to the user", why, len))
        return true;
    size_t i;
    const json_t *g;
    json_array_foreach(json_object_get(user, "Groups"), i, g) {
        char via[160];
        snprintf(via, sizeof(via), "through group %s", opf_chk_str(g, "GroupName"));
        if (s_admin_policies(g, via, why, len))
            return true;
    }
    return false;
}

static const json_t *s_user(const json_t *users, const char *name)
{
    size_t i;
    const json_t *u;
    json_array_foreach(json_object_get(users, "Users"), i, u) {
        const char *n = opf_chk_str(u, "UserName");
        if (n && strcmp(n, name) == 0)
            return u;
    }
    return NULL;
}

/* The report's users (never root) that match break_glass.user_pattern. */
static json_t *s_candidates(const json_t *rows, const struct opf_context *ctx)
{
    const char *pattern = json_string_value(opf_config_get(ctx, "break_glass.user_pattern"));
    json_t *out = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *user = opf_chk_str(row, "user");
        if (user && strcmp(user, OPF_ROOT_ROW) != 0 && (!pattern || opf_chk_wildcard(pattern, user, false)))
            json_array_append(out, row);
    }
    return out;
}

/* The verdict once the candidates with a console password are known and the policy listings are read. */
static enum opf_status s_judge(const json_t *with_password, const json_t *users, const struct opf_item *users_item,
                               struct opf_finding *f, const char *path)
{
    const char *admin_without_mfa = NULL;
    size_t i;
    const json_t *row;
    json_t *values = json_array();
    enum opf_status st = OPF_UNKNOWN;
    json_array_foreach(with_password, i, row) {
        const char *name = opf_chk_str(row, "user");
        const json_t *user = s_user(users, name);
        char why[256] = "";
        bool admin = user && s_is_admin(user, why, sizeof(why));
        bool mfa = opf_chk_report_true(row, "mfa_active");
        json_array_append_new(values, json_pack("{s:s,s:b,s:b,s:s?}", "user", name, "mfa_active", mfa,
                                                "administrator", admin, "via", admin ? why : NULL));
        if (admin && mfa && st != OPF_PASS) {
            st = opf_set(f, OPF_PASS, "%s path: IAM user %s has a console password, MFA and %s", path, name, why);
        } else if (admin && !mfa && !admin_without_mfa) {
            admin_without_mfa = name;
        }
    }
    opf_finding_cite(f, users_item, values);
    json_decref(values);
    if (st == OPF_PASS)
        return st;
    if (admin_without_mfa)
        return opf_set(f, OPF_FAIL, "%s path: IAM user %s is an administrator with a console password but no MFA; "
                                    "that is not acceptable as break-glass access", path, admin_without_mfa);
    return opf_set(f, OPF_FAIL, "%s path: none of the %zu IAM users with a console password is an administrator "
                                "with MFA", path, json_array_size(with_password));
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    /* the management account is the story's lockout: losing it loses the whole organization's payer */
    f->severity = s->is_management ? OPF_SEV_BLOCKER : check->severity;
    const char *path = opf_path_name(opf_chk_path(s, ctx));
    struct opf_item report_item;
    if (!opf_require(s, "iam.credential_report", f, &report_item))
        return f->status;
    char err[256];
    json_t *rows = opf_chk_credential_report(report_item.data, err, sizeof(err));
    if (!rows)
        return opf_set(f, OPF_UNKNOWN, "%s", err);
    json_t *candidates = s_candidates(rows, ctx);
    json_t *with_password = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(candidates, i, row) {
        if (opf_chk_report_true(row, "password_enabled"))
            json_array_append(with_password, row);
    }
    json_t *values = json_pack("{s:s?,s:I,s:I}", "GeneratedTime", opf_chk_str(report_item.data, "GeneratedTime"),
                               "users", (json_int_t)json_array_size(candidates), "users_with_password",
                               (json_int_t)json_array_size(with_password));
    opf_finding_cite(f, &report_item, values);
    json_decref(values);

    struct opf_item users_item;
    const char *pattern = json_string_value(opf_config_get(ctx, "break_glass.user_pattern"));
    enum opf_status st;
    if (json_array_size(with_password) == 0)
        st = opf_set(f, OPF_FAIL, "%s path: no IAM user%s%s has a console password, so nothing but the root "
                                  "user works once the organization and Identity Center are gone",
                     path, pattern ? " matching " : "", pattern ? pattern : "");
    else if (!opf_require(s, "iam.users", f, &users_item))
        st = f->status;
    else
        st = s_judge(with_password, users_item.data, &users_item, f, path);
    json_decref(with_password);
    json_decref(candidates);
    json_decref(rows);
    return st;
}

const struct opf_check opf_check_break_glass_user = {
    .abi = OPF_CHECK_ABI,
    .id = "break-glass-user",
    .title = "Break-glass IAM administrator exists",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_HIGH,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "Identity Center access ends when an account leaves; an IAM administrator with a password and "
                 "MFA is the way back in that does not depend on the organization or its root owner.",
    .remediation = "Create (or keep) an IAM user with a console password, an MFA device and AdministratorAccess, "
                   "store its credentials in the team's vault, and delete it only after the move is verified.",
};
