/* Discovery: who the operator is, which organization, which accounts. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/client.h"
#include "collect/collect_internal.h"
#include "core/core.h"

/* One call recorded as one item; its error also in *err when given. */
static json_t *s_call_err(struct opf_aws_session *s, json_t *ev, const char *key, const char *service, const char *op,
                          unsigned flags, struct opf_aws_error *err)
{
    struct opf_aws_error own;
    err = err ? err : &own;
    json_t *out = opf_aws_call(s, service, op, NULL, flags, err);
    char source[128];
    snprintf(source, sizeof(source), "%s:%s", service, op);
    opf_collect_item(ev, key, source, out ? json_incref(out) : NULL, err);
    return out;
}

static json_t *s_call(struct opf_aws_session *s, json_t *ev, const char *key, const char *service, const char *op,
                      unsigned flags)
{
    return s_call_err(s, ev, key, service, op, flags, NULL);
}

/* Every sso_start_url of the operator's AWS config file: the portals of the organization in use. */
static json_t *s_start_urls(const struct opf_aws_client *c)
{
    json_t *urls = json_array();
    const char *section;
    json_t *kv;
    json_object_foreach(c->config, section, kv) {
        const char *url = json_string_value(json_object_get(kv, "sso_start_url"));
        if (url)
            json_array_append_new(urls, json_pack("{s:s, s:s}", "url", url, "section", section));
    }
    return json_pack("{s:o}", "start_urls", urls);
}

static json_t *s_operator(struct opf_collect *k, struct opf_aws_error *aerr)
{
    json_t *ev = json_object();
    json_t *who = s_call_err(k->mgmt, ev, "sts.caller_identity", "sts", "GetCallerIdentity", 0, aerr);
    if (!who) {
        json_decref(ev);
        return NULL;
    }
    char at[32];
    opf_time_format(time(NULL), at, sizeof(at));
    json_object_set_new(ev, "credentials.source", json_pack("{s:s, s:s, s:o}", "source", "local:credential-chain",
                                                            "collected_at", at, "data", opf_aws_session_describe(k->mgmt)));
    const char *arn = json_string_value(json_object_get(who, "Arn"));
    /* an assumed role that is not Identity Center's: its trust policy says whether it outlives the move */
    const char *ar = arn ? strstr(arn, ":assumed-role/") : NULL;
    if (ar && strncmp(ar + 14, "AWSReservedSSO_", 15) != 0) {
        char role[256];
        snprintf(role, sizeof(role), "%.*s", (int)strcspn(ar + 14, "/"), ar + 14);
        json_t *in = json_pack("{s:s}", "RoleName", role);
        struct opf_aws_error e;
        json_t *r = opf_aws_call(k->mgmt, "iam", "GetRole", in, 0, &e);
        json_decref(in);
        opf_collect_item(ev, "iam.operator_role", "iam:GetRole", r, &e);
    }
    json_t *rec = json_pack("{s:O?, s:O?, s:O?, s:o}", "arn", json_object_get(who, "Arn"), "account",
                            json_object_get(who, "Account"), "user_id", json_object_get(who, "UserId"), "evidence", ev);
    json_decref(who);
    return rec;
}

/* The ids of the OUs above an account for --ou selection, from the organization's tree (tree.c). */
static json_t *s_ou_ids(struct opf_collect *k, const char *id)
{
    struct opf_aws_error e;
    json_t *parents = opf_collect_ou_path(k, id, &e), *ids = json_array();
    size_t i;
    const json_t *p;
    json_array_foreach(parents, i, p) json_array_append(ids, json_object_get(p, "Id"));
    json_decref(parents);
    return ids;
}

static json_t *s_target(struct opf_collect *k, struct opf_error *err)
{
    struct opf_aws_error e = {0};
    struct opf_aws_session *t = opf_aws_session_profile(k->client, k->opts->target_profile, &e);
    if (!t) {
        opf_fail(err, opf_aws_error_category(e.code, e.http_status), "--target-profile %s: %s", k->opts->target_profile,
                 e.message);
        return NULL;
    }
    json_t *ev = json_object();
    json_t *org = s_call(t, ev, "organizations.organization", "organizations", "DescribeOrganization", 0);
    json_decref(s_call(t, ev, "organizations.handshakes", "organizations", "ListHandshakesForOrganization", OPF_AWS_PAGINATE));
    json_decref(s_call(t, ev, "organizations.accounts", "organizations", "ListAccounts", OPF_AWS_PAGINATE));
    json_decref(s_call(t, ev, "sso_admin.instances", "sso-admin", "ListInstances", OPF_AWS_PAGINATE));
    const json_t *o = json_object_get(org, "Organization");
    json_t *rec = json_pack("{s:s, s:O?, s:O?, s:O?, s:s, s:o}", "id",
                            json_string_value(json_object_get(o, "Id")) ? json_string_value(json_object_get(o, "Id")) : "unknown",
                            "arn", json_object_get(o, "Arn"), "management_account_id", json_object_get(o, "MasterAccountId"),
                            "feature_set", json_object_get(o, "FeatureSet"), "profile", k->opts->target_profile, "evidence", ev);
    json_decref(org);
    opf_aws_session_free(t);
    return rec;
}

