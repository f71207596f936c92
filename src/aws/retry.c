/* Retries as the SDKs' standard and legacy modes make them: throttling is retried at the adaptive rate until the
 * call's time budget ends; other transient errors up to max_attempts, each retry paid from the session's retry
 * quota (not in legacy mode); a skewed clock and expired credentials get one free retry each. */
#include <stdatomic.h>
#include <string.h>

#include <openssl/rand.h>

#include "aws/client.h"
#include "aws/retry.h"
#include "aws/transport.h"

#define RETRY_COST 5
#define RETRY_TIMEOUT_COST 10
#define BACKOFF_CAP_MS 20000L

bool opf_aws_retryable(const char *code, long status)
{
    static const char *const codes[] = {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown",
        "PriorRequestNotComplete", "EC2ThrottledException", "RequestTimeout", "RequestTimeoutException",
        "InternalError", "InternalFailure", "ServiceUnavailable", "ConnectionError", "MalformedResponse",
        "IDPCommunicationError", "ResponseTooLarge", NULL};
    for (const char *const *c = codes; *c; c++)
        if (strcmp(*c, code) == 0)
            return true;
    return status == 500 || status == 502 || status == 503 || status == 504 || status == 429;
}

bool opf_aws_throttling(const char *code, long status)
{
    return status == 429 || strstr(code, "Throttl") || strcmp(code, "TooManyRequestsException") == 0 ||
           strcmp(code, "RequestLimitExceeded") == 0 || strcmp(code, "SlowDown") == 0 ||
           strcmp(code, "LimitExceededException") == 0;
}

long opf_aws_backoff_ms(long base_ms, int attempt)
{
    long cap = base_ms;
    for (int i = 1; i < attempt && cap < BACKOFF_CAP_MS; i++)
        cap *= 2;
    if (cap > BACKOFF_CAP_MS)
        cap = BACKOFF_CAP_MS;
    unsigned int r = 0;
    RAND_bytes((unsigned char *)&r, sizeof(r));
    return cap > 0 ? (long)(r % (unsigned long)(cap + 1)) : 0; /* full jitter */
}

static bool s_take_tokens(struct opf_aws_session *s, int cost)
{
    int have = atomic_load(&s->bucket);
    while (have >= cost)
        if (atomic_compare_exchange_weak(&s->bucket, &have, have - cost))
            return true;
    return false;
}

void opf_aws_retry_refund(struct opf_aws_session *s, const struct opf_retry *r)
{
    int n = r->cost ? r->cost : 1;
    int have = atomic_load(&s->bucket);
    while (!atomic_compare_exchange_weak(&s->bucket, &have, have + n > RETRY_BUCKET_MAX ? RETRY_BUCKET_MAX : have + n))
        ;
}

static bool s_expired_token(const char *code)
{
    return strcmp(code, "ExpiredToken") == 0 || strcmp(code, "ExpiredTokenException") == 0 ||
           strcmp(code, "RequestExpired") == 0;
}

enum opf_retry_step opf_aws_retry_next(struct opf_aws_session *s, struct opf_retry *r, int attempt,
                                       const struct opf_aws_error *err, bool answered, bool sign,
                                       time_t server_date, long retry_after_ms, long *wait_ms)
{
    struct opf_aws_client *c = s->c;
    if (sign && !r->clock_corrected && answered && opf_aws_clock_correct(c, err->code, server_date)) {
        r->clock_corrected = true; /* signed with a wrong clock: once more with the server's time, uncharged */
        return OPF_RETRY_NOW;
    }
    if (sign && !r->refreshed && s_expired_token(err->code) && opf_aws_session_refreshable(s)) {
        /* expired credentials: refresh once, charged neither to the attempts nor to the retry budget */
        r->refreshed = r->force_refresh = true;
        opf_aws_count(c, &c->stats.refreshes);
        return OPF_RETRY_NOW;
    }
    bool throttled = opf_aws_throttling(err->code, err->http_status);
    if (throttled)
        opf_aws_count(c, &c->stats.throttled);
    if (!opf_aws_retryable(err->code, err->http_status)) {
        /* a definitive answer (NoSuchEntity, AccessDenied, ...): the service is healthy, refund as a success */
        opf_aws_retry_refund(s, r);
        return OPF_RETRY_STOP;
    }
    if (!throttled) { /* other errors: the attempts and the retry tokens of the SDKs' standard mode */
        if (++r->failures >= c->max_attempts)
            return OPF_RETRY_STOP;
        int cost = strcmp(err->code, "RequestTimeout") == 0 ? RETRY_TIMEOUT_COST : RETRY_COST;
        if (c->retry_mode != OPF_RETRY_LEGACY && !s_take_tokens(s, cost)) /* legacy: no retry quota */
            return OPF_RETRY_STOP;
        r->cost += cost;
    } /* throttling costs no evidence: retried at the adaptive rate until the call's time budget ends */
    opf_aws_count(c, &c->stats.retries);
    *wait_ms = retry_after_ms > 0 ? retry_after_ms : opf_aws_backoff_ms(c->backoff_base_ms, attempt);
    return OPF_RETRY_BACKOFF;
}
