/* org-access-role-trust: the access role still trusts the old management account after the account moves. */
#include <stdio.h>
#include <string.h>

#include "common.h"

static const char *const s_needs[] = {"iam.access_role", "organizations.account", NULL};

/* Is the principal ("123456789012", "arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:role/X")
 * in `account`? */
static bool s_in_account(const char *principal, const char *account)
{
    if (strcmp(principal, account) == 0)
        return true;
    const char *p = principal;
    for (int field = 0; field < 4 && p; field++)
        p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL; /* arn:PARTITION:SERVICE:REGION:ACCOUNT:… */
    size_t n = strlen(account);
    return p && strncmp(principal, "arn:", 4) == 0 && strncmp(p, account, n) == 0 && p[n] == ':';
}

/* The AWS principals of Allow statements that are in `account`, appended to `found`. */
static void s_trusted(const json_t *statements, const char *account, json_t *found)
{
    size_t i, k;
    const json_t *st, *p;
    json_array_foreach(statements, i, st) {
        if (!opf_chk_statement_effect(st, "Allow"))
            continue;
        const json_t *aws = json_object_get(json_object_get(st, "Principal"), "AWS");
        json_t *one = json_is_string(aws) ? json_pack("[O]", aws) : NULL;
        json_array_foreach(one ? one : aws, k, p) {
            if (json_is_string(p) && s_in_account(json_string_value(p), account))
                json_array_append(found, (json_t *)p);
        }
        json_decref(one);
    }
}

/* The role does not exist: nothing trusts the old management account through it, and the new organization
 * will need its own way in. */
static enum opf_status s_absent(const struct opf_subject *s, const char *role, const struct opf_item *item,
                                struct opf_finding *f)
{
    struct opf_item acct;
    const char *method = NULL;
    opf_finding_cite(f, item, NULL);
    if (opf_evidence_get(s, "organizations.account", &acct) == OPF_ITEM_OK)
        method = opf_chk_str(json_object_get(acct.data, "Account"), "JoinedMethod");
    bool invited = method && strcmp(method, "INVITED") == 0;
    return opf_set(f, OPF_PASS, "the role %s does not exist (NoSuchEntity)%s, so the old management account has no "
                                "way in through it; the new organization will need one: after the move, create a "
                                "role trusting its management account", role,
                   invited ? ": invited accounts never get it" : "");
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    const char *role = json_string_value(opf_config_get(ctx, "access.role_name"));
    const char *mgmt = opf_chk_str(json_object_get(ctx->bundle, "organization"), "management_account_id");
    struct opf_item item;
    if (opf_evidence_get(s, "iam.access_role", &item) == OPF_ITEM_ERROR && strcmp(item.error_code, "NoSuchEntity") == 0)
        return s_absent(s, role, &item, f);
    if (!opf_require(s, "iam.access_role", f, &item))
        return f->status;
    if (!mgmt)
        return opf_set(f, OPF_UNKNOWN, "the bundle's organization record names no management account");
    const json_t *r = json_object_get(item.data, "Role");
    if (opf_chk_str(r, "RoleName"))
        role = opf_chk_str(r, "RoleName");
    json_t *doc = opf_chk_policy_document(json_object_get(r, "AssumeRolePolicyDocument"));
    json_t *statements = opf_chk_policy_statements(doc);
    json_decref(doc);
    if (!statements)
        return opf_set(f, OPF_UNKNOWN, "iam.access_role: the role %s has no readable trust policy", role);
    json_t *found = json_array();
    s_trusted(statements, mgmt, found);
    json_decref(statements);
    json_t *values = json_pack("{s:s,s:s?,s:O}", "RoleName", role, "Arn", opf_chk_str(r, "Arn"),
                               "TrustedOldManagementPrincipals", found);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    enum opf_status st;
    if (json_array_size(found))
        st = opf_set(f, OPF_WARN, "the role %s trusts the old management account %s (%s): after the move that "
                                  "account keeps its way in; re-point the trust to the new management account or "
                                  "delete the role once the move is verified",
                     role, mgmt, json_string_value(json_array_get(found, 0)));
    else
        st = opf_set(f, OPF_PASS, "the role %s does not trust the old management account %s", role, mgmt);
    json_decref(found);
    return st;
}

const struct opf_check opf_check_org_access_role_trust = {
    OPF_CHECK_HEADER,
    .id = "org-access-role-trust",
    .title = "Access role does not keep trusting the old management account",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_MEDIUM,
    .runbook = OPF_RUNBOOK_AFTER_MOVE, /* the role drives members out: its trust goes once they are gone */
    .flags = OPF_CHECK_MEMBERS_ONLY,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "The organization's access role (OrganizationAccountAccessRole by default) is not deleted when "
                 "an account leaves: the old management account keeps administrator access unless its trust "
                 "policy changes.",
    .remediation = "Once the account has joined the new organization, change the role's trust policy to the new "
                   "management account (aws iam update-assume-role-policy) or delete the role; keep another way "
                   "in until then.",
};
