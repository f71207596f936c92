/* Operator inputs: attestations (dated statements of facts no API exposes) and waivers. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/core.h"

const char *const opf_attestation_facts[] = {
    "payment-method", "phone-verified", "root-mailbox-confirmed", "support-plan", "billing-access-for-iam", NULL,
};

bool opf_attestation_fact_known(const char *fact)
{
    for (const char *const *f = opf_attestation_facts; fact && *f; f++)
        if (strcmp(*f, fact) == 0)
            return true;
    return false;
}

void opf_attestation_facts_join(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const char *const *f = opf_attestation_facts; *f && used < len; f++) {
        int n = snprintf(buf + used, len - used, "%s%s", f == opf_attestation_facts ? "" : ", ", *f);
        used += n > 0 ? (size_t)n : 0;
    }
}

static const char *s_nonempty(const json_t *entry, const char *key)
{
    const char *v = json_string_value(json_object_get(entry, key));
    return v && *v ? v : NULL;
}

typedef int s_entry_fn(const json_t *e, const char *name, const char *path, const void *ud, struct opf_error *err);

/* Shared shape check: {"<list>": [objects...]}; calls `entry` for each. */
static int s_each(const json_t *doc, const char *list, const char *name, struct opf_error *err, s_entry_fn *entry,
                  const void *ud)
{
    const json_t *arr = json_object_get(doc, list);
    if (!json_is_object(doc) || !json_is_array(arr))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.%s: expected {\"%s\": [...]}", name, list, list);
    size_t i;
    const json_t *e;
    json_array_foreach(arr, i, e) {
        char path[64];
        snprintf(path, sizeof(path), "$.%s[%zu]", list, i);
        if (!json_is_object(e))
            return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: %s: expected an object", name, path);
        if (entry(e, name, path, ud, err))
            return -1;
    }
    return 0;
}

static int s_attestation(const json_t *e, const char *name, const char *path, const void *ud, struct opf_error *err)
{
    (void)ud;
    const char *fact = s_nonempty(e, "fact");
    if (!opf_is_account_id(json_string_value(json_object_get(e, "account_id"))))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: %s.account_id: expected a 12-digit account id", name, path);
    if (!opf_attestation_fact_known(fact)) {
        char facts[256];
        opf_attestation_facts_join(facts, sizeof(facts));
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: %s.fact: expected one of %s", name, path, facts);
    }
    if (!json_object_get(e, "value"))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: %s.value: missing", name, path);
    if (!s_nonempty(e, "attested_by"))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: %s.attested_by: expected who attests", name, path);
    /* an unreadable attested_at is no reason to stop: the checks cite that entry and ignore it */
    const json_t *note = json_object_get(e, "note");
    if (note && !json_is_string(note) && !json_is_null(note))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: %s.note: expected a string", name, path);
    return 0;
}

static int s_waiver(const json_t *e, const char *name, const char *path, const void *ud, struct opf_error *err)
{
    const struct opf_registry *r = ud;
    const char *check = s_nonempty(e, "check");
    const char *subject = s_nonempty(e, "account_id");
    const char *expires = json_string_value(json_object_get(e, "expires"));
    time_t t;
    if (!check || (r && !opf_registry_find(r, check)))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: %s.check: %s%s", name, path, check ? "unknown check " : "missing",
                        check ? check : "");
    if (!subject)
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: %s.account_id: expected an account id or \"*\"", name, path);
    if (!s_nonempty(e, "reason") || !s_nonempty(e, "owner"))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: %s: a waiver needs a reason and an owner", name, path);
    if (!opf_date_parse(expires, &t))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: %s.expires: expected a date YYYY-MM-DD", name, path);
    return 0;
}

int opf_attestations_validate(const json_t *doc, const char *name, struct opf_error *err)
{
    return s_each(doc, "attestations", name, err, s_attestation, NULL);
}

int opf_waivers_validate(const json_t *doc, const char *name, const struct opf_registry *r, struct opf_error *err)
{
    return s_each(doc, "waivers", name, err, s_waiver, r);
}

