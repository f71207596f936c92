/* Pagination against canned pages: the pages of a listing merged into one answer, the token sent back, and the
 * listings that would never end (a token given again, more pages than aws.max_pages) refused as such. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "support/fake_aws.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define PAGE(ids, token) {.status = 200, .body = "{\"Accounts\":[" ids "]" token "}"}
#define ACCOUNT(id) "{\"Id\":\"" id "\",\"Name\":\"a" id "\",\"Status\":\"ACTIVE\"}"

static json_t *s_list(struct opf_fake *f, unsigned flags, struct opf_aws_error *err)
{
    return opf_aws_call(f->s, "organizations", "ListAccounts", NULL, flags, err);
}

/* The NextToken a request sent, or NULL. */
static const char *s_sent_token(const struct opf_fake_request *r, char *buf, size_t len)
{
    json_t *body = json_loads(r->body, 0, NULL);
    const char *token = json_string_value(json_object_get(body, "NextToken"));
    if (token)
        snprintf(buf, len, "%s", token);
    json_decref(body);
    return token ? buf : NULL;
}

static void s_assert_ids(const json_t *out, const char *const *ids, size_t n)
{
    const json_t *accounts = json_object_get(out, "Accounts");
    assert_int_equal(json_array_size(accounts), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(accounts, i), "Id")), ids[i]);
}

static void test_pages_are_merged(void **state)
{
    (void)state;
    const struct opf_fake_answer pages[] = {
        PAGE(ACCOUNT("111111111111") "," ACCOUNT("222222222222"), ",\"NextToken\":\"t-1\""),
        PAGE(ACCOUNT("333333333333"), ",\"NextToken\":\"t-2\""),
        PAGE(ACCOUNT("444444444444"), ""),
    };
    struct opf_fake f;
    opf_fake_init(&f, pages, N(pages));
    struct opf_aws_error err = {0};
    json_t *out = s_list(&f, OPF_AWS_PAGINATE, &err);
    assert_non_null(out);
    const char *const ids[] = {"111111111111", "222222222222", "333333333333", "444444444444"};
    s_assert_ids(out, ids, N(ids));
    assert_null(json_object_get(out, "NextToken")); /* the merged answer is one page */
    assert_int_equal(f.nrequests, 3);
    char token[32];
    assert_null(s_sent_token(&f.requests[0], token, sizeof(token)));
    assert_string_equal(s_sent_token(&f.requests[1], token, sizeof(token)), "t-1");
    assert_string_equal(s_sent_token(&f.requests[2], token, sizeof(token)), "t-2");
    json_decref(out);
    opf_fake_free(&f);
}

/* Without OPF_AWS_PAGINATE the first page is the answer, its token kept. */
static void test_one_page_when_not_asked_to_paginate(void **state)
{
    (void)state;
    const struct opf_fake_answer pages[] = {PAGE(ACCOUNT("111111111111"), ",\"NextToken\":\"t-1\""),
                                            PAGE(ACCOUNT("222222222222"), "")};
    struct opf_fake f;
    opf_fake_init(&f, pages, N(pages));
    struct opf_aws_error err = {0};
    json_t *out = s_list(&f, 0, &err);
    assert_non_null(out);
    assert_int_equal(f.nrequests, 1);
    assert_string_equal(json_string_value(json_object_get(out, "NextToken")), "t-1");
    json_decref(out);
    opf_fake_free(&f);
}

/* A page that gives a token of an earlier page again: the listing would loop for ever. */
static void test_a_token_given_again_is_endless(void **state)
{
    (void)state;
    const struct opf_fake_answer pages[] = {
        PAGE(ACCOUNT("111111111111"), ",\"NextToken\":\"t-1\""),
        PAGE(ACCOUNT("222222222222"), ",\"NextToken\":\"t-2\""),
        PAGE(ACCOUNT("333333333333"), ",\"NextToken\":\"t-1\""),
        PAGE(ACCOUNT("444444444444"), ""),
    };
    struct opf_fake f;
    opf_fake_init(&f, pages, N(pages));
    struct opf_aws_error err = {0};
    assert_null(s_list(&f, OPF_AWS_PAGINATE, &err));
    assert_string_equal(err.code, "EndlessPagination");
    assert_string_equal(err.message, "page 3 gave a NextToken of an earlier page again: the listing would never end");
    assert_string_equal(err.operation, "organizations:ListAccounts");
    assert_int_equal(f.nrequests, 3);
    opf_fake_free(&f);
}

