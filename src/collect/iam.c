/*
 * A member's IAM evidence, read with its own role session (the management account's with the operator's):
 * the credential report, the account summary, the users (iam_users.c), the aliases and the audit role. Each item
 * is one job (jobs.c), named by its row in providers.c, so they are read side by side.
 */
#include <string.h>
#include <unistd.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "collect/collect_internal.h"

static json_t *s_credential_report(struct opf_collect *k, struct opf_aws_session *s, struct opf_aws_error *err)
{
    /* The report is generated asynchronously; AWS answers with the existing one for four hours. */
    for (int i = 0; i < 20; i++) {
        json_t *g = opf_collect_call(k, s, "iam", "GenerateCredentialReport", NULL, 0, err);
        if (!g)
            return NULL;
        const char *state = json_string_value(json_object_get(g, "State"));
        bool complete = state && strcmp(state, "COMPLETE") == 0;
        json_decref(g);
        if (complete)
            break;
        usleep(500000);
    }
    return opf_collect_call(k, s, "iam", "GetCredentialReport", NULL, 0, err);
}

void opf_collect_credential_report_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_collect_item_begin(k, &item, "iam.credential_report");
    json_t *r = opf_collect_item_end(&item, outer, m->denied ? NULL : s_credential_report(k, m->s, &err), &err);
    opf_collect_item(ev, "iam.credential_report", "iam:GenerateCredentialReport+iam:GetCredentialReport", r,
                     m->denied ? m->denied : &err);
}

void opf_collect_account_summary_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    json_t *r = m->denied ? NULL : opf_collect_call(k, m->s, "iam", "GetAccountSummary", NULL, 0, &err);
    opf_collect_item(ev, "iam.account_summary", "iam:GetAccountSummary", r, m->denied ? m->denied : &err);
}

void opf_collect_users_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_collect_item_begin(k, &item, "iam.users");
    json_t *r = opf_collect_item_end(&item, outer, m->denied ? NULL : opf_collect_users(k, m->s, &err), &err);
    opf_collect_item(ev, "iam.users", OPF_COLLECT_USERS_SOURCE, r, m->denied ? m->denied : &err);
}

void opf_collect_aliases_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    json_t *r = m->denied ? NULL : opf_collect_call(k, m->s, "iam", "ListAccountAliases", NULL, OPF_AWS_PAGINATE, &err);
    opf_collect_item(ev, "iam.account_aliases", "iam:ListAccountAliases", r, m->denied ? m->denied : &err);
}

void opf_collect_access_role_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    json_t *in = json_pack("{s:s}", "RoleName", k->role_name);
    json_t *r = m->denied ? NULL : opf_collect_call(k, m->s, "iam", "GetRole", in, 0, &err);
    json_decref(in);
    opf_collect_decode_document(json_object_get(r, "Role"), "AssumeRolePolicyDocument");
    opf_collect_item(ev, "iam.access_role", "iam:GetRole", r, m->denied ? m->denied : &err);
}
