/* break-glass-user: an IAM user that still works once the organization and Identity Center are gone. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "policy/eval.h"

static const char *const s_needs[] = {"iam.credential_report", "iam.users", NULL};

#define OPF_ROOT_ROW "<root_account>"

/* What the break-glass user must be able to do on every resource once the account stands alone: run IAM (so
 * it can grant anything else), assume roles, accept the new organization's invitation and use services. */
static const char *const s_admin_actions[] = {
    "iam:CreateUser", "iam:CreateRole", "iam:AttachUserPolicy", "iam:AttachRolePolicy", "iam:PutUserPolicy",
    "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:CreateAccessKey", "iam:DeleteUserPermissionsBoundary",
    "sts:AssumeRole", "organizations:AcceptHandshake", "ec2:RunInstances", "s3:PutObject", NULL};

/* AdministratorAccess's document: known without reading it, the one AWS managed policy bundles may omit. */
#define OPF_ADMIN_DOCUMENT "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", " \
                           "\"Resource\": \"*\"}]}"

/* A managed policy as the evaluator takes it: {"Name", "Document"}, the document of its default version from
 * the item's "Policies" (GetPolicy + GetPolicyVersion) or given with the attachment (`entry`), null when it
 * was not read. */
static json_t *s_managed(const json_t *users, const char *name, const char *arn, const json_t *entry)
{
    const json_t *policies = json_object_get(users, "Policies");
    const json_t *doc = json_object_get(json_object_get(policies, arn ? arn : ""), "Document");
    if (!doc)
        doc = json_object_get(entry, "Document") ? json_object_get(entry, "Document")
                                                 : json_object_get(entry, "PolicyDocument");
    json_t *known = NULL;
    if (!doc && arn && opf_chk_wildcard("arn:*:iam::aws:policy/AdministratorAccess", arn, false))
        known = json_loads(OPF_ADMIN_DOCUMENT, 0, NULL);
    json_t *p = json_pack("{s:s,s:O}", "Name", name ? name : arn ? arn : "(unnamed)", "Document",
                          known ? known : doc ? doc : json_null());
    json_decref(known);
    return p;
}

/* A user's or a group's inline and managed policies, appended to `out`. */
static void s_policies_of(const json_t *users, const json_t *principal, json_t *out)
{
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(principal, "AttachedPolicies"), i, p)
        json_array_append_new(out, s_managed(users, opf_chk_str(p, "PolicyName"), opf_chk_str(p, "PolicyArn"), p));
    json_array_foreach(json_object_get(principal, "InlinePolicies"), i, p)
        json_array_append_new(out, json_pack("{s:s?,s:O?}", "Name", opf_chk_str(p, "PolicyName"), "Document",
                                             json_object_get(p, "PolicyDocument")));
}

/* Whether the user may do every administrator action once the account is alone; `why` says what decided. A
 * user whose boundary was never read (no "PermissionsBoundary" field: ListUsers omits it) is MAYBE. */
