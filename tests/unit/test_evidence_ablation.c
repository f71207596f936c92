/*
 * Evidence ablation: for every check (built in, and the test plugins') and every evidence key it declares in
 * `needs`, on every subject of the example bundles, the key is removed, emptied, nulled, replaced by an error,
 * cut short (its lists halved, the pagination token kept) and corrupted (each list's first element null, then
 * a string). Less or worse evidence must never turn a verdict into `pass`, nor an audit into exit 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <orgpreflight/orgpreflight.h>

enum mutation { M_REMOVE, M_EMPTY, M_NULL, M_ERROR, M_TRUNCATE, M_CORRUPT_NULL, M_CORRUPT_STRING, M_COUNT };
static const char *const MUTATION[] = {"removed", "emptied", "nulled", "error", "truncated", "list element null",
                                       "list element string"};

static const char *const BUNDLES[] = {"../examples/evidence.json", "data/evidence/org.json", NULL};
static const char *const PLUGINS[] = {"account_name_convention.so", "hazard_evidence.so", NULL};

/* Halves every list below `v` (M_TRUNCATE), or replaces each list's first element (M_CORRUPT_*). */
static void s_lists(json_t *v, enum mutation m)
{
    size_t i;
    const char *k;
    json_t *child;
    if (json_is_array(v)) {
        if (m == M_TRUNCATE)
            for (size_t keep = json_array_size(v) / 2; json_array_size(v) > keep;)
                json_array_remove(v, json_array_size(v) - 1);
        else if (json_array_size(v) > 0)
            json_array_set_new(v, 0, m == M_CORRUPT_NULL ? json_null() : json_string("corrupt"));
    }
    json_array_foreach(v, i, child) s_lists(child, m);
    json_object_foreach(v, k, child) s_lists(child, m);
}

/* Applies a mutation to evidence[key]; false when it changes nothing (no such item, no list to cut). */
static bool s_mutate(json_t *evidence, const char *key, enum mutation m)
{
    json_t *item = json_object_get(evidence, key);
    json_t *data = json_object_get(item, "data");
    switch (m) {
    case M_REMOVE:
        return json_object_del(evidence, key) == 0;
    case M_EMPTY:
        return item && json_object_set_new(item, "data", json_object()) == 0;
    case M_NULL:
        return item && json_object_set_new(item, "data", json_null()) == 0;
    case M_ERROR:
        if (!item)
            return false;
        json_object_del(item, "data");
        return json_object_set_new(item, "error", json_pack("{s:s,s:s,s:i}", "code", "AccessDenied", "message",
                                                             "ablated", "http_status", 403)) == 0;
    default: {
        if (!json_is_object(data))
            return false;
        char *before = json_dumps(data, JSON_SORT_KEYS);
        s_lists(data, m);
        if (m == M_TRUNCATE)
            json_object_set_new(data, "NextToken", json_string("ablation"));
        char *after = json_dumps(data, JSON_SORT_KEYS);
        bool changed = strcmp(before, after) != 0;
        free(before);
        free(after);
        return changed;
    }
    }
}

/* The statuses of one check's rows, by subject id. */
static json_t *s_statuses(const json_t *report)
{
    json_t *out = json_object();
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(report, "results"), i, row)
        json_object_set(out, json_string_value(json_object_get(row, "subject_id")), json_object_get(row, "status"));
    return out;
}

/* The evidence objects of every subject of `kind` in the bundle. */
static json_t *s_subjects(json_t *bundle, enum opf_subject_kind kind)
{
    json_t *out = json_array();
    const char *single = kind == OPF_SUBJECT_ORGANIZATION        ? "organization"
                         : kind == OPF_SUBJECT_OPERATOR_SESSION  ? "operator_session"
                         : kind == OPF_SUBJECT_TARGET_ORGANIZATION ? "target_organization"
                                                                   : NULL;
    if (single) {
        json_t *rec = json_object_get(bundle, single);
        const char *id = json_string_value(json_object_get(rec, kind == OPF_SUBJECT_OPERATOR_SESSION ? "arn" : "id"));
        if (rec)
            json_array_append_new(out, json_pack("{s:O,s:s?}", "evidence", json_object_get(rec, "evidence"), "id", id));
        return out;
    }
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(bundle, "accounts"), i, a)
        json_array_append_new(out, json_pack("{s:O,s:O}", "evidence", json_object_get(a, "evidence"), "id",
                                             json_object_get(a, "id")));
    return out;
}

struct run {
    const struct opf_registry *reg;
    struct opf_audit_options opts;
    enum opf_severity gate;
    size_t cases, problems;
};

static json_t *s_audit(struct run *r, const json_t *bundle, const char *check)
{
    struct opf_error err = {0};
    r->opts.only_checks = check;
    json_t *report = opf_audit(r->reg, bundle, &r->opts, &err);
    if (!report)
        fail_msg("audit failed: %s", err.message);
    return report;
}

/* Rows that turned into a pass: only the mutated subject's (`judged` NULL), or every row of the check. */
static void s_compare(struct run *r, const char *what, const json_t *before, const json_t *after, const char *only)
{
    const char *id;
    const json_t *now;
    json_object_foreach((json_t *)after, id, now) {
        const char *was = json_string_value(json_object_get(before, id));
        if ((!only || strcmp(only, id) == 0) && strcmp(json_string_value(now), "pass") == 0 &&
            (!was || strcmp(was, "pass") != 0)) {
            r->problems++;
            print_error("%s turned %s on %s into pass\n", what, was ? was : "(nothing)", id);
        }
    }
}

