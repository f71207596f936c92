/*
 * Resource policies, trust policies and resource shares of one account (docs/evidence.md): the evidence of
 * policies that name the organization, and of what an account loses when it leaves. Regional services are
 * read region by region (scan.c); the table of providers.c names each scan.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/collector.h"
#include "collect/collect_internal.h"


/* A JSON policy document given as a string, decoded into entry[key] (null when absent). */
static bool s_policy(json_t *entry, const char *key, const char *text, const char *operation, struct opf_aws_error *err)
{
    if (!text) {
        json_object_set_new(entry, key, json_null());
        return true;
    }
    json_error_t je;
    json_t *doc = json_loads(text, 0, &je);
    if (!json_is_object(doc)) {
        json_decref(doc);
        opf_aws_error_set(err, "MalformedPolicy", "the policy document is not a JSON object (line %d: %s)", je.line,
                          je.text);
        snprintf(err->operation, sizeof(err->operation), "%s", operation);
        return false;
    }
    json_object_set_new(entry, key, doc);
    return true;
}


/* ---- the resources ---- */

/* One read of a resource, its input released. */
static json_t *s_get(struct opf_collect *k, struct opf_aws_session *s, const char *region, const char *service,
                     const char *op, json_t *in, struct opf_aws_error *err)
{
    json_t *out = opf_collect_call_in(k, s, region, service, op, in, 0, err);
    json_decref(in);
    return out;
}

/* The entry with its decoded "Policy" (text NULL: none); the answer holding the text is released. */
static json_t *s_with_policy(json_t *entry, const char *text, json_t *answer, const char *operation,
                             struct opf_aws_error *err)
{
    bool ok = s_policy(entry, "Policy", text, operation, err);
    json_decref(answer);
    return ok ? entry : (json_decref(entry), NULL);
}

static json_t *s_bucket(struct opf_collect *k, struct opf_aws_session *s, const char *region, const json_t *listed,
                        const void *arg, struct opf_aws_error *err, const char **resource)
{
    (void)arg;
    const char *partition = k->partition;
    const char *name = json_string_value(json_object_get(listed, "Name"));
    /* a bucket answers only at its own region's endpoint; ListBuckets names it when asked with MaxBuckets */
    const char *at = json_string_value(json_object_get(listed, "BucketRegion"));
    *resource = name;
    json_t *out = s_get(k, s, at ? at : region, "s3", "GetBucketPolicy", json_pack("{s:s}", "Bucket", name ? name : ""), err);
    if (!out && strcmp(err->code, "NoSuchBucketPolicy") != 0)
        return NULL;
    char arn[128];
    snprintf(arn, sizeof(arn), "arn:%s:s3:::%s", partition, name ? name : "");
    return s_with_policy(json_pack("{s:s?, s:s}", "Name", name, "Arn", arn),
                         json_string_value(json_object_get(out, "Policy")), out, "s3:GetBucketPolicy", err);
}

static json_t *s_key(struct opf_collect *k, struct opf_aws_session *s, const char *region, const json_t *listed,
                     const void *arg, struct opf_aws_error *err, const char **resource)
{
    (void)arg;
    const json_t *id = json_object_get(listed, "KeyId");
    *resource = json_string_value(json_object_get(listed, "KeyArn"));
    json_t *out = s_get(k, s, region, "kms", "GetKeyPolicy", json_pack("{s:O?, s:s}", "KeyId", id, "PolicyName", "default"), err);
    if (!out)
        return NULL;
    return s_with_policy(json_pack("{s:O?, s:O?, s:s}", "KeyId", id, "KeyArn", json_object_get(listed, "KeyArn"),
                                   "Region", region),
                         json_string_value(json_object_get(out, "Policy")), out, "kms:GetKeyPolicy", err);
}

static json_t *s_topic(struct opf_collect *k, struct opf_aws_session *s, const char *region, const json_t *listed,
                       const void *arg, struct opf_aws_error *err, const char **resource)
{
    (void)arg;
    const json_t *arn = json_object_get(listed, "TopicArn");
    *resource = json_string_value(arn);
    json_t *out = s_get(k, s, region, "sns", "GetTopicAttributes", json_pack("{s:O?}", "TopicArn", arn), err);
    if (!out)
        return NULL;
    return s_with_policy(json_pack("{s:O?, s:s}", "TopicArn", arn, "Region", region),
                         json_string_value(json_object_get(json_object_get(out, "Attributes"), "Policy")), out,
                         "sns:GetTopicAttributes", err);
}