static void test_more_pages_than_max_pages(void **state)
{
    (void)state;
    const struct opf_fake_answer pages[] = {
        PAGE(ACCOUNT("111111111111"), ",\"NextToken\":\"t-1\""), PAGE(ACCOUNT("222222222222"), ",\"NextToken\":\"t-2\""),
        PAGE(ACCOUNT("333333333333"), ",\"NextToken\":\"t-3\""), PAGE(ACCOUNT("444444444444"), ""),
    };
    struct opf_fake f;
    opf_fake_init(&f, pages, N(pages));
    f.c->max_pages = 3;
    struct opf_aws_error err = {0};
    assert_null(s_list(&f, OPF_AWS_PAGINATE, &err));
    assert_string_equal(err.code, "EndlessPagination");
    assert_non_null(strstr(err.message, "past 3 pages (aws.max_pages)"));
    assert_int_equal(f.nrequests, 3);
    opf_fake_free(&f);

    opf_fake_init(&f, pages, N(pages)); /* exactly max_pages pages is a listing */
    f.c->max_pages = 4;
    json_t *out = s_list(&f, OPF_AWS_PAGINATE, &err);
    assert_non_null(out);
    assert_int_equal(json_array_size(json_object_get(out, "Accounts")), 4);
    json_decref(out);
    opf_fake_free(&f);
}

/* A page that fails after its retries fails the listing: no partial list passes for the whole. */
static void test_a_failed_page_fails_the_listing(void **state)
{
    (void)state;
    const struct opf_fake_answer pages[] = {
        PAGE(ACCOUNT("111111111111"), ",\"NextToken\":\"t-1\""),
        {.status = 400, .body = "{\"__type\":\"AccessDeniedException\",\"Message\":\"not authorized\"}"},
    };
    struct opf_fake f;
    opf_fake_init(&f, pages, N(pages));
    struct opf_aws_error err = {0};
    assert_null(s_list(&f, OPF_AWS_PAGINATE, &err));
    assert_string_equal(err.code, "AccessDeniedException");
    assert_int_equal(f.nrequests, 2);
    opf_fake_free(&f);
}

/* A page answered without the listing's member is malformed, retried, and the listing goes on. */
static void test_a_malformed_page_is_retried(void **state)
{
    (void)state;
    const struct opf_fake_answer pages[] = {
        PAGE(ACCOUNT("111111111111"), ",\"NextToken\":\"t-1\""),
        {.status = 200, .body = "{\"NextToken\":\"t-2\"}"},
        PAGE(ACCOUNT("222222222222"), ""),
    };
    struct opf_fake f;
    opf_fake_init(&f, pages, N(pages));
    struct opf_aws_error err = {0};
    json_t *out = s_list(&f, OPF_AWS_PAGINATE, &err);
    assert_non_null(out);
    const char *const ids[] = {"111111111111", "222222222222"};
    s_assert_ids(out, ids, N(ids));
    char token[32];
    assert_string_equal(s_sent_token(&f.requests[2], token, sizeof(token)), "t-1"); /* the same page again */
    json_decref(out);
    opf_fake_free(&f);
}

/* A call made when its evidence item's time is up is not sent. */
static void test_no_call_past_the_items_deadline(void **state)
{
    (void)state;
    const struct opf_fake_answer pages[] = {PAGE(ACCOUNT("111111111111"), "")};
    struct opf_fake f;
    opf_fake_init(&f, pages, N(pages));
    f.c->item_budget_ms = 1000;
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_aws_item_begin(f.c, &item, "organizations.accounts");
    f.now_ms += 1000;
    struct opf_aws_error err = {0};
    assert_null(s_list(&f, OPF_AWS_PAGINATE, &err));
    assert_string_equal(err.code, "ItemBudgetExceeded");
    assert_int_equal(f.nrequests, 0);
    assert_false(opf_aws_item_end(&item, outer, &err));
    opf_fake_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_are_merged),
        cmocka_unit_test(test_one_page_when_not_asked_to_paginate),
        cmocka_unit_test(test_a_token_given_again_is_endless),
        cmocka_unit_test(test_more_pages_than_max_pages),
        cmocka_unit_test(test_a_failed_page_fails_the_listing),
        cmocka_unit_test(test_a_malformed_page_is_retried),
        cmocka_unit_test(test_no_call_past_the_items_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
