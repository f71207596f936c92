/* The time budgets of a call and of an evidence item: an item's deadline bounds every call and wait made while
 * it is current, and its end says whether it ran out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "aws/client.h"
#include "aws/limits.h"

static void test_a_call_ends_by_its_items_deadline(void **state)
{
    (void)state;
    struct opf_aws_client c = {.call_budget_ms = 300000, .item_budget_ms = 2000};
    c.clock = opf_aws_system_clock;
    long now = opf_aws_now_ms(&c);
    assert_true(opf_aws_call_deadline(&c) >= now + 300000); /* no item: the call's own budget */
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_aws_item_begin(&c, &item, "kms.key_policies");
    assert_null(outer);
    assert_ptr_equal(opf_aws_item_current(), &item);
    assert_true(opf_aws_call_deadline(&c) <= opf_aws_now_ms(&c) + 2000);
    c.call_budget_ms = 500; /* a call budget shorter than what is left of the item's: the call's own */
    assert_true(opf_aws_call_deadline(&c) <= opf_aws_now_ms(&c) + 500);
    struct opf_aws_error err = {0};
    assert_true(opf_aws_item_end(&item, outer, &err));
    assert_null(opf_aws_item_current());
    assert_string_equal(err.code, "");
}

static void test_a_nested_item_never_outlasts_its_outer_one(void **state)
{
    (void)state;
    struct opf_aws_client c = {.call_budget_ms = 300000, .item_budget_ms = 5000};
    c.clock = opf_aws_system_clock;
    struct opf_aws_item outer_item, inner;
    const struct opf_aws_item *none = opf_aws_item_begin(&c, &outer_item, "iam.users");
    c.item_budget_ms = 60000;
    const struct opf_aws_item *outer = opf_aws_item_begin(&c, &inner, "iam.roles");
    assert_ptr_equal(outer, &outer_item);
    assert_int_equal(inner.deadline_ms, outer_item.deadline_ms);
    struct opf_aws_error err = {0};
    assert_true(opf_aws_item_end(&inner, outer, &err));
    assert_ptr_equal(opf_aws_item_current(), &outer_item);
    assert_true(opf_aws_item_end(&outer_item, none, &err));
}

static void test_a_wait_past_the_items_deadline_ends_the_item(void **state)
{
    (void)state;
    struct opf_aws_client c = {.call_budget_ms = 300000, .item_budget_ms = 100};
    c.clock = opf_aws_system_clock;
    struct opf_aws_item item;
    const struct opf_aws_item *outer = opf_aws_item_begin(&c, &item, "account.alternate_contacts");
    struct opf_aws_error err = {0};
    long started = opf_aws_now_ms(&c);
    assert_false(opf_aws_wait(&c, 10000, opf_aws_call_deadline(&c), &err));
    assert_true(opf_aws_now_ms(&c) - started < 1000);
    assert_string_equal(err.code, "ItemBudgetExceeded");
    assert_non_null(strstr(err.message, "account.alternate_contacts"));
    assert_non_null(strstr(err.message, "aws.item_budget_seconds"));
    memset(&err, 0, sizeof(err));
    assert_false(opf_aws_item_end(&item, outer, &err));
    assert_string_equal(err.code, "ItemBudgetExceeded");
    assert_null(opf_aws_item_current());
    /* with no item current, a spent call budget is the call's */
    memset(&err, 0, sizeof(err));
    assert_false(opf_aws_wait(&c, 10000, opf_aws_now_ms(&c) + 10, &err));
    assert_string_equal(err.code, "CallBudgetExceeded");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_call_ends_by_its_items_deadline),
        cmocka_unit_test(test_a_nested_item_never_outlasts_its_outer_one),
        cmocka_unit_test(test_a_wait_past_the_items_deadline_ends_the_item),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
