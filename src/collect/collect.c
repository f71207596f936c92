/*
 * Live collection: discovery with the operator's credentials, a role session in every member account,
 * the evidence every selected check needs (docs/evidence.md). Worker threads take accounts one at a time;
 * the AWS client paces Organizations and the Account API itself. A failed call becomes an evidence item
 * carrying the error, so its checks are unknown with the reason and nothing is dropped.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <orgpreflight/collect.h>

#include "aws/aws.h"
#include "aws/client.h"
#include "collect/collect_internal.h"
#include "core/core.h"
#include "probes/probes.h"

bool opf_collect_want(const struct opf_collect *k, const char *key)
{
    if (!k->opts->needs)
        return true;
    for (const char *const *n = k->opts->needs; *n; n++)
        if (strcmp(*n, key) == 0)
            return true;
    return false;
}

static void s_now(char *buf, size_t n)
{
    opf_time_format(time(NULL), buf, n);
}

void opf_collect_item(json_t *evidence, const char *key, const char *source, json_t *data, const struct opf_aws_error *err)
{
    char at[32];
    s_now(at, sizeof(at));
    json_t *item = json_pack("{s:s, s:s}", "source", source, "collected_at", at);
    if (data)
        json_object_set_new(item, "data", data);
    else
        json_object_set_new(item, "error", json_pack("{s:s, s:s, s:I}", "code", err->code[0] ? err->code : "Error",
                                                     "message", err->message, "http_status", (json_int_t)err->http_status));
    json_object_set_new(evidence, key, item);
}

/* How many items of an evidence object failed (carry an error instead of data): what stats.errors counts. */
static unsigned long s_failed_items(const json_t *evidence)
{
    unsigned long n = 0;
    const char *key;
    const json_t *item;
    json_object_foreach((json_t *)evidence, key, item) n += json_object_get(item, "error") != NULL;
    return n;
}

/* One call recorded as one item. */
static json_t *s_call_item(struct opf_collect *k, struct opf_aws_session *s, json_t *evidence, const char *key,
                           const char *service, const char *op, json_t *input, unsigned flags)
{
    struct opf_aws_error err;
    json_t *out = opf_aws_call(s, service, op, input, flags, &err);
    char source[128];
    snprintf(source, sizeof(source), "%s:%s", service, op);
    opf_collect_item(evidence, key, source, out ? json_incref(out) : NULL, &err);
    json_decref(input);
    return out; /* the caller's reference, or NULL */
}

/* ---- the organization ---- */

/* Shared caches are filled once: an entry being fetched holds json_null(), and other workers wait for it
 * instead of sending the same request. Returns the cached value (a reference), or NULL when the caller
 * must fetch it and then call s_cache_fill. */
json_t *opf_collect_cache_claim(struct opf_collect *k, json_t *cache, const char *key)
{
    pthread_mutex_lock(&k->lock);
    json_t *v;
    while ((v = json_object_get(cache, key)) && json_is_null(v))
        pthread_cond_wait(&k->filled, &k->lock);
    if (!v)
        json_object_set_new(cache, key, json_null());
    json_incref(v);
    pthread_mutex_unlock(&k->lock);
    return v;
}

/* Stores a claimed entry (value borrowed), or releases the claim on failure so that another worker tries. */
void opf_collect_cache_fill(struct opf_collect *k, json_t *cache, const char *key, json_t *value)
{
    pthread_mutex_lock(&k->lock);
    if (value)
        json_object_set(cache, key, value);
    else
        json_object_del(cache, key);
    pthread_cond_broadcast(&k->filled);
    pthread_mutex_unlock(&k->lock);
}

/* An OU's name, described once per OU. */
static json_t *s_ou_name(struct opf_collect *k, const char *ou, struct opf_aws_error *err)
{
    json_t *name = opf_collect_cache_claim(k, k->ou_cache, ou);
    if (name)
        return name;
    json_t *in = json_pack("{s:s}", "OrganizationalUnitId", ou);
    json_t *out = opf_aws_call(k->mgmt, "organizations", "DescribeOrganizationalUnit", in, 0, err);
    json_decref(in);
    const char *n = json_string_value(json_object_get(json_object_get(out, "OrganizationalUnit"), "Name"));
    if (out && !n)
        opf_aws_error_set(err, "MalformedResponse", "DescribeOrganizationalUnit of %s returned no name", ou);
    name = n ? json_string(n) : NULL;
    json_decref(out);
    opf_collect_cache_fill(k, k->ou_cache, ou, name);
    return name;
}

