/*
 * Organization-wide evidence read from the management account before the accounts are: service-managed
 * StackSets with their instances (every region), Control Tower's enabled baselines, and the Identity Center
 * instance whose assignments each account record then gets (sso.c, docs/evidence.md).
 */
#include <pthread.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "collect/collect_internal.h"

/* Query answers carry booleans as text: botocore's shape has them as booleans. */
static json_t *s_booleans(const json_t *obj)
{
    json_t *out = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        const char *text = json_string_value(v);
        bool flag = text && (strcmp(text, "true") == 0 || strcmp(text, "false") == 0);
        json_object_set_new(out, k, flag ? json_boolean(strcmp(text, "true") == 0) : json_incref(v));
    }
    return out;
}

static json_t *s_stack_set(struct opf_collect *k, struct opf_aws_session *s, const char *region,
                           const json_t *listed, const void *arg, struct opf_aws_error *err, const char **resource)
{
    const char *call_as = arg; /* a delegated administrator must say so */
    *resource = json_string_value(json_object_get(listed, "StackSetName"));
    json_t *in = json_pack("{s:O?, s:s?}", "StackSetName", json_object_get(listed, "StackSetName"), "CallAs", call_as);
    json_t *described = opf_collect_call_in(k, s, region, "cloudformation", "DescribeStackSet", in, 0, err);
    json_t *instances = described ? opf_collect_call_in(k, s, region, "cloudformation", "ListStackInstances", in,
                                                    OPF_AWS_PAGINATE, err) : NULL;
    json_decref(in);
    if (!instances) {
        json_decref(described);
        return NULL;
    }
    const json_t *set = json_object_get(described, "StackSet");
    json_t *list = json_array();
    size_t i;
    const json_t *inst;
    json_array_foreach(json_object_get(instances, "Summaries"), i, inst)
        json_array_append_new(list, json_pack("{s:O?, s:O?, s:O?, s:O?}", "Account", json_object_get(inst, "Account"),
                                              "Region", json_object_get(inst, "Region"), "StackInstanceStatus",
                                              json_object_get(inst, "StackInstanceStatus"), "Status",
                                              json_object_get(inst, "Status")));
    const json_t *autodeploy = json_object_get(set, "AutoDeployment");
    json_t *entry = json_pack("{s:O?, s:O?, s:O?, s:o?, s:o, s:s}", "StackSetName", json_object_get(set, "StackSetName"),
                              "StackSetId", json_object_get(set, "StackSetId"), "PermissionModel",
                              json_object_get(set, "PermissionModel"), "AutoDeployment",
                              autodeploy ? s_booleans(autodeploy) : NULL, "StackInstances", list, "Region", region);
    json_decref(described);
    json_decref(instances);
    return entry;
}

static const struct opf_scan s_stack_sets = {"cloudformation.stack_sets",
                                             "cloudformation:ListStackSets+cloudformation:DescribeStackSet"
                                             "+cloudformation:ListStackInstances",
                                             "cloudformation", "ListStackSets", "Summaries", "StackSets", s_stack_set, NULL};

/* Control Tower's baselines. Without a landing zone nothing is enrolled, and ListEnabledBaselines has nothing to
 * answer from: ListLandingZones decides, so an organization without Control Tower gets an empty list, not an
 * error that would leave the check unknown for every account. */
static void s_control_tower(struct opf_collect *k, json_t *org_ev)
{
    struct opf_aws_error err = {0};
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_collect_item_begin(k, &item, "controltower.enabled_baselines");
    const char *source = "controltower:ListLandingZones";
    json_t *zones = opf_collect_call(k, k->mgmt, "controltower", "ListLandingZones", NULL, OPF_AWS_PAGINATE, &err), *out = NULL;
    const json_t *list = json_object_get(zones, "landingZones");
    if (zones && json_array_size(list) == 0) {
        out = json_pack("{s:[], s:[]}", "landingZones", "enabledBaselines");
    } else if (zones) {
        source = "controltower:ListLandingZones+controltower:ListEnabledBaselines";
        out = opf_collect_call(k, k->mgmt, "controltower", "ListEnabledBaselines", NULL, OPF_AWS_PAGINATE, &err);
        if (out && !json_object_get(out, "enabledBaselines"))
            json_object_set_new(out, "enabledBaselines", json_array());
        if (out)
            json_object_set(out, "landingZones", json_object_get(zones, "landingZones"));
    }
    json_decref(zones);
    opf_collect_item(org_ev, "controltower.enabled_baselines", source, opf_collect_item_end(&item, outer, out, &err), &err);
}


void opf_collect_organization(struct opf_collect *k, json_t *bundle)
{
    json_t *org_ev = json_object_get(json_object_get(bundle, "organization"), "evidence");
    bool assignments = opf_collect_want(k, "sso_admin.account_assignments");
    k->mgmt_region_errors = json_array();
    k->permission_set_names = json_object();
    if (opf_collect_wants_regions(k) || opf_collect_want(k, "cloudformation.stack_sets") || assignments)
        k->mgmt_regions = opf_collect_regions(k, k->mgmt, k->mgmt_region_errors);
    if (assignments)
        opf_collect_sso_instance(k, org_ev);
    const char *operator = json_string_value(json_object_get(json_object_get(bundle, "operator_session"), "account"));
    const char *mgmt = json_string_value(json_object_get(json_object_get(bundle, "organization"), "management_account_id"));
    const char *call_as = operator && mgmt && strcmp(operator, mgmt) != 0 ? "DELEGATED_ADMIN" : NULL;
    json_t *in = json_pack("{s:s, s:s?}", "Status", "ACTIVE", "CallAs", call_as);
    struct opf_account_scope scope = {.regions = k->mgmt_regions, .errors = k->mgmt_region_errors};
    opf_collect_scan(k, org_ev, &s_stack_sets, k->mgmt, in, &scope, call_as);
    json_decref(in);
    if (opf_collect_want(k, "controltower.enabled_baselines"))
        s_control_tower(k, org_ev);
}

void opf_collect_organization_free(struct opf_collect *k)
{
    json_decref(k->mgmt_regions);
    json_decref(k->mgmt_region_errors);
    json_decref(k->sso_instance);
    json_decref(k->permission_set_names);
}
