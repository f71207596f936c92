/* Retries against canned answers on a fake clock: which errors are retried, how often, how long the client
 * waits in between, what the retry quota allows, and the free retries after a skewed clock or expired
 * credentials. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "aws/retry.h"
#include "aws/limits.h"
#include "support/fake_aws.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct opf_fake_answer ORG = {.status = 200, .body = "{\"Organization\":{\"Id\":\"o-a1b2c3d4e5\"}}"};
static const struct opf_fake_answer INTERNAL = {.status = 500, .body = "{\"__type\":\"InternalFailure\",\"message\":\"internal error\"}"};
static const struct opf_fake_answer UNAVAILABLE = {.status = 503, .body = "{\"__type\":\"ServiceUnavailableException\"}"};
static const struct opf_fake_answer THROTTLED = {.status = 400, .body = "{\"__type\":\"TooManyRequestsException\",\"Message\":\"Rate exceeded\"}"};
static const struct opf_fake_answer DENIED = {.status = 400, .body = "{\"__type\":\"AccessDeniedException\",\"Message\":\"denied\"}"};
static const struct opf_fake_answer TIMEOUT = {.status = 408, .body = "{\"__type\":\"RequestTimeout\",\"message\":\"timed out\"}"};

static json_t *s_describe(struct opf_fake *f, struct opf_aws_error *err)
{
    return opf_aws_call(f->s, "organizations", "DescribeOrganization", NULL, 0, err);
}

static struct opf_aws_stats s_stats(const struct opf_fake *f)
{
    struct opf_aws_stats st;
    opf_aws_client_stats(f->c, &st);
    return st;
}

static void test_retry_decisions(void **state)
{
    (void)state;
    assert_true(opf_aws_retryable("TooManyRequestsException", 400));
    assert_true(opf_aws_retryable("Throttling", 400));
    assert_true(opf_aws_retryable("", 503));
    assert_true(opf_aws_retryable("ConnectionError", 0));
    assert_false(opf_aws_retryable("AccessDenied", 403));
    assert_false(opf_aws_retryable("SignatureDoesNotMatch", 403));
    assert_true(opf_aws_throttling("ThrottlingException", 400));
    assert_true(opf_aws_throttling("", 429));
    assert_false(opf_aws_throttling("InternalError", 500));
}

/* Full jitter: every wait from 0 to base x 2^(attempt-1), at most 20 s, and spread over that range. */
static void test_backoff_bounds(void **state)
{
    (void)state;
    for (int attempt = 1; attempt < 12; attempt++) {
        long cap = 1000L << (attempt - 1), high = 0;
        cap = cap > 20000 ? 20000 : cap;
        for (int i = 0; i < 200; i++) {
            long d = opf_aws_backoff_ms(1000, attempt);
            assert_in_range(d, 0, cap);
            high = d > high ? d : high;
        }
        assert_true(high > cap / 2); /* 200 draws all in the lower half: not jittered over the range */
    }
    assert_int_equal(opf_aws_backoff_ms(0, 3), 0);
}

static void test_a_5xx_is_retried_after_a_backoff(void **state)
{
    (void)state;
    const struct opf_fake_answer answers[] = {INTERNAL, UNAVAILABLE, ORG};
    struct opf_fake f;
    opf_fake_init(&f, answers, N(answers));
    struct opf_aws_error err = {0};
    json_t *out = s_describe(&f, &err);
    assert_non_null(out);
    assert_int_equal(f.nrequests, 3);
    assert_int_equal(err.attempts, 3);
    assert_int_equal(f.nslept, 2);
    assert_in_range(f.slept_ms[0], 0, 1000); /* the SDKs' base of 1 s, doubled per attempt */
    assert_in_range(f.slept_ms[1], 0, 2000);
    assert_int_equal(s_stats(&f).retries, 2);
    assert_int_equal(s_stats(&f).failures, 0);
    assert_int_equal(atomic_load(&f.s->bucket), RETRY_BUCKET_MAX); /* the tokens came back with the answer */
    json_decref(out);
    opf_fake_free(&f);
}

