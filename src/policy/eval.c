/* The offline IAM policy evaluator (eval.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy/eval.h"

/* How a statement, a policy or a layer relates to the request. */
enum s_match { S_NO = 0, S_MAYBE, S_YES };

/* The first statement of a kind in a layer: its policy's name (borrowed from the caller's policies) and Sid. */
struct s_hit {
    const char *policy;
    char sid[64];
};

/* What one layer (a set of policies) says. */
struct s_layer {
    struct s_hit deny, maybe_deny, maybe_allow, unreadable, allow;
};

static bool s_char_eq(char a, char b, bool casefold)
{
    return casefold ? tolower((unsigned char)a) == tolower((unsigned char)b) : a == b;
}

bool opf_policy_wildcard(const char *pattern, const char *text, bool casefold)
{
    /* iterative matcher with one backtrack point: linear in practice, no recursion on hostile input */
    const char *star = NULL, *resume = NULL;
    while (*text) {
        if (*pattern == '*') {
            star = pattern++;
            resume = text;
        } else if (*pattern == '?' || (*pattern && s_char_eq(*pattern, *text, casefold))) {
            pattern++;
            text++;
        } else if (star) {
            pattern = star + 1;
            text = ++resume;
        } else {
            return false;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

const char *opf_policy_decision_name(enum opf_policy_decision d)
{
    static const char *const names[] = {"implicit-deny", "explicit-deny", "maybe", "allow"};
    return (unsigned)d < sizeof(names) / sizeof(names[0]) ? names[d] : "maybe";
}

/* A string-or-array element as a list; false when it is neither or holds a non-string. */
static bool s_patterns(const json_t *v, const json_t **list_out, json_t **owned)
{
    *owned = NULL;
    if (json_is_string(v)) {
        *owned = json_array();
        json_array_append((json_t *)*owned, (json_t *)v);
        *list_out = *owned;
        return true;
    }
    if (!json_is_array(v))
        return false;
    size_t i;
    const json_t *p;
    json_array_foreach(v, i, p) if (!json_is_string(p)) return false;
    *list_out = v;
    return true;
}

/* Does any pattern of the element match? -1 when the element is malformed. */
static int s_any(const json_t *element, const char *value, bool casefold)
{
    const json_t *list;
    json_t *owned;
    if (!s_patterns(element, &list, &owned))
        return -1;
    int hit = 0;
    size_t i;
    const json_t *p;
    json_array_foreach(list, i, p) hit |= opf_policy_wildcard(json_string_value(p), value, casefold);
    json_decref(owned);
    return hit;
}

static enum s_match s_action(const json_t *st, const char *action)
{
    const json_t *a = json_object_get(st, "Action"), *na = json_object_get(st, "NotAction");
    if ((a != NULL) == (na != NULL))
        return S_MAYBE; /* neither or both: malformed */
    int hit = s_any(a ? a : na, action, true);
    if (hit < 0)
        return S_MAYBE;
    return (a ? hit : !hit) ? S_YES : S_NO;
}

/* The request's resource: an ARN, or "*" asking about every resource at once, which an Allow of some
 * resources does not grant and a Deny of some resources makes uncertain. */
static enum s_match s_resource(const json_t *st, const char *resource, bool deny)
{
    const json_t *r = json_object_get(st, "Resource"), *nr = json_object_get(st, "NotResource");
    if (r && nr)
        return S_MAYBE;
    if (!r && !nr)
        return S_YES; /* SCPs may omit Resource: every resource */
    if (strcmp(resource, "*") == 0) {
        /* every resource: only a "*" pattern covers them all; a subset or an exclusion covers some */
        enum s_match some = deny ? S_MAYBE : S_NO;
        if (nr)
            return s_any(nr, "*", false) == 1 ? S_NO : some;
        const json_t *list;
        json_t *owned;
        if (!s_patterns(r, &list, &owned))
            return S_MAYBE;
        enum s_match m = some;
        size_t i;
        const json_t *p;
        json_array_foreach(list, i, p) if (strcmp(json_string_value(p), "*") == 0) m = S_YES;
        json_decref(owned);
        return m;
    }
    int hit = s_any(r ? r : nr, resource, false);
    if (hit < 0)
        return S_MAYBE;
    return (r ? hit : !hit) ? S_YES : S_NO;
}

/* A context value for a condition key (key names are case-insensitive): a string, null when the key is
 * known to be absent from the request, NULL when unknown. */
static const json_t *s_context(const json_t *context, const char *key)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)context, k, v) if (strcasecmp(k, key) == 0) return v;
    return NULL;
}

