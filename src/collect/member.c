/*
 * A member account's role session: the audit role assumed from the operator's session and proved with
 * GetCallerIdentity (sts.assume_role); the management account is read with the operator's session itself.
 * Its IAM items and resource policies are then read with it, side by side (the MEMBER rows of providers.c).
 */
#include <stdio.h>

#include "aws/aws.h"
#include "collect/collect_internal.h"

void opf_collect_member_begin(struct opf_collect *k, const struct opf_collect_account *a, json_t *ev,
                              struct opf_collect_member *m)
{
    *m = (struct opf_collect_member){.s = k->mgmt, .mgmt = a->mgmt};
    if (a->mgmt)
        return;
    char arn[256];
    snprintf(arn, sizeof(arn), "arn:%s:iam::%s:role/%s", k->partition, a->id, k->role_name);
    m->s = k->aws->assume_role(k->mgmt, arn, k->external_id, k->session_name);
    json_t *who = m->s ? opf_collect_call(k, m->s, "sts", "GetCallerIdentity", NULL, 0, &m->error) : NULL;
    if (!who)
        m->denied = &m->error;
    opf_collect_item(ev, "sts.assume_role", "sts:AssumeRole",
                     who ? json_pack("{s:s, s:{s:O?}}", "RoleArn", arn, "AssumedRoleUser", "Arn", json_object_get(who, "Arn"))
                         : NULL,
                     &m->error);
    json_decref(who);
}

void opf_collect_member_end(struct opf_collect *k, struct opf_collect_member *m)
{
    if (m->s != k->mgmt)
        k->aws->session_free(m->s);
    m->s = NULL;
}