/* Standard mode: three attempts, then the last error is the call's; the tokens spent are not returned. */
static void test_max_attempts(void **state)
{
    (void)state;
    const struct opf_fake_answer answers[] = {UNAVAILABLE};
    struct opf_fake f;
    opf_fake_init(&f, answers, N(answers));
    struct opf_aws_error err = {0};
    assert_null(s_describe(&f, &err));
    assert_int_equal(f.nrequests, 3);
    assert_int_equal(err.attempts, 3);
    assert_int_equal(err.http_status, 503);
    assert_string_equal(err.code, "ServiceUnavailableException");
    assert_string_equal(err.operation, "organizations:DescribeOrganization");
    assert_int_equal(atomic_load(&f.s->bucket), RETRY_BUCKET_MAX - 2 * 5);
    assert_int_equal(s_stats(&f).failures, 1);
    opf_fake_free(&f);

    opf_fake_init(&f, answers, N(answers)); /* legacy mode: five attempts and no quota */
    f.c->retry_mode = OPF_RETRY_LEGACY;
    f.c->max_attempts = 5;
    atomic_store(&f.s->bucket, 0);
    assert_null(s_describe(&f, &err));
    assert_int_equal(f.nrequests, 5);
    opf_fake_free(&f);
}

/* An answer that says the service is healthy is not retried. */
static void test_a_definitive_error_is_not_retried(void **state)
{
    (void)state;
    const struct opf_fake_answer answers[] = {DENIED, ORG};
    struct opf_fake f;
    opf_fake_init(&f, answers, N(answers));
    atomic_store(&f.s->bucket, 100);
    struct opf_aws_error err = {0};
    assert_null(s_describe(&f, &err));
    assert_string_equal(err.code, "AccessDeniedException");
    assert_int_equal(f.nrequests, 1);
    assert_int_equal(f.nslept, 0);
    assert_int_equal(atomic_load(&f.s->bucket), 101); /* refunded as a success */
    opf_fake_free(&f);
}

/* Each retry of a transient error costs 5 tokens (a timeout 10) of the session's quota; an empty quota ends the
 * call before max_attempts, and an answer gives back what the call spent. */
static void test_retry_quota(void **state)
{
    (void)state;
    const struct opf_fake_answer answers[] = {INTERNAL, INTERNAL, ORG};
    struct opf_fake f;
    opf_fake_init(&f, answers, N(answers));
    atomic_store(&f.s->bucket, 5);
    struct opf_aws_error err = {0};
    assert_null(s_describe(&f, &err));
    assert_int_equal(f.nrequests, 2);
    assert_string_equal(err.code, "InternalFailure");
    assert_int_equal(atomic_load(&f.s->bucket), 0);
    opf_fake_free(&f);

    const struct opf_fake_answer timeouts[] = {TIMEOUT, INTERNAL, ORG};
    opf_fake_init(&f, timeouts, N(timeouts));
    atomic_store(&f.s->bucket, 10);
    assert_null(s_describe(&f, &err)); /* the timeout took all 10: nothing left for the 500 */
    assert_int_equal(f.nrequests, 2);
    opf_fake_free(&f);

    const struct opf_fake_answer once[] = {INTERNAL, ORG};
    opf_fake_init(&f, once, N(once));
    atomic_store(&f.s->bucket, 400);
    json_t *out = s_describe(&f, &err);
    assert_non_null(out);
    assert_int_equal(atomic_load(&f.s->bucket), 400);
    json_decref(out);
    out = s_describe(&f, &err); /* an answer at the first attempt adds one */
    assert_int_equal(atomic_load(&f.s->bucket), 401);
    json_decref(out);
    opf_fake_free(&f);
}

/* Throttling costs neither attempts nor tokens: retried until the call's time budget ends, which names the
 * throttling it could not get past. */
