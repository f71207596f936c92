/*
 * A call as its caller sees it: the allow-list, then page after page of a listing merged into one answer,
 * all of it within the call's time budget (and its evidence item's). A listing that answers a token it gave before, or that goes on
 * past max_pages, is an error: it would never end.
 */
#include <string.h>

#include "aws/client.h"
#include "aws/limits.h"
#include "aws/protocol.h"

bool opf_aws_operation_allowed(const char *service, const char *operation)
{
    return opf_aws_operation_find(service, operation) != NULL;
}

/* The next page's token of a page, or NULL when it is the last. */
static const char *s_next_token(const struct opf_aws_operation *op, const json_t *page, unsigned flags)
{
    if (!(flags & OPF_AWS_PAGINATE) || !op->output_token || json_is_false(json_object_get(page, "IsTruncated")))
        return NULL;
    const char *token = json_string_value(json_object_get(page, op->output_token));
    return token && *token ? token : NULL;
}

static json_t *s_call(struct opf_aws_session *s, const char *region, const char *service, const char *operation,
                      const json_t *input, unsigned flags, bool sign, opf_aws_page_fn *on_page, void *ud,
                      struct opf_aws_error *err)
{
    memset(err, 0, sizeof(*err));
    const struct opf_aws_service *svc = opf_aws_service_find(service);
    const struct opf_aws_operation *op = opf_aws_operation_find(service, operation);
    if (!svc || !op) {
        opf_aws_error_set(err, "OperationNotAllowed",
                          "%s:%s is not in orgpreflight's read-only allow-list: it is never sent", service, operation);
        snprintf(err->operation, sizeof(err->operation), "%s:%s", service, operation);
        return NULL;
    }
    long deadline_ms = opf_aws_call_deadline(s->c);
    if (opf_aws_now_ms(s->c) >= deadline_ms) { /* its item's time is up: not sent */
        opf_aws_error_stopped(s->c, err);
        snprintf(err->operation, sizeof(err->operation), "%s:%s", service, operation);
        return NULL;
    }
    json_t *page_input = input ? json_deep_copy(input) : json_object();
    json_t *result = NULL, *seen = json_object(); /* the tokens given so far */
    for (int pages = 1;; pages++) {
        json_t *page = opf_aws_call_page(s, region, svc, op, page_input, sign, deadline_ms, err);
        const char *next = page ? s_next_token(op, page, flags) : NULL;
        if (next && (json_object_get(seen, next) || pages >= s->c->max_pages)) {
            opf_aws_error_set(err, "EndlessPagination",
                              pages >= s->c->max_pages ? "the listing goes on past %d pages (aws.max_pages): stopped"
                                                       : "page %d gave a %s of an earlier page again: the listing would never end",
                              pages >= s->c->max_pages ? s->c->max_pages : pages, op->output_token);
            snprintf(err->operation, sizeof(err->operation), "%s:%s", service, operation);
            json_decref(page);
            page = NULL;
        }
        if (!page) {
            json_decref(result);
            result = NULL;
            break;
        }
        if (on_page)
            on_page(ud, page);
        if (next) {
            json_object_set_new(seen, next, json_true());
            json_object_set_new(page_input, op->input_token, json_string(next));
        }
        if (!result) {
            result = page;
        } else {
            json_t *merged = json_object_get(result, op->result_key), *more = json_object_get(page, op->result_key);
            if (json_is_array(merged) && json_is_array(more))
                json_array_extend(merged, more);
            json_decref(page);
        }
        if (!next)
            break;
    }
    if (result && (flags & OPF_AWS_PAGINATE) && op->output_token) {
        json_object_del(result, op->output_token);
        json_object_del(result, "IsTruncated");
        json_object_del(result, "Truncated"); /* KMS */
    }
    json_decref(seen);
    json_decref(page_input);
    return result;
}

json_t *opf_aws_call_ex(struct opf_aws_session *s, const char *service, const char *operation, const json_t *input,
                        unsigned flags, bool sign, struct opf_aws_error *err)
{
    return s_call(s, NULL, service, operation, input, flags, sign, NULL, NULL, err);
}

json_t *opf_aws_call(struct opf_aws_session *s, const char *service, const char *operation, const json_t *input,
                     unsigned flags, struct opf_aws_error *err)
{
    return s_call(s, NULL, service, operation, input, flags, true, NULL, NULL, err);
}

json_t *opf_aws_call_in(struct opf_aws_session *s, const char *region, const char *service, const char *operation,
                        const json_t *input, unsigned flags, struct opf_aws_error *err)
{
    return s_call(s, region, service, operation, input, flags, true, NULL, NULL, err);
}

json_t *opf_aws_call_pages(struct opf_aws_session *s, const char *service, const char *operation, const json_t *input,
                           opf_aws_page_fn *on_page, void *ud, struct opf_aws_error *err)
{
    return s_call(s, NULL, service, operation, input, OPF_AWS_PAGINATE, true, on_page, ud, err);
}
