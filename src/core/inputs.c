/* Operator inputs: attestations (dated statements of facts no API exposes) and waivers. */
#include <ctype.h>
#include <string.h>

#include "core/core.h"

const char *const opf_attestation_facts[] = {
    "payment-method", "phone-verified", "root-mailbox-confirmed", "support-plan", "billing-access-for-iam", NULL,
};

static bool s_known_fact(const char *fact)
{
    for (const char *const *f = opf_attestation_facts; *f; f++)
        if (strcmp(*f, fact) == 0)
            return true;
    return false;
}

static const char *s_nonempty(const json_t *entry, const char *key)
{
    const char *v = json_string_value(json_object_get(entry, key));
    return v && *v ? v : NULL;
}

/* Shared shape check: {"<list>": [objects...]}; calls `entry` for each. */
static int s_each(const json_t *doc, const char *list, const char *name, struct opf_error *err,
                  int (*entry)(const json_t *, const char *, const char *, const void *, struct opf_error *),
                  const void *ud)
{
    const json_t *arr = json_object_get(doc, list);
    if (!json_is_object(doc) || !json_is_array(arr))
        return opf_fail(err, OPF_EXIT_ERROR, "%s: $.%s: expected {\"%s\": [...]}", name, list, list);
    size_t i;
    const json_t *e;
    json_array_foreach(arr, i, e) {
        char path[64];
        snprintf(path, sizeof(path), "$.%s[%zu]", list, i);
        if (!json_is_object(e))
            return opf_fail(err, OPF_EXIT_ERROR, "%s: %s: expected an object", name, path);
        if (entry(e, name, path, ud, err))
            return -1;
    }
    return 0;
}

static int s_attestation(const json_t *e, const char *name, const char *path, const void *ud, struct opf_error *err)
{
    (void)ud;
    const char *fact = s_nonempty(e, "fact");
    time_t t;
    if (!opf_is_account_id(json_string_value(json_object_get(e, "account_id"))))
        return opf_fail(err, OPF_EXIT_ERROR, "%s: %s.account_id: expected a 12-digit account id", name, path);
    if (!fact || !s_known_fact(fact))
        return opf_fail(err, OPF_EXIT_ERROR, "%s: %s.fact: expected one of payment-method, phone-verified, "
                        "root-mailbox-confirmed, support-plan, billing-access-for-iam", name, path);
    if (!json_object_get(e, "value"))
        return opf_fail(err, OPF_EXIT_ERROR, "%s: %s.value: missing", name, path);
    if (!s_nonempty(e, "attested_by"))
        return opf_fail(err, OPF_EXIT_ERROR, "%s: %s.attested_by: expected who attests", name, path);
    if (!opf_time_parse(json_string_value(json_object_get(e, "attested_at")), &t))
        return opf_fail(err, OPF_EXIT_ERROR, "%s: %s.attested_at: expected an ISO 8601 date", name, path);
    const json_t *note = json_object_get(e, "note");
    if (note && !json_is_string(note) && !json_is_null(note))
        return opf_fail(err, OPF_EXIT_ERROR, "%s: %s.note: expected a string", name, path);
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
        return opf_fail(err, OPF_EXIT_ERROR, "%s: %s.check: %s%s", name, path, check ? "unknown check " : "missing",
                        check ? check : "");
    if (!subject)
        return opf_fail(err, OPF_EXIT_ERROR, "%s: %s.account_id: expected an account id or \"*\"", name, path);
    if (!s_nonempty(e, "reason") || !s_nonempty(e, "owner"))
        return opf_fail(err, OPF_EXIT_ERROR, "%s: %s: a waiver needs a reason and an owner", name, path);
    if (!expires || strlen(expires) != 10 || !opf_time_parse(expires, &t))
        return opf_fail(err, OPF_EXIT_ERROR, "%s: %s.expires: expected a date YYYY-MM-DD", name, path);
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
    const json_t *best = NULL;
    time_t best_t = 0;
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(attestations, "attestations"), i, e) {
        time_t t;
        if (strcmp(json_string_value(json_object_get(e, "account_id")), account_id) != 0 ||
            strcmp(json_string_value(json_object_get(e, "fact")), fact) != 0 ||
            !opf_time_parse(json_string_value(json_object_get(e, "attested_at")), &t))
            continue;
        if (!best || t >= best_t) {
            best = e;
            best_t = t;
        }
    }
    return best;
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
        if (strcmp(json_string_value(json_object_get(w, "check")), check) != 0 ||
            (strcmp(who, "*") != 0 && strcmp(who, subject_id) != 0) ||
            !opf_time_parse(json_string_value(json_object_get(w, "expires")), &until))
            continue;
        bool is_expired = now >= until + 86400; /* valid through the whole expiry day, UTC */
        if (!is_expired) {
            *expired = false;
            return w;
        }
        found = w;
    }
    *expired = found != NULL;
    return found;
}
