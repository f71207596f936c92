/*
 * Organization-wide evidence read from the management account before the accounts are: service-managed
 * StackSets with their instances (every region), Control Tower's enabled baselines, and the Identity Center
 * instance whose assignments each account record then gets (docs/evidence.md).
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

static json_t *s_stack_set(struct opf_aws_session *s, const char *region, const json_t *listed, const void *arg,
                           struct opf_aws_error *err, const char **resource)
{
    const char *call_as = arg; /* a delegated administrator must say so */
    *resource = json_string_value(json_object_get(listed, "StackSetName"));
    json_t *in = json_pack("{s:O?, s:s?}", "StackSetName", json_object_get(listed, "StackSetName"), "CallAs", call_as);
    json_t *described = opf_aws_call_in(s, region, "cloudformation", "DescribeStackSet", in, 0, err);
    json_t *instances = described ? opf_aws_call_in(s, region, "cloudformation", "ListStackInstances", in,
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
                                             "cloudformation", "ListStackSets", "Summaries", "StackSets", s_stack_set};

/* Control Tower's baselines. Without a landing zone nothing is enrolled, and ListEnabledBaselines has nothing to
 * answer from: ListLandingZones decides, so an organization without Control Tower gets an empty list, not an
 * error that would leave the check unknown for every account. */
static void s_control_tower(struct opf_collect *k, json_t *org_ev)
{
    struct opf_aws_error err = {0};
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_aws_item_begin(k->client, &item, "controltower.enabled_baselines");
    const char *source = "controltower:ListLandingZones";
    json_t *zones = opf_aws_call(k->mgmt, "controltower", "ListLandingZones", NULL, OPF_AWS_PAGINATE, &err), *out = NULL;
    const json_t *list = json_object_get(zones, "landingZones");
    if (zones && json_array_size(list) == 0) {
        out = json_pack("{s:[], s:[]}", "landingZones", "enabledBaselines");
    } else if (zones) {
        source = "controltower:ListLandingZones+controltower:ListEnabledBaselines";
        out = opf_aws_call(k->mgmt, "controltower", "ListEnabledBaselines", NULL, OPF_AWS_PAGINATE, &err);
        if (out && !json_object_get(out, "enabledBaselines"))
            json_object_set_new(out, "enabledBaselines", json_array());
        if (out)
            json_object_set(out, "landingZones", json_object_get(zones, "landingZones"));
    }
    json_decref(zones);
    opf_collect_item(org_ev, "controltower.enabled_baselines", source, opf_collect_item_end(&item, outer, out, &err), &err);
}

/* The Identity Center instance: the one discovery listed in the operator's region, else the first found in
 * the management account's other regions. */