/* Condition values as policies write them: true and false are "true" and "false" (new reference). */
static json_t *s_as_text(const json_t *values)
{
    if (json_is_boolean(values))
        return json_string(json_is_true(values) ? "true" : "false");
    json_t *out = json_is_array(values) ? json_array() : json_incref((json_t *)values);
    size_t i;
    const json_t *v;
    json_array_foreach(values, i, v)
        json_array_append_new(out, json_is_boolean(v) ? json_string(json_is_true(v) ? "true" : "false")
                                                      : json_incref((json_t *)v));
    return out;
}

/* One operator on one key: S_MAYBE when the operator or the key is not decidable here. */
static enum s_match s_condition(const char *op, const char *key, const json_t *values, const json_t *context)
{
    char base[64];
    size_t n = strlen(op);
    bool if_exists = n > 8 && strcmp(op + n - 8, "IfExists") == 0;
    snprintf(base, sizeof(base), "%.*s", (int)(if_exists ? n - 8 : n), op);
    op = base;
    const json_t *known = s_context(context, key);
    const char *actual = json_string_value(known);
    if (json_is_null(known) && if_exists && strncmp(op, "For", 3) != 0)
        return S_YES; /* IfExists: a key known to be absent passes */
    if (!actual)
        return S_MAYBE;
    bool negate = false, like = false, casefold = false;
    if (strcmp(op, "StringEquals") == 0 || strcmp(op, "ArnEquals") == 0 || strcmp(op, "Bool") == 0) {
    } else if (strcmp(op, "StringNotEquals") == 0 || strcmp(op, "ArnNotEquals") == 0) {
        negate = true;
    } else if (strcmp(op, "StringEqualsIgnoreCase") == 0) {
        casefold = true;
    } else if (strcmp(op, "StringNotEqualsIgnoreCase") == 0) {
        casefold = negate = true;
    } else if (strcmp(op, "StringLike") == 0 || strcmp(op, "ArnLike") == 0) {
        like = true;
    } else if (strcmp(op, "StringNotLike") == 0 || strcmp(op, "ArnNotLike") == 0) {
        like = negate = true;
    } else {
        return S_MAYBE; /* numeric, date, IP, ForAnyValue/ForAllValues, Null: not decided here */
    }
    if (strcmp(op, "Bool") == 0)
        casefold = true;
    const json_t *list;
    json_t *owned, *text = s_as_text(values);
    if (!s_patterns(text, &list, &owned)) {
        json_decref(text);
        return S_MAYBE;
    }
    bool hit = false;
    size_t i;
    const json_t *p;
    json_array_foreach(list, i, p) {
        const char *want = json_string_value(p);
        hit |= like ? opf_policy_wildcard(want, actual, casefold)
                    : casefold ? strcasecmp(want, actual) == 0 : strcmp(want, actual) == 0;
    }
    json_decref(owned);
    json_decref(text);
    return hit != negate ? S_YES : S_NO;
}

/* Every operator and key of a Condition block must hold. */
static enum s_match s_conditions(const json_t *cond, const json_t *context)
{
    if (!cond)
        return S_YES;
    if (!json_is_object(cond))
        return S_MAYBE;
    enum s_match all = S_YES;
    const char *op, *key;
    const json_t *block, *values;
    json_object_foreach((json_t *)cond, op, block) {
        if (!json_is_object(block))
            return S_MAYBE;
        json_object_foreach((json_t *)block, key, values) {
            enum s_match m = s_condition(op, key, values, context);
            if (m == S_NO)
                return S_NO;
            if (m == S_MAYBE)
                all = S_MAYBE;
        }
    }
    return all;
}

