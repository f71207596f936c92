/* Bounds of a call: interruptible waits, the time budget, validated count settings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/client.h"
#include "aws/limits.h"

#define WAIT_SLICE_MS 50L   /* how soon a signal ends a wait */

long opf_aws_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

bool opf_aws_interrupted(const struct opf_aws_client *c)
{
    return c->interrupted && *c->interrupted;
}

void opf_aws_error_stopped(const struct opf_aws_client *c, struct opf_aws_error *err)
{
    char last[sizeof(err->code) + sizeof(err->message) + 8] = "";
    if (err->code[0]) /* the answer that was being retried: what the budget could not get past */
        snprintf(last, sizeof(last), "; last answer %s: %s", err->code, err->message);
    if (opf_aws_interrupted(c))
        opf_aws_error_set(err, "Interrupted", "interrupted by a signal before an answer%s", last);
    else
        opf_aws_error_set(err, "CallBudgetExceeded", "no answer within the call's time budget of %ld s (aws.call_budget_seconds)%s",
                          c->call_budget_ms / 1000, last);
}

bool opf_aws_wait(const struct opf_aws_client *c, long ms, long deadline_ms, struct opf_aws_error *err)
{
    long now = opf_aws_now_ms(), until = now + (ms > 0 ? ms : 0);
    bool clipped = deadline_ms > 0 && until > deadline_ms;
    if (clipped)
        until = deadline_ms;
    for (; !opf_aws_interrupted(c) && now < until; now = opf_aws_now_ms()) {
        long slice = until - now < WAIT_SLICE_MS ? until - now : WAIT_SLICE_MS;
        struct timespec ts = {slice / 1000, (slice % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !opf_aws_interrupted(c))
            ;
    }
    if (!opf_aws_interrupted(c) && !clipped)
        return true;
    opf_aws_error_stopped(c, err);
    return false;
}

int opf_aws_parse_count(const char *name, const char *text, long min, long max, int *out, struct opf_aws_error *err)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max) {
        opf_aws_error_set(err, "ConfigError", "%s: \"%.40s\" is not a whole number from %ld to %ld", name, text, min, max);
        return -1;
    }
    *out = (int)v;
    return 0;
}
