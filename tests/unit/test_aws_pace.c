/* The client's pacing against canned answers on a fake clock: the Account API's token buckets (per caller, per
 * target account), the adaptive rate of a service that throttles, and Organizations' calls in flight. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "support/fake_aws.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct opf_fake_answer ACCOUNT = {.status = 200, .body = "{\"AccountId\":\"111122223333\","
                                               "\"AccountName\":\"audit\",\"AccountCreatedDate\":\"2024-05-01T10:00:00Z\"}"};
static const struct opf_fake_answer ORG = {.status = 200, .body = "{\"Organization\":{\"Id\":\"o-a1b2c3d4e5\"}}"};
static const struct opf_fake_answer THROTTLED = {.status = 400,
                                                 .body = "{\"__type\":\"TooManyRequestsException\",\"Message\":\"Rate exceeded\"}"};

static void s_call(struct opf_fake *f, const char *service, const char *operation, const char *account)
{
    json_t *in = account ? json_pack("{s:s, s:s}", "AccountId", account, "AlternateContactType", "BILLING") : NULL;
    struct opf_aws_error err = {0};
    json_t *out = opf_aws_call(f->s, service, operation, in, 0, &err);
    if (!out)
        fail_msg("%s:%s: %s: %s", service, operation, err.code, err.message);
    json_decref(out);
    json_decref(in);
}

/* GetAccountInformation: 3 per second with a burst of 3 for the whole caller. */
static void test_a_per_caller_bucket(void **state)
{
    (void)state;
    const struct opf_fake_answer answers[] = {ACCOUNT};
    struct opf_fake f;
    opf_fake_init(&f, answers, N(answers));
    for (int i = 0; i < 9; i++)
        s_call(&f, "account", "GetAccountInformation", NULL);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(f.requests[i].at_ms, 0);
    for (size_t i = 3; i < 9; i++) /* then one every third of a second */
        assert_in_range(f.requests[i].at_ms, (long)(i - 2) * 1000 / 3 - 2, (long)(i - 2) * 1000 / 3 + 2);
    opf_fake_free(&f);

    opf_fake_init(&f, answers, N(answers)); /* OPF_PACING=off: no wait at all */
    f.c->pacer.on = false;
    for (int i = 0; i < 9; i++)
        s_call(&f, "account", "GetAccountInformation", NULL);
    assert_int_equal(f.requests[8].at_ms, 0);
    opf_fake_free(&f);
}

/* GetAlternateContact: 10 per second with a burst of 15 for each target account, independently. */
static void test_a_per_target_bucket(void **state)
{
    (void)state;
    const struct opf_fake_answer answers[] = {
        {.status = 200, .body = "{\"AlternateContact\":{\"AlternateContactType\":\"BILLING\",\"Name\":\"Billing\"}}"}};
    struct opf_fake f;
    opf_fake_init(&f, answers, N(answers));
    for (int i = 0; i < 16; i++)
        s_call(&f, "account", "GetAlternateContact", "111122223333");
    assert_int_equal(f.requests[14].at_ms, 0);
    assert_int_equal(f.requests[15].at_ms, 100);
    s_call(&f, "account", "GetAlternateContact", "444455556666"); /* another account's bucket is full */
    assert_int_equal(f.requests[16].at_ms, 100);
    s_call(&f, "account", "GetAlternateContact", "111122223333");
    assert_int_equal(f.requests[17].at_ms, 200);
    opf_fake_free(&f);
}

/* After a throttle the service is sent to at 0.7 x the rate it was sent at, rising by 0.5 request/s per second
 * while it answers; a service that never throttled is not held back. */
static void test_an_adaptive_rate_after_a_throttle(void **state)
{
    (void)state;
    const struct opf_fake_answer answers[] = {THROTTLED, ORG};
    struct opf_fake f;
    opf_fake_init(&f, answers, N(answers));
    for (int i = 0; i < 10; i++)
        s_call(&f, "organizations", "DescribeOrganization", NULL);
    /* the throttle was seen at a measured 4 requests/s (one request in the shortest window): 2.8/s, then rising */
    long previous = 1000000;
    for (size_t i = 2; i < f.nrequests; i++) {
        long gap = f.requests[i].at_ms - f.requests[i - 1].at_ms;
        assert_in_range(gap, 1000 / 5, 1000 / 2.8 + 2);
        assert_true(gap <= previous);
        previous = gap;
    }
    assert_true(previous < f.requests[2].at_ms - f.requests[1].at_ms); /* the rate rose */
    for (int i = 0; i < 5; i++)
        s_call(&f, "account", "GetAlternateContact", "111122223333");
    assert_int_equal(f.requests[f.nrequests - 1].at_ms, f.requests[f.nrequests - 5].at_ms);
    opf_fake_free(&f);
}

struct s_caller {
    struct opf_fake *f;
    const char *service, *operation;
};

static void *s_caller_run(void *arg)
{
    struct s_caller *k = arg;
    s_call(k->f, k->service, k->operation, k->service[0] == 'a' ? "111122223333" : NULL);
    return NULL;
}

/* Six threads call at once and the transport holds every exchange: n get in, the rest wait for a slot. */
static int s_in_flight(const char *service, const char *operation, const struct opf_fake_answer *answer, int expected)
{
    struct opf_fake f;
    opf_fake_init(&f, answer, 1);
    f.hold = true;
    pthread_t t[6];
    struct s_caller k = {&f, service, operation};
    for (int i = 0; i < 6; i++)
        assert_int_equal(pthread_create(&t[i], NULL, s_caller_run, &k), 0);
    assert_true(opf_fake_wait_in_flight(&f, expected));
    struct timespec settle = {0, 200 * 1000000L}; /* long enough for a seventh to get in, were it let */
    nanosleep(&settle, NULL);
    pthread_mutex_lock(&f.lock);
    int seen = f.in_flight;
    pthread_mutex_unlock(&f.lock);
    opf_fake_release(&f);
    for (int i = 0; i < 6; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(f.nrequests, 6);
    int most = f.max_in_flight;
    opf_fake_free(&f);
    assert_int_equal(seen, most);
    return most;
}

static void test_organizations_calls_in_flight(void **state)
{
    (void)state;
    assert_int_equal(s_in_flight("organizations", "DescribeOrganization", &ORG, 4), 4);
    const struct opf_fake_answer contact = {
        .status = 200, .body = "{\"AlternateContact\":{\"AlternateContactType\":\"BILLING\",\"Name\":\"Billing\"}}"};
    assert_int_equal(s_in_flight("account", "GetAlternateContact", &contact, 6), 6); /* no such limit */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_per_caller_bucket),
        cmocka_unit_test(test_a_per_target_bucket),
        cmocka_unit_test(test_an_adaptive_rate_after_a_throttle),
        cmocka_unit_test(test_organizations_calls_in_flight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
