/* operator-session-not-sso: the session that performs the migration must survive it. */
#include <stdio.h>
#include <string.h>

#include "common.h"

static const char *const s_needs[] = {"sts.caller_identity", "credentials.source", "iam.operator_role", NULL};

/* The kind of principal behind a caller ARN. */
enum s_principal { S_ROOT, S_IAM_USER, S_FEDERATED_USER, S_SSO_ROLE, S_ROLE, S_OTHER };

static enum s_principal s_principal_of(const char *arn)
{
    const char *res = strchr(arn, ':');
    for (int i = 0; res && i < 4; i++)
        res = strchr(res + 1, ':'); /* arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE */
    if (!res)
        return S_OTHER;
    res++;
    if (strcmp(res, "root") == 0)
        return S_ROOT;
    if (strncmp(res, "user/", 5) == 0)
        return S_IAM_USER;
    if (strncmp(res, "federated-user/", 15) == 0)
        return S_FEDERATED_USER;
    if (strncmp(res, "assumed-role/AWSReservedSSO_", 28) == 0)
        return S_SSO_ROLE;
    if (strncmp(res, "assumed-role/", 13) == 0)
        return S_ROLE;
    return S_OTHER;
}

/* Whether the credential chain passes through an Identity Center (SSO) profile. */
static bool s_chains_from_sso(const json_t *source)
{
    const char *kind = opf_chk_str(source, "source");
    if ((kind && strcmp(kind, "sso") == 0) || opf_chk_str(source, "sso_start_url"))
        return true;
    size_t i;
    const json_t *link;
    json_array_foreach(json_object_get(source, "chain"), i, link) {
        const char *k = opf_chk_str(link, "source");
        if (k && strcmp(k, "sso") == 0)
            return true;
    }
    return false;
}

static bool s_value_mentions(const json_t *v, const char *needle)
{
    if (json_is_string(v))
        return strstr(json_string_value(v), needle) != NULL;
    size_t i;
    const char *k;
    const json_t *child;
    json_array_foreach(v, i, child) {
        if (s_value_mentions(child, needle))
            return true;
    }
    json_object_foreach((json_t *)v, k, child) {
        if (s_value_mentions(child, needle))
            return true;
    }
    return false;
}

/* Does a trust statement admit Identity Center roles, by principal or by a condition on the principal's ARN? */
static bool s_admits_sso(const json_t *st)
{
    const json_t *principal = json_object_get(st, "Principal"), *cond = json_object_get(st, "Condition");
    return s_value_mentions(principal, "AWSReservedSSO_") || s_value_mentions(principal, "sso.amazonaws.com/") ||
           s_value_mentions(cond, "AWSReservedSSO_") || s_value_mentions(cond, "aws-reserved/sso.amazonaws.com");
}

/* How the role's trust policy leans on the old organization. */
enum s_trust { S_INDEPENDENT = 0, S_DEPENDS, S_ONLY_SSO, S_UNREADABLE };

/* Its id in a condition (aws:PrincipalOrgID, aws:PrincipalOrgPaths) or an Identity Center role as principal
 * makes the role depend on the old organization; when every statement that admits anyone admits only Identity
 * Center roles, nobody can assume it once that Identity Center is gone. `why` names the dependency. */
static enum s_trust s_trust_of(const json_t *role, const char *org_id, char *why, size_t len)
{
    json_t *owned = opf_chk_policy_document(json_object_get(role, "AssumeRolePolicyDocument"));
    json_t *statements = opf_chk_policy_statements(owned);
    size_t allows = 0, sso = 0, i;
    bool org = false;
    const json_t *st;
    bool unreadable = !statements;
    json_array_foreach(statements, i, st) {
        unreadable |= !json_is_object(st);
        if (!opf_chk_statement_effect(st, "Allow"))
            continue;
        allows++;
        if (s_admits_sso(st))
            sso++;
        else if (org_id && s_value_mentions(json_object_get(st, "Condition"), org_id))
            org = true;
    }
    json_decref(statements);
    json_decref(owned);
    if (unreadable)
        return S_UNREADABLE;
    if (sso && sso == allows) {
        snprintf(why, len, "its trust policy admits only Identity Center roles of the old organization");
        return S_ONLY_SSO;
    }
    if (sso)
        snprintf(why, len, "its trust policy admits an Identity Center role of the old organization");
    else if (org)
        snprintf(why, len, "its trust policy admits principals by the old organization's id %s", org_id);
    return sso || org ? S_DEPENDS : S_INDEPENDENT;
}

