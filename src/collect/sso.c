/*
 * Identity Center: the instance of the management account (the one discovery listed in the operator's region, else
 * the first found in its other regions), and each account's permission sets and assignments, read from the
 * management account (docs/evidence.md).
 */
#include <pthread.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "collect/collect_internal.h"

/* The Identity Center instance: the one discovery listed in the operator's region, else the first found in
 * the management account's other regions. */
void opf_collect_sso_instance(struct opf_collect *k, const json_t *org_ev)
{
    const json_t *item = json_object_get(org_ev, "sso_admin.instances");
    const json_t *error = json_object_get(item, "error");
    const char *home = k->region;
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
        json_t *out = opf_collect_call_in(k, k->mgmt, region, "sso-admin", "ListInstances", NULL, OPF_AWS_PAGINATE, &err);
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

/* A permission set's name, described once per run. */
static json_t *s_permission_set_name(struct opf_collect *k, const char *instance, const char *region, const char *arn,
                                     struct opf_aws_error *err)
{
    json_t *name = opf_collect_cache_claim(k, k->permission_set_names, arn);
    if (name)
        return name;
    json_t *in = json_pack("{s:s, s:s}", "InstanceArn", instance, "PermissionSetArn", arn);
    json_t *out = opf_collect_call_in(k, k->mgmt, region, "sso-admin", "DescribePermissionSet", in, 0, err);
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
    json_t *provisioned = opf_collect_call_in(k, k->mgmt, region, "sso-admin", "ListPermissionSetsProvisionedToAccount", in,
                                          OPF_AWS_PAGINATE, err);
    bool ok = provisioned != NULL;
    size_t i;
    const json_t *arn;
    json_array_foreach(ok ? json_object_get(provisioned, "PermissionSets") : NULL, i, arn) {
        json_t *name = s_permission_set_name(k, instance, region, json_string_value(arn), err);
        json_object_set_new(in, "PermissionSetArn", json_deep_copy(arn));
        json_t *assigned = name ? opf_collect_call_in(k, k->mgmt, region, "sso-admin", "ListAccountAssignments", in,
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

void opf_collect_assignments_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const char *id = ((const struct opf_collect_account *)arg)->id;
    if (!opf_collect_want(k, "sso_admin.account_assignments"))
        return;
    struct opf_aws_error err = {0};
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_collect_item_begin(k, &item, "sso_admin.account_assignments");
    json_t *data = opf_collect_item_end(&item, outer, k->sso_instance ? s_assignments(k, id, &err) : NULL, &err);
    opf_collect_item(ev, "sso_admin.account_assignments",
                     "sso-admin:ListPermissionSetsProvisionedToAccount+sso-admin:ListAccountAssignments"
                     "+sso-admin:DescribePermissionSet",
                     data, k->sso_instance ? &err : &k->sso_error);
}
