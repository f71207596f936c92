/*
 * An offline IAM policy evaluator: does a principal's set of policies allow one action on one resource?
 *
 * It follows AWS's documented evaluation logic for a request inside one account: an explicit Deny in any
 * policy wins; otherwise the identity policies (user and group, inline and managed) must allow the action,
 * and so must the permissions boundary when there is one, and the service control policies at every level
 * from the root through each OU to the account. Action/NotAction, Resource/NotResource, the wildcards `*`
 * and `?`, case-insensitive actions. A Condition is decided only when every key it tests is in the request
 * context and its operator is a string, ARN or Bool one (with IfExists, a key the context marks absent with
 * null passes); any other Condition, and any policy that cannot be read, makes the answer MAYBE: a caller
 * turns that into unknown or warn, never into a pass.
 *
 * Pure: reads JSON documents, performs no I/O.
 */
#ifndef OPF_POLICY_EVAL_H
#define OPF_POLICY_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

enum opf_policy_decision {
    OPF_POLICY_IMPLICIT_DENY = 0, /* no policy of a required layer allows it */
    OPF_POLICY_EXPLICIT_DENY,     /* a Deny statement applies without doubt */
    OPF_POLICY_MAYBE,             /* depends on a condition, a resource subset or an unreadable policy */
    OPF_POLICY_ALLOW
};

struct opf_policy_request {
    const char *action;    /* "iam:CreateUser" */
    const char *resource;  /* an ARN, or "*" for "every resource" */
    const json_t *context; /* condition keys known for the request ({"aws:PrincipalArn": "…"}, null: known to be
                              absent), or NULL; a key not in it is unknown */
};

/* A policy is {"Name": "…", "Document": object | JSON text | null}; a null or unreadable document is a
 * policy whose content is unknown. */
struct opf_policy_layers {
    const json_t *identity;   /* array of policies: their union must allow */
    const json_t *boundary;   /* a policy, or NULL when the principal has no permissions boundary */
    const json_t *scp_levels; /* array (root first) of arrays of policies, or NULL when no SCP applies */
};

/* What decided: the first of these, in this order, over the layers in evaluation order. */
enum opf_policy_reason {
    OPF_POLICY_BY_DENY = 0,          /* a Deny statement applies */
    OPF_POLICY_BY_NO_ALLOW,          /* a layer has no Allow that could apply */
    OPF_POLICY_BY_CONDITIONAL_DENY,  /* a Deny applies under a condition or to some resources */
    OPF_POLICY_BY_UNREADABLE,        /* a policy or a statement could not be read */
    OPF_POLICY_BY_CONDITIONAL_ALLOW, /* a layer allows only under a condition */
    OPF_POLICY_BY_ALLOW,
    OPF_POLICY_BY_MALFORMED          /* the layers themselves */
};

struct opf_policy_result {
    enum opf_policy_decision decision;
    enum opf_policy_reason reason;
    size_t layer;       /* 0 identity, then the boundary when there is one, then each SCP level */
    int scp_level;      /* the index in scp_levels of that layer, -1 when it is not an SCP level */
    char policy[160];   /* the deciding policy's Name ("" for OPF_POLICY_BY_NO_ALLOW) */
    char sid[64];       /* its statement's Sid, "" when it has none */
    char why[320];      /* "explicit Deny in identity policy DenyIAM", "no permissions boundary allows it" */
};

/* Evaluates one request against a principal's layers. */
enum opf_policy_decision opf_policy_evaluate(const struct opf_policy_layers *layers,
                                             const struct opf_policy_request *req, struct opf_policy_result *out);

/* A decision's name: "implicit-deny", "explicit-deny", "maybe", "allow". */
const char *opf_policy_decision_name(enum opf_policy_decision d);

/* "*" matches any run of characters, "?" exactly one. */
bool opf_policy_wildcard(const char *pattern, const char *text, bool casefold);

#endif