/* Assumed roles other than Identity Center's: pass only when the trust policy was read and is independent. */
static enum opf_status s_role(const struct opf_subject *s, const struct opf_context *ctx, struct opf_finding *f,
                              const char *arn)
{
    struct opf_item item;
    if (!opf_require(s, "iam.operator_role", f, &item))
        return f->status;
    const json_t *role = json_object_get(item.data, "Role");
    const char *org_id = opf_chk_str(json_object_get(ctx->bundle, "organization"), "id");
    const char *name = opf_chk_str(role, "RoleName");
    char why[256];
    enum s_trust trust = s_trust_of(role, org_id, why, sizeof(why));
    json_t *values = json_pack("{s:s?,s:b}", "RoleName", name, "depends_on_old_organization", trust != S_INDEPENDENT);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    if (trust == S_UNREADABLE)
        return opf_set(f, OPF_UNKNOWN, "the trust policy of the role %s could not be read", name ? name : arn);
    if (trust == S_ONLY_SSO)
        return opf_set(f, OPF_FAIL, "the role %s cannot be assumed again once the old organization's Identity "
                                    "Center is gone: %s", name ? name : arn, why);
    if (trust == S_DEPENDS)
        return opf_set(f, OPF_WARN, "the role %s may stop working after the move: %s", name ? name : arn, why);
    return opf_set(f, OPF_PASS, "the caller is the role %s, whose trust does not depend on the old organization",
                   name ? name : arn);
}

/* Credentials that expire inside the migration window turn a pass into a warning. */
static enum opf_status s_expiry(const json_t *source, const struct opf_context *ctx, struct opf_finding *f)
{
    time_t expires;
    if ((f->status != OPF_PASS && f->status != OPF_WARN) ||
        !opf_time_from_json(json_object_get(source, "expiration"), &expires))
        return f->status;
    long window = opf_chk_config_int(ctx, "migration.window_minutes");
    if (expires - ctx->now >= window * 60)
        return f->status;
    char when[32], previous[OPF_MESSAGE_MAX];
    opf_chk_format_time(expires, when, sizeof(when));
    snprintf(previous, sizeof(previous), "%s", f->message);
    if (expires <= ctx->now)
        return opf_set(f, OPF_WARN, "%s; the credentials expired at %s", previous, when);
    return opf_set(f, OPF_WARN, "%s; the credentials expire at %s, in %ld minutes, inside the %ld-minute migration "
                                "window (migration.window_minutes)",
                   previous, when, (long)((expires - ctx->now) / 60), window);
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_item caller;
    if (!opf_require(s, "sts.caller_identity", f, &caller))
        return f->status;
    const char *arn = opf_chk_str(caller.data, "Arn");
    json_t *values = json_pack("{s:s?,s:s?}", "Arn", arn, "Account", opf_chk_str(caller.data, "Account"));
    opf_finding_cite(f, &caller, values);
    json_decref(values);
    if (!arn)
        return opf_set(f, OPF_UNKNOWN, "sts.caller_identity has no Arn");
    const char *path = opf_path_name(ctx->path);
    enum s_principal who = s_principal_of(arn);
    if (who == S_OTHER)
        return opf_set(f, OPF_UNKNOWN, "%s path: the caller ARN %s is not a kind of principal this tool knows", path,
                       arn);
    if (who == S_SSO_ROLE)
        return opf_set(f, OPF_FAIL, "%s path: the caller %s is an Identity Center session of the organization "
                                    "being dismantled; it ends when the account leaves or the organization is "
                                    "deleted, and takes the operator's access with it", path, arn);

    struct opf_item source_item;
    if (!opf_require(s, "credentials.source", f, &source_item))
        return f->status;
    const json_t *source = source_item.data;
    values = json_pack("{s:s?,s:s?,s:O?}", "source", opf_chk_str(source, "source"), "profile",
                       opf_chk_str(source, "profile"), "expiration", json_object_get(source, "expiration"));
    opf_finding_cite(f, &source_item, values);
    json_decref(values);

    if (s_chains_from_sso(source))
        opf_set(f, OPF_WARN, "%s path: the caller %s is reached through an Identity Center (SSO) profile; when the "
                             "old organization's Identity Center goes, so does the way to refresh these credentials",
                path, arn);
    else if (who == S_ROOT)
        opf_set(f, OPF_WARN, "%s path: the caller is the root user: it survives the move but needs the root "
                             "owner's MFA at every sign-in", path);
    else if (who == S_IAM_USER || who == S_FEDERATED_USER)
        opf_set(f, OPF_PASS, "%s path: the caller %s is an IAM %suser, independent of the organization", path, arn,
                who == S_FEDERATED_USER ? "federated " : "");
    else
        s_role(s, ctx, f, arn);
    return s_expiry(source, ctx, f);
}

const struct opf_check opf_check_operator_session_not_sso = {
    OPF_CHECK_HEADER,
    .id = "operator-session-not-sso",
    .title = "Operator session survives the migration",
    .subject = OPF_SUBJECT_OPERATOR_SESSION,
    .severity = OPF_SEV_BLOCKER,
    .runbook = OPF_RUNBOOK_OPERATOR_ACCESS,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "An Identity Center session of the organization being dismantled ends when the account leaves "
                 "or the organization is deleted; the operator is then locked out mid-migration.",
    .remediation = "Run the migration as an IAM user with MFA (the break-glass user) or a role whose trust does "
                   "not depend on the old organization, with credentials that last the whole window.",
};
