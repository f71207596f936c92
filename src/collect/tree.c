/*
 * The organization's tree and its SCP attachments, read once per organization before the accounts are:
 * the OUs and accounts under each root and OU (ListOrganizationalUnitsForParent, ListAccountsForParent), and
 * every SCP with the roots, OUs and accounts it is attached to (ListPolicies, ListTargetsForPolicy,
 * DescribePolicy). Organizations' request quota is shared by the whole organization, so this costs
 * O(OUs + policies + pages) requests where asking per account (ListParents, ListPoliciesForTarget) cost
 * several per account. Read-only once built: the workers look accounts up without a lock.
 */
#include <string.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "collect/collect_internal.h"

/* OUs nest at most five deep under a root; the bound only guards against a malformed answer. */
#define S_MAX_DEPTH 8

static void s_fail(struct opf_collect_tree *t, const struct opf_aws_error *err)
{
    if (t->ok)
        t->error = *err;
    t->ok = false;
}

/* Records every child (OU or account) of `parent` as pointing to it; OUs are queued to be walked. */
static void s_children(struct opf_collect *k, const json_t *parent, const char *op, const char *list, json_t *queue)
{
    struct opf_aws_error err = {0};
    json_t *in = json_pack("{s:O}", "ParentId", json_object_get(parent, "Id"));
    json_t *out = opf_collect_call(k, k->mgmt, "organizations", op, in, OPF_AWS_PAGINATE, &err);
    json_decref(in);
    if (!out) {
        s_fail(&k->tree, &err);
        return;
    }
    bool ous = strcmp(list, "OrganizationalUnits") == 0;
    size_t i;
    const json_t *child;
    json_array_foreach(json_object_get(out, list), i, child) {
        const char *id = json_string_value(json_object_get(child, "Id"));
        const char *name = json_string_value(json_object_get(child, "Name"));
        if (!id || (ous && !name)) {
            opf_aws_error_set(&err, "MalformedResponse", "%s of %s returned a child without %s", op,
                              json_string_value(json_object_get(parent, "Id")), id ? "a Name" : "an Id");
            s_fail(&k->tree, &err);
            continue;
        }
        json_object_set(k->tree.parents, id, (json_t *)parent);
        if (ous)
            json_array_append_new(queue, json_pack("{s:s, s:s, s:s, s:i}", "Id", id, "Type", "ORGANIZATIONAL_UNIT",
                                                   "Name", name,
                                                   "depth", (int)json_integer_value(json_object_get(parent, "depth")) + 1));
    }
    json_decref(out);
}

/* Breadth first from each root; a parent's record is {"Id","Type","Name"} as ListParents' answer names it,
 * a root's name being "Root". */
static void s_walk(struct opf_collect *k, const json_t *roots)
{
    json_t *queue = json_array();
    size_t i;
    const json_t *r;
    json_array_foreach(roots, i, r) {
        const json_t *id = json_object_get(r, "Id");
        if (json_is_string(id))
            json_array_append_new(queue, json_pack("{s:O, s:s, s:s, s:i}", "Id", id, "Type", "ROOT", "Name", "Root",
                                                   "depth", 0));
    }
    for (i = 0; i < json_array_size(queue) && k->tree.ok; i++) {
        json_t *p = json_array_get(queue, i);
        if (json_integer_value(json_object_get(p, "depth")) >= S_MAX_DEPTH)
            continue;
        json_t *parent = json_pack("{s:O, s:O, s:O}", "Id", json_object_get(p, "Id"), "Type",
                                   json_object_get(p, "Type"), "Name", json_object_get(p, "Name"));
        json_object_set(parent, "depth", json_object_get(p, "depth")); /* for the children's depth only */
        s_children(k, parent, "ListOrganizationalUnitsForParent", "OrganizationalUnits", queue);
        s_children(k, parent, "ListAccountsForParent", "Accounts", queue);
        json_decref(parent);
    }
    json_decref(queue);
}