/* The parent of a target ({Id, Type, Name}), listed once per target. */
static json_t *s_parent_of(struct opf_collect *k, const char *child, struct opf_aws_error *err)
{
    json_t *parent = opf_collect_cache_claim(k, k->parent_cache, child);
    if (parent)
        return parent;
    json_t *in = json_pack("{s:s}", "ChildId", child);
    json_t *out = opf_aws_call(k->mgmt, "organizations", "ListParents", in, OPF_AWS_PAGINATE, err);
    json_decref(in);
    const json_t *p = json_array_get(json_object_get(out, "Parents"), 0);
    const char *pid = json_string_value(json_object_get(p, "Id")), *type = json_string_value(json_object_get(p, "Type"));
    if (out && !pid)
        opf_aws_error_set(err, "MalformedResponse", "ListParents of %s returned no parent", child);
    json_t *name = !pid ? NULL : type && strcmp(type, "ORGANIZATIONAL_UNIT") == 0 ? s_ou_name(k, pid, err) : json_string("Root");
    parent = name ? json_pack("{s:s, s:s, s:o}", "Id", pid, "Type", type ? type : "", "Name", name) : NULL;
    json_decref(out);
    opf_collect_cache_fill(k, k->parent_cache, child, parent);
    return parent;
}

/* The parent chain of a target, root first. */
static json_t *s_parents(struct opf_collect *k, const char *id, struct opf_aws_error *err)
{
    json_t *path = json_array();
    char current[64];
    snprintf(current, sizeof(current), "%s", id);
    for (int depth = 0; depth < 8 && strncmp(current, "r-", 2) != 0; depth++) {
        json_t *parent = s_parent_of(k, current, err);
        if (!parent) {
            json_decref(path);
            return NULL;
        }
        json_array_insert(path, 0, parent);
        snprintf(current, sizeof(current), "%s", json_string_value(json_object_get(parent, "Id")));
        json_decref(parent);
    }
    return path;
}

/* A policy's content, described once per policy. */
static json_t *s_policy_content(struct opf_collect *k, const char *id, struct opf_aws_error *err)
{
    if (!id) {
        opf_aws_error_set(err, "MalformedResponse", "ListPoliciesForTarget returned a policy without an Id");
        return NULL;
    }
    json_t *content = opf_collect_cache_claim(k, k->policy_cache, id);
    if (content)
        return content;
    json_t *in = json_pack("{s:s}", "PolicyId", id);
    json_t *d = opf_aws_call(k->mgmt, "organizations", "DescribePolicy", in, 0, err);
    json_decref(in);
    if (d) {
        content = json_incref(json_object_get(json_object_get(d, "Policy"), "Content"));
        content = content ? content : json_string("");
    }
    json_decref(d);
    opf_collect_cache_fill(k, k->policy_cache, id, content);
    return content;
}

/* SCPs attached to a target, listed once per target. */
static json_t *s_policies_for(struct opf_collect *k, const char *target, struct opf_aws_error *err)
{
    json_t *policies = opf_collect_cache_claim(k, k->scp_cache, target);
    if (policies)
        return policies;
    json_t *in = json_pack("{s:s, s:s}", "TargetId", target, "Filter", "SERVICE_CONTROL_POLICY");
    json_t *out = opf_aws_call(k->mgmt, "organizations", "ListPoliciesForTarget", in, OPF_AWS_PAGINATE, err);
    json_decref(in);
    policies = out ? json_array() : NULL;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(out, "Policies"), i, p) {
        json_t *content = s_policy_content(k, json_string_value(json_object_get(p, "Id")), err);
        if (!content) {
            json_decref(policies);
            policies = NULL;
            break;
        }
        json_array_append_new(policies, json_pack("{s:O?, s:O?, s:O?, s:o}", "Id", json_object_get(p, "Id"), "Name",
                                                  json_object_get(p, "Name"), "Arn", json_object_get(p, "Arn"), "Content",
                                                  content));
    }
    json_decref(out);
    opf_collect_cache_fill(k, k->scp_cache, target, policies);
    return policies;
}

