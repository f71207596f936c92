/*
 * Comparing two reports: reading a report document back (validated enough to compare it), and the change
 * set between an older and a newer one (orgpreflight/diff/v1, docs/diff.md).
 */
#include <string.h>

#include "core/core.h"

static const char *s_str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static bool s_nonempty(const json_t *o, const char *k)
{
    return *s_str(o, k) != '\0';
}

/* One row per (subject, check): accounts by id; the organization, operator session and target organization
 * once per report each, so a new operator session or organization id is compared with the old one. */
static void s_row_key(const json_t *row, char *key, size_t len)
{
    const char *type = s_str(row, "subject_type");
    if (strcmp(type, "account") == 0)
        snprintf(key, len, "account\t%s\t%s", s_str(row, "subject_id"), s_str(row, "check"));
    else
        snprintf(key, len, "%s\t%s", type, s_str(row, "check"));
}

static bool s_subject_type_known(const char *type)
{
    for (int k = 0; k < OPF_SUBJECT_KIND_COUNT; k++)
        if (strcmp(type, opf_subject_kind_name((enum opf_subject_kind)k)) == 0)
            return true;
    return false;
}

static int s_result(const json_t *row, const char *name, size_t i, json_t *seen, struct opf_error *err)
{
    enum opf_status st;
    enum opf_severity sev;
    const char *field = NULL, *why = NULL;
    if (!json_is_object(row))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.results[%zu]: expected an object", name, i);
    if (!s_nonempty(row, "check"))
        field = "check", why = "expected a check id";
    else if (!s_subject_type_known(s_str(row, "subject_type")))
        field = "subject_type", why = "expected account, organization, operator-session or target-organization";
    else if (!s_nonempty(row, "subject_id"))
        field = "subject_id", why = "expected a subject id";
    else if (!opf_status_parse(json_string_value(json_object_get(row, "status")), &st))
        field = "status", why = "expected pass, warn, fail, unknown, skipped or waived";
    else if (!opf_severity_parse(json_string_value(json_object_get(row, "severity")), &sev))
        field = "severity", why = "expected blocker, high, medium, low or info";
    else if (!json_is_string(json_object_get(row, "message")))
        field = "message", why = "expected a string";
    if (field)
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.results[%zu].%s: %s", name, i, field, why);
    char key[512];
    s_row_key(row, key, sizeof(key));
    if (json_object_get(seen, key))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.results[%zu]: a second row for check %s on %s %s", name, i,
                        s_str(row, "check"), s_str(row, "subject_type"), s_str(row, "subject_id"));
    json_object_set_new(seen, key, json_true());
    return 0;
}

static int s_accounts(const json_t *accounts, const char *name, struct opf_error *err)
{
    size_t i;
    const json_t *a;
    json_array_foreach(accounts, i, a) {
        if (!opf_is_account_id(json_string_value(json_object_get(a, "id"))))
            return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.accounts[%zu].id: expected a 12-digit account id", name, i);
        if (!json_is_string(json_object_get(a, "name")))
            return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.accounts[%zu].name: expected a string", name, i);
    }
    return 0;
}

static int s_waivers_expired(const json_t *list, const char *name, struct opf_error *err)
{
    size_t i;
    const json_t *w;
    json_array_foreach(list, i, w) {
        if (!s_nonempty(w, "check") || !s_nonempty(w, "account_id") || !s_nonempty(w, "expires"))
            return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.waivers_expired[%zu]: expected a waiver with check, "
                            "account_id and expires", name, i);
    }
    return 0;
}

int opf_report_validate(const json_t *report, const char *name, struct opf_error *err)
{
    if (!json_is_object(report))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $: a report must be a JSON object", name);
    const char *schema = json_string_value(json_object_get(report, "schema"));
    if (!schema)
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.schema: missing: not an orgpreflight report", name);
    if (strcmp(schema, OPF_EVIDENCE_SCHEMA) == 0)
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.schema: \"%s\" is an evidence bundle, not a report "
                        "(write one with `audit --format json -o FILE`)", name, schema);
    if (strcmp(schema, OPF_REPORT_SCHEMA) != 0)
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.schema: unsupported version \"%.100s\", expected \"%s\"", name,
                        schema, OPF_REPORT_SCHEMA);
    static const char *const arrays[] = {"accounts", "results", "waivers_expired"};
    for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) {
        const json_t *v = json_object_get(report, arrays[k]);
        if (!json_is_array(v))
            return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.%s: %s", name, arrays[k], v ? "expected an array" : "missing");
    }
    if (s_accounts(json_object_get(report, "accounts"), name, err) ||
        s_waivers_expired(json_object_get(report, "waivers_expired"), name, err))
        return -1;
    json_t *seen = json_object();
    int rc = 0;
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(report, "results"), i, row) if ((rc = s_result(row, name, i, seen, err))) break;
    json_decref(seen);
    return rc;
}

