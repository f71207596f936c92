/* scp-denies-leave: a service control policy along the account's path must not deny the move itself. */
#include <stdio.h>
#include <string.h>

#include "common.h"

static const char *const s_needs[] = {"organizations.service_control_policies", NULL};

/* The first statement of each kind found along the path, for the message and the citation. */
struct s_hit {
    bool found;
    char where[384]; /* "policy DenyLeave (p-…) on ou-… statement DenyLeavingOrganization" */
};

struct s_scan {
    const char *action;
    struct s_hit deny;        /* unconditional Deny on every resource */
    struct s_hit conditional; /* Deny with a condition or on some resources only */
    struct s_hit no_allow;    /* a level whose policies allow nothing that covers the action */
    struct s_hit conditional_allow; /* a level that allows the action only under a condition */
    struct s_hit bad_policy;  /* a policy whose content is not JSON */
    size_t policies, targets;
};

static void s_note(struct s_hit *hit, const char *target, const json_t *policy, const json_t *st)
{
    if (hit->found)
        return;
    hit->found = true;
    const char *sid = st ? opf_chk_str(st, "Sid") : NULL;
    snprintf(hit->where, sizeof(hit->where), "policy %s (%s) on %s%s%s", opf_chk_str(policy, "Name"),
             opf_chk_str(policy, "Id"), target, sid ? ", statement " : "", sid ? sid : "");
}

/* How a policy allows the action, for the level's implicit deny. */
enum s_allow { S_ALLOW_NONE = 0, S_ALLOW_CONDITIONAL, S_ALLOW_CERTAIN };

/* Scans one policy: notes denies, and returns how it allows the action. */
static enum s_allow s_scan_policy(struct s_scan *scan, const char *target, const json_t *policy)
{
    const char *content = opf_chk_str(policy, "Content");
    json_t *doc = content ? json_loads(content, 0, NULL) : NULL;
    json_t *statements = opf_chk_policy_statements(doc);
    enum s_allow allows = S_ALLOW_NONE;
    if (!statements) {
        s_note(&scan->bad_policy, target, policy, NULL);
        json_decref(doc);
        return S_ALLOW_CERTAIN; /* unreadable: reported as unknown, not as an implicit deny */
    }
    size_t i;
    const json_t *st;
    json_array_foreach(statements, i, st) {
        if (!opf_chk_statement_covers(st, scan->action))
            continue;
        bool certain = !json_object_get(st, "Condition") && opf_chk_statement_all_resources(st);
        if (opf_chk_statement_effect(st, "Deny"))
            s_note(certain ? &scan->deny : &scan->conditional, target, policy, st);
        else if (opf_chk_statement_effect(st, "Allow") && allows != S_ALLOW_CERTAIN)
            allows = certain ? S_ALLOW_CERTAIN : S_ALLOW_CONDITIONAL;
    }
    json_decref(statements);
    json_decref(doc);
    return allows;
}

static const json_t *s_target(const json_t *targets, const char *id)
{
    size_t i;
    const json_t *t;
    json_array_foreach(targets, i, t) {
        const char *tid = opf_chk_str(t, "TargetId");
        if (tid && strcmp(tid, id) == 0)
            return t;
    }
    return NULL;
}

/* The SCP targets every level of the account's path needs, root first then each OU then the account itself;
 * NULL after setting the finding to UNKNOWN when one is missing or has no policy. AWS never leaves an entity
 * without an SCP (the last one cannot be detached), so an empty list is a gap in the collection. */