/* Every SCP's targets: target id -> the policies attached to it, with their content. */
static void s_policies(struct opf_collect *k)
{
    struct opf_aws_error err = {0};
    json_t *in = json_pack("{s:s}", "Filter", "SERVICE_CONTROL_POLICY");
    json_t *list = opf_collect_call(k, k->mgmt, "organizations", "ListPolicies", in, OPF_AWS_PAGINATE, &err);
    json_decref(in);
    if (!list) {
        s_fail(&k->scps, &err);
        return;
    }
    size_t i, j;
    const json_t *p, *t;
    json_array_foreach(json_object_get(list, "Policies"), i, p) {
        const json_t *id = json_object_get(p, "Id");
        if (!json_is_string(id)) {
            opf_aws_error_set(&err, "MalformedResponse", "ListPolicies returned a policy without an Id");
            s_fail(&k->scps, &err);
            break;
        }
        in = json_pack("{s:O}", "PolicyId", id);
        json_t *targets = opf_collect_call(k, k->mgmt, "organizations", "ListTargetsForPolicy", in, OPF_AWS_PAGINATE, &err);
        json_t *described = targets && json_array_size(json_object_get(targets, "Targets"))
                                ? opf_collect_call(k, k->mgmt, "organizations", "DescribePolicy", in, 0, &err)
                                : NULL;
        json_decref(in);
        if (!targets || (json_array_size(json_object_get(targets, "Targets")) && !described)) {
            json_decref(targets);
            s_fail(&k->scps, &err);
            break;
        }
        const json_t *content = json_object_get(json_object_get(described, "Policy"), "Content");
        json_array_foreach(json_object_get(targets, "Targets"), j, t) {
            const char *target = json_string_value(json_object_get(t, "TargetId"));
            if (!target)
                continue;
            json_t *attached = json_object_get(k->scps.attached, target);
            if (!attached)
                json_object_set_new(k->scps.attached, target, attached = json_array());
            json_array_append_new(attached, json_pack("{s:O, s:O?, s:O?, s:o}", "Id", id, "Name",
                                                      json_object_get(p, "Name"), "Arn", json_object_get(p, "Arn"),
                                                      "Content", content ? json_incref((json_t *)content) : json_string("")));
        }
        json_decref(described);
        json_decref(targets);
    }
    json_decref(list);
}

void opf_collect_tree(struct opf_collect *k, const json_t *roots_item)
{
    k->tree = (struct opf_collect_tree){.ok = true, .parents = json_object()};
    const json_t *error = json_object_get(roots_item, "error");
    if (!roots_item || error) {
        const char *code = json_string_value(json_object_get(error, "code"));
        opf_aws_error_set(&k->tree.error, code ? code : "MissingEvidence", "organizations:ListRoots: %s",
                          error ? json_string_value(json_object_get(error, "message")) : "not collected");
        k->tree.ok = false;
        return;
    }
    s_walk(k, json_object_get(json_object_get(roots_item, "data"), "Roots"));
}

void opf_collect_tree_scps(struct opf_collect *k)
{
    k->scps = (struct opf_collect_tree){.ok = true, .attached = json_object()};
    s_policies(k);
}

json_t *opf_collect_ou_path(struct opf_collect *k, const char *id, struct opf_aws_error *err)
{
    if (!k->tree.ok) {
        *err = k->tree.error;
        return NULL;
    }
    json_t *path = json_array();
    const char *current = id;
    for (int depth = 0; depth < S_MAX_DEPTH + 1 && strncmp(current, "r-", 2) != 0; depth++) {
        const json_t *parent = json_object_get(k->tree.parents, current);
        if (!parent) {
            opf_aws_error_set(err, "NotInTree", "%s was not found under any root or OU of the organization (it may "
                              "have joined or moved while the tree was read)", id);
            json_decref(path);
            return NULL;
        }
        json_array_insert_new(path, 0, json_pack("{s:O, s:O, s:O}", "Id", json_object_get(parent, "Id"), "Type",
                                                 json_object_get(parent, "Type"), "Name", json_object_get(parent, "Name")));
        current = json_string_value(json_object_get(parent, "Id"));
    }
    return path;
}

json_t *opf_collect_scps_of(struct opf_collect *k, const char *target, struct opf_aws_error *err)
{
    if (!k->scps.ok) {
        *err = k->scps.error;
        return NULL;
    }
    /* the listing is complete: a target no policy names has none attached */
    const json_t *attached = json_object_get(k->scps.attached, target);
    return attached ? json_deep_copy(attached) : json_array();
}

void opf_collect_tree_free(struct opf_collect *k)
{
    json_decref(k->tree.parents);
    json_decref(k->scps.attached);
}
