/*
 * iam.users: every IAM user of an account with what evaluating its permissions takes: login profile, MFA
 * devices, permissions boundary (GetUser: ListUsers omits it), the inline and managed policies of the user
 * and of its groups, and the default version's document of every managed policy among them (GetPolicy +
 * GetPolicyVersion, read once per policy ARN across accounts: AWS managed policies are the same everywhere).
 */
#include <stdio.h>
#include <string.h>

#include "aws/client.h"
#include "collect/collect_internal.h"

static json_t *s_list(struct opf_aws_session *s, const char *op, const char *key, const char *name_key,
                      const char *name, struct opf_aws_error *err)
{
    json_t *in = json_pack("{s:s}", name_key, name);
    json_t *out = opf_aws_call(s, "iam", op, in, OPF_AWS_PAGINATE, err);
    json_decref(in);
    json_t *list = out ? json_incref(json_object_get(out, key)) : NULL;
    json_decref(out);
    return list && json_is_array(list) ? list : (json_decref(list), out ? json_array() : NULL);
}

/* Inline policies (names, then each document) of a user or a group. */
static json_t *s_inline(struct opf_aws_session *s, const char *list_op, const char *get_op, const char *name_key,
                        const char *name, struct opf_aws_error *err)
{
    json_t *names = s_list(s, list_op, "PolicyNames", name_key, name, err);
    if (!names)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *n;
    json_array_foreach(names, i, n) {
        json_t *in = json_pack("{s:s, s:O}", name_key, name, "PolicyName", n);
        json_t *doc = opf_aws_call(s, "iam", get_op, in, 0, err);
        json_decref(in);
        if (!doc) {
            json_decref(names);
            json_decref(out);
            return NULL;
        }
        opf_collect_decode_document(doc, "PolicyDocument");
        json_array_append_new(out, json_pack("{s:O, s:O?}", "PolicyName", n, "PolicyDocument",
                                             json_object_get(doc, "PolicyDocument")));
        json_decref(doc);
    }
    json_decref(names);
    return out;
}

/* A managed policy's default version: {"PolicyName", "DefaultVersionId", "Document"}, or NULL with err. */
static json_t *s_managed(struct opf_collect *k, struct opf_aws_session *s, const char *arn, struct opf_aws_error *err)
{
    json_t *out = opf_collect_cache_claim(k, k->iam_policy_cache, arn);
    if (out)
        return out;
    json_t *in = json_pack("{s:s}", "PolicyArn", arn);
    json_t *got = opf_aws_call(s, "iam", "GetPolicy", in, 0, err);
    json_decref(in);
    const json_t *policy = json_object_get(got, "Policy");
    const char *version = json_string_value(json_object_get(policy, "DefaultVersionId"));
    json_t *v = NULL;
    if (got && !version) {
        snprintf(err->operation, sizeof(err->operation), "iam:GetPolicy");
        opf_aws_error_set(err, "MalformedResponse", "GetPolicy of %s returned no DefaultVersionId", arn);
    } else if (version) {
        in = json_pack("{s:s, s:s}", "PolicyArn", arn, "VersionId", version);
        v = opf_aws_call(s, "iam", "GetPolicyVersion", in, 0, err);
        json_decref(in);
    }
    json_t *pv = json_object_get(v, "PolicyVersion");
    opf_collect_decode_document(pv, "Document");
    const json_t *doc = json_object_get(pv, "Document");
    if (v && !json_is_object(doc)) {
        snprintf(err->operation, sizeof(err->operation), "iam:GetPolicyVersion");
        opf_aws_error_set(err, "MalformedResponse", "GetPolicyVersion of %s returned no readable document", arn);
    }
    out = json_is_object(doc) ? json_pack("{s:O?, s:s, s:O}", "PolicyName", json_object_get(policy, "PolicyName"),
                                          "DefaultVersionId", version, "Document", doc)
                              : NULL;
    json_decref(got);
    json_decref(v);
    opf_collect_cache_fill(k, k->iam_policy_cache, arn, out);
    return out;
}

/* Adds the documents of a user's or a group's managed policies to `policies` (ARN -> version); failures go
 * to errors, and the policy stays without a document. */
static void s_documents_of(struct opf_collect *k, struct opf_aws_session *s, const json_t *principal,
                           json_t *policies, json_t *errors)
{
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(principal, "AttachedPolicies"), i, p) {
        const char *arn = json_string_value(json_object_get(p, "PolicyArn"));
        if (!arn || json_object_get(policies, arn))
            continue;
        struct opf_aws_error err = {0};
        json_t *doc = s_managed(k, s, arn, &err);
        if (!doc) {
            opf_collect_error_entry(errors, "global", &err, arn);
            doc = json_pack("{s:O?}", "PolicyName", json_object_get(p, "PolicyName"));
        }
        json_object_set_new(policies, arn, doc);
    }
}

