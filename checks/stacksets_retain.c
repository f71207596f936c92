/* stacksets-retain: service-managed StackSets delete their stacks from an account that leaves the organization
 * unless they retain them. */
#include <stdio.h>
#include <string.h>

#include "common.h"

static const char *const s_needs[] = {"cloudformation.stack_sets", NULL};

#define S_LIST_MAX 640

/* The regions of the set's stack instances in `account`, as "us-east-1, eu-west-1"; their number. */
static size_t s_instances(const json_t *set, const char *account, char *regions, size_t len)
{
    size_t i, n = 0;
    const json_t *inst;
    regions[0] = '\0';
    json_array_foreach(json_object_get(set, "StackInstances"), i, inst) {
        const char *a = opf_chk_str(inst, "Account");
        if (a && strcmp(a, account) == 0) {
            const char *r = opf_chk_str(inst, "Region");
            opf_chk_list_add(regions, len, r ? r : "(region not named)");
            n++;
        }
    }
    return n;
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct opf_item item;
    if (!opf_chk_require_org(ctx, "cloudformation.stack_sets", f, &item))
        return f->status;
    const json_t *sets = json_object_get(item.data, "StackSets");
    if (!json_is_array(sets))
        return opf_set(f, OPF_UNKNOWN, "evidence cloudformation.stack_sets has no StackSets list");
    size_t i;
    const json_t *set;
    json_array_foreach(sets, i, set) {
        const json_t *instances = json_is_object(set) ? json_object_get(set, "StackInstances") : NULL;
        if (!json_is_object(set) || (instances && !opf_chk_all_objects(instances)))
            return opf_set(f, OPF_UNKNOWN, "evidence cloudformation.stack_sets lists a StackSet or a stack instance "
                                           "that cannot be read");
    }
    char deleting[S_LIST_MAX] = "", unreadable[S_LIST_MAX] = "";
    size_t n_deleting = 0, n_unreadable = 0, n_here = 0;
    json_t *cited = json_array();
    json_array_foreach(sets, i, set) {
        char regions[256], entry[512];
        const char *name = opf_chk_str(set, "StackSetName");
        const char *model = opf_chk_str(set, "PermissionModel");
        if (!name)
            name = "(unnamed)";
        if ((model && strcmp(model, "SELF_MANAGED") == 0) || s_instances(set, s->id, regions, sizeof(regions)) == 0)
            continue; /* self-managed stacks stay where they are when an account leaves */
        const json_t *autodeploy = json_object_get(set, "AutoDeployment");
        const json_t *enabled = json_object_get(autodeploy, "Enabled");
        const json_t *retain = json_object_get(autodeploy, "RetainStacksOnAccountRemoval");
        json_array_append_new(cited, json_pack("{s:s,s:s?,s:O?,s:s}", "StackSetName", name, "PermissionModel", model,
                                               "AutoDeployment", autodeploy, "Regions", regions));
        n_here++;
        snprintf(entry, sizeof(entry), "%s (%s)", name, regions);
        if (!model || strcmp(model, "SERVICE_MANAGED") != 0 || !json_is_boolean(enabled)) {
            opf_chk_list_add(unreadable, sizeof(unreadable), entry);
            n_unreadable++;
        } else if (json_is_true(enabled) && !json_is_true(retain)) {
            /* auto-deployment removes the instances of an account that leaves; RetainStacksOnAccountRemoval
             * (false when absent) decides whether their resources go with them */
            opf_chk_list_add(deleting, sizeof(deleting), entry);
            n_deleting++;
        }
    }
    char errors[512];
    size_t n_errors = opf_chk_item_errors(item.data, errors, sizeof(errors));
    json_t *values = json_pack("{s:I,s:o,s:I}", "StackSets", (json_int_t)json_array_size(sets), "with_instances_here",
                               cited, "errors", (json_int_t)n_errors);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    char note[640] = "";
    if (n_errors)
        snprintf(note, sizeof(note), "; the listing also reported %zu error%s: %s", n_errors, n_errors == 1 ? "" : "s",
                 errors);
    if (n_deleting)
        return opf_set(f, OPF_WARN, "%zu service-managed StackSet%s delete%s %s stacks, and the resources in them, "
                                    "from this account when it leaves the organization "
                                    "(RetainStacksOnAccountRemoval is false): %s%s",
                       n_deleting, n_deleting == 1 ? "" : "s", n_deleting == 1 ? "s" : "", n_deleting == 1 ? "its" : "their",
                       deleting, note);
    if (n_unreadable)
        return opf_set(f, OPF_UNKNOWN, "%zu StackSet%s with instances here lack%s a readable PermissionModel or "
                                       "AutoDeployment: %s%s",
                       n_unreadable, n_unreadable == 1 ? "" : "s", n_unreadable == 1 ? "s" : "", unreadable, note);
    if (n_errors)
        return opf_set(f, OPF_UNKNOWN, "no StackSet seen deletes its stacks from this account, but the listing is "
                                       "incomplete: %zu error%s: %s",
                       n_errors, n_errors == 1 ? "" : "s", errors);
    if (n_here)
        return opf_set(f, OPF_PASS, "the %zu service-managed StackSet%s with instances in this account keep%s "
                                    "%s stacks when it leaves (stacks retained, or automatic deployment off)",
                       n_here, n_here == 1 ? "" : "s", n_here == 1 ? "s" : "", n_here == 1 ? "its" : "their");
    return opf_set(f, OPF_PASS, "none of the organization's %zu active StackSets has a service-managed stack "
                                "instance in this account", json_array_size(sets));
}

const struct opf_check opf_check_stacksets_retain = {
    OPF_CHECK_HEADER,
    .id = "stacksets-retain",
    .title = "StackSets keep their stacks when the account leaves",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_HIGH,
    .runbook = OPF_RUNBOOK_BEFORE_MOVE, /* instances retained while the organization still governs it */
    .flags = OPF_CHECK_MEMBERS_ONLY,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "A service-managed StackSet with automatic deployment deletes its stack instances from an account "
                 "removed from the organization, and with them the stacks' resources, unless "
                 "RetainStacksOnAccountRemoval is true.",
    .remediation = "From the management account (or the StackSets delegated administrator), update each listed "
                   "StackSet with --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=true before the "
                   "account leaves, or recreate its resources in the new organization first.",
};
