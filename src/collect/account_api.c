/*
 * The Account API items of an account, read from the management account (the root address comes from
 * ListAccounts' Email, not GetPrimaryEmail, for the per-caller quota: docs/aws-client.md); one job per item, named
 * by its row in providers.c.
 */
#include <string.h>
#include <time.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "collect/collect_internal.h"
#include "core/core.h"

/* One call recorded as one item. */
static json_t *s_call_item(struct opf_collect *k, struct opf_aws_session *s, json_t *evidence, const char *key,
                           const char *service, const char *op, json_t *input, unsigned flags)
{
    struct opf_aws_error err;
    json_t *out = opf_collect_call(k, s, service, op, input, flags, &err);
    char source[128];
    snprintf(source, sizeof(source), "%s:%s", service, op);
    opf_collect_item(evidence, key, source, out ? json_incref(out) : NULL, &err);
    json_decref(input);
    return out; /* the caller's reference, or NULL */
}

/* Whether GetAccountInformation can change a verdict for this account. Its quota is 3 requests per second per
 * caller, so asking for every account would set the collection's pace (N / 3 seconds). ListAccounts already
 * gives the state (State, or Status) and, for an account the organization created, its creation moment
 * (JoinedTimestamp); AccountCreatedDate matters only while that moment is within the waiting period (plus a day
 * of margin). */
static bool s_needs_information(struct opf_collect *k, const json_t *listed, bool mgmt)
{
    if (mgmt)
        return false; /* the checks that read it pass the management account on other grounds */
    if (!opf_account_state(listed, NULL))
        return true;
    const char *method = json_string_value(json_object_get(listed, "JoinedMethod"));
    if (!method || strcmp(method, "CREATED") != 0)
        return method == NULL;
    json_int_t days = json_integer_value(opf_config_value(k->opts->config, "migration.wait_period_days"));
    time_t joined;
    if (!opf_time_from_json(json_object_get(listed, "JoinedTimestamp"), &joined))
        return true;
    return time(NULL) < joined + (time_t)(days + 1) * 86400;
}

void opf_collect_information_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_account *a = arg;
    if (opf_collect_want(k, "account.information") && s_needs_information(k, a->listed, a->mgmt))
        json_decref(s_call_item(k, k->mgmt, ev, "account.information", "account", "GetAccountInformation",
                                json_deep_copy(a->base), 0));
}

void opf_collect_contact_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_account *a = arg;
    if (opf_collect_want(k, "account.contact_information"))
        json_decref(s_call_item(k, k->mgmt, ev, "account.contact_information", "account", "GetContactInformation",
                                json_deep_copy(a->base), 0));
}

void opf_collect_alternates_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_account *a = arg;
    if (!opf_collect_want(k, "account.alternate_contacts"))
        return;
    static const char *const types[] = {"BILLING", "OPERATIONS", "SECURITY"};
    struct opf_aws_error err = {0};
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_collect_item_begin(k, &item, "account.alternate_contacts");
    json_t *contacts = json_object();
    bool ok = true;
    for (size_t i = 0; i < 3 && ok; i++) {
        json_t *in = json_deep_copy(a->base);
        json_object_set_new(in, "AlternateContactType", json_string(types[i]));
        json_t *r = opf_collect_call(k, k->mgmt, "account", "GetAlternateContact", in, 0, &err);
        json_decref(in);
        if (r)
            json_object_set(contacts, types[i], json_object_get(r, "AlternateContact"));
        else if (strcmp(err.code, "ResourceNotFoundException") == 0)
            json_object_set_new(contacts, types[i], json_null()); /* not set */
        else
            ok = false;
        json_decref(r);
    }
    json_t *data = ok ? json_pack("{s:o}", "AlternateContacts", contacts) : (json_decref(contacts), NULL);
    opf_collect_item(ev, "account.alternate_contacts", "account:GetAlternateContact",
                     opf_collect_item_end(&item, outer, data, &err), &err);
}
