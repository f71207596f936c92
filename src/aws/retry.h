/* The SDKs' retries: which answers are retried, the backoff, the retry quota (a token bucket per session, as one
 * SDK client has), and the decision after each failed attempt. */
#ifndef OPF_AWS_RETRY_H
#define OPF_AWS_RETRY_H

#include <stdbool.h>
#include <time.h>

#include "orgpreflight/export.h"

struct opf_aws_session;
struct opf_aws_error;

#define RETRY_BUCKET_MAX 500 /* the SDKs' standard retry mode: tokens per client */

bool opf_aws_retryable(const char *code, long status);
bool opf_aws_throttling(const char *code, long status);
/* Full jitter: a random wait from 0 to base_ms x 2^(attempt-1), capped at 20 s. */
long opf_aws_backoff_ms(long base_ms, int attempt);

/* What one call (one page) has spent on retries so far; zeroed before its first attempt. */
struct opf_retry {
    int failures;            /* failed attempts charged to max_attempts */
    int cost;                /* retry tokens taken */
    bool clock_corrected, refreshed;
    bool force_refresh;      /* out: get new credentials before the next attempt */
};

enum opf_retry_step {
    OPF_RETRY_STOP,          /* the error in err is the call's */
    OPF_RETRY_NOW,           /* send again at once, uncharged: the clock was corrected or credentials expired */
    OPF_RETRY_BACKOFF,       /* send again after *wait_ms */
};

/* After attempt `attempt` failed with err: whether and when to send again. `answered`: an HTTP answer came
 * (server_date and retry_after_ms are its headers'); `sign`: the request is signed. Takes the retry tokens a
 * retry costs and counts the client's retries, throttles and refreshes. */
OPF_MUST_USE enum opf_retry_step opf_aws_retry_next(struct opf_aws_session *s, struct opf_retry *r, int attempt,
                                                    const struct opf_aws_error *err, bool answered, bool sign,
                                                    time_t server_date, long retry_after_ms, long *wait_ms);
/* The call ended with an answer, or an error that says the service is healthy: the tokens it took come back
 * (one when it took none). */
void opf_aws_retry_refund(struct opf_aws_session *s, const struct opf_retry *r);

#endif
