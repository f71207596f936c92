/* org-id-references: resource and trust policies that name the old organization stop matching once the
 * account has moved. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common.h"

/* Where policies are found: the item, its list, the resource's ARN field and the policy field. */
static const struct s_source {
    const char *key, *list, *arn, *policy;
} s_sources[] = {
    {"iam.roles", "Roles", "Arn", "AssumeRolePolicyDocument"},
    {"s3.bucket_policies", "Buckets", "Arn", "Policy"},
    {"kms.key_policies", "Keys", "KeyArn", "Policy"},
    {"sns.topic_policies", "Topics", "TopicArn", "Policy"},
    {"sqs.queue_policies", "Queues", "QueueArn", "Policy"},
};
#define S_NSOURCES (sizeof(s_sources) / sizeof(s_sources[0]))

static const char *const s_needs[] = {"iam.roles", "s3.bucket_policies", "kms.key_policies", "sns.topic_policies",
                                      "sqs.queue_policies", NULL};

/* The global condition keys whose values are organization ids or paths. */
static const char *const s_org_keys[] = {"aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:ResourceOrgID",
                                         "aws:ResourceOrgPaths", "aws:SourceOrgID", "aws:SourceOrgPaths", NULL};

#define S_LIST_MAX 640

/* What one evaluation found, across every item. */
struct s_scan {
    const json_t *ids;         /* the old organization's o-, r- and ou- ids */
    size_t resources, policies, unreadable;
    size_t n_deny, n_other;
    char denies[S_LIST_MAX];   /* "ARN (statement X: StringNotEquals aws:PrincipalOrgID)", … */
    char others[S_LIST_MAX];
    char missing[S_LIST_MAX];  /* items that could not be read, with their error */
    size_t n_missing;
};

static bool s_is_org_key(const char *key)
{
    for (const char *const *k = s_org_keys; *k; k++)
        if (strcasecmp(*k, key) == 0)
            return true;
    return false;
}

/* Case-insensitive substring search, for ids inside paths. */
static bool s_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

/* The old id a condition value (a string or an array of strings) names, the most specific (longest) when it
 * names several (an OU path names the root and its OUs), or NULL. */
static const char *s_names_old_id(const json_t *value, const json_t *ids)
{
    size_t i, k;
    const json_t *v, *id;
    json_t *one = json_is_string(value) ? json_pack("[O]", value) : NULL;
    const json_t *values = one ? one : value;
    const char *hit = NULL;
    json_array_foreach(values, i, v) {
        json_array_foreach(ids, k, id) {
            const char *candidate = json_string_value(id);
            if (json_is_string(v) && s_contains(json_string_value(v), candidate) &&
                (!hit || strlen(candidate) > strlen(hit)))
                hit = candidate;
        }
    }
    json_decref(one);
    return hit;
}

/* A negated operator (StringNotEquals, ForAllValues:StringNotLike, …) in a Deny denies everyone outside the
 * old organization: once the account has left, that is the account's own principals. */
static bool s_negated(const char *op)
{
    return s_contains(op, "Not");
}

/* Records every reference one statement makes to the old organization. */
static void s_statement(struct s_scan *sc, const char *arn, const json_t *st, size_t index, json_t *refs)
{
    const char *op, *key;
    const json_t *keys, *value;
    bool deny = opf_chk_statement_effect(st, "Deny");
    json_object_foreach((json_t *)json_object_get(st, "Condition"), op, keys) {
        json_object_foreach((json_t *)keys, key, value) {
            const char *id = s_is_org_key(key) ? s_names_old_id(value, sc->ids) : NULL;
            if (!id)
                continue;
            char label[64], entry[768];
            const char *sid = opf_chk_str(st, "Sid");
            if (sid && *sid)
                snprintf(label, sizeof(label), "%s", sid);
            else
                snprintf(label, sizeof(label), "Statement[%zu]", index);
            bool locks_out = deny && s_negated(op);
            snprintf(entry, sizeof(entry), "%s (statement %s: %s %s %s %s)", arn, label,
                     deny ? "Deny" : "Allow", op, key, id);
            if (locks_out) {
                opf_chk_list_add(sc->denies, sizeof(sc->denies), entry);
                sc->n_deny++;
            } else {
                opf_chk_list_add(sc->others, sizeof(sc->others), entry);
                sc->n_other++;
            }
            json_array_append_new(refs, json_pack("{s:s,s:s,s:s,s:s,s:s,s:O}", "Resource", arn, "Statement", label,
                                                  "Effect", deny ? "Deny" : "Allow", "Operator", op, "Key", key,
                                                  "Value", value));
        }
    }
}