static void test_throttling_is_retried_until_the_call_budget_ends(void **state)
{
    (void)state;
    const struct opf_fake_answer answers[] = {THROTTLED};
    struct opf_fake f;
    opf_fake_init(&f, answers, N(answers));
    struct opf_aws_error err = {0};
    assert_null(s_describe(&f, &err));
    assert_string_equal(err.code, "CallBudgetExceeded");
    assert_non_null(strstr(err.message, "TooManyRequestsException"));
    assert_true(f.nrequests > 10);
    assert_int_equal(f.now_ms - OPF_FAKE_START_MS, OPF_CALL_BUDGET_MS_DEFAULT);
    assert_int_equal(atomic_load(&f.s->bucket), RETRY_BUCKET_MAX);
    assert_int_equal(s_stats(&f).throttled, f.nrequests);
    for (size_t i = 0; i < f.nslept; i++)
        assert_in_range(f.slept_ms[i], 0, 20000);
    opf_fake_free(&f);

    const struct opf_fake_answer then_ok[] = {THROTTLED, THROTTLED, THROTTLED, THROTTLED, ORG};
    opf_fake_init(&f, then_ok, N(then_ok));
    json_t *out = s_describe(&f, &err);
    assert_non_null(out); /* past max_attempts (3): throttling is not counted */
    assert_int_equal(f.nrequests, 5);
    assert_int_equal(s_stats(&f).throttled, 4);
    json_decref(out);
    opf_fake_free(&f);
}

/* x-amz-retry-after says how long to wait instead of the backoff. */
static void test_retry_after(void **state)
{
    (void)state;
    struct opf_fake_answer slow = THROTTLED;
    slow.retry_after_ms = 1234;
    const struct opf_fake_answer answers[] = {slow, ORG};
    struct opf_fake f;
    opf_fake_init(&f, answers, N(answers));
    struct opf_aws_error err = {0};
    json_t *out = s_describe(&f, &err);
    assert_non_null(out);
    assert_int_equal(f.slept_ms[0], 1234);
    assert_int_equal(f.requests[1].at_ms, 1234);
    json_decref(out);
    opf_fake_free(&f);
}

/* A skew error whose Date is an hour ahead: signed again with the server's time at once, uncharged, and only
 * once; a Date within five minutes is no skew. */
static void test_clock_skew_correction(void **state)
{
    (void)state;
    struct opf_fake_answer skewed = {.status = 400, .body = "{\"__type\":\"InvalidSignatureException\",\"message\":\"Signature expired\"}"};
    skewed.date = OPF_FAKE_WALL + 3600;
    const struct opf_fake_answer answers[] = {skewed, ORG};
    struct opf_fake f;
    opf_fake_init(&f, answers, N(answers));
    struct opf_aws_error err = {0};
    json_t *out = s_describe(&f, &err);
    assert_non_null(out);
    assert_int_equal(f.nrequests, 2);
    assert_string_equal(f.requests[0].amz_date, "20261202T120000Z");
    assert_string_equal(f.requests[1].amz_date, "20261202T130000Z");
    assert_int_equal(f.nslept, 0);
    assert_int_equal(s_stats(&f).retries, 0);
    json_decref(out);
    out = s_describe(&f, &err); /* the offset stays for later calls */
    assert_string_equal(f.requests[2].amz_date, "20261202T130000Z");
    json_decref(out);
    opf_fake_free(&f);

    struct opf_fake_answer further = skewed;
    further.date = OPF_FAKE_WALL + 7200;
    const struct opf_fake_answer twice[] = {skewed, further, ORG};
    opf_fake_init(&f, twice, N(twice));
    assert_null(s_describe(&f, &err));
    assert_string_equal(err.code, "InvalidSignatureException");
    assert_int_equal(f.nrequests, 2);
    opf_fake_free(&f);

    struct opf_fake_answer close = skewed;
    close.date = OPF_FAKE_WALL + 120;
    const struct opf_fake_answer near[] = {close, ORG};
    opf_fake_init(&f, near, N(near));
    assert_null(s_describe(&f, &err));
    assert_int_equal(f.nrequests, 1);
    opf_fake_free(&f);
}

/* A connection error is retried like any transient fault. */
static void test_a_connection_error_is_retried(void **state)
{
    (void)state;
    const struct opf_fake_answer answers[] = {{.status = 0}, ORG};
    struct opf_fake f;
    opf_fake_init(&f, answers, N(answers));
    struct opf_aws_error err = {0};
    json_t *out = s_describe(&f, &err);
    assert_non_null(out);
    assert_int_equal(f.nrequests, 2);
    json_decref(out);
    opf_fake_free(&f);
}