static enum s_match s_min(enum s_match a, enum s_match b)
{
    return a < b ? a : b;
}

/* Keeps the first statement of a kind. */
static void s_note(struct s_hit *hit, const char *policy, const char *sid)
{
    if (hit->policy)
        return;
    hit->policy = policy;
    snprintf(hit->sid, sizeof(hit->sid), "%s", sid ? sid : "");
}

/* Folds one policy into the layer's summary. */
static void s_policy(struct s_layer *layer, const json_t *policy, const struct opf_policy_request *req)
{
    const char *name = json_string_value(json_object_get(policy, "Name"));
    name = name ? name : "(unnamed)";
    const json_t *doc = json_object_get(policy, "Document");
    json_t *owned = json_is_string(doc) ? json_loads(json_string_value(doc), 0, NULL) : json_incref((json_t *)doc);
    const json_t *statements = json_object_get(owned, "Statement");
    json_t *wrapped = NULL;
    if (json_is_object(statements)) {
        wrapped = json_array();
        json_array_append(wrapped, (json_t *)statements);
        statements = wrapped;
    }
    if (!json_is_object(owned) || !json_is_array(statements)) {
        s_note(&layer->unreadable, name, NULL);
        json_decref(owned);
        return;
    }
    size_t i;
    const json_t *st;
    json_array_foreach(statements, i, st) {
        const char *effect = json_string_value(json_object_get(st, "Effect"));
        bool deny = effect && strcmp(effect, "Deny") == 0, allow = effect && strcmp(effect, "Allow") == 0;
        if (!json_is_object(st) || (!deny && !allow)) {
            s_note(&layer->unreadable, name, NULL);
            continue;
        }
        enum s_match m = s_min(s_min(s_action(st, req->action), s_resource(st, req->resource, deny)),
                               s_conditions(json_object_get(st, "Condition"), req->context));
        struct s_hit *slot = m == S_NO ? NULL
                             : deny    ? (m == S_YES ? &layer->deny : &layer->maybe_deny)
                                       : (m == S_YES ? &layer->allow : &layer->maybe_allow);
        if (slot)
            s_note(slot, name, json_string_value(json_object_get(st, "Sid")));
    }
    json_decref(wrapped);
    json_decref(owned);
}

static struct s_layer s_layer_of(const json_t *policies, const struct opf_policy_request *req)
{
    struct s_layer layer = {0};
    size_t i;
    const json_t *p;
    if (json_is_object(policies)) {
        s_policy(&layer, policies, req);
        return layer;
    }
    if (!json_is_array(policies))
        s_note(&layer.unreadable, "(missing policy list)", NULL);
    json_array_foreach(policies, i, p) s_policy(&layer, p, req);
    return layer;
}

/* The layers in evaluation order, with a label each for the explanation. */
#define S_MAX_LAYERS 12
struct s_eval {
    struct s_layer layer[S_MAX_LAYERS];
    char label[S_MAX_LAYERS][48];
    size_t n, first_scp;
    bool too_deep;
};

static void s_add(struct s_eval *e, const json_t *policies, const struct opf_policy_request *req, const char *label)
{
    if (e->n == S_MAX_LAYERS) {
        e->too_deep = true;
        return;
    }
    e->layer[e->n] = s_layer_of(policies, req);
    snprintf(e->label[e->n], sizeof(e->label[e->n]), "%s", label);
    e->n++;
}