json_t *opf_report_load(const char *path, struct opf_error *err)
{
    json_t *doc = opf_json_load_file(path, err);
    if (doc && opf_report_validate(doc, path, err) != 0) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* ---- the change set ---- */

struct s_diff {
    json_t *old_rows, *new_rows;        /* key -> row (borrowed) */
    json_t *old_accounts, *new_accounts; /* id -> account (borrowed) */
    enum opf_severity fail_on;
    json_t *new_failures, *fixed, *changed;
};

static json_t *s_index_rows(const json_t *report)
{
    json_t *index = json_object();
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(report, "results"), i, row) {
        char key[512];
        s_row_key(row, key, sizeof(key));
        json_object_set(index, key, row);
    }
    return index;
}

static json_t *s_index_accounts(const json_t *report)
{
    json_t *index = json_object();
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(report, "accounts"), i, a) json_object_set(index, s_str(a, "id"), a);
    return index;
}

/* fail and unknown are what the gate counts; every other status lets a migration go ahead. */
static bool s_problem(const char *status)
{
    return status && (strcmp(status, "fail") == 0 || strcmp(status, "unknown") == 0);
}

static bool s_fine(const char *status)
{
    return status && (strcmp(status, "pass") == 0 || strcmp(status, "warn") == 0);
}

static json_t *s_change(const json_t *old_row, const json_t *new_row, bool gating)
{
    const json_t *row = new_row ? new_row : old_row;
    const json_t *was = json_object_get(old_row, "status"), *is = json_object_get(new_row, "status");
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:O?, s:O?, s:s, s:b}", "check", s_str(row, "check"),
                     "subject_type", s_str(row, "subject_type"), "subject_id", s_str(row, "subject_id"),
                     "subject_name", s_str(row, "subject_name"), "severity", s_str(row, "severity"), "old_status",
                     was, "new_status", is, "message", s_str(row, "message"), "gating", gating);
}

/* Files one (old, new) pair of rows, either possibly NULL, under the change it is. */
static void s_classify(struct s_diff *d, const json_t *old_row, const json_t *new_row)
{
    const char *was = json_string_value(json_object_get(old_row, "status"));
    const char *is = json_string_value(json_object_get(new_row, "status"));
    if (was && is && strcmp(was, is) == 0)
        return;
    if (s_problem(is)) {
        enum opf_severity sev = OPF_SEV_BLOCKER;
        opf_severity_parse(s_str(new_row, "severity"), &sev);
        json_array_append_new(d->new_failures, s_change(old_row, new_row, sev >= d->fail_on));
    } else if (s_problem(was) && s_fine(is)) {
        json_array_append_new(d->fixed, s_change(old_row, new_row, false));
    } else {
        json_array_append_new(d->changed, s_change(old_row, new_row, false));
    }
}

static bool s_account_row(const json_t *row)
{
    return strcmp(s_str(row, "subject_type"), "account") == 0;
}

static void s_compare_rows(struct s_diff *d, const json_t *old_report, const json_t *new_report)
{
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(new_report, "results"), i, row) {
        char key[512];
        s_row_key(row, key, sizeof(key));
        const json_t *old_row = json_object_get(d->old_rows, key);
        /* An added account is listed once as added; only its problems are listed row by row. */
        if (!old_row && s_account_row(row) && !json_object_get(d->old_accounts, s_str(row, "subject_id")) &&
            !s_problem(s_str(row, "status")))
            continue;
        s_classify(d, old_row, row);
    }
    json_array_foreach(json_object_get(old_report, "results"), i, row) {
        char key[512];
        s_row_key(row, key, sizeof(key));
        /* A row of a gone account is not fixed: the account is listed as gone instead. */
        if (json_object_get(d->new_rows, key) ||
            (s_account_row(row) && !json_object_get(d->new_accounts, s_str(row, "subject_id"))))
            continue;
        s_classify(d, row, NULL);
    }
}