/* Expired credentials of a role session: assumed again once, at no cost to the attempts or the quota. */
static void test_expired_credentials_are_refreshed_once(void **state)
{
    (void)state;
    static const struct opf_fake_answer assumed = {
        .status = 200,
        .body = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>"
                "<AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG</SecretAccessKey>"
                "<SessionToken>FwoGZXIvYXdzEXAMPLE</SessionToken><Expiration>2026-12-02T13:00:00Z</Expiration>"
                "</Credentials><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/Audit/run</Arn>"
                "<AssumedRoleId>AROAEXAMPLE:run</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>"
                "<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>"
                "</AssumeRoleResponse>"};
    static const struct opf_fake_answer expired = {
        .status = 400, .body = "{\"__type\":\"ExpiredTokenException\",\"message\":\"The security token included in "
                               "the request is expired\"}"};
    const struct opf_fake_answer answers[] = {assumed, expired, assumed, ORG};
    struct opf_fake f;
    opf_fake_init(&f, answers, N(answers));
    struct opf_aws_session *role = opf_aws_session_assume_role(f.s, "arn:aws:iam::111122223333:role/Audit", NULL, "run");
    assert_non_null(role);
    struct opf_aws_error err = {0};
    json_t *out = opf_aws_call(role, "organizations", "DescribeOrganization", NULL, 0, &err);
    assert_non_null(out);
    assert_int_equal(f.nrequests, 4);
    assert_non_null(strstr(f.requests[2].body, "Action=AssumeRole"));
    assert_int_equal(s_stats(&f).refreshes, 1);
    assert_int_equal(s_stats(&f).retries, 0);
    json_decref(out);
    opf_aws_session_free(role);
    opf_fake_free(&f);

    const struct opf_fake_answer again[] = {assumed, expired, assumed, expired, ORG};
    opf_fake_init(&f, again, N(again));
    role = opf_aws_session_assume_role(f.s, "arn:aws:iam::111122223333:role/Audit", NULL, "run");
    assert_non_null(role);
    assert_null(opf_aws_call(role, "organizations", "DescribeOrganization", NULL, 0, &err));
    assert_string_equal(err.code, "ExpiredTokenException");
    assert_int_equal(f.nrequests, 4);
    opf_aws_session_free(role);
    opf_fake_free(&f);
}

/* An answer past aws.max_answer_bytes is a failed attempt, retried like a cut answer. */
static void test_an_answer_past_the_size_cap(void **state)
{
    (void)state;
    static const struct opf_fake_answer big = {.status = 200, .body = "{\"Organization\":{\"Id\":\"o-a1b2c3d4e5\","
                                                                      "\"Arn\":\"arn:aws:organizations::111122223333:"
                                                                      "organization/o-a1b2c3d4e5\"}}"};
    const struct opf_fake_answer answers[] = {big, ORG};
    struct opf_fake f;
    opf_fake_init(&f, answers, N(answers));
    f.c->max_answer_bytes = (long)strlen(ORG.body);
    struct opf_aws_error err = {0};
    json_t *out = s_describe(&f, &err);
    assert_non_null(out);
    assert_int_equal(f.nrequests, 2);
    json_decref(out);
    opf_fake_free(&f);

    const struct opf_fake_answer always[] = {big};
    opf_fake_init(&f, always, N(always));
    f.c->max_answer_bytes = (long)strlen(ORG.body);
    assert_null(s_describe(&f, &err));
    assert_string_equal(err.code, "ResponseTooLarge");
    assert_non_null(strstr(err.message, "bytes (aws.max_answer_bytes): abandoned"));
    assert_int_equal(f.nrequests, 3);
    opf_fake_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_decisions),
        cmocka_unit_test(test_backoff_bounds),
        cmocka_unit_test(test_a_5xx_is_retried_after_a_backoff),
        cmocka_unit_test(test_max_attempts),
        cmocka_unit_test(test_a_definitive_error_is_not_retried),
        cmocka_unit_test(test_retry_quota),
        cmocka_unit_test(test_throttling_is_retried_until_the_call_budget_ends),
        cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_clock_skew_correction),
        cmocka_unit_test(test_a_connection_error_is_retried),
        cmocka_unit_test(test_expired_credentials_are_refreshed_once),
        cmocka_unit_test(test_an_answer_past_the_size_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