json_t *opf_attestations_load(const char *path, struct opf_error *err)
{
    json_t *doc = opf_json_load_file(path, err);
    if (doc && opf_attestations_validate(doc, path, err)) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

json_t *opf_waivers_load(const char *path, const struct opf_registry *r, struct opf_error *err)
{
    json_t *doc = opf_json_load_file(path, err);
    if (doc && opf_waivers_validate(doc, path, r, err)) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

const json_t *opf_attestation_newest(const json_t *attestations, const char *account_id, const char *fact)
{
    const json_t *best = NULL, *undated = NULL;
    time_t best_t = 0;
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(attestations, "attestations"), i, e) {
        time_t t;
        if (strcmp(json_string_value(json_object_get(e, "account_id")), account_id) != 0 ||
            strcmp(json_string_value(json_object_get(e, "fact")), fact) != 0)
            continue;
        if (!opf_time_parse(json_string_value(json_object_get(e, "attested_at")), &t)) {
            undated = e; /* reported (and ignored) only when no dated one exists */
            continue;
        }
        if (!best || t >= best_t) {
            best = e;
            best_t = t;
        }
    }
    return best ? best : undated;
}

const json_t *opf_waiver_find(const json_t *waivers, const char *check, const char *subject_id, time_t now,
                              bool *expired)
{
    const json_t *found = NULL;
    size_t i;
    const json_t *w;
    json_array_foreach(json_object_get(waivers, "waivers"), i, w) {
        const char *who = json_string_value(json_object_get(w, "account_id"));
        time_t until;
        const char *expires = json_string_value(json_object_get(w, "expires"));
        if (strcmp(json_string_value(json_object_get(w, "check")), check) != 0 ||
            (strcmp(who, "*") != 0 && strcmp(who, subject_id) != 0) || !opf_time_parse(expires, &until))
            continue;
        if (!opf_waiver_expired(expires, now)) {
            *expired = false;
            return w;
        }
        found = w;
    }
    *expired = found != NULL;
    return found;
}

bool opf_waiver_expired(const char *expires, time_t now)
{
    time_t until;
    return !opf_time_parse(expires, &until) || now >= until + 86400; /* unreadable: never extends a waiver */
}

/* ---- appending to the files ---- */

struct s_doc {
    const json_t *doc;
    const char *list;
};

static int s_dump(FILE *out, const json_t *v)
{
    char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    int rc = text && fputs(text, out) != EOF ? 0 : -1;
    free(text);
    return rc;
}

/* The document with one entry per line, so that a file kept under version control changes by one line. */
static int s_write_doc(FILE *out, void *ud)
{
    const struct s_doc *d = ud;
    const char *key;
    json_t *v;
    bool first = true;
    fputc('{', out);
    json_object_foreach((json_t *)d->doc, key, v) {
        json_t *k = json_string(key);
        fputs(first ? "\n  " : ",\n  ", out);
        first = false;
        int rc = s_dump(out, k);
        json_decref(k);
        if (rc || fputs(": ", out) == EOF)
            return -1;
        if (strcmp(key, d->list) != 0) {
            if (s_dump(out, v))
                return -1;
            continue;
        }
        size_t i;
        const json_t *e;
        fputc('[', out);
        json_array_foreach(v, i, e) if (fputs(i ? ",\n    " : "\n    ", out) == EOF || s_dump(out, e)) return -1;
        fputs(json_array_size(v) ? "\n  ]" : "]", out);
    }
    fputs("\n}\n", out);
    return ferror(out) ? -1 : 0;
}

/* The entry of `list` that `entry` takes the place of: the same value at every key of `same` (NULL-terminated);
 * its index, or -1. */
static long s_same(const json_t *list, const json_t *entry, const char *const *same)
{
    size_t i;
    const json_t *e;
    json_array_foreach(list, i, e) {
        bool eq = same && *same;
        for (const char *const *k = same; k && *k && eq; k++)
            eq = json_equal(json_object_get(e, *k), json_object_get(entry, *k));
        if (eq)
            return (long)i;
    }
    return -1;
}

static int s_append(const char *path, const char *list, json_t *entry, s_entry_fn *check, const void *ud,
                    const char *const *same, json_t **replaced, struct opf_error *err)
{
    struct stat st;
    int mode = 0644, rc = -1;
    json_t *doc = NULL;
    char *target = NULL;
    if (stat(path, &st) == 0) {
        mode = (int)(st.st_mode & 07777);
        target = realpath(path, NULL); /* through a symbolic link: replace the file, keep the link */
        if (!S_ISREG(st.st_mode)) {
            opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: not a regular file", path);
            goto out;
        }
        if (!(doc = opf_json_load_file(path, err)) || s_each(doc, list, path, err, check, ud)) {
            size_t n = strlen(err->message);
            snprintf(err->message + n, sizeof(err->message) - n, " (left unchanged)");
            goto out;
        }
    } else if (errno == ENOENT) {
        doc = json_pack("{s:[]}", list);
    } else {
        opf_fail(err, opf_errno_category(errno), "%s: cannot read: %s", path, strerror(errno));
        goto out;
    }
    json_t *entries = json_object_get(doc, list);
    long at = s_same(entries, entry, same);
    if (at >= 0 && replaced) {
        *replaced = json_incref(json_array_get(entries, (size_t)at));
        json_array_set_new(entries, (size_t)at, entry);
    } else {
        json_array_append_new(entries, entry);
    }
    entry = NULL;
    /* The new entry is checked exactly like the file's own (a last guard; callers validate first). */
    if (s_each(doc, list, path, err, check, ud) == 0) {
        struct s_doc d = {doc, list};
        rc = opf_file_write_atomic(target ? target : path, mode, s_write_doc, &d, err);
    }
out:
    json_decref(entry);
    json_decref(doc);
    free(target);
    return rc;
}

int opf_attestation_append(const char *path, json_t *entry, struct opf_error *err)
{
    return s_append(path, "attestations", entry, s_attestation, NULL, NULL, NULL, err); /* a history: newest wins */
}

int opf_waiver_append(const char *path, json_t *entry, const struct opf_registry *r, json_t **replaced,
                      struct opf_error *err)
{
    static const char *const same[] = {"check", "account_id", NULL};
    if (replaced)
        *replaced = NULL;
    return s_append(path, "waivers", entry, s_waiver, r, same, replaced, err);
}