static json_t *s_queue(struct opf_collect *k, struct opf_aws_session *s, const char *region, const json_t *listed,
                       const void *arg, struct opf_aws_error *err, const char **resource)
{
    (void)arg;
    *resource = json_string_value(listed);
    json_t *in = json_pack("{s:O, s:[s,s]}", "QueueUrl", listed, "AttributeNames", "Policy", "QueueArn");
    json_t *out = s_get(k, s, region, "sqs", "GetQueueAttributes", in, err);
    if (!out)
        return NULL;
    const json_t *attrs = json_object_get(out, "Attributes");
    return s_with_policy(json_pack("{s:O, s:O?, s:s}", "QueueUrl", listed, "QueueArn", json_object_get(attrs, "QueueArn"),
                                   "Region", region),
                         json_string_value(json_object_get(attrs, "Policy")), out, "sqs:GetQueueAttributes", err);
}

/* A share needs no further call: its listing holds everything, retention setting included. */
static json_t *s_share(struct opf_collect *k, struct opf_aws_session *s, const char *region, const json_t *listed,
                       const void *arg, struct opf_aws_error *err, const char **resource)
{
    (void)k, (void)s, (void)arg, (void)err, (void)resource;
    json_t *entry = json_deep_copy(listed);
    json_object_set_new(entry, "Region", json_string(region));
    return entry;
}

/* MaxBuckets makes ListBuckets name each bucket's region (and page through more than 10,000); without
 * MaxResults, ListQueues stops at 1,000 queues and gives no token. */
const struct opf_scan opf_scan_buckets = {"s3.bucket_policies", "s3:ListBuckets+s3:GetBucketPolicy", "s3", "ListBuckets",
                                          "Buckets", "Buckets", s_bucket, "{\"MaxBuckets\": 10000}"};
const struct opf_scan opf_scan_keys = {"kms.key_policies", "kms:ListKeys+kms:GetKeyPolicy", "kms", "ListKeys", "Keys",
                                       "Keys", s_key, NULL};
const struct opf_scan opf_scan_topics = {"sns.topic_policies", "sns:ListTopics+sns:GetTopicAttributes", "sns",
                                         "ListTopics", "Topics", "Topics", s_topic, NULL};
const struct opf_scan opf_scan_queues = {"sqs.queue_policies", "sqs:ListQueues+sqs:GetQueueAttributes", "sqs",
                                         "ListQueues", "QueueUrls", "Queues", s_queue, "{\"MaxResults\": 1000}"};
const struct opf_scan opf_scan_shares = {
    "ram.resource_shares", "ram:GetResourceShares", "ram", "GetResourceShares", "resourceShares", "ResourceShares",
    s_share, "{\"resourceOwner\": \"OTHER-ACCOUNTS\", \"resourceShareStatus\": \"ACTIVE\"}"};

/* iam.roles: every role with its trust policy decoded. */
void opf_collect_roles_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_member *m = arg;
    const struct opf_aws_error *denied = m->denied;
    if (!opf_collect_want(k, "iam.roles"))
        return;
    struct opf_aws_error err = {0};
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_collect_item_begin(k, &item, "iam.roles");
    json_t *out = denied ? NULL : opf_collect_call(k, m->s, "iam", "ListRoles", NULL, OPF_AWS_PAGINATE, &err);
    json_t *roles = out ? json_array() : NULL;
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(out, "Roles"), i, r) {
        json_t *role = json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?}", "RoleName", json_object_get(r, "RoleName"), "Arn",
                                 json_object_get(r, "Arn"), "Path", json_object_get(r, "Path"), "CreateDate",
                                 json_object_get(r, "CreateDate"), "AssumeRolePolicyDocument",
                                 json_object_get(r, "AssumeRolePolicyDocument"));
        opf_collect_decode_document(role, "AssumeRolePolicyDocument");
        json_array_append_new(roles, role);
    }
    json_decref(out);
    roles = opf_collect_item_end(&item, outer, roles ? json_pack("{s:o}", "Roles", roles) : NULL, &err);
    opf_collect_item(ev, "iam.roles", "iam:ListRoles", roles, denied ? denied : &err);
}