/* ---- one account ---- */

static char *s_url_decode(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1), *o = out;
    for (size_t i = 0; out && i < n; i++) {
        if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = {s[i + 1], s[i + 2], 0};
            *o++ = (char)strtol(hex, NULL, 16);
            i += 2;
        } else {
            *o++ = s[i]; /* '+' stays: botocore decodes with unquote, not unquote_plus */
        }
    }
    if (out)
        *o = '\0';
    return out;
}

/* Query answers carry policy documents URL-encoded: decode them to JSON as botocore does. */
void opf_collect_decode_document(json_t *obj, const char *key)
{
    const char *text = json_string_value(json_object_get(obj, key));
    if (!text)
        return;
    char *decoded = s_url_decode(text);
    json_t *doc = decoded ? json_loads(decoded, 0, NULL) : NULL;
    free(decoded);
    if (doc)
        json_object_set_new(obj, key, doc);
}

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

/* iam.users: every user with what break-glass-user needs. */
static json_t *s_users(struct opf_aws_session *s, struct opf_aws_error *err)
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
        json_t *lp = opf_aws_call(s, "iam", "GetLoginProfile", in, 0, err);
        json_decref(in);
        if (!lp && strcmp(err->code, "NoSuchEntity") != 0)
            ok = false;
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
    return json_pack("{s:o}", "Users", users);
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

static void s_member_iam(struct opf_collect *k, struct opf_aws_session *s, json_t *ev, const struct opf_aws_error *denied)
{
    struct opf_aws_error err = {0};
    const struct opf_aws_error *pre = denied;
    if (opf_collect_want(k, "iam.credential_report")) {
        json_t *r = pre ? NULL : s_credential_report(s, &err);
        opf_collect_item(ev, "iam.credential_report", "iam:GenerateCredentialReport+iam:GetCredentialReport", r, pre ? pre : &err);
    }
    if (opf_collect_want(k, "iam.account_summary")) {
        json_t *r = pre ? NULL : opf_aws_call(s, "iam", "GetAccountSummary", NULL, 0, &err);
        opf_collect_item(ev, "iam.account_summary", "iam:GetAccountSummary", r, pre ? pre : &err);
    }
    if (opf_collect_want(k, "iam.users")) {
        json_t *r = pre ? NULL : s_users(s, &err);
        opf_collect_item(ev, "iam.users", "iam:ListUsers+iam:GetLoginProfile+iam:ListMFADevices+iam:ListAttachedUserPolicies+"
                                "iam:ListUserPolicies+iam:GetUserPolicy+iam:ListGroupsForUser+"
                                "iam:ListAttachedGroupPolicies+iam:ListGroupPolicies+iam:GetGroupPolicy",
               r, pre ? pre : &err);
    }
    if (opf_collect_want(k, "iam.account_aliases")) {
        json_t *r = pre ? NULL : opf_aws_call(s, "iam", "ListAccountAliases", NULL, OPF_AWS_PAGINATE, &err);
        opf_collect_item(ev, "iam.account_aliases", "iam:ListAccountAliases", r, pre ? pre : &err);
    }
    if (opf_collect_want(k, "iam.access_role")) {
        json_t *in = json_pack("{s:s}", "RoleName", k->role_name);
        json_t *r = pre ? NULL : opf_aws_call(s, "iam", "GetRole", in, 0, &err);
        json_decref(in);
        opf_collect_decode_document(json_object_get(r, "Role"), "AssumeRolePolicyDocument");
        opf_collect_item(ev, "iam.access_role", "iam:GetRole", r, pre ? pre : &err);
    }
}

