/* The collector's calls to AWS: through k->aws, the client's own functions in a collection, canned answers in
 * the providers' unit tests. */
#include "aws/aws.h"
#include "aws/collector.h"
#include "collect/collect_internal.h"

const struct opf_collect_aws opf_collect_aws_client = {opf_aws_call_in, opf_aws_call_pages,
                                                       opf_aws_session_assume_role, opf_aws_session_free,
                                                       opf_aws_item_begin};

json_t *opf_collect_call(struct opf_collect *k, struct opf_aws_session *s, const char *service, const char *operation,
                         const json_t *input, unsigned flags, struct opf_aws_error *err)
{
    return k->aws->call(s, NULL, service, operation, input, flags, err);
}

json_t *opf_collect_call_in(struct opf_collect *k, struct opf_aws_session *s, const char *region, const char *service,
                            const char *operation, const json_t *input, unsigned flags, struct opf_aws_error *err)
{
    return k->aws->call(s, region, service, operation, input, flags, err);
}

const struct opf_aws_item *opf_collect_item_begin(struct opf_collect *k, struct opf_aws_item *item, const char *key)
{
    return k->aws->item_begin(k->client, item, key);
}