static enum opf_policy_decision s_admin(const json_t *users, const json_t *user, const struct opf_subject *s,
                                        const struct opf_context *ctx, char *why, size_t len)
{
    json_t *identity = json_array();
    s_policies_of(users, user, identity);
    size_t i;
    const json_t *g;
    json_array_foreach(json_object_get(user, "Groups"), i, g) s_policies_of(users, g, identity);
    const json_t *pb = json_object_get(user, "PermissionsBoundary");
    json_t *boundary = NULL;
    if (!pb) {
        boundary = json_pack("{s:s,s:n}", "Name", "(not read: GetUser missing)", "Document");
    } else if (!json_is_null(pb)) {
        const char *arn = opf_chk_str(pb, "PermissionsBoundaryArn");
        boundary = s_managed(users, arn, arn, pb);
    }
    /* the sign-in the break-glass user makes: console, with MFA, outside any organization on the leave path */
    json_t *context = json_pack("{s:s,s:s,s:s,s:s?,s:s?,s:s?}", "aws:MultiFactorAuthPresent", "true",
                                "aws:SecureTransport", "true", "aws:PrincipalType", "User", "aws:PrincipalArn",
                                opf_chk_str(user, "Arn"), "aws:username", opf_chk_str(user, "UserName"),
                                "aws:PrincipalAccount", s->id);
    if (opf_chk_path(s, ctx) == OPF_PATH_LEAVE)
        json_object_set_new(context, "aws:PrincipalOrgID", json_null());
    struct opf_policy_layers layers = {.identity = identity, .boundary = boundary};
    enum opf_policy_decision worst = OPF_POLICY_ALLOW;
    for (const char *const *a = s_admin_actions; *a; a++) {
        struct opf_policy_result r;
        enum opf_policy_decision d = opf_policy_evaluate(&layers, &(struct opf_policy_request){*a, "*", context}, &r);
        /* a certain deny outranks a maybe: it settles that the user is not an administrator */
        int rank = d == OPF_POLICY_ALLOW ? 0 : d == OPF_POLICY_MAYBE ? 1 : 2;
        int worst_rank = worst == OPF_POLICY_ALLOW ? 0 : worst == OPF_POLICY_MAYBE ? 1 : 2;
        if (rank > worst_rank) {
            worst = d;
            snprintf(why, len, "%s: %s", *a, r.why);
        } else if (rank == 0 && a == s_admin_actions) {
            snprintf(why, len, "%s", r.why);
        }
    }
    json_decref(context);
    json_decref(boundary);
    json_decref(identity);
    return worst;
}

static bool s_candidate(const char *user, const struct opf_context *ctx)
{
    const char *pattern = json_string_value(opf_config_get(ctx, "break_glass.user_pattern"));
    return user && strcmp(user, OPF_ROOT_ROW) != 0 && (!pattern || opf_chk_wildcard(pattern, user, false));
}

/* Password and MFA of a user: the live GetLoginProfile/ListMFADevices answers where the collector read them,
 * else the credential report (cached by AWS for up to four hours). False when neither says. */
static bool s_facts(const json_t *user, const json_t *rows, bool *password, bool *mfa, char *decided, size_t len)
{
    const json_t *row = opf_chk_find(rows, "user", opf_chk_str(user, "UserName"));
    const json_t *lp = json_object_get(user, "LoginProfile"), *devices = json_object_get(user, "MFADevices");
    bool live_pw = lp && (json_is_object(lp) || json_is_null(lp)), live_mfa = json_is_array(devices);
    if ((!live_pw || !live_mfa) && !row)
        return false;
    *password = live_pw ? json_is_object(lp) : opf_chk_report_true(row, "password_enabled");
    *mfa = live_mfa ? json_array_size(devices) > 0 : opf_chk_report_true(row, "mfa_active");
    if (!live_pw && !live_mfa)
        snprintf(decided, len, "iam.credential_report");
    else
        snprintf(decided, len, "%s+%s", live_pw ? "iam:GetLoginProfile" : "iam.credential_report",
                 live_mfa ? "iam:ListMFADevices" : "iam.credential_report");
    return true;
}

/* The report's users with a console password, for the verdict when the user listing is unreadable. */
static size_t s_report_passwords(const json_t *rows, const struct opf_context *ctx)
{
    size_t n = 0, i;
    const json_t *row;
    json_array_foreach(rows, i, row) n += s_candidate(opf_chk_str(row, "user"), ctx) &&
                                          opf_chk_report_true(row, "password_enabled");
    return n;
}

static enum opf_status s_nobody(struct opf_finding *f, const char *path, const struct opf_context *ctx)
{
    const char *pattern = json_string_value(opf_config_get(ctx, "break_glass.user_pattern"));
    return opf_set(f, OPF_FAIL, "%s path: no IAM user%s%s has a console password, so nothing but the root user "
                                "works once the organization and Identity Center are gone",
                   path, pattern ? " matching " : "", pattern ? pattern : "");
}

/* The first candidate of each kind, for the verdict. */
struct s_found {
    char name[128], why[400];
};

static void s_keep(struct s_found *slot, const char *name, const char *why)
{
    if (!slot->name[0] && name) {
        snprintf(slot->name, sizeof(slot->name), "%s", name);
        snprintf(slot->why, sizeof(slot->why), "%s", why);
    }
}