static void s_account_api(struct opf_collect *k, const char *id, bool mgmt, json_t *ev)
{
    struct opf_aws_error err = {0};
    /* The management account calls about itself without AccountId (standalone context). */
    json_t *base = mgmt ? json_object() : json_pack("{s:s}", "AccountId", id);
    static const struct {
        const char *key, *op;
    } calls[] = {{"account.information", "GetAccountInformation"},
                 {"account.contact_information", "GetContactInformation"}};
    for (size_t i = 0; i < 2; i++)
        if (opf_collect_want(k, calls[i].key))
            json_decref(s_call_item(k, k->mgmt, ev, calls[i].key, "account", calls[i].op, json_deep_copy(base), 0));
    if (opf_collect_want(k, "account.primary_email") && !mgmt)
        json_decref(s_call_item(k, k->mgmt, ev, "account.primary_email", "account", "GetPrimaryEmail",
                                json_deep_copy(base), 0));
    if (opf_collect_want(k, "account.alternate_contacts")) {
        static const char *const types[] = {"BILLING", "OPERATIONS", "SECURITY"};
        json_t *contacts = json_object();
        bool ok = true;
        for (size_t i = 0; i < 3 && ok; i++) {
            json_t *in = json_deep_copy(base);
            json_object_set_new(in, "AlternateContactType", json_string(types[i]));
            json_t *r = opf_aws_call(k->mgmt, "account", "GetAlternateContact", in, 0, &err);
            json_decref(in);
            if (r)
                json_object_set(contacts, types[i], json_object_get(r, "AlternateContact"));
            else if (strcmp(err.code, "ResourceNotFoundException") == 0)
                json_object_set_new(contacts, types[i], json_null()); /* not set */
            else
                ok = false;
            json_decref(r);
        }
        opf_collect_item(ev, "account.alternate_contacts", "account:GetAlternateContact",
               ok ? json_pack("{s:o}", "AlternateContacts", contacts) : (json_decref(contacts), NULL), &err);
    }
    json_decref(base);
}

static void s_dns(struct opf_collect *k, const char *email, json_t *ev)
{
    const char *at = email ? strrchr(email, '@') : NULL;
    struct opf_aws_error err = {0};
    if (!at) {
        opf_aws_error_set(&err, "NoRootEmail", "the account has no root e-mail address to probe");
        opf_collect_item(ev, "probe.dns", "probe:dns", NULL, &err);
        return;
    }
    const char *domain = at + 1;
    json_t *cached = opf_collect_cache_claim(k, k->dns_cache, domain);
    if (!cached) {
        const json_t *dns = json_object_get(k->opts->config, "dns");
        cached = opf_dns_probe(domain, json_object_get(dns, "servers"),
                               (int)json_integer_value(json_object_get(dns, "timeout_ms")), err.code,
                               sizeof(err.code), err.message, sizeof(err.message));
        if (!cached)
            cached = json_pack("{s:s, s:s}", "code", err.code, "message", err.message);
        opf_collect_cache_fill(k, k->dns_cache, domain, cached);
    }
    if (json_object_get(cached, "rcode")) {
        opf_collect_item(ev, "probe.dns", "probe:dns", json_deep_copy(cached), NULL);
    } else {
        snprintf(err.code, sizeof(err.code), "%s", json_string_value(json_object_get(cached, "code")));
        snprintf(err.message, sizeof(err.message), "%s", json_string_value(json_object_get(cached, "message")));
        opf_collect_item(ev, "probe.dns", "probe:dns", NULL, &err);
    }
    json_decref(cached);
}

