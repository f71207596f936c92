/*
 * A member account's own evidence: the audit role session (sts.assume_role), then its IAM items (iam.c) and
 * resource policies (policies.c) read side by side with it; the management account's with the operator's session.
 */
#include <stdio.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "collect/collect_internal.h"

static void s_policies_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_member *m = arg;
    opf_collect_policies(k, m->s, m->mgmt, ev, m->denied);
}

/* Member accounts through the audit role; the management account with the operator's session. Once the session
 * exists, its IAM items and resource policies are read side by side. */
void opf_collect_member_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_account *a = arg;
    struct opf_collect_member m = {.s = k->mgmt, .mgmt = a->mgmt};
    struct opf_aws_error err = {0};
    if (!a->mgmt) {
        char arn[256];
        snprintf(arn, sizeof(arn), "arn:%s:iam::%s:role/%s", k->partition, a->id, k->role_name);
        m.s = opf_aws_session_assume_role(k->mgmt, arn, k->external_id, k->session_name);
        json_t *who = m.s ? opf_aws_call(m.s, "sts", "GetCallerIdentity", NULL, 0, &err) : NULL;
        if (!who)
            m.denied = &err;
        opf_collect_item(ev, "sts.assume_role", "sts:AssumeRole",
                         who ? json_pack("{s:s, s:{s:O?}}", "RoleArn", arn, "AssumedRoleUser", "Arn",
                                         json_object_get(who, "Arn"))
                             : NULL,
                         &err);
        json_decref(who);
    }
    struct opf_collect_job jobs[6];
    size_t n = opf_collect_iam_jobs(k, &m, jobs);
    jobs[n++] = (struct opf_collect_job){.run = s_policies_job, .arg = &m};
    opf_collect_jobs(k, jobs, n, ev);
    if (m.s != k->mgmt)
        opf_aws_session_free(m.s);
}