/* Every key of `keys` on every subject of `subjects`, every mutation, one at a time; `judge_all` compares
 * every row of the check (organization-wide items), else the mutated subject's. */
static void s_keys(struct run *r, json_t *bundle, const char *name, const struct opf_check *c, const json_t *subjects,
                   const char *const *keys, bool judge_all)
{
    json_t *base = s_audit(r, bundle, c->id);
    json_t *before = s_statuses(base);
    enum opf_exit base_exit = opf_report_exit_code(base, r->gate);
    for (const char *const *key = keys; key && *key; key++) {
        for (int m = 0; m < M_COUNT; m++) {
            size_t i;
            json_t *subject;
            json_array_foreach(subjects, i, subject) {
                json_t *evidence = json_object_get(subject, "evidence");
                json_t *saved = json_deep_copy(json_object_get(evidence, *key));
                if (!s_mutate(evidence, *key, (enum mutation)m)) {
                    json_decref(saved);
                    continue;
                }
                r->cases++;
                json_t *report = s_audit(r, bundle, c->id);
                json_t *after = s_statuses(report);
                const char *id = json_string_value(json_object_get(subject, "id"));
                char what[512];
                snprintf(what, sizeof(what), "%s: %s: %s %s on %s", name, c->id, *key, MUTATION[m], id);
                s_compare(r, what, before, after, judge_all ? NULL : id);
                if (opf_report_exit_code(report, r->gate) == OPF_EXIT_READY && base_exit != OPF_EXIT_READY) {
                    r->problems++;
                    print_error("%s made the audit exit 0\n", what);
                }
                json_decref(after);
                json_decref(report);
                if (saved)
                    json_object_set_new(evidence, *key, saved);
                else
                    json_object_del(evidence, *key);
            }
        }
    }
    json_decref(before);
    json_decref(base);
}

/* A check's declared needs on its own subjects, and every organization-wide item (checks of other subjects
 * read those through the bundle's organization record). */
static void s_check(struct run *r, json_t *bundle, const char *name, const struct opf_check *c)
{
    json_t *own = s_subjects(bundle, c->subject);
    s_keys(r, bundle, name, c, own, c->needs, false);
    json_decref(own);
    if (c->subject == OPF_SUBJECT_ORGANIZATION)
        return;
    json_t *org = s_subjects(bundle, OPF_SUBJECT_ORGANIZATION);
    const json_t *ev = json_object_get(json_array_get(org, 0), "evidence");
    char **keys = calloc(json_object_size(ev) + 1, sizeof(*keys));
    size_t n = 0;
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)ev, k, v) keys[n++] = strdup(k); /* removing an item frees its key */
    s_keys(r, bundle, name, c, org, (const char *const *)keys, true);
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    json_decref(org);
}

static void s_ablate(struct opf_registry *reg, size_t first, const char *origin)
{
    struct opf_error err = {0};
    json_t *config = opf_config_load("../examples/config.json", &err);
    assert_non_null(config);
    struct run r = {.reg = reg, .gate = OPF_SEV_INFO};
    time_t now;
    assert_true(opf_time_parse("2026-11-25T09:00:00Z", &now));
    r.opts = (struct opf_audit_options){.config = config, .now = now};
    /* the example's attestations count: their facts are evidence too */
    FILE *f = fopen("../examples/attestations.json", "r");
    json_t *att = f ? json_loadf(f, 0, NULL) : NULL;
    if (f)
        fclose(f);
    r.opts.attestations = att;
    for (const char *const *path = BUNDLES; *path; path++) {
        json_t *bundle = opf_bundle_load(*path, &err);
        if (!bundle)
            fail_msg("%s", err.message);
        for (size_t i = first; i < opf_registry_count(reg); i++)
            s_check(&r, bundle, *path, opf_registry_at(reg, i));
        json_decref(bundle);
    }
    print_message("%s: %zu ablations, %zu false passes or exits 0\n", origin, r.cases, r.problems);
    assert_true(r.cases > 0);
    assert_int_equal(r.problems, 0);
    json_decref(att);
    json_decref(config);
}

static void built_in_checks_never_pass_on_less_evidence(void **state)
{
    (void)state;
    struct opf_registry *reg = opf_registry_new();
    s_ablate(reg, 0, "built-in checks");
    opf_registry_free(reg);
}

static void plugin_checks_never_pass_on_less_evidence(void **state)
{
    (void)state;
    const char *bin = getenv("OPF_BINARY_DIR");
    struct opf_registry *reg = opf_registry_new();
    size_t builtin = opf_registry_count(reg);
    for (const char *const *p = PLUGINS; *p; p++) {
        char path[1024];
        struct opf_error err = {0};
        snprintf(path, sizeof(path), "%s/plugins/%s", bin ? bin : "../build", *p);
        if (opf_registry_load_plugin(reg, path, &err) != 0)
            fail_msg("%s", err.message);
    }
    assert_true(opf_registry_count(reg) > builtin);
    s_ablate(reg, builtin, "plugin checks");
    opf_registry_free(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(built_in_checks_never_pass_on_less_evidence),
        cmocka_unit_test(plugin_checks_never_pass_on_less_evidence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
