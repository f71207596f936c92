/* scp-denies-leave: a service control policy along the account's path must not deny the move itself. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "policy/eval.h"

static const char *const s_needs[] = {"organizations.service_control_policies", NULL};

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
        const json_t *t = id ? opf_chk_find(targets, "TargetId", id) : NULL;
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

/* Anyone in the account as far as identity policies go: only the SCPs decide. */
#define S_ANYONE "[{\"Name\": \"(the account's principals)\", \"Document\": {\"Statement\": {\"Effect\": \"Allow\", " \
                 "\"Action\": \"*\", \"Resource\": \"*\"}}}]"

/* The levels as the policy evaluator takes them: per level, its SCPs named "policy NAME (ID) on TARGET". */
static json_t *s_scp_levels(const json_t *levels, size_t *policies)
{
    json_t *out = json_array();
    size_t i, k;
    const json_t *t, *p;
    json_array_foreach(levels, i, t) {
        json_t *level = json_array();
        json_array_foreach(json_object_get(t, "Policies"), k, p) {
            char name[384];
            snprintf(name, sizeof(name), "policy %s (%s) on %s", opf_chk_str(p, "Name") ? opf_chk_str(p, "Name") : "?",
                     opf_chk_str(p, "Id") ? opf_chk_str(p, "Id") : "?", opf_chk_str(t, "TargetId"));
            json_array_append_new(level, json_pack("{s:s, s:O?}", "Name", name, "Document", json_object_get(p, "Content")));
            (*policies)++;
        }
        json_array_append_new(out, level);
    }
    return out;
}

/* The verdict from the evaluator's answer: `where` names the deciding policy and statement, `target` the
 * level that decided. */
static enum opf_status s_verdict(struct opf_finding *f, const struct opf_policy_result *r, const char *where,
                                 const char *path, const char *action, const char *target, size_t policies,
                                 size_t levels)
{
    switch (r->reason) {
    case OPF_POLICY_BY_DENY:
        return opf_set(f, OPF_FAIL, "%s path: %s explicitly denies %s", path, where, action);
    case OPF_POLICY_BY_NO_ALLOW:
        return opf_set(f, OPF_FAIL, "%s path: no service control policy on %s allows %s, so it is implicitly denied",
                       path, target, action);
    case OPF_POLICY_BY_CONDITIONAL_DENY:
        return opf_set(f, OPF_WARN, "%s path: %s denies %s under a condition or for some resources only, which "
                                    "this tool cannot evaluate", path, where, action);
    case OPF_POLICY_BY_CONDITIONAL_ALLOW:
        return opf_set(f, OPF_WARN, "%s path: the service control policies on %s allow %s only under a condition "
                                    "or for some resources, which this tool cannot evaluate", path, target, action);
    case OPF_POLICY_BY_ALLOW:
        return opf_set(f, OPF_PASS, "%s path: none of the %zu service control policies on the account's %zu levels "
                                    "denies %s", path, policies, levels, action);
    case OPF_POLICY_BY_UNREADABLE:
        return opf_set(f, OPF_UNKNOWN, "%s path: the content of %s is not a readable policy", path, where);
    default:
        return opf_set(f, OPF_UNKNOWN, "%s path: %s", path, r->why);
    }
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
    const char *action = route == OPF_PATH_DIRECT ? "organizations:AcceptHandshake" : "organizations:LeaveOrganization";
    json_t *levels = s_levels(s, targets, f);
    if (!levels)
        return f->status;
    size_t policies = 0;
    json_t *scps = s_scp_levels(levels, &policies), *anyone = json_loads(S_ANYONE, 0, NULL);
    struct opf_policy_layers layers = {.identity = anyone, .scp_levels = scps};
    struct opf_policy_result r;
    opf_policy_evaluate(&layers, &(struct opf_policy_request){action, "*", NULL}, &r);
    const char *target = r.scp_level >= 0 ? opf_chk_str(json_array_get(levels, (size_t)r.scp_level), "TargetId") : NULL;
    char where[480];
    snprintf(where, sizeof(where), "%s%s%s", r.policy, r.sid[0] ? ", statement " : "", r.sid);
    json_t *values = json_pack("{s:s,s:I,s:I,s:s,s:s,s:s?,s:s?}", "action", action, "targets",
                               (json_int_t)json_array_size(levels), "policies", (json_int_t)policies, "evaluation",
                               opf_policy_decision_name(r.decision), "why", r.why, "denied_by",
                               r.reason == OPF_POLICY_BY_DENY ? where : NULL, "conditional_deny",
                               r.reason == OPF_POLICY_BY_CONDITIONAL_DENY ? where : NULL);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    enum opf_status st = s_verdict(f, &r, where, opf_path_name(route), action,
                                   target ? target : "a level of the path", policies, json_array_size(levels));
    json_decref(anyone);
    json_decref(scps);
    json_decref(levels);
    return st;
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