static void s_sso_instance(struct opf_collect *k, const json_t *org_ev)
{
    const json_t *item = json_object_get(org_ev, "sso_admin.instances");
    const json_t *error = json_object_get(item, "error");
    const char *home = opf_aws_client_region(k->client);
    if (!item || error) {
        opf_aws_error_set(&k->sso_error, json_string_value(json_object_get(error, "code")) ?
                          json_string_value(json_object_get(error, "code")) : "MissingEvidence",
                          "sso-admin:ListInstances in %s: %s", home,
                          error ? json_string_value(json_object_get(error, "message")) : "not collected");
        return;
    }
    const json_t *first = json_array_get(json_object_get(json_object_get(item, "data"), "Instances"), 0);
    if (first) {
        k->sso_instance = json_pack("{s:O?, s:s}", "InstanceArn", json_object_get(first, "InstanceArn"), "Region", home);
        return;
    }
    struct opf_aws_error err = {0}, failed = {0};
    size_t i;
    const json_t *r;
    json_array_foreach(k->mgmt_regions, i, r) {
        const char *region = json_string_value(r);
        if (strcmp(region, home) == 0)
            continue;
        json_t *out = opf_aws_call_in(k->mgmt, region, "sso-admin", "ListInstances", NULL, OPF_AWS_PAGINATE, &err);
        first = json_array_get(json_object_get(out, "Instances"), 0);
        if (first)
            k->sso_instance = json_pack("{s:O?, s:s}", "InstanceArn", json_object_get(first, "InstanceArn"), "Region", region);
        json_decref(out);
        if (k->sso_instance)
            return;
        if (!out && !failed.code[0]) {
            failed = err;
            snprintf(failed.message, sizeof(failed.message), "sso-admin:ListInstances in %s: %s", region, err.message);
        }
    }
    if (failed.code[0] || json_array_size(k->mgmt_region_errors) > 0) {
        /* an instance may hide in a region that could not be read */
        k->sso_error = failed;
        if (!failed.code[0])
            opf_aws_error_set(&k->sso_error, "RegionsUnknown", "the management account's regions could not be listed");
        return;
    }
    k->sso_instance = json_pack("{s:n, s:n}", "InstanceArn", "Region"); /* no Identity Center in any region */
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
        s_sso_instance(k, org_ev);
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

/* A permission set's name, described once per run. */
static json_t *s_permission_set_name(struct opf_collect *k, const char *instance, const char *region, const char *arn,
                                     struct opf_aws_error *err)
{
    json_t *name = opf_collect_cache_claim(k, k->permission_set_names, arn);
    if (name)
        return name;
    json_t *in = json_pack("{s:s, s:s}", "InstanceArn", instance, "PermissionSetArn", arn);
    json_t *out = opf_aws_call_in(k->mgmt, region, "sso-admin", "DescribePermissionSet", in, 0, err);
    json_decref(in);
    if (out) { /* Name is required when a permission set is created; "" only for a malformed answer */
        const char *n = json_string_value(json_object_get(json_object_get(out, "PermissionSet"), "Name"));
        name = json_string(n ? n : "");
    }
    json_decref(out);
    opf_collect_cache_fill(k, k->permission_set_names, arn, name);
    return name;
}

static json_t *s_assignments(struct opf_collect *k, const char *id, struct opf_aws_error *err)
{
    const char *instance = json_string_value(json_object_get(k->sso_instance, "InstanceArn"));
    const char *region = json_string_value(json_object_get(k->sso_instance, "Region"));
    json_t *sets = json_array();
    json_t *data = json_pack("{s:s?, s:o}", "InstanceArn", instance, "PermissionSets", sets);
    if (!instance)
        return data;
    json_t *in = json_pack("{s:s, s:s}", "InstanceArn", instance, "AccountId", id);
    json_t *provisioned = opf_aws_call_in(k->mgmt, region, "sso-admin", "ListPermissionSetsProvisionedToAccount", in,
                                          OPF_AWS_PAGINATE, err);
    bool ok = provisioned != NULL;
    size_t i;
    const json_t *arn;
    json_array_foreach(ok ? json_object_get(provisioned, "PermissionSets") : NULL, i, arn) {
        json_t *name = s_permission_set_name(k, instance, region, json_string_value(arn), err);
        json_object_set_new(in, "PermissionSetArn", json_deep_copy(arn));
        json_t *assigned = name ? opf_aws_call_in(k->mgmt, region, "sso-admin", "ListAccountAssignments", in,
                                                  OPF_AWS_PAGINATE, err) : NULL;
        if (!assigned) {
            json_decref(name);
            ok = false;
            break;
        }
        json_t *principals = json_array();
        size_t j;
        const json_t *a;
        json_array_foreach(json_object_get(assigned, "AccountAssignments"), j, a)
            json_array_append_new(principals, json_pack("{s:O?, s:O?}", "PrincipalType", json_object_get(a, "PrincipalType"),
                                                        "PrincipalId", json_object_get(a, "PrincipalId")));
        json_array_append_new(sets, json_pack("{s:O, s:o, s:o}", "PermissionSetArn", arn, "Name", name,
                                              "AccountAssignments", principals));
        json_decref(assigned);
    }
    json_decref(provisioned);
    json_decref(in);
    return ok ? data : (json_decref(data), NULL);
}

void opf_collect_assignments(struct opf_collect *k, const char *id, json_t *ev)
{
    if (!opf_collect_want(k, "sso_admin.account_assignments"))
        return;
    struct opf_aws_error err = {0};
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_aws_item_begin(k->client, &item, "sso_admin.account_assignments");
    json_t *data = opf_collect_item_end(&item, outer, k->sso_instance ? s_assignments(k, id, &err) : NULL, &err);
    opf_collect_item(ev, "sso_admin.account_assignments",
                     "sso-admin:ListPermissionSetsProvisionedToAccount+sso-admin:ListAccountAssignments"
                     "+sso-admin:DescribePermissionSet",
                     data, k->sso_instance ? &err : &k->sso_error);
}

void opf_collect_organization_free(struct opf_collect *k)
{
    json_decref(k->mgmt_regions);
    json_decref(k->mgmt_region_errors);
    json_decref(k->sso_instance);
    json_decref(k->permission_set_names);
}
