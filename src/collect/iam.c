/*
 * A member's IAM evidence, read with its own role session (the management account's with the operator's):
 * the credential report, the account summary, every user with what break-glass-user needs, the aliases and the
 * audit role. Each item is one job (jobs.c), so they are read side by side.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/aws.h"
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

/* One read about a user (or one of its groups): its answer, or the error that stopped it. */
enum s_what { S_LOGIN, S_MFA, S_ATTACHED, S_INLINE, S_GROUPS, S_GROUP_ATTACHED, S_GROUP_INLINE, S_USER_PARTS = 5 };

struct s_part {
    struct opf_aws_session *s;
    const char *name;                    /* the user's or the group's */
    enum s_what what;
    json_t *out;                         /* NULL when err says why */
    struct opf_aws_error err;
};

static void s_part_job(struct opf_collect *k, void *arg, json_t *ev);

/* Runs parts[0..n) side by side; the first failure, in their order, is the error (as if read one by one). */
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

/* A user's groups, each with its attached and inline policies (read side by side). */
static json_t *s_groups(struct opf_collect *k, struct opf_aws_session *s, const char *user, struct opf_aws_error *err)
{
    json_t *groups = s_list(s, "ListGroupsForUser", "Groups", "UserName", user, err);
    if (!groups)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) {
        const char *gname = json_string_value(json_object_get(g, "GroupName"));
        struct s_part parts[2] = {{.s = s, .name = gname, .what = S_GROUP_ATTACHED},
                                  {.s = s, .name = gname, .what = S_GROUP_INLINE}};
        bool ok = gname && s_parts(k, parts, 2, err);
        if (ok)
            json_array_append_new(out, json_pack("{s:s, s:O, s:O}", "GroupName", gname, "AttachedPolicies",
                                                 parts[0].out, "InlinePolicies", parts[1].out));
        else if (!gname)
            opf_aws_error_set(err, "MalformedResponse", "ListGroupsForUser of %s returned a group without a name", user);
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
    json_t *in, *lp;
    switch (p->what) {
    case S_LOGIN:
        in = json_pack("{s:s}", "UserName", p->name);
        lp = opf_aws_call(p->s, "iam", "GetLoginProfile", in, 0, &p->err);
        json_decref(in);
        if (lp)
            p->out = json_incref(json_object_get(lp, "LoginProfile"));
        else if (strcmp(p->err.code, "NoSuchEntity") == 0)
            p->out = json_null(); /* no console password */
        json_decref(lp);
        break;
    case S_MFA:
        p->out = s_list(p->s, "ListMFADevices", "MFADevices", "UserName", p->name, &p->err);
        break;
    case S_ATTACHED:
        p->out = s_list(p->s, "ListAttachedUserPolicies", "AttachedPolicies", "UserName", p->name, &p->err);
        break;
    case S_INLINE:
        p->out = s_inline(p->s, "ListUserPolicies", "GetUserPolicy", "UserName", p->name, &p->err);
        break;
    case S_GROUPS:
        p->out = s_groups(k, p->s, p->name, &p->err);
        break;
    case S_GROUP_ATTACHED:
        p->out = s_list(p->s, "ListAttachedGroupPolicies", "AttachedPolicies", "GroupName", p->name, &p->err);
        break;
    case S_GROUP_INLINE:
        p->out = s_inline(p->s, "ListGroupPolicies", "GetGroupPolicy", "GroupName", p->name, &p->err);
        break;
    }
}

/* One user with what break-glass-user needs: its five reads side by side. */
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
    const char *name = json_string_value(json_object_get(l, "UserName"));
    struct s_part parts[S_USER_PARTS];
    for (int i = 0; i < S_USER_PARTS; i++)
        parts[i] = (struct s_part){.s = u->s, .name = name, .what = (enum s_what)i};
    if (!name)
        opf_aws_error_set(&u->err, "MalformedResponse", "ListUsers returned a user without a name");
    else if (s_parts(k, parts, S_USER_PARTS, &u->err))
        u->out = json_pack("{s:O?, s:O?, s:O?, s:O?, s:O, s:O, s:O, s:O, s:O}", "UserName", json_object_get(l, "UserName"),
                           "Arn", json_object_get(l, "Arn"), "UserId", json_object_get(l, "UserId"), "CreateDate",
                           json_object_get(l, "CreateDate"), "LoginProfile", parts[S_LOGIN].out, "MFADevices",
                           parts[S_MFA].out, "AttachedPolicies", parts[S_ATTACHED].out, "InlinePolicies",
                           parts[S_INLINE].out, "Groups", parts[S_GROUPS].out);
    s_free_parts(parts, S_USER_PARTS);
}

