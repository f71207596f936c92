/*
 * The offline audit of a bundle file, account by account: the accounts' ids and OU paths are read ahead (for
 * the selection and the organization-wide facts), then each account is parsed, validated and audited in turn
 * and let go. Nothing is written before the last account is read, so whenever anything is wrong the bundle is
 * loaded whole and audited as before: its errors, in their order, are exactly those of a whole load.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

struct s_reader {
    struct opf_bundle_scan *scan;
    const bool *selected; /* per account of the file */
    size_t next;
};

/* The next selected account; every account on the way is read and validated as a whole load would. */
static int s_next(void *ud, json_t **account)
{
    struct s_reader *rd = ud;
    while (rd->next < opf_bundle_scan_count(rd->scan)) {
        size_t i = rd->next++;
        json_t *a = opf_bundle_scan_account(rd->scan, i);
        if (!a)
            return -1;
        if (rd->selected[i]) {
            *account = a;
            return 1;
        }
        json_decref(a);
    }
    return 0;
}

/* The selected accounts' stubs, when their ids are each listed once (the readiness of an id listed twice is the
 * whole report's to work out); *management_listed tells whether the management account is one of them. */
static bool s_distinct(const json_t *selected, const char *mgmt, bool *management_listed)
{
    json_t *seen = json_object();
    size_t i;
    const json_t *stub;
    bool distinct = true;
    *management_listed = false;
    json_array_foreach(selected, i, stub) {
        const char *id = json_string_value(json_object_get(stub, "id"));
        if (!id || json_object_get(seen, id)) {
            distinct = false;
            break;
        }
        json_object_set_new(seen, id, json_true());
        *management_listed |= mgmt && strcmp(id, mgmt) == 0;
    }
    json_decref(seen);
    return distinct;
}

static json_t *s_streamed(const struct opf_registry *r, struct opf_bundle_scan *scan, const char *path,
                          const struct opf_selection *sel, const struct opf_audit_options *o,
                          struct opf_report_spool *spool)
{
    struct opf_error err = {0};
    json_t *skeleton = opf_bundle_scan_skeleton(scan);
    if (opf_bundle_validate(skeleton, path, &err) != 0)
        return NULL;
    /* the selection and the facts read the stubs as they read the accounts of a whole bundle */
    json_t *stubs = json_pack("{s:O, s:O}", "organization", json_object_get(skeleton, "organization"), "accounts",
                              opf_bundle_scan_stubs(scan));
    json_t *report = NULL;
    size_t n = opf_bundle_scan_count(scan), i;
    bool *selected = calloc(n + 1, sizeof(*selected)), management_listed;
    const json_t *stub;
    const json_t *mgmt = json_object_get(json_object_get(skeleton, "organization"), "management_account_id");
    if (!stubs || !selected || opf_bundle_select(stubs, sel, path, &err) != 0 ||
        !s_distinct(json_object_get(stubs, "accounts"), json_string_value(mgmt), &management_listed))
        goto out;
    json_array_foreach(json_object_get(stubs, "accounts"), i, stub)
        selected[json_integer_value(json_object_get(stub, "index"))] = true;
    if (json_object_get(stubs, "selection"))
        json_object_set(skeleton, "selection", json_object_get(stubs, "selection"));
    struct opf_org_facts *facts = opf_org_facts_new(stubs);
    struct s_reader rd = {scan, selected, 0};
    struct opf_account_source src = {.next = s_next, .ud = &rd, .management_listed = management_listed};
    if (facts && (!spool || opf_report_spool_open(spool, &err) == 0))
        report = opf_audit_run(r, skeleton, &src, facts, o, spool, &err);
    opf_org_facts_free(facts);
out:
    free(selected);
    json_decref(stubs);
    return report;
}

json_t *opf_audit_file(const struct opf_registry *r, const char *path, const struct opf_selection *sel,
                       const struct opf_audit_options *o, struct opf_report_spool *spool, struct opf_error *err)
{
    struct opf_bundle_scan *scan = opf_bundle_scan_open(path);
    json_t *report = scan ? s_streamed(r, scan, path, sel, o, spool) : NULL;
    opf_bundle_scan_free(scan);
    if (report)
        return report;
    if (spool)
        opf_report_spool_close(spool);
    json_t *bundle = opf_bundle_load(path, err);
    if (bundle && opf_bundle_select(bundle, sel, path, err) == 0)
        report = opf_audit(r, bundle, o, err);
    json_decref(bundle);
    return report;
}