static json_t *s_documents(struct opf_collect *k, struct opf_aws_session *s, const json_t *users, json_t *errors)
{
    json_t *policies = json_object();
    size_t i, j;
    const json_t *u, *g;
    json_array_foreach(users, i, u) {
        s_documents_of(k, s, u, policies, errors);
        json_array_foreach(json_object_get(u, "Groups"), j, g) s_documents_of(k, s, g, policies, errors);
    }
    return policies;
}

json_t *opf_collect_users(struct opf_collect *k, struct opf_aws_session *s, struct opf_aws_error *err)
{
    json_t *list = opf_aws_call(s, "iam", "ListUsers", NULL, OPF_AWS_PAGINATE, err);
    if (!list)
        return NULL;
    json_t *users = json_array();
    size_t i;
    json_t *u;
    bool ok = true;
    json_array_foreach(json_object_get(list, "Users"), i, u) {
        const char *name = json_string_value(json_object_get(u, "UserName"));
        json_t *user = json_pack("{s:O?, s:O?, s:O?, s:O?}", "UserName", json_object_get(u, "UserName"), "Arn",
                                 json_object_get(u, "Arn"), "UserId", json_object_get(u, "UserId"), "CreateDate",
                                 json_object_get(u, "CreateDate"));
        json_t *in = json_pack("{s:s}", "UserName", name);
        json_t *got = opf_aws_call(s, "iam", "GetUser", in, 0, err);
        json_t *lp = got ? opf_aws_call(s, "iam", "GetLoginProfile", in, 0, err) : NULL;
        json_decref(in);
        if (!got || (!lp && strcmp(err->code, "NoSuchEntity") != 0))
            ok = false;
        /* ListUsers omits the boundary: only GetUser tells */
        const json_t *pb = json_object_get(json_object_get(got, "User"), "PermissionsBoundary");
        json_object_set_new(user, "PermissionsBoundary", pb ? json_incref((json_t *)pb) : json_null());
        json_decref(got);
        json_object_set_new(user, "LoginProfile", lp ? json_incref(json_object_get(lp, "LoginProfile")) : json_null());
        json_decref(lp);
        json_t *mfa = ok ? s_list(s, "ListMFADevices", "MFADevices", "UserName", name, err) : NULL;
        json_t *att = mfa ? s_list(s, "ListAttachedUserPolicies", "AttachedPolicies", "UserName", name, err) : NULL;
        json_t *inl = att ? s_inline(s, "ListUserPolicies", "GetUserPolicy", "UserName", name, err) : NULL;
        json_t *groups = inl ? s_list(s, "ListGroupsForUser", "Groups", "UserName", name, err) : NULL;
        ok = ok && groups;
        json_t *gout = json_array();
        size_t j;
        json_t *g;
        json_array_foreach(ok ? groups : NULL, j, g) {
            const char *gname = json_string_value(json_object_get(g, "GroupName"));
            json_t *gatt = s_list(s, "ListAttachedGroupPolicies", "AttachedPolicies", "GroupName", gname, err);
            json_t *ginl = gatt ? s_inline(s, "ListGroupPolicies", "GetGroupPolicy", "GroupName", gname, err) : NULL;
            if (!ginl) {
                json_decref(gatt);
                ok = false;
                break;
            }
            json_array_append_new(gout, json_pack("{s:s, s:o, s:o}", "GroupName", gname, "AttachedPolicies", gatt,
                                                  "InlinePolicies", ginl));
        }
        json_object_set_new(user, "MFADevices", mfa ? mfa : json_array());
        json_object_set_new(user, "AttachedPolicies", att ? att : json_array());
        json_object_set_new(user, "InlinePolicies", inl ? inl : json_array());
        json_object_set_new(user, "Groups", gout);
        json_decref(groups);
        json_array_append_new(users, user);
        if (!ok)
            break;
    }
    json_decref(list);
    if (!ok) {
        json_decref(users);
        return NULL;
    }
    json_t *errors = json_array();
    json_t *policies = s_documents(k, s, users, errors);
    json_t *out = json_pack("{s:o, s:o}", "Users", users, "Policies", policies);
    if (json_array_size(errors))
        json_object_set_new(out, "Errors", errors);
    else
        json_decref(errors);
    return out;
}

