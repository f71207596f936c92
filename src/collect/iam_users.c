/*
 * iam.users: every IAM user of an account with what evaluating its permissions takes: login profile, MFA
 * devices, permissions boundary (GetUser: ListUsers omits it), the inline and managed policies of the user
 * and of its groups, and the default version's document of every managed policy among them and of the
 * boundary (GetPolicy + GetPolicyVersion, read once per policy ARN: an AWS managed policy once across accounts,
 * as it is the same everywhere; a customer managed one, whose ARN names its account, once in its account).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/collector.h"
#include "collect/collect_internal.h"

static json_t *s_list(struct opf_collect *k, struct opf_aws_session *s, const char *op, const char *key,
                      const char *name_key, const char *name, struct opf_aws_error *err)
{
    json_t *in = json_pack("{s:s}", name_key, name);
    json_t *out = opf_collect_call(k, s, "iam", op, in, OPF_AWS_PAGINATE, err);
    json_decref(in);
    json_t *list = out ? json_incref(json_object_get(out, key)) : NULL;
    json_decref(out);
    return list && json_is_array(list) ? list : (json_decref(list), out ? json_array() : NULL);
}

/* Inline policies (names, then each document) of a user or a group. */
static json_t *s_inline(struct opf_collect *k, struct opf_aws_session *s, const char *list_op, const char *get_op,
                        const char *name_key, const char *name, struct opf_aws_error *err)
{
    json_t *names = s_list(k, s, list_op, "PolicyNames", name_key, name, err);
    if (!names)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *n;
    json_array_foreach(names, i, n) {
        json_t *in = json_pack("{s:s, s:O}", name_key, name, "PolicyName", n);
        json_t *doc = opf_collect_call(k, s, "iam", get_op, in, 0, err);
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
    /* only AWS managed policies are shared: a customer managed one would be cached for the rest of the run
     * (thousands of them in a large organization) and never asked for again */
    bool shared = strstr(arn, ":iam::aws:policy/") != NULL;
    json_t *out = shared ? opf_collect_cache_claim(k, k->iam_policy_cache, arn) : NULL;
    if (out)
        return out;
    json_t *in = json_pack("{s:s}", "PolicyArn", arn);
    json_t *got = opf_collect_call(k, s, "iam", "GetPolicy", in, 0, err);
    json_decref(in);
    const json_t *policy = json_object_get(got, "Policy");
    const char *version = json_string_value(json_object_get(policy, "DefaultVersionId"));
    json_t *v = NULL;
    if (got && !version) {
        snprintf(err->operation, sizeof(err->operation), "iam:GetPolicy");
        opf_aws_error_set(err, "MalformedResponse", "GetPolicy of %s returned no DefaultVersionId", arn);
    } else if (version) {
        in = json_pack("{s:s, s:s}", "PolicyArn", arn, "VersionId", version);
        v = opf_collect_call(k, s, "iam", "GetPolicyVersion", in, 0, err);
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
    if (shared)
        opf_collect_cache_fill(k, k->iam_policy_cache, arn, out);
    return out;
}

/* Adds one managed policy's default version to `policies` (ARN -> version), once; a failure goes to errors
 * and leaves the policy without a document. */
static void s_document(struct opf_collect *k, struct opf_aws_session *s, const char *arn, const json_t *name,
                       json_t *policies, json_t *errors)
{
    if (!arn || json_object_get(policies, arn))
        return;
    struct opf_aws_error err = {0};
    json_t *doc = s_managed(k, s, arn, &err);
    if (!doc) {
        opf_collect_error_entry(errors, "global", &err, arn);
        doc = json_pack("{s:O?}", "PolicyName", name);
    }
    json_object_set_new(policies, arn, doc);
}

/* The documents of a user's or a group's managed policies, and of a user's permissions boundary. */
static void s_documents_of(struct opf_collect *k, struct opf_aws_session *s, const json_t *principal,
                           json_t *policies, json_t *errors)
{
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(principal, "AttachedPolicies"), i, p)
        s_document(k, s, json_string_value(json_object_get(p, "PolicyArn")), json_object_get(p, "PolicyName"),
                   policies, errors);
    const json_t *boundary = json_object_get(principal, "PermissionsBoundary");
    s_document(k, s, json_string_value(json_object_get(boundary, "PermissionsBoundaryArn")), NULL, policies, errors);
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

/* One read about a user (or one of its groups): its answer, or the error that stopped it. The reads of a user,
 * and the users, run side by side (jobs.c); the first failure in their order is the item's error, as if they had
 * been read one by one. */
enum s_what { S_USER, S_LOGIN, S_MFA, S_ATTACHED, S_INLINE, S_GROUPS, S_USER_PARTS, S_GROUP_ATTACHED, S_GROUP_INLINE };

struct s_part {
    struct opf_aws_session *s;
    const char *name;                    /* the user's or the group's */
    enum s_what what;
    json_t *out;                         /* NULL when err says why */
    struct opf_aws_error err;
};

static void s_part_job(struct opf_collect *k, void *arg, json_t *ev);

static bool s_parts(struct opf_collect *k, struct s_part *parts, size_t n, struct opf_aws_error *err)
{
    struct opf_collect_job jobs[S_USER_PARTS];
    json_t *scratch = json_object();
    for (size_t i = 0; i < n; i++)
        jobs[i] = (struct opf_collect_job){.run = s_part_job, .arg = &parts[i]};
    opf_collect_jobs(k, jobs, n, scratch);
    json_decref(scratch);
    for (size_t i = 0; i < n; i++)
        if (!parts[i].out) {
            *err = parts[i].err;
            return false;
        }
    return true;
}

static void s_free_parts(struct s_part *parts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_decref(parts[i].out);
}

/* A user's groups, each with its attached and inline policies. */
static json_t *s_groups(struct opf_collect *k, struct opf_aws_session *s, const char *user, struct opf_aws_error *err)
{
    json_t *groups = s_list(k, s, "ListGroupsForUser", "Groups", "UserName", user, err);
    json_t *out = groups ? json_array() : NULL;
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) {
        const char *gname = json_string_value(json_object_get(g, "GroupName"));
        struct s_part parts[2] = {{.s = s, .name = gname, .what = S_GROUP_ATTACHED},
                                  {.s = s, .name = gname, .what = S_GROUP_INLINE}};
        bool ok = s_parts(k, parts, 2, err);
        if (ok)
            json_array_append_new(out, json_pack("{s:s?, s:O, s:O}", "GroupName", gname, "AttachedPolicies",
                                                 parts[0].out, "InlinePolicies", parts[1].out));
        s_free_parts(parts, 2);
        if (!ok) {
            json_decref(out);
            out = NULL;
            break;
        }
    }
    json_decref(groups);
    return out;
}

static void s_part_job(struct opf_collect *k, void *arg, json_t *ev)
{
    (void)ev;
    struct s_part *p = arg;
    json_t *in = json_pack("{s:s?}", "UserName", p->name), *got = NULL;
    switch (p->what) {
    case S_USER: /* ListUsers omits the boundary: only GetUser tells */
        got = opf_collect_call(k, p->s, "iam", "GetUser", in, 0, &p->err);
        if (got) {
            const json_t *pb = json_object_get(json_object_get(got, "User"), "PermissionsBoundary");
            p->out = pb ? json_incref((json_t *)pb) : json_null();
        }
        break;
    case S_LOGIN:
        got = opf_collect_call(k, p->s, "iam", "GetLoginProfile", in, 0, &p->err);
        if (got)
            p->out = json_incref(json_object_get(got, "LoginProfile"));
        else if (strcmp(p->err.code, "NoSuchEntity") == 0)
            p->out = json_null(); /* no console password */
        break;
    case S_MFA:
        p->out = s_list(k, p->s, "ListMFADevices", "MFADevices", "UserName", p->name, &p->err);
        break;
    case S_ATTACHED:
        p->out = s_list(k, p->s, "ListAttachedUserPolicies", "AttachedPolicies", "UserName", p->name, &p->err);
        break;
    case S_INLINE:
        p->out = s_inline(k, p->s, "ListUserPolicies", "GetUserPolicy", "UserName", p->name, &p->err);
        break;
    case S_GROUPS:
        p->out = s_groups(k, p->s, p->name, &p->err);
        break;
    case S_GROUP_ATTACHED:
        p->out = s_list(k, p->s, "ListAttachedGroupPolicies", "AttachedPolicies", "GroupName", p->name, &p->err);
        break;
    case S_GROUP_INLINE:
        p->out = s_inline(k, p->s, "ListGroupPolicies", "GetGroupPolicy", "GroupName", p->name, &p->err);
        break;
    case S_USER_PARTS:
        break;
    }
    json_decref(got);
    json_decref(in);
}

struct s_user {
    struct opf_aws_session *s;
    const json_t *listed;
    json_t *out;
    struct opf_aws_error err;
};

static void s_user_job(struct opf_collect *k, void *arg, json_t *ev)
{
    (void)ev;
    struct s_user *u = arg;
    const json_t *l = u->listed;
    struct s_part parts[S_USER_PARTS];
    for (int i = 0; i < S_USER_PARTS; i++)
        parts[i] = (struct s_part){.s = u->s, .name = json_string_value(json_object_get(l, "UserName")),
                                   .what = (enum s_what)i};
    if (s_parts(k, parts, S_USER_PARTS, &u->err))
        u->out = json_pack("{s:O?, s:O?, s:O?, s:O?, s:O, s:O, s:O, s:O, s:O, s:O}", "UserName",
                           json_object_get(l, "UserName"), "Arn", json_object_get(l, "Arn"), "UserId",
                           json_object_get(l, "UserId"), "CreateDate", json_object_get(l, "CreateDate"),
                           "PermissionsBoundary", parts[S_USER].out, "LoginProfile", parts[S_LOGIN].out, "MFADevices",
                           parts[S_MFA].out, "AttachedPolicies", parts[S_ATTACHED].out, "InlinePolicies",
                           parts[S_INLINE].out, "Groups", parts[S_GROUPS].out);
    s_free_parts(parts, S_USER_PARTS);
}

/* Every user, read side by side: NULL with err when one could not be read (the first in ListUsers' order). */
static json_t *s_users(struct opf_collect *k, struct opf_aws_session *s, const json_t *listed, struct opf_aws_error *err)
{
    size_t n = json_array_size(listed);
    struct s_user *users = calloc(n ? n : 1, sizeof(*users));
    struct opf_collect_job *jobs = calloc(n ? n : 1, sizeof(*jobs));
    json_t *out = users && jobs ? json_array() : NULL;
    if (!out)
        opf_aws_error_set(err, "OutOfMemory", "no memory for %zu users", n);
    for (size_t i = 0; out && i < n; i++) {
        users[i] = (struct s_user){.s = s, .listed = json_array_get(listed, i)};
        jobs[i] = (struct opf_collect_job){.run = s_user_job, .arg = &users[i]};
    }
    json_t *scratch = json_object();
    if (out)
        opf_collect_jobs(k, jobs, n, scratch);
    json_decref(scratch);
    for (size_t i = 0; out && i < n; i++) {
        if (users[i].out) {
            json_array_append(out, users[i].out);
            continue;
        }
        *err = users[i].err;
        json_decref(out);
        out = NULL;
    }
    for (size_t i = 0; users && i < n; i++)
        json_decref(users[i].out);
    free(users);
    free(jobs);
    return out;
}

json_t *opf_collect_users(struct opf_collect *k, struct opf_aws_session *s, struct opf_aws_error *err)
{
    json_t *list = opf_collect_call(k, s, "iam", "ListUsers", NULL, OPF_AWS_PAGINATE, err);
    json_t *users = list ? s_users(k, s, json_object_get(list, "Users"), err) : NULL;
    json_decref(list);
    if (!users)
        return NULL;
    json_t *errors = json_array();
    json_t *policies = s_documents(k, s, users, errors);
    json_t *out = json_pack("{s:o, s:o}", "Users", users, "Policies", policies);
    if (json_array_size(errors))
        json_object_set_new(out, "Errors", errors);
    else
        json_decref(errors);
    return out;
}