static json_t *s_levels(const struct opf_subject *s, const json_t *targets, struct opf_finding *f)
{
    const json_t *path = json_object_get(s->record, "ou_path");
    if (!json_is_array(path) || json_array_size(path) == 0) {
        opf_set(f, OPF_UNKNOWN, "the account's OU path is not recorded, so the levels whose service control "
                                "policies apply are unknown");
        return NULL;
    }
    json_t *ids = json_array(), *levels = json_array();
    size_t i;
    const json_t *p;
    json_array_foreach(path, i, p) json_array_append(ids, json_object_get(p, "id"));
    json_array_append_new(ids, json_string(s->id));
    json_array_foreach(ids, i, p) {
        const char *id = json_string_value(p);
        const json_t *t = id ? s_target(targets, id) : NULL;
        const json_t *policies = json_object_get(t, "Policies");
        if (!id || !t || !json_is_array(policies) || json_array_size(policies) == 0) {
            opf_set(f, OPF_UNKNOWN, "%s %s: every level of the path (root, each OU, the account) has at least one "
                                    "service control policy in AWS, so the evidence is incomplete",
                    id ? id : "a level of the path", !t ? "is missing from the collected service control policies"
                                                        : "has no service control policy listed");
            json_decref(ids);
            json_decref(levels);
            return NULL;
        }
        json_array_append(levels, (json_t *)t);
    }
    json_decref(ids);
    return levels;
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_item item;
    if (!opf_require(s, "organizations.service_control_policies", f, &item))
        return f->status;
    const json_t *targets = json_object_get(item.data, "Targets");
    if (!json_is_array(targets))
        return opf_set(f, OPF_UNKNOWN, "evidence organizations.service_control_policies has no Targets list");
    enum opf_migration_path route = opf_chk_path(s, ctx);
    struct s_scan scan = {.action = route == OPF_PATH_DIRECT ? "organizations:AcceptHandshake"
                                                             : "organizations:LeaveOrganization"};
    json_t *levels = s_levels(s, targets, f);
    if (!levels)
        return f->status;
    size_t i;
    const json_t *target;
    json_array_foreach(levels, i, target) {
        const char *id = opf_chk_str(target, "TargetId");
        const json_t *policies = json_object_get(target, "Policies");
        enum s_allow level = S_ALLOW_NONE;
        size_t k;
        const json_t *policy;
        json_array_foreach(policies, k, policy) {
            enum s_allow a = s_scan_policy(&scan, id ? id : "(unnamed target)", policy);
            level = a > level ? a : level;
            scan.policies++;
        }
        /* every level of the path must allow an action: SCPs are an allow-list at each level */
        struct s_hit *gap = level == S_ALLOW_NONE ? &scan.no_allow : &scan.conditional_allow;
        if (json_array_size(policies) > 0 && level != S_ALLOW_CERTAIN && !gap->found) {
            gap->found = true;
            snprintf(gap->where, sizeof(gap->where), "%s", id ? id : "(unnamed target)");
        }
        scan.targets++;
    }
    json_decref(levels);
    json_t *values = json_pack("{s:s,s:I,s:I,s:s?,s:s?}", "action", scan.action, "targets", (json_int_t)scan.targets,
                               "policies", (json_int_t)scan.policies, "denied_by",
                               scan.deny.found ? scan.deny.where : NULL, "conditional_deny",
                               scan.conditional.found ? scan.conditional.where : NULL);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    const char *path = opf_path_name(route);
    if (scan.deny.found)
        return opf_set(f, OPF_FAIL, "%s path: %s explicitly denies %s", path, scan.deny.where, scan.action);
    if (scan.bad_policy.found)
        return opf_set(f, OPF_UNKNOWN, "%s path: the content of %s is not a readable policy", path,
                       scan.bad_policy.where);
    if (scan.no_allow.found)
        return opf_set(f, OPF_FAIL, "%s path: no service control policy on %s allows %s, so it is implicitly "
                                    "denied", path, scan.no_allow.where, scan.action);
    if (scan.conditional.found)
        return opf_set(f, OPF_WARN, "%s path: %s denies %s under a condition or for some resources only, which "
                                    "this tool cannot evaluate", path, scan.conditional.where, scan.action);
    if (scan.conditional_allow.found)
        return opf_set(f, OPF_WARN, "%s path: the service control policies on %s allow %s only under a condition "
                                    "or for some resources, which this tool cannot evaluate",
                       path, scan.conditional_allow.where, scan.action);
    return opf_set(f, OPF_PASS, "%s path: none of the %zu service control policies on the account's %zu levels "
                                "denies %s", path, scan.policies, scan.targets, scan.action);
}

const struct opf_check opf_check_scp_denies_leave = {
    OPF_CHECK_HEADER,
    .id = "scp-denies-leave",
    .title = "No SCP denies leaving or accepting",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_BLOCKER,
    .flags = OPF_CHECK_MEMBERS_ONLY,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "A common guardrail SCP denies organizations:LeaveOrganization; it stops the leave path, as a "
                 "deny of organizations:AcceptHandshake stops a direct transfer.",
    .remediation = "Detach the denying policy from the account (or move the account to an OU without it) for "
                   "the migration, or add an exception for the migration role, from the management account.",
};
