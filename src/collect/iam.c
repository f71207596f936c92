/*
 * A member's IAM evidence, read with its own role session (the management account's with the operator's):
 * the credential report, the account summary, the users (iam_users.c), the aliases and the audit role. Each item
 * is one job (jobs.c), so they are read side by side.
 */
#include <string.h>
#include <unistd.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "collect/collect_internal.h"

static json_t *s_credential_report(struct opf_aws_session *s, struct opf_aws_error *err)
{
    /* The report is generated asynchronously; AWS answers with the existing one for four hours. */
    for (int i = 0; i < 20; i++) {
        json_t *g = opf_aws_call(s, "iam", "GenerateCredentialReport", NULL, 0, err);
        if (!g)
            return NULL;
        const char *state = json_string_value(json_object_get(g, "State"));
        bool complete = state && strcmp(state, "COMPLETE") == 0;
        json_decref(g);
        if (complete)
            break;
        usleep(500000);
    }
    return opf_aws_call(s, "iam", "GetCredentialReport", NULL, 0, err);
}

/* One job per item: the items are independent once the member's session exists. */
static void s_credential_report_job(struct opf_collect *k, void *arg, json_t *ev)
{
    (void)k;
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_aws_item_begin(k->client, &item, "iam.credential_report");
    json_t *r = opf_collect_item_end(&item, outer, m->denied ? NULL : s_credential_report(m->s, &err), &err);
    opf_collect_item(ev, "iam.credential_report", "iam:GenerateCredentialReport+iam:GetCredentialReport", r,
                     m->denied ? m->denied : &err);
}

static void s_account_summary_job(struct opf_collect *k, void *arg, json_t *ev)
{
    (void)k;
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    json_t *r = m->denied ? NULL : opf_aws_call(m->s, "iam", "GetAccountSummary", NULL, 0, &err);
    opf_collect_item(ev, "iam.account_summary", "iam:GetAccountSummary", r, m->denied ? m->denied : &err);
}

static void s_users_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_aws_item_begin(k->client, &item, "iam.users");
    json_t *r = opf_collect_item_end(&item, outer, m->denied ? NULL : opf_collect_users(k, m->s, &err), &err);
    opf_collect_item(ev, "iam.users", OPF_COLLECT_USERS_SOURCE, r, m->denied ? m->denied : &err);
}

static void s_aliases_job(struct opf_collect *k, void *arg, json_t *ev)
{
    (void)k;
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    json_t *r = m->denied ? NULL : opf_aws_call(m->s, "iam", "ListAccountAliases", NULL, OPF_AWS_PAGINATE, &err);
    opf_collect_item(ev, "iam.account_aliases", "iam:ListAccountAliases", r, m->denied ? m->denied : &err);
}

static void s_access_role_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_member *m = arg;
    struct opf_aws_error err = {0};
    json_t *in = json_pack("{s:s}", "RoleName", k->role_name);
    json_t *r = m->denied ? NULL : opf_aws_call(m->s, "iam", "GetRole", in, 0, &err);
    json_decref(in);
    opf_collect_decode_document(json_object_get(r, "Role"), "AssumeRolePolicyDocument");
    opf_collect_item(ev, "iam.access_role", "iam:GetRole", r, m->denied ? m->denied : &err);
}

size_t opf_collect_iam_jobs(struct opf_collect *k, struct opf_collect_member *m, struct opf_collect_job *jobs)
{
    static const struct {
        const char *key;
        opf_collect_job_fn *run;
    } items[] = {{"iam.credential_report", s_credential_report_job}, {"iam.account_summary", s_account_summary_job},
                 {"iam.users", s_users_job}, {"iam.account_aliases", s_aliases_job},
                 {"iam.access_role", s_access_role_job}};
    size_t n = 0;
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
        if (opf_collect_want(k, items[i].key))
            jobs[n++] = (struct opf_collect_job){.run = items[i].run, .arg = m};
    return n;
}