/* iam.users: every user, read side by side; the first user that could not be read fails the item. */
static json_t *s_users(struct opf_collect *k, struct opf_aws_session *s, struct opf_aws_error *err)
{
    json_t *list = opf_aws_call(s, "iam", "ListUsers", NULL, OPF_AWS_PAGINATE, err);
    if (!list)
        return NULL;
    const json_t *listed = json_object_get(list, "Users");
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
        if (!users[i].out) {
            *err = users[i].err;
            json_decref(out);
            out = NULL;
        } else {
            json_array_append(out, users[i].out);
        }
    }
    for (size_t i = 0; users && i < n; i++)
        json_decref(users[i].out);
    free(users);
    free(jobs);
    json_decref(list);
    return out ? json_pack("{s:o}", "Users", out) : NULL;
}

static json_t *s_credential_report(struct opf_aws_session *s, struct opf_aws_error *err)
{
    /* The report is generated asynchronously; AWS answers with the existing one for four hours. */
    for (int i = 0; i < 20; i++) {
        json_t *g = opf_aws_call(s, "iam", "GenerateCredentialReport", NULL, 0, err);
        if (!g)
            return NULL;
        const char *state = json_string_value(json_object_get(g, "State"));
        bool complete = state && strcmp(state, "COMPLETE") == 0;
        json_decref(g);
        if (complete)
            break;
        usleep(500000);
    }
    return opf_aws_call(s, "iam", "GetCredentialReport", NULL, 0, err);
}

/* One job per item: the items are independent once the member's session exists. */
static void s_credential_report_job(struct opf_collect *k, void *arg, json_t *ev)
{
    (void)k;
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    json_t *r = m->denied ? NULL : s_credential_report(m->s, &err);
    opf_collect_item(ev, "iam.credential_report", "iam:GenerateCredentialReport+iam:GetCredentialReport", r,
                     m->denied ? m->denied : &err);
}

static void s_account_summary_job(struct opf_collect *k, void *arg, json_t *ev)
{
    (void)k;
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    json_t *r = m->denied ? NULL : opf_aws_call(m->s, "iam", "GetAccountSummary", NULL, 0, &err);
    opf_collect_item(ev, "iam.account_summary", "iam:GetAccountSummary", r, m->denied ? m->denied : &err);
}

static void s_users_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    json_t *r = m->denied ? NULL : s_users(k, m->s, &err);
    opf_collect_item(ev, "iam.users", "iam:ListUsers+iam:GetLoginProfile+iam:ListMFADevices+iam:ListAttachedUserPolicies+"
                                      "iam:ListUserPolicies+iam:GetUserPolicy+iam:ListGroupsForUser+"
                                      "iam:ListAttachedGroupPolicies+iam:ListGroupPolicies+iam:GetGroupPolicy",
                     r, m->denied ? m->denied : &err);
}

static void s_aliases_job(struct opf_collect *k, void *arg, json_t *ev)
{
    (void)k;
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    json_t *r = m->denied ? NULL : opf_aws_call(m->s, "iam", "ListAccountAliases", NULL, OPF_AWS_PAGINATE, &err);
    opf_collect_item(ev, "iam.account_aliases", "iam:ListAccountAliases", r, m->denied ? m->denied : &err);
}

static void s_access_role_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    json_t *in = json_pack("{s:s}", "RoleName", k->role_name);
    json_t *r = m->denied ? NULL : opf_aws_call(m->s, "iam", "GetRole", in, 0, &err);
    json_decref(in);
    opf_collect_decode_document(json_object_get(r, "Role"), "AssumeRolePolicyDocument");
    opf_collect_item(ev, "iam.access_role", "iam:GetRole", r, m->denied ? m->denied : &err);
}

size_t opf_collect_iam_jobs(struct opf_collect *k, struct opf_collect_member *m, struct opf_collect_job *jobs)
{
    static const struct {
        const char *key;
        opf_collect_job_fn *run;
    } items[] = {{"iam.credential_report", s_credential_report_job}, {"iam.account_summary", s_account_summary_job},
                 {"iam.users", s_users_job}, {"iam.account_aliases", s_aliases_job},
                 {"iam.access_role", s_access_role_job}};
    size_t n = 0;
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
        if (opf_collect_want(k, items[i].key))
            jobs[n++] = (struct opf_collect_job){.run = items[i].run, .arg = m};
    return n;
}