/* Records the decision, what decided it and its explanation; evaluates to the decision. */
static enum opf_policy_decision s_set(struct opf_policy_result *out, const struct s_eval *e, size_t layer,
                                      enum opf_policy_decision d, enum opf_policy_reason reason,
                                      const struct s_hit *hit)
{
    out->decision = d;
    out->reason = reason;
    out->layer = layer;
    out->scp_level = layer >= e->first_scp && layer < e->n ? (int)(layer - e->first_scp) : -1;
    snprintf(out->policy, sizeof(out->policy), "%s", hit && hit->policy ? hit->policy : "");
    snprintf(out->sid, sizeof(out->sid), "%s", hit ? hit->sid : "");
    char what[300];
    snprintf(what, sizeof(what), "%s %s%s%s", e->label[layer], out->policy, out->sid[0] ? ", statement " : "",
             out->sid);
    switch (reason) {
    case OPF_POLICY_BY_DENY:
        snprintf(out->why, sizeof(out->why), "explicit Deny in %s", what);
        break;
    case OPF_POLICY_BY_NO_ALLOW:
        snprintf(out->why, sizeof(out->why), "no %s allows it", e->label[layer]);
        break;
    case OPF_POLICY_BY_CONDITIONAL_DENY:
        snprintf(out->why, sizeof(out->why), "%s denies it under a condition or for some resources", what);
        break;
    case OPF_POLICY_BY_UNREADABLE:
        snprintf(out->why, sizeof(out->why), "%s could not be read", what);
        break;
    case OPF_POLICY_BY_CONDITIONAL_ALLOW:
        snprintf(out->why, sizeof(out->why), "%s allows it only under a condition or for some resources", what);
        break;
    case OPF_POLICY_BY_ALLOW:
        snprintf(out->why, sizeof(out->why), "allowed by %s", what);
        break;
    default:
        snprintf(out->why, sizeof(out->why), "the policy layers are malformed or too many to evaluate");
    }
    return d;
}

enum opf_policy_decision opf_policy_evaluate(const struct opf_policy_layers *layers,
                                             const struct opf_policy_request *req, struct opf_policy_result *out)
{
    struct s_eval e = {0};
    s_add(&e, layers->identity, req, "identity policy");
    if (layers->boundary)
        s_add(&e, layers->boundary, req, "permissions boundary");
    e.first_scp = e.n;
    if (layers->scp_levels) {
        size_t i;
        const json_t *level;
        if (!json_is_array(layers->scp_levels))
            e.too_deep = true;
        json_array_foreach(layers->scp_levels, i, level) {
            char label[48];
            snprintf(label, sizeof(label), "service control policy at level %zu", i + 1);
            s_add(&e, level, req, label);
        }
    }
    /* an explicit Deny anywhere wins */
    for (size_t i = 0; i < e.n; i++)
        if (e.layer[i].deny.policy)
            return s_set(out, &e, i, OPF_POLICY_EXPLICIT_DENY, OPF_POLICY_BY_DENY, &e.layer[i].deny);
    /* every layer must allow: one that certainly allows nothing is an implicit deny */
    for (size_t i = 0; i < e.n; i++) {
        const struct s_layer *l = &e.layer[i];
        if (!l->allow.policy && !l->maybe_allow.policy && !l->unreadable.policy)
            return s_set(out, &e, i, OPF_POLICY_IMPLICIT_DENY, OPF_POLICY_BY_NO_ALLOW, NULL);
    }
    for (size_t i = 0; i < e.n; i++) {
        const struct s_layer *l = &e.layer[i];
        if (l->maybe_deny.policy)
            return s_set(out, &e, i, OPF_POLICY_MAYBE, OPF_POLICY_BY_CONDITIONAL_DENY, &l->maybe_deny);
        if (l->unreadable.policy)
            return s_set(out, &e, i, OPF_POLICY_MAYBE, OPF_POLICY_BY_UNREADABLE, &l->unreadable);
        if (!l->allow.policy)
            return s_set(out, &e, i, OPF_POLICY_MAYBE, OPF_POLICY_BY_CONDITIONAL_ALLOW, &l->maybe_allow);
    }
    if (e.too_deep)
        return s_set(out, &e, 0, OPF_POLICY_MAYBE, OPF_POLICY_BY_MALFORMED, NULL);
    return s_set(out, &e, 0, OPF_POLICY_ALLOW, OPF_POLICY_BY_ALLOW, &e.layer[0].allow);
}
