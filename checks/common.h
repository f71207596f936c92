/*
 * Logic shared by several built-in checks: the migration path a subject takes, the Organizations account
 * record, attestations, IAM policy documents and the IAM credential report.
 *
 * Everything here is pure: it reads evidence and writes findings, never performs I/O.
 */
#ifndef OPF_CHECKS_COMMON_H
#define OPF_CHECKS_COMMON_H

#include <orgpreflight/orgpreflight.h>

/* The route the subject takes: the management account always leaves (it must delete its organization
 * first), every other account takes the configured path. */
enum opf_migration_path opf_chk_path(const struct opf_subject *s, const struct opf_context *ctx);

/* Is `list` an array whose every element is an object? An entry that is null or a string is unreadable
 * evidence, never "nothing to report". */
bool opf_chk_all_objects(const json_t *list);

/* A string member of a JSON object, or NULL. */
const char *opf_chk_str(const json_t *obj, const char *key);
/* The first object of `list` whose string member `key` equals `value`, or NULL. */
const json_t *opf_chk_find(const json_t *list, const char *key, const char *value);

/* An integer setting by dotted path (opf_config_get: its default when the configuration has none). */
long opf_chk_config_int(const struct opf_context *ctx, const char *path);

/* The "Account" object of the organizations.account item; NULL after setting the finding to UNKNOWN. */
const json_t *opf_chk_account(const struct opf_subject *s, struct opf_finding *f, struct opf_item *item);

/* How the account joined its organization: organizations.account's JoinedMethod, cited. */
enum opf_chk_joined {
    OPF_JOINED_UNREADABLE = 0, /* the item cannot be read: the finding is set to UNKNOWN */
    OPF_JOINED_OTHER,          /* absent, or a method this tool does not know */
    OPF_JOINED_CREATED,        /* created by the organization: it never went through standalone sign-up */
    OPF_JOINED_INVITED         /* invited: it signed up as a standalone account first */
};
enum opf_chk_joined opf_chk_joined(const struct opf_subject *s, struct opf_finding *f);

/* For an item found missing or errored: sets the finding to UNKNOWN with the reason (as opf_require) and returns
 * it; an item that reads after all still gives UNKNOWN, never a verdict nobody made. */
enum opf_status opf_chk_unreadable(const struct opf_subject *s, const char *key, struct opf_finding *f);

/* A view of the bundle's organization record as a subject, so account checks can read organization-wide
 * items (ListDelegatedAdministrators, ListOrganizationsFeatures). False when the bundle has none. */
bool opf_chk_org_subject(const struct opf_context *ctx, struct opf_subject *out);

/* Reads an organization-wide item (the bundle's organization record) for a check of another subject; false
 * after setting the finding to UNKNOWN, naming the item, when the record or the item is missing or errored. */
bool opf_chk_require_org(const struct opf_context *ctx, const char *key, struct opf_finding *f,
                         struct opf_item *out);

/* Appends `item` whole to the `sep`-separated list in `buf`; a list that no longer fits ends with
 * "… and N more" (N counting every item left out), never with a cut item. */
void opf_chk_list_join(char *buf, size_t len, const char *sep, const char *item);
/* The same with ", ". */
void opf_chk_list_add(char *buf, size_t len, const char *item);

/* The failures an item lists under "Errors" (per-region or per-resource, docs/evidence.md): describes them in
 * `buf` ("eu-west-1 kms:GetKeyPolicy AccessDeniedException on arn:…, …") and returns how many there are. */
size_t opf_chk_item_errors(const json_t *data, char *buf, size_t len);

/* "*" matches any run of characters and "?" one, as IAM does for actions and as shells do for names. */
bool opf_chk_wildcard(const char *pattern, const char *text, bool casefold);

/* Formats a time as ISO 8601 UTC ("2026-11-29T10:00:00Z"). */
void opf_chk_format_time(time_t t, char *buf, size_t len);

/* What an attestation says, after freshness: only a fresh boolean counts. */
enum opf_chk_attested {
    OPF_ATTESTED_NONE = 0, /* no attestation */
    OPF_ATTESTED_STALE,    /* older than attestations.max_age_days (or dated in the future): ignored */
    OPF_ATTESTED_INVALID,  /* value is not a boolean: ignored */
    OPF_ATTESTED_TRUE,
    OPF_ATTESTED_FALSE
};
/* Reads attestation.<fact>, cites it when present and fills `note` with a sentence describing an
 * ignored one ("" otherwise) for the finding's message. */
enum opf_chk_attested opf_chk_attestation(const struct opf_subject *s, const struct opf_context *ctx,
                                          const char *fact, struct opf_finding *f, char *note, size_t len);

/* ---- IAM policy documents ---- */

/* A policy document as JSON: the decoded object collectors store, or the JSON text IAM returns when a
 * collector kept it. New reference; NULL when it is neither. */
OPF_MUST_USE json_t *opf_chk_policy_document(const json_t *doc);

/* The statements of a policy document as an array (a lone statement object is wrapped); new reference,
 * NULL when the document has no Statement or one of them is not an object (unreadable, never "nothing"). */
OPF_MUST_USE json_t *opf_chk_policy_statements(const json_t *document);

/* Effect is "Allow" / "Deny" (case-sensitive in IAM). */
bool opf_chk_statement_effect(const json_t *statement, const char *effect);

/* ---- IAM credential report ---- */

/* Decodes GetCredentialReport's data ({"Content": base64 CSV}) into an array of objects keyed by the CSV
 * header; NULL with the reason in err (OPF_ERR_INVALID_INPUT) when it is not valid base64 or CSV. New reference. */
OPF_MUST_USE json_t *opf_chk_credential_report(const json_t *data, struct opf_error *err);

/* A credential-report boolean column: "true"/"TRUE" → true; "false", "N/A", "not_supported" → false. */
bool opf_chk_report_true(const json_t *row, const char *column);

#endif
