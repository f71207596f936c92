/*
 * The regional scanner: a listing run in every region of an account (or once, globally) and a read of each
 * resource it lists (docs/evidence.md). A region or a resource that cannot be read is listed in the item's
 * "Errors" (its checks are then never a pass), while an AccessDenied on a listing operation fails the whole item.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "collect/collect_internal.h"

/* The regions to scan for a session's account: config `regions`, else the account's enabled regions of its
 * partition (ec2:DescribeRegions). When those cannot be read, the session's own region, with the failure in
 * *errors. New reference. */
json_t *opf_collect_regions(struct opf_collect *k, struct opf_aws_session *s, json_t *errors)
{
    const json_t *configured = json_object_get(k->opts->config, "regions");
    if (json_array_size(configured) > 0)
        return json_deep_copy(configured);
    struct opf_aws_error err;
    json_t *out = opf_collect_call(k, s, "ec2", "DescribeRegions", NULL, 0, &err);
    const char *home = k->region;
    if (!out) {
        opf_collect_error_entry(errors, home, &err, NULL);
        return json_pack("[s]", home);
    }
    json_t *regions = json_array();
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(out, "Regions"), i, r) {
        const char *name = json_string_value(json_object_get(r, "RegionName"));
        const char *optin = json_string_value(json_object_get(r, "OptInStatus"));
        bool cn = name && strncmp(name, "cn-", 3) == 0, gov = name && strncmp(name, "us-gov-", 7) == 0;
        const char *partition = cn ? "aws-cn" : gov ? "aws-us-gov" : "aws";
        if (name && strcmp(partition, k->partition) == 0 && !(optin && strcmp(optin, "not-opted-in") == 0))
            json_array_append_new(regions, json_string(name));
    }
    json_decref(out);
    return regions;
}

json_t *opf_collect_member_regions(struct opf_collect *k, const struct opf_collect_member *m, json_t *errors)
{
    if (!m->mgmt || !k->mgmt_regions)
        return opf_collect_regions(k, m->s, errors);
    json_array_extend(errors, k->mgmt_region_errors); /* read once for the organization's own evidence */
    return json_incref(k->mgmt_regions);
}

/* ---- the scanner ---- */

/* One region's listing and its resources' reads; regions are scanned side by side (jobs.c). */
struct s_region_scan {
    struct opf_aws_session *s;
    const struct opf_scan *sc;
    const json_t *list_input;
    const char *region;                  /* NULL: the global listing */
    const void *arg;
    json_t *entries, *errors;
    bool denied;                         /* the listing was refused: err says why */
    struct opf_aws_error err;
};

static void s_region_job(struct opf_collect *k, void *arg, json_t *ev)
{
    (void)ev;
    struct s_region_scan *r = arg;
    const struct opf_scan *sc = r->sc;
    r->entries = json_array();
    r->errors = json_array();
    json_t *out = opf_collect_call_in(k, r->s, r->region, sc->service, sc->list_op, r->list_input, OPF_AWS_PAGINATE, &r->err);
    if (!out) {
        r->denied = opf_collect_denied(r->err.code);
        if (!r->denied)
            opf_collect_error_entry(r->errors, r->region, &r->err, NULL);
        return;
    }
    size_t j;
    const json_t *listed;
    json_array_foreach(json_object_get(out, sc->list_key), j, listed) {
        struct opf_aws_error rerr = {0};
        const char *resource = NULL;
        json_t *entry = sc->read(k, r->s, r->region, listed, r->arg, &rerr, &resource);
        if (entry)
            json_array_append_new(r->entries, entry);
        else
            opf_collect_error_entry(r->errors, r->region, &rerr, resource);
    }
    json_decref(out);
}

/* Lists in every region (regions NULL: once, globally) and reads each resource. Returns the data, or NULL
 * with err when a listing was denied (the first region in order that was). */
static json_t *s_scan_run(struct opf_collect *k, struct opf_aws_session *s, const struct opf_scan *sc,
                          const json_t *list_input, const json_t *regions, const json_t *errors_so_far,
                          const void *arg, struct opf_aws_error *err)
{
    size_t n = regions ? json_array_size(regions) : 1;
    struct s_region_scan *scans = calloc(n ? n : 1, sizeof(*scans));
    struct opf_collect_job *jobs = calloc(n ? n : 1, sizeof(*jobs));
    if (!scans || !jobs) {
        free(scans);
        free(jobs);
        opf_aws_error_set(err, "OutOfMemory", "no memory to scan %zu regions", n);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        scans[i] = (struct s_region_scan){.s = s, .sc = sc, .list_input = list_input, .arg = arg,
                                          .region = regions ? json_string_value(json_array_get(regions, i)) : NULL};
        jobs[i] = (struct opf_collect_job){.run = s_region_job, .arg = &scans[i]};
    }
    json_t *scratch = json_object();
    opf_collect_jobs(k, jobs, n, scratch);
    json_decref(scratch);
    json_t *entries = json_array(), *errors = json_deep_copy(errors_so_far);
    for (size_t i = 0; i < n && entries; i++) {
        const struct s_region_scan *r = &scans[i];
        if (r->denied) {
            *err = r->err;
            snprintf(err->message, sizeof(err->message), "%s%s%s%s", r->region ? "in " : "", r->region ? r->region : "",
                     r->region ? ": " : "", r->err.message);
            json_decref(entries);
            entries = NULL;
        } else {
            json_array_extend(entries, r->entries);
            json_array_extend(errors, r->errors);
        }
    }
    for (size_t i = 0; i < n; i++) {
        json_decref(scans[i].entries);
        json_decref(scans[i].errors);
    }
    free(scans);
    free(jobs);
    if (!entries) {
        json_decref(errors);
        return NULL;
    }
    json_t *data = json_pack("{s:o, s:o}", sc->out_key, entries, "Errors", errors);
    if (regions)
        json_object_set_new(data, "Regions", json_deep_copy(regions));
    return data;
}

void opf_collect_scan(struct opf_collect *k, json_t *ev, const struct opf_scan *sc, struct opf_aws_session *s,
                      const json_t *list_input, const struct opf_account_scope *scope, const void *arg)
{
    if (!opf_collect_want(k, sc->key))
        return;
    struct opf_aws_error err = {0};
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_collect_item_begin(k, &item, sc->key);
    json_t *data = NULL;
    if (!scope->denied)
        data = s_scan_run(k, s, sc, list_input, scope->global ? NULL : scope->regions, scope->errors, arg, &err);
    data = opf_collect_item_end(&item, outer, data, &err);
    opf_collect_item(ev, sc->key, sc->source, data, scope->denied ? scope->denied : &err);
}