/* The optional RCPT TO probe at the first MX (lowest preference) of the root address's domain. */
static void s_smtp(struct opf_collect *k, const char *email, json_t *ev)
{
    const json_t *re = json_object_get(k->opts->config, "root_email");
    if (!json_is_true(json_object_get(re, "smtp_probe")))
        return;
    struct opf_aws_error err = {0};
    const json_t *dns = json_object_get(json_object_get(ev, "probe.dns"), "data");
    const char *exchange = NULL;
    json_int_t best = 1 << 30;
    size_t i;
    const json_t *mx;
    json_array_foreach(json_object_get(dns, "mx"), i, mx) {
        const char *ex = json_string_value(json_object_get(mx, "exchange"));
        if (ex && strcmp(ex, ".") != 0 && json_integer_value(json_object_get(mx, "preference")) < best) {
            best = json_integer_value(json_object_get(mx, "preference"));
            exchange = ex;
        }
    }
    if (!exchange) {
        opf_aws_error_set(&err, "NoMailServer", "no MX to probe for %s", email ? email : "the root address");
        opf_collect_item(ev, "probe.smtp", "probe:smtp", NULL, &err);
        return;
    }
    const json_t *dcfg = json_object_get(k->opts->config, "dns");
    json_t *host = opf_dns_probe(exchange, json_object_get(dcfg, "servers"),
                                 (int)json_integer_value(json_object_get(dcfg, "timeout_ms")), err.code, sizeof(err.code),
                                 err.message, sizeof(err.message));
    const char *addr = json_string_value(json_array_get(json_object_get(host, "a"), 0));
    json_t *out = NULL;
    if (!addr && host)
        opf_aws_error_set(&err, "NoMailServerAddress", "the MX %s has no A record", exchange);
    else if (addr)
        out = opf_smtp_probe(addr, (int)json_integer_value(json_object_get(re, "smtp_port")), email, 5000, err.code,
                             sizeof(err.code), err.message, sizeof(err.message));
    if (out)
        json_object_set_new(out, "exchange", json_string(exchange));
    opf_collect_item(ev, "probe.smtp", "probe:smtp", out, &err);
    json_decref(host);
}

/* The string member of a ListAccounts entry that held a NUL character (the client shows it as U+FFFD). */
static const char *s_nul_member(const json_t *listed)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)listed, key, v) if (json_is_string(v) && strstr(json_string_value(v), "\xef\xbf\xbd")) return key;
    return NULL;
}

static void s_collect_account(struct opf_collect *k, json_t *record, const json_t *listed)
{
    json_t *ev = json_object_get(record, "evidence");
    const char *id = json_string_value(json_object_get(record, "id"));
    bool mgmt = json_is_true(json_object_get(record, "is_management"));
    struct opf_aws_error err = {0};
    const char *bad = s_nul_member(listed);
    if (bad) /* the loader refuses a NUL in a bundle: this account's listing is not evidence, the others' are */
        opf_aws_error_set(&err, "MalformedResponse", "organizations:ListAccounts gave this account a %s with a NUL character", bad);
    opf_collect_item(ev, "organizations.account", "organizations:ListAccounts",
                     bad ? NULL : json_pack("{s:O}", "Account", listed), &err);

    json_t *path = s_parents(k, id, &err);
    if (path) {
        json_t *ou_path = json_array();
        size_t i;
        json_t *p;
        json_array_foreach(path, i, p) json_array_append_new(ou_path, json_pack("{s:O, s:O, s:O}", "id", json_object_get(p, "Id"),
                                                                                "name", json_object_get(p, "Name"), "type",
                                                                                json_object_get(p, "Type")));
        json_object_set_new(record, "ou_path", ou_path);
    }
    if (opf_collect_want(k, "organizations.parents"))
        opf_collect_item(ev, "organizations.parents", "organizations:ListParents+organizations:DescribeOrganizationalUnit",
               path ? json_pack("{s:O}", "Parents", path) : NULL, &err);
    if (opf_collect_want(k, "organizations.service_control_policies")) {
        json_t *targets = path ? json_array() : NULL;
        size_t i;
        json_t *p;
        json_array_foreach(path, i, p) {
            json_t *pol = s_policies_for(k, json_string_value(json_object_get(p, "Id")), &err);
            if (!pol) {
                json_decref(targets);
                targets = NULL;
                break;
            }
            json_array_append_new(targets, json_pack("{s:O, s:o}", "TargetId", json_object_get(p, "Id"), "Policies", pol));
        }
        json_t *own = targets ? s_policies_for(k, id, &err) : NULL;
        if (own)
            json_array_append_new(targets, json_pack("{s:s, s:o}", "TargetId", id, "Policies", own));
        else if (targets)
            json_decref(targets), targets = NULL;
        opf_collect_item(ev, "organizations.service_control_policies", "organizations:ListPoliciesForTarget+organizations:DescribePolicy",
               targets ? json_pack("{s:o}", "Targets", targets) : NULL, &err);
    }
    json_decref(path);
    if (opf_collect_want(k, "organizations.delegated_services")) {
        json_t *in = json_pack("{s:s}", "AccountId", id);
        json_t *r = opf_aws_call(k->mgmt, "organizations", "ListDelegatedServicesForAccount", in, OPF_AWS_PAGINATE, &err);
        json_decref(in);
        if (!r && strcmp(err.code, "AccountNotRegisteredException") == 0)
            r = json_pack("{s:[]}", "DelegatedServices"); /* documented meaning: not a delegated administrator */
        opf_collect_item(ev, "organizations.delegated_services", "organizations:ListDelegatedServicesForAccount", r, &err);
    }
    s_account_api(k, id, mgmt, ev);
    opf_collect_assignments(k, id, ev);
    if (opf_collect_want(k, "probe.dns"))
        s_dns(k, json_string_value(json_object_get(record, "email")), ev);
    if (opf_collect_want(k, "probe.smtp"))
        s_smtp(k, json_string_value(json_object_get(record, "email")), ev);

    /* Member accounts through the audit role; the management account with the operator's session. */
    struct opf_aws_session *s = k->mgmt;
    const struct opf_aws_error *denied = NULL;
    if (!mgmt) {
        char arn[256];
        snprintf(arn, sizeof(arn), "arn:%s:iam::%s:role/%s", k->partition, id, k->role_name);
        s = opf_aws_session_assume_role(k->mgmt, arn, k->external_id, k->session_name);
        json_t *who = s ? opf_aws_call(s, "sts", "GetCallerIdentity", NULL, 0, &err) : NULL;
        if (!who)
            denied = &err;
        opf_collect_item(ev, "sts.assume_role", "sts:AssumeRole",
               who ? json_pack("{s:s, s:{s:O?}}", "RoleArn", arn, "AssumedRoleUser", "Arn", json_object_get(who, "Arn")) : NULL,
               &err);
        json_decref(who);
    }
    s_member_iam(k, s, ev, denied);
    opf_collect_policies(k, s, mgmt, ev, denied);
    if (s != k->mgmt)
        opf_aws_session_free(s);
}