/* The verdict over the listed users (live) that match the pattern and have a console password. */
static enum opf_status s_judge(const json_t *rows, const struct opf_item *users_item, const struct opf_subject *s,
                               const struct opf_context *ctx, struct opf_finding *f, const char *path)
{
    struct s_found pass = {0}, maybe = {0}, no_mfa = {0}, not_admin = {0};
    size_t with_password = 0, i;
    const json_t *user;
    json_t *values = json_array();
    json_array_foreach(json_object_get(users_item->data, "Users"), i, user) {
        const char *name = opf_chk_str(user, "UserName");
        bool password, mfa;
        char decided[96], why[400] = "";
        if (!s_candidate(name, ctx) || !s_facts(user, rows, &password, &mfa, decided, sizeof(decided)) || !password)
            continue;
        with_password++;
        enum opf_policy_decision d = s_admin(users_item->data, user, s, ctx, why, sizeof(why));
        json_array_append_new(values, json_pack("{s:s,s:b,s:s,s:b,s:s,s:s}", "user", name, "mfa_active", mfa,
                                                "decided_by", decided, "administrator", d == OPF_POLICY_ALLOW,
                                                "evaluation", opf_policy_decision_name(d), "why", why));
        if (d == OPF_POLICY_ALLOW)
            s_keep(mfa ? &pass : &no_mfa, name, why);
        else if (d == OPF_POLICY_MAYBE && mfa)
            s_keep(&maybe, name, why);
        else
            s_keep(&not_admin, name, why);
    }
    opf_finding_cite(f, users_item, values);
    json_decref(values);
    if (pass.name[0]) {
        opf_finding_fact(f, "user", json_string(pass.name)); /* the one the runbook keeps until the end */
        return opf_set(f, OPF_PASS, "%s path: IAM user %s has a console password, MFA and every administrator "
                                    "action (%s)", path, pass.name, pass.why);
    }
    if (maybe.name[0])
        return opf_set(f, OPF_UNKNOWN, "%s path: IAM user %s has a console password and MFA, but whether it is an "
                                       "administrator cannot be decided: %s", path, maybe.name, maybe.why);
    if (no_mfa.name[0])
        return opf_set(f, OPF_FAIL, "%s path: IAM user %s is an administrator with a console password but no MFA; "
                                    "that is not acceptable as break-glass access", path, no_mfa.name);
    if (with_password == 0)
        return s_nobody(f, path, ctx);
    return opf_set(f, OPF_FAIL, "%s path: none of the %zu IAM users with a console password is an administrator "
                                "with MFA (%s: %s)", path, with_password, not_admin.name, not_admin.why);
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
    struct opf_error err;
    json_t *rows = opf_chk_credential_report(report_item.data, &err);
    if (!rows)
        return opf_set(f, OPF_UNKNOWN, "%s", err.message);
    size_t in_report = s_report_passwords(rows, ctx);
    json_t *values = json_pack("{s:s?,s:I}", "GeneratedTime", opf_chk_str(report_item.data, "GeneratedTime"),
                               "users_with_password", (json_int_t)in_report);
    opf_finding_cite(f, &report_item, values);
    json_decref(values);

    struct opf_item users_item;
    enum opf_status st;
    if (opf_evidence_get(s, "iam.users", &users_item) != OPF_ITEM_OK && in_report == 0)
        st = s_nobody(f, path, ctx);
    else if (!opf_require(s, "iam.users", f, &users_item))
        st = f->status;
    else if (!json_is_array(json_object_get(users_item.data, "Users")))
        st = opf_set(f, OPF_UNKNOWN, "evidence iam.users has no Users list");
    else
        st = s_judge(rows, &users_item, s, ctx, f, path);
    json_decref(rows);
    return st;
}

const struct opf_check opf_check_break_glass_user = {
    OPF_CHECK_HEADER,
    .id = "break-glass-user",
    .title = "Break-glass IAM administrator exists",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_HIGH,
    .runbook = OPF_RUNBOOK_BREAK_GLASS,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "Identity Center access ends when an account leaves; an IAM administrator with a password and "
                 "MFA is the way back in that does not depend on the organization or its root owner.",
    .remediation = "Create (or keep) an IAM user with a console password, an MFA device and AdministratorAccess, "
                   "store its credentials in the team's vault, and delete it only after the move is verified.",
};