/* Entries of ListAccounts no account record can hold (an id not of 12 digits, an id listed twice): the run goes
 * on without them, its evidence is incomplete and an item says which. */
static void s_rejected(struct opf_collect *k, json_t *org_ev, json_t *rejected)
{
    if (json_array_size(rejected) > 0) {
        struct opf_aws_error e = {.code = "MalformedResponse"};
        char *list = json_dumps(rejected, JSON_COMPACT);
        snprintf(e.message, sizeof(e.message), "organizations:ListAccounts listed %zu entries that are not accounts, left "
                 "out of the audit: %s", json_array_size(rejected), list ? list : "");
        free(list);
        opf_collect_item(org_ev, "organizations.accounts_rejected", "organizations:ListAccounts", NULL, &e);
        k->listing_incomplete = true;
    }
    json_decref(rejected);
}

/* The answers that mean the caller cannot read the organization (as opposed to a failed call). */
static bool s_not_in_organization(const char *code)
{
    return opf_collect_denied(code) || strcmp(code, "AWSOrganizationsNotInUseException") == 0;
}

json_t *opf_collect_record(const struct opf_collect *k, const json_t *listed)
{
    const char *id = json_string_value(json_object_get(listed, "Id"));
    const char *state = opf_account_state(listed, NULL);
    char joined[32] = "";
    time_t t;
    if (opf_time_from_json(json_object_get(listed, "JoinedTimestamp"), &t))
        opf_time_format(t, joined, sizeof(joined));
    return json_pack("{s:s, s:O?, s:O?, s:O?, s:s, s:O?, s:s, s:[], s:b, s:{}}", "id", id, "arn",
                     json_object_get(listed, "Arn"), "name", json_object_get(listed, "Name"), "email",
                     json_object_get(listed, "Email"), "state", state ? state : "UNKNOWN", "joined_method",
                     json_object_get(listed, "JoinedMethod"), "joined_timestamp", joined, "ou_path",
                     "is_management", k->mgmt_id && strcmp(k->mgmt_id, id) == 0, "evidence");
}