/* ---- workers ---- */

static void *s_worker(void *arg)
{
    struct opf_collect *k = arg;
    for (;;) {
        pthread_mutex_lock(&k->lock);
        size_t i = k->next++;
        pthread_mutex_unlock(&k->lock);
        if (i >= k->n || (k->opts->interrupted && *k->opts->interrupted))
            break;
        s_collect_account(k, k->records[i], k->listed[i]);
        unsigned long failed = s_failed_items(json_object_get(k->records[i], "evidence"));
        char *text = k->spill ? json_dumps(k->records[i], JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        pthread_mutex_lock(&k->lock);
        if (text && fwrite(text, 1, strlen(text), k->spill) == strlen(text)) {
            /* written out: the record leaves memory until the bundle is assembled */
            k->spill_at[i] = k->spill_end;
            k->spill_len[i] = strlen(text);
            k->spill_end += (long)strlen(text);
            json_decref(k->records[i]);
            json_decref(k->listed[i]);
            k->records[i] = k->listed[i] = NULL;
        } else if (k->spill) {
            k->spill_failed = true;
        }
        k->collected[i] = true;
        k->done++;
        k->errors += failed;
        pthread_mutex_unlock(&k->lock);
        free(text);
        opf_collect_progress(k, false);
    }
    return NULL;
}

void opf_collect_progress(struct opf_collect *k, bool final)
{
    if (!k->opts->progress)
        return;
    pthread_mutex_lock(&k->lock);
    double elapsed = (double)(time(NULL) - k->started);
    double left = k->done ? elapsed / (double)k->done * (double)(k->n - k->done) : 0;
    fprintf(k->opts->progress, "\rcollecting: %zu/%zu accounts, %lu errors, %.0fs elapsed, ~%.0fs left   %s", k->done,
            k->n, k->errors, elapsed, left, final ? "\n" : "");
    fflush(k->opts->progress);
    pthread_mutex_unlock(&k->lock);
}

/* Discovery and every account's evidence: the bundle without its accounts (they are in k->records, or in
 * k->spill), or NULL with err. */
static json_t *s_run(struct opf_collect *k, struct opf_error *err)
{
    const struct opf_collect_options *opts = k->opts;
    struct opf_aws_error aerr = {0};
    const json_t *aws = json_object_get(opts->config, "aws");
    struct opf_aws_client_options co = {.profile = opts->profile, .region = opts->region,
                                        .endpoint_url = opts->endpoint_url, .debug = opts->debug,
                                        .connect_timeout_ms = json_integer_value(json_object_get(aws, "connect_timeout_ms")),
                                        .read_timeout_ms = json_integer_value(json_object_get(aws, "read_timeout_ms")),
                                        .interrupted = opts->interrupted,
                                        .call_budget_ms = 1000 * json_integer_value(json_object_get(aws, "call_budget_seconds")),
                                        .max_answer_bytes = json_integer_value(json_object_get(aws, "max_answer_bytes")),
                                        .max_pages = (int)json_integer_value(json_object_get(aws, "max_pages")),
                                        .process_timeout_ms = 1000 * json_integer_value(
                                                                         json_object_get(aws, "credential_process_timeout_seconds"))};
    k->started = time(NULL);
    pthread_mutex_init(&k->lock, NULL);
    pthread_cond_init(&k->filled, NULL);
    k->client = opf_aws_client_new(&co, &aerr);
    if (!k->client) {
        opf_fail(err, OPF_EXIT_ERROR, "AWS configuration: %s", aerr.message);
        return NULL;
    }
    k->mgmt = opf_aws_session_default(k->client, &aerr);
    if (!k->mgmt) {
        opf_fail(err, OPF_EXIT_ERROR, "credentials: %s", aerr.message);
        return NULL;
    }
    json_t *bundle = opf_collect_discover(k, &aerr, err);
    if (!bundle)
        return NULL;
    opf_collect_organization(k, bundle);
    if (k->spill) {
        k->spill_at = calloc(k->n ? k->n : 1, sizeof(*k->spill_at));
        k->spill_len = calloc(k->n ? k->n : 1, sizeof(*k->spill_len));
        if (!k->spill_at || !k->spill_len) {
            json_decref(bundle);
            opf_fail(err, OPF_EXIT_ERROR, "out of memory");
            return NULL;
        }
    }
    const json_t *access = json_object_get(opts->config, "access");
    k->role_name = json_string_value(json_object_get(access, "role_name"));
    k->role_name = k->role_name ? k->role_name : "OrganizationAccountAccessRole";
    k->external_id = json_string_value(json_object_get(access, "external_id"));
    k->session_name = json_string_value(json_object_get(access, "session_name"));
    int workers = opts->concurrency ? opts->concurrency : (int)json_integer_value(json_object_get(access, "concurrency"));
    workers = workers > 0 ? workers : 8;
    if ((size_t)workers > k->n)
        workers = (int)(k->n ? k->n : 1);
    pthread_t *threads = calloc((size_t)workers, sizeof(*threads));
    int started = 0;
    for (int i = 0; threads && i < workers; i++)
        if (pthread_create(&threads[i], NULL, s_worker, k) == 0)
            started++;
    if (started == 0)
        s_worker(k);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    opf_collect_progress(k, true);
    bool interrupted = opts->interrupted && *opts->interrupted; /* accounts in flight then lack evidence */
    json_object_set_new(bundle, "complete", json_boolean(k->done == k->n && !interrupted && !k->listing_incomplete));
    for (size_t i = 0; i < k->n; i++)
        if (!k->collected[i]) { /* interrupted: the account stays listed, its evidence says why */
            opf_collect_item(json_object_get(k->records[i], "evidence"), "collection.interrupted", "local:collector",
                             NULL, &(struct opf_aws_error){.code = "Interrupted", .message = "collection was interrupted"});
            k->errors++;
        }
    k->errors += s_failed_items(json_object_get(json_object_get(bundle, "organization"), "evidence")) +
                 s_failed_items(json_object_get(json_object_get(bundle, "operator_session"), "evidence")) +
                 s_failed_items(json_object_get(json_object_get(bundle, "target_organization"), "evidence"));
    return bundle;
}

static void s_finish(struct opf_collect *k, struct opf_collect_stats *stats)
{
    if (stats) {
        memset(stats, 0, sizeof(*stats));
        struct opf_aws_stats st = {0};
        if (k->client)
            opf_aws_client_stats(k->client, &st);
        stats->api_calls = st.requests;
        stats->retries = st.retries;
        stats->throttled = st.throttled;
        stats->refreshes = st.refreshes;
        stats->errors = k->errors;
        stats->seconds = difftime(time(NULL), k->started);
    }
    for (size_t i = 0; i < k->n; i++) {
        json_decref(k->records[i]);
        json_decref(k->listed[i]);
    }
    free(k->records);
    free(k->listed);
    free(k->collected);
    free(k->spill_at);
    free(k->spill_len);
    json_decref(k->parent_cache);
    json_decref(k->scp_cache);
    json_decref(k->policy_cache);
    json_decref(k->dns_cache);
    json_decref(k->ou_cache);
    opf_collect_organization_free(k);
    opf_aws_session_free(k->mgmt);
    opf_aws_client_free(k->client);
    pthread_mutex_destroy(&k->lock);
    pthread_cond_destroy(&k->filled);
}

json_t *opf_collect(const struct opf_collect_options *opts, struct opf_collect_stats *stats, struct opf_error *err)
{
    struct opf_collect k = {.opts = opts};
    json_t *bundle = s_run(&k, err);
    json_t *accounts = json_object_get(bundle, "accounts");
    for (size_t i = 0; bundle && i < k.n; i++)
        json_array_append(accounts, k.records[i]);
    s_finish(&k, stats);
    return bundle;
}

/* Copies one spilled record into the bundle being written. */
static int s_copy_spilled(struct opf_collect *k, size_t i, FILE *out)
{
    char buf[65536];
    if (fseek(k->spill, k->spill_at[i], SEEK_SET) != 0)
        return -1;
    for (size_t left = k->spill_len[i]; left > 0;) {
        size_t chunk = left < sizeof(buf) ? left : sizeof(buf);
        if (fread(buf, 1, chunk, k->spill) != chunk || fwrite(buf, 1, chunk, out) != chunk)
            return -1;
        left -= chunk;
    }
    return 0;
}

struct s_stream {
    struct opf_collect *k;
    const json_t *bundle;
};

/* The bundle, its accounts one per line in ListAccounts order, copied from the spill file. */
static int s_write_streamed(FILE *out, void *ud)
{
    struct s_stream *st = ud;
    struct opf_collect *k = st->k;
    const char *key;
    json_t *value;
    bool first = true;
    int rc = fputc('{', out) == EOF ? -1 : 0;
    json_object_foreach((json_t *)st->bundle, key, value) {
        fprintf(out, "%s\n  \"%s\": ", first ? "" : ",", key);
        first = false;
        if (strcmp(key, "accounts") != 0) {
            rc |= json_dumpf(value, out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
            continue;
        }
        fputc('[', out);
        for (size_t i = 0; i < k->n && rc == 0; i++) {
            fputs(i ? ",\n    " : "\n    ", out);
            rc = k->records[i] ? json_dumpf(k->records[i], out, JSON_COMPACT | JSON_PRESERVE_ORDER) : s_copy_spilled(k, i, out);
        }
        fputs("\n  ]", out);
    }
    fputs("\n}\n", out);
    return rc || ferror(out) ? -1 : 0;
}

int opf_collect_write(const struct opf_collect_options *opts, const char *path, struct opf_collect_stats *stats,
                      struct opf_error *err)
{
    struct opf_collect k = {.opts = opts, .spill = tmpfile()};
    if (!k.spill)
        return opf_fail(err, OPF_EXIT_ERROR, "cannot create a temporary file for the evidence: %s", strerror(errno));
    json_t *bundle = s_run(&k, err);
    int rc = -1;
    if (bundle && k.spill_failed)
        opf_fail(err, OPF_EXIT_ERROR, "cannot write the evidence to a temporary file: %s", strerror(errno));
    else if (bundle)
        rc = opf_file_write_atomic(path, 0600, s_write_streamed, &(struct s_stream){&k, bundle}, err);
    json_decref(bundle);
    fclose(k.spill);
    s_finish(&k, stats);
    return rc;
}