static json_t *s_accounts_only_in(const json_t *report, const json_t *other_index)
{
    json_t *out = json_array();
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(report, "accounts"), i, a) {
        if (json_object_get(other_index, s_str(a, "id")))
            continue;
        json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "id", s_str(a, "id"), "name", s_str(a, "name"),
                                             "state", s_str(a, "state"), "ou_path", s_str(a, "ou_path")));
    }
    return out;
}

static bool s_same_waiver(const json_t *a, const json_t *b)
{
    static const char *const keys[] = {"check", "account_id", "expires"};
    for (size_t k = 0; k < 3; k++)
        if (strcmp(s_str(a, keys[k]), s_str(b, keys[k])) != 0)
            return false;
    return true;
}

/* Waivers the new report lists as expired that the old one did not. */
static json_t *s_newly_expired(const json_t *old_report, const json_t *new_report)
{
    json_t *out = json_array();
    size_t i, j;
    const json_t *w, *o;
    json_array_foreach(json_object_get(new_report, "waivers_expired"), i, w) {
        bool known = false;
        json_array_foreach(json_object_get(old_report, "waivers_expired"), j, o) known |= s_same_waiver(o, w);
        if (!known)
            json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s, s:s}", "check", s_str(w, "check"),
                                                 "account_id", s_str(w, "account_id"), "reason", s_str(w, "reason"),
                                                 "owner", s_str(w, "owner"), "expires", s_str(w, "expires")));
    }
    return out;
}

static json_t *s_side(const json_t *report, const char *file)
{
    const json_t *sum = json_object_get(report, "summary");
    return json_pack("{s:s, s:s, s:s, s:b, s:s, s:s}", "file", file, "generated_at", s_str(report, "generated_at"),
                     "evidence_collected_at", s_str(report, "evidence_collected_at"), "complete",
                     !json_is_false(json_object_get(report, "complete")), "organization_id",
                     s_str(json_object_get(report, "organization"), "id"), "verdict", s_str(sum, "verdict"));
}

static size_t s_count_gating(const json_t *changes)
{
    size_t n = 0, i;
    const json_t *c;
    json_array_foreach(changes, i, c) n += json_is_true(json_object_get(c, "gating"));
    return n;
}

json_t *opf_report_diff(const json_t *old_report, const char *old_name, const json_t *new_report, const char *new_name,
                        enum opf_severity fail_on)
{
    struct s_diff d = {.old_rows = s_index_rows(old_report), .new_rows = s_index_rows(new_report),
                       .old_accounts = s_index_accounts(old_report), .new_accounts = s_index_accounts(new_report),
                       .fail_on = fail_on, .new_failures = json_array(), .fixed = json_array(),
                       .changed = json_array()};
    s_compare_rows(&d, old_report, new_report);
    json_t *added = s_accounts_only_in(new_report, d.old_accounts);
    json_t *gone = s_accounts_only_in(old_report, d.new_accounts);
    json_t *expired = s_newly_expired(old_report, new_report);
    json_t *summary = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "new_failures",
                                (json_int_t)json_array_size(d.new_failures), "gating",
                                (json_int_t)s_count_gating(d.new_failures), "fixed", (json_int_t)json_array_size(d.fixed),
                                "changed", (json_int_t)json_array_size(d.changed), "accounts_added",
                                (json_int_t)json_array_size(added), "accounts_removed", (json_int_t)json_array_size(gone),
                                "waivers_expired", (json_int_t)json_array_size(expired));
    json_t *diff = json_pack("{s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "schema", OPF_DIFF_SCHEMA,
                             "old", s_side(old_report, old_name), "new", s_side(new_report, new_name), "fail_on",
                             opf_severity_name(fail_on), "summary", summary, "new_failures", d.new_failures, "fixed",
                             d.fixed, "changed", d.changed, "accounts_added", added, "accounts_removed", gone,
                             "waivers_expired", expired);
    json_decref(d.old_rows);
    json_decref(d.new_rows);
    json_decref(d.old_accounts);
    json_decref(d.new_accounts);
    return diff;
}

enum opf_exit opf_diff_exit_code(const json_t *diff)
{
    return json_integer_value(json_object_get(json_object_get(diff, "summary"), "gating")) > 0 ? OPF_EXIT_NOT_READY
                                                                                               : OPF_EXIT_READY;
}