json_t *opf_collect_discover(struct opf_collect *k, struct opf_aws_error *aerr, struct opf_error *err)
{
    json_t *session = s_operator(k, aerr);
    if (!session) {
        opf_fail(err, opf_aws_error_category(aerr->code, aerr->http_status),
                 "credentials: GetCallerIdentity failed: %s: %s", aerr->code, aerr->message);
        return NULL;
    }
    const char *caller = json_string_value(json_object_get(session, "arn"));
    snprintf(k->partition, sizeof(k->partition), "%s", caller && strncmp(caller, "arn:aws-cn:", 11) == 0 ? "aws-cn"
                                                        : caller && strncmp(caller, "arn:aws-us-gov:", 15) == 0 ? "aws-us-gov" : "aws");
    json_t *org_ev = json_object();
    json_t *org = s_call_err(k->mgmt, org_ev, "organizations.organization", "organizations", "DescribeOrganization", 0, aerr);
    json_t *listed = org ? opf_aws_call(k->mgmt, "organizations", "ListAccounts", NULL, OPF_AWS_PAGINATE, aerr) : NULL;
    if (!org || !listed) {
        if (s_not_in_organization(aerr->code))
            opf_fail(err, OPF_ERR_PERMISSION, "%s is not the management account or a delegated administrator of an "
                     "organization: %s: %s: %s", caller ? caller : "the caller", aerr->operation, aerr->code, aerr->message);
        else /* throttling, a cut answer, a redirect, an invalid token...: said as it is */
            opf_fail(err, opf_aws_error_category(aerr->code, aerr->http_status), "discovery failed: %s: %s: %s",
                     aerr->operation, aerr->code, aerr->message);
        json_decref(org);
        json_decref(org_ev);
        json_decref(session);
        return NULL;
    }
    json_decref(s_call(k->mgmt, org_ev, "organizations.roots", "organizations", "ListRoots", OPF_AWS_PAGINATE));
    opf_collect_tree(k, json_object_get(org_ev, "organizations.roots"));
    json_t *admins = s_call(k->mgmt, org_ev, "organizations.delegated_administrators", "organizations",
                            "ListDelegatedAdministrators", OPF_AWS_PAGINATE);
    k->delegated = admins ? json_object() : NULL;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(admins, "DelegatedAdministrators"), i, a) {
        const char *id = json_string_value(json_object_get(a, "Id"));
        if (id)
            json_object_set_new(k->delegated, id, json_true());
    }
    json_decref(admins);
    json_decref(s_call(k->mgmt, org_ev, "organizations.service_access", "organizations",
                       "ListAWSServiceAccessForOrganization", OPF_AWS_PAGINATE));
    json_decref(s_call(k->mgmt, org_ev, "sso_admin.instances", "sso-admin", "ListInstances", OPF_AWS_PAGINATE));
    json_decref(s_call(k->mgmt, org_ev, "iam.organizations_features", "iam", "ListOrganizationsFeatures", 0));
    char at[32];
    opf_time_format(time(NULL), at, sizeof(at));
    json_object_set_new(org_ev, "local.sso_start_urls",
                        json_pack("{s:s, s:s, s:o}", "source", "local:aws-config", "collected_at", at, "data",
                                  s_start_urls(k->client)));

    const json_t *o = json_object_get(org, "Organization");
    json_t *bundle = json_pack("{s:s, s:{s:s, s:s}, s:s, s:b, s:{s:O, s:O?, s:O, s:O?, s:O?, s:o}, s:[], s:o}", "schema",
                               OPF_EVIDENCE_SCHEMA, "tool", "name", "orgpreflight", "version", opf_version(), "collected_at",
                               at, "complete", 1, "organization", "id", json_object_get(o, "Id"), "arn",
                               json_object_get(o, "Arn"), "management_account_id", json_object_get(o, "MasterAccountId"),
                               "management_account_email", json_object_get(o, "MasterAccountEmail"), "feature_set",
                               json_object_get(o, "FeatureSet"), "evidence", org_ev, "accounts", "operator_session", session);
    json_decref(org);

    /* the accounts, after selection; every selected account gets a record */
    k->mgmt_id = json_string_value(json_object_get(json_object_get(bundle, "organization"), "management_account_id"));
    json_t *all = json_object_get(listed, "Accounts");
    size_t count = json_array_size(all);
    k->records = calloc(count ? count : 1, sizeof(*k->records));
    k->listed = calloc(count ? count : 1, sizeof(*k->listed));
    k->collected = calloc(count ? count : 1, sizeof(*k->collected));
    k->dns_cache = json_object();
    k->iam_policy_cache = json_object();
    /* the organization's complete inventory, whatever is selected: organization-wide checks count on it */
    opf_collect_item(org_ev, "organizations.accounts", "organizations:ListAccounts", json_incref(listed), NULL);
    const struct opf_selection sel = {k->opts->accounts, k->opts->ou, k->opts->exclude_accounts};
    json_t *ids = json_array();
    json_t *seen = json_object(), *rejected = json_array();
    json_array_foreach(all, i, a) {
        const char *id = json_string_value(json_object_get(a, "Id"));
        if (!opf_is_account_id(id) || json_object_get(seen, id)) { /* the bundle loader's rules */
            json_array_append_new(rejected, json_sprintf("%.40s (%s)", id ? id : "no Id",
                                                         id && opf_is_account_id(id) ? "listed twice" : "not a 12-digit id"));
            continue;
        }
        json_object_set_new(seen, id, json_true());
        json_array_append_new(ids, json_string(id));
        json_t *path = k->opts->ou ? s_ou_ids(k, id) : NULL;
        bool take = opf_selection_match(&sel, id, path);
        json_decref(path);
        if (!take)
            continue;
        k->listed[k->n++] = json_incref(a);
    }
    json_decref(listed);
    json_decref(seen);
    s_rejected(k, org_ev, rejected);
    const char *org_id = json_string_value(json_object_get(json_object_get(bundle, "organization"), "id"));
    char where[96];
    snprintf(where, sizeof(where), "organization %s", org_id ? org_id : "(unnamed)");
    int bad = opf_selection_check(&sel, ids, k->n, where, err);
    json_decref(ids);
    if (bad) {
        json_decref(bundle);
        return NULL;
    }
    opf_selection_record(bundle, &sel);
    if (k->opts->target_profile) {
        json_t *target = s_target(k, err);
        if (!target) {
            json_decref(bundle);
            return NULL;
        }
        json_object_set_new(bundle, "target_organization", target);
    }
    return bundle;
}
