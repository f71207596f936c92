/* The client's clock: the system's by default (or the one its options inject), and the signing clock, corrected
 * when AWS says a request's time is skewed, as the SDKs do (the JavaScript and Java SDKs: an offset from the
 * answer's Date header when it is five minutes or more away). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/client.h"
#include "core/core.h"

#define SKEW_WINDOW_S 300
#define SLEEP_SLICE_MS 50L   /* how soon a signal ends a sleep */

static long s_monotonic_ms(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static time_t s_calendar(void *ctx)
{
    (void)ctx;
    return time(NULL);
}

static void s_sleep_until(void *ctx, long until_ms, volatile int *interrupted)
{
    for (long now = s_monotonic_ms(ctx); !(interrupted && *interrupted) && now < until_ms; now = s_monotonic_ms(ctx)) {
        long slice = until_ms - now < SLEEP_SLICE_MS ? until_ms - now : SLEEP_SLICE_MS;
        struct timespec ts = {slice / 1000, (slice % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !(interrupted && *interrupted))
            ;
    }
}

const struct opf_aws_clock opf_aws_system_clock = {s_monotonic_ms, s_calendar, s_sleep_until, NULL};

long opf_aws_now_ms(const struct opf_aws_client *c)
{
    return c->clock.now_ms(c->clock.ctx);
}

time_t opf_aws_wall(const struct opf_aws_client *c)
{
    return c->clock.wall(c->clock.ctx);
}

time_t opf_aws_clock_now(const struct opf_aws_client *c)
{
    return opf_aws_wall(c) + (time_t)atomic_load(&c->clock_offset_s);
}

time_t opf_aws_http_date(const char *v)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int d, y, h, mi, s;
    char mon[4], iso[32];
    if (sscanf(v, "%*3s, %d %3s %d %d:%d:%d", &d, mon, &y, &h, &mi, &s) != 6)
        return 0;
    const char *m = strstr(months, mon);
    time_t t = 0;
    if (!m || strlen(mon) != 3 || (m - months) % 3)
        return 0;
    snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, (int)(m - months) / 3 + 1, d, h, mi, s);
    return opf_time_parse(iso, &t) ? t : 0;
}

bool opf_aws_clock_correct(struct opf_aws_client *c, const char *code, time_t server_date)
{
    static const char *const skew_codes[] = {"RequestTimeTooSkewed", "SignatureDoesNotMatch",
                                             "InvalidSignatureException", "RequestExpired", "RequestInTheFuture",
                                             "AuthFailure"};
    bool skew_error = false;
    for (size_t i = 0; i < sizeof(skew_codes) / sizeof(skew_codes[0]); i++)
        skew_error = skew_error || strcmp(code, skew_codes[i]) == 0;
    time_t now = opf_aws_wall(c);
    long offset = atomic_load(&c->clock_offset_s);
    if (!skew_error || server_date <= 0 || labs((long)(now + offset - server_date)) < SKEW_WINDOW_S)
        return false;
    atomic_store(&c->clock_offset_s, (long)(server_date - now));
    return true;
}