/* Scans one item's resources and cites what it found; an item that cannot be read is noted in sc->missing. */
static void s_scan_item(const struct opf_subject *s, const struct s_source *src, struct s_scan *sc,
                        struct opf_finding *f)
{
    struct opf_item item;
    char why[512];
    if (opf_evidence_get(s, src->key, &item) != OPF_ITEM_OK) {
        if (item.state == OPF_ITEM_MISSING)
            snprintf(why, sizeof(why), "%s was not collected", src->key);
        else
            snprintf(why, sizeof(why), "%s (%s): %s: %s", src->key, item.source ? item.source : "source not named",
                     item.error_code, item.error_message ? item.error_message : ""); /* the message may not name the call */
        opf_chk_list_add(sc->missing, sizeof(sc->missing), why);
        sc->n_missing++;
        return;
    }
    const json_t *list = json_object_get(item.data, src->list);
    if (!json_is_array(list)) {
        snprintf(why, sizeof(why), "%s has no %s list", src->key, src->list);
        opf_chk_list_add(sc->missing, sizeof(sc->missing), why);
        sc->n_missing++;
        return;
    }
    json_t *refs = json_array();
    size_t i, k, policies = 0;
    const json_t *res, *st;
    json_array_foreach(list, i, res) {
        const char *arn = opf_chk_str(res, src->arn);
        const json_t *raw = json_object_get(res, src->policy);
        if (json_is_null(raw) || !raw)
            continue; /* no policy (NoSuchBucketPolicy, a topic without one) */
        json_t *doc = opf_chk_policy_document(raw);
        json_t *statements = opf_chk_policy_statements(doc);
        if (!statements) {
            sc->unreadable++;
            snprintf(why, sizeof(why), "%s: the policy of %s is not a policy document", src->key,
                     arn ? arn : "(unnamed)");
            opf_chk_list_add(sc->missing, sizeof(sc->missing), why);
        }
        policies++;
        json_array_foreach(statements, k, st) s_statement(sc, arn ? arn : "(unnamed)", st, k, refs);
        json_decref(statements);
        json_decref(doc);
    }
    char errors[512];
    size_t n_errors = opf_chk_item_errors(item.data, errors, sizeof(errors));
    if (n_errors) {
        snprintf(why, sizeof(why), "%s listed %zu error%s: %s", src->key, n_errors, n_errors == 1 ? "" : "s", errors);
        opf_chk_list_add(sc->missing, sizeof(sc->missing), why);
        sc->n_missing++;
    }
    json_t *values = json_pack("{s:I,s:I,s:o,s:I}", src->list, (json_int_t)json_array_size(list), "policies",
                               (json_int_t)policies, "references", refs, "errors", (json_int_t)n_errors);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    sc->resources += json_array_size(list);
    sc->policies += policies;
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct s_scan sc;
    memset(&sc, 0, sizeof(sc));
    /* aws:PrincipalOrgPaths values may name an OU path without the organization id
     * ("o-*\/r-ab12/ou-ab12-11111111/"), so the root and OU ids count too. */
    sc.ids = opf_org_old_ids(ctx);
    if (json_array_size(sc.ids) == 0)
        return opf_set(f, OPF_UNKNOWN, "the bundle's organization record has no id, so references to it cannot be "
                                       "recognized");
    for (size_t i = 0; i < S_NSOURCES; i++)
        s_scan_item(s, &s_sources[i], &sc, f);
    const char *org_id = json_string_value(json_array_get(sc.ids, 0));
    enum opf_status st;
    char also[S_LIST_MAX + 160] = "";
    if (sc.n_other)
        snprintf(also, sizeof(also), "; %zu other statement%s also name%s it: %s", sc.n_other,
                 sc.n_other == 1 ? "" : "s", sc.n_other == 1 ? "s" : "", sc.others);
    if (sc.n_deny)
        st = opf_set(f, OPF_FAIL, "%zu Deny statement%s refuse%s everyone outside the old organization %s, which "
                                  "includes this account's own principals once it has moved: %s%s",
                     sc.n_deny, sc.n_deny == 1 ? "" : "s", sc.n_deny == 1 ? "s" : "", org_id, sc.denies, also);
    else if (sc.n_missing || sc.unreadable)
        st = opf_set(f, OPF_UNKNOWN, "not every policy could be read (%s)%s%s", sc.missing,
                     sc.n_other ? "; among those read, statements name the old organization: " : "",
                     sc.n_other ? sc.others : "");
    else if (sc.n_other)
        st = opf_set(f, OPF_WARN, "%zu statement%s depend%s on the old organization %s and stop matching once the "
                                  "account has moved: %s",
                     sc.n_other, sc.n_other == 1 ? "" : "s", sc.n_other == 1 ? "s" : "", org_id, sc.others);
    else
        st = opf_set(f, OPF_PASS, "none of the %zu policies of %zu roles, buckets, keys, topics and queues names the "
                                  "old organization %s or its %zu root and OU ids",
                     sc.policies, sc.resources, org_id, json_array_size(sc.ids) - 1);
    return st;
}

const struct opf_check opf_check_org_id_references = {
    OPF_CHECK_HEADER,
    .id = "org-id-references",
    .title = "No policy depends on the old organization's id",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_HIGH,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "Conditions on aws:PrincipalOrgID, aws:PrincipalOrgPaths or aws:ResourceOrgID that name the old "
                 "organization stop matching when the account moves: grants silently end, and a Deny on "
                 "everything outside the old organization locks the account out of its own resources.",
    .remediation = "Before the move, add the new organization's id (or OU paths) next to the old one in every "
                   "listed statement, starting with the Deny statements; remove the old id once every account "
                   "has moved.",
};
