/* Discovery: who the operator is, which organization, its organization-wide listings and the target organization;
 * the accounts are listed meanwhile (listing.c), and collected while their pages still arrive. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/client.h"
#include "collect/collect_internal.h"
#include "core/core.h"

/* One call recorded as one item; its error also in *err when given. */
static json_t *s_call_err(struct opf_collect *k, struct opf_aws_session *s, json_t *ev, const char *key,
                          const char *service, const char *op, unsigned flags, struct opf_aws_error *err)
{
    struct opf_aws_error own;
    err = err ? err : &own;
    json_t *out = opf_collect_call(k, s, service, op, NULL, flags, err);
    char source[128];
    snprintf(source, sizeof(source), "%s:%s", service, op);
    opf_collect_item(ev, key, source, out ? json_incref(out) : NULL, err);
    return out;
}

static json_t *s_call(struct opf_collect *k, struct opf_aws_session *s, json_t *ev, const char *key, const char *service,
                      const char *op, unsigned flags)
{
    return s_call_err(k, s, ev, key, service, op, flags, NULL);
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
    json_t *who = s_call_err(k, k->mgmt, ev, "sts.caller_identity", "sts", "GetCallerIdentity", 0, aerr);
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
        json_t *r = opf_collect_call(k, k->mgmt, "iam", "GetRole", in, 0, &e);
        json_decref(in);
        opf_collect_item(ev, "iam.operator_role", "iam:GetRole", r, &e);
    }
    json_t *rec = json_pack("{s:O?, s:O?, s:O?, s:o}", "arn", json_object_get(who, "Arn"), "account",
                            json_object_get(who, "Account"), "user_id", json_object_get(who, "UserId"), "evidence", ev);
    json_decref(who);
    return rec;
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
    json_t *org = s_call(k, t, ev, "organizations.organization", "organizations", "DescribeOrganization", 0);
    json_decref(s_call(k, t, ev, "organizations.handshakes", "organizations", "ListHandshakesForOrganization", OPF_AWS_PAGINATE));
    json_decref(s_call(k, t, ev, "organizations.accounts", "organizations", "ListAccounts", OPF_AWS_PAGINATE));
    json_decref(s_call(k, t, ev, "sso_admin.instances", "sso-admin", "ListInstances", OPF_AWS_PAGINATE));
    const json_t *o = json_object_get(org, "Organization");
    json_t *rec = json_pack("{s:s, s:O?, s:O?, s:O?, s:s, s:o}", "id",
                            json_string_value(json_object_get(o, "Id")) ? json_string_value(json_object_get(o, "Id")) : "unknown",
                            "arn", json_object_get(o, "Arn"), "management_account_id", json_object_get(o, "MasterAccountId"),
                            "feature_set", json_object_get(o, "FeatureSet"), "profile", k->opts->target_profile, "evidence", ev);
    json_decref(org);
    opf_aws_session_free(t);
    return rec;
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
    json_t *org = s_call_err(k, k->mgmt, org_ev, "organizations.organization", "organizations", "DescribeOrganization", 0, aerr);
    if (!org) {
        opf_collect_discovery_failed(caller, aerr, err);
        json_decref(org_ev);
        json_decref(session);
        return NULL;
    }
    /* the accounts are listed meanwhile, from the start (listing.c) */
    opf_collect_listing_start(k, json_string_value(json_object_get(json_object_get(org, "Organization"),
                                                                   "MasterAccountId")));
    json_decref(s_call(k, k->mgmt, org_ev, "organizations.roots", "organizations", "ListRoots", OPF_AWS_PAGINATE));
    opf_collect_tree(k, json_object_get(org_ev, "organizations.roots"));
    opf_collect_tree_built(k);
    json_t *admins = s_call(k, k->mgmt, org_ev, "organizations.delegated_administrators", "organizations",
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
    json_decref(s_call(k, k->mgmt, org_ev, "organizations.service_access", "organizations",
                       "ListAWSServiceAccessForOrganization", OPF_AWS_PAGINATE));
    json_decref(s_call(k, k->mgmt, org_ev, "sso_admin.instances", "sso-admin", "ListInstances", OPF_AWS_PAGINATE));
    json_decref(s_call(k, k->mgmt, org_ev, "iam.organizations_features", "iam", "ListOrganizationsFeatures", 0));
    char at[32];
    opf_time_format(time(NULL), at, sizeof(at));
    json_object_set_new(org_ev, "local.sso_start_urls",
                        json_pack("{s:s, s:s, s:o}", "source", "local:aws-config", "collected_at", at, "data",
                                  s_start_urls(k->client)));

    /* the accounts' listing ends later (listing.c): its item keeps its place */
    json_object_set_new(org_ev, "organizations.accounts", json_null());
    const json_t *o = json_object_get(org, "Organization");
    json_t *bundle = json_pack("{s:s, s:{s:s, s:s}, s:s, s:b, s:{s:O, s:O?, s:O, s:O?, s:O?, s:o}, s:[], s:o}", "schema",
                               OPF_EVIDENCE_SCHEMA, "tool", "name", "orgpreflight", "version", opf_version(), "collected_at",
                               at, "complete", 1, "organization", "id", json_object_get(o, "Id"), "arn",
                               json_object_get(o, "Arn"), "management_account_id", json_object_get(o, "MasterAccountId"),
                               "management_account_email", json_object_get(o, "MasterAccountEmail"), "feature_set",
                               json_object_get(o, "FeatureSet"), "evidence", org_ev, "accounts", "operator_session", session);
    json_decref(org);
    k->dns_cache = json_object();
    k->iam_policy_cache = json_object();
    if (k->opts->target_profile) {
        json_t *target = s_target(k, err);
        if (!target) {
            opf_collect_listing_cancel(k);
            json_decref(bundle);
            return NULL;
        }
        json_object_set_new(bundle, "target_organization", target);
    }
    return bundle;
}
