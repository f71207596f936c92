/*
 * What the client sends through and what it waits by, both injectable (the client's options): the transport
 * does one HTTP exchange, the clock tells the time and sleeps. By default they are libcurl (http.c) and the
 * system's clocks (clock.c); the unit tests give canned answers and a clock that only moves when slept on.
 */
#ifndef OPF_AWS_TRANSPORT_H
#define OPF_AWS_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "aws/sigv4.h"
#include "core/buf.h"
#include "orgpreflight/export.h"

struct opf_aws_client;
struct opf_aws_error;

struct opf_http_request {
    const char *method, *url;
    const struct opf_header *headers;  /* sent as given (the transport adds Host) */
    size_t nheaders;
    const char *body;                  /* NULL: none */
    long deadline_ms;                  /* on the client's clock: the exchange ends by then (0: the read timeout) */
};

struct opf_http_resp {
    long status;
    struct opf_buf body;
    char error_type[128];     /* x-amzn-ErrorType */
    char request_id[96];
    long retry_after_ms;      /* x-amz-retry-after */
    time_t date;              /* Date, 0 when absent */
};

struct opf_aws_transport {
    /* One exchange: 0 with resp filled (any status), or -1 with a transport error in err (ConnectionError,
     * RequestTimeout, TLSError, ResponseTooLarge past aws.max_answer_bytes, Interrupted). */
    int (*exchange)(void *ctx, const struct opf_http_request *req, struct opf_http_resp *resp,
                    struct opf_aws_error *err);
    void *ctx;
};

struct opf_aws_clock {
    long (*now_ms)(void *ctx);         /* monotonic: deadlines, budgets, pacing, backoff */
    time_t (*wall)(void *ctx);         /* the calendar: signing, the expiry of credentials */
    /* Returns once now_ms reaches until_ms, or sooner when *interrupted (may be NULL) becomes non-zero: it looks
     * at the flag at least every 50 ms. */
    void (*sleep_until)(void *ctx, long until_ms, volatile int *interrupted);
    void *ctx;
};

/* The system's clocks (clock.c): CLOCK_MONOTONIC, time(), nanosleep in slices. */
extern const struct opf_aws_clock opf_aws_system_clock;

/* One exchange through the client's transport, traced to --debug with secrets redacted (http.c). */
OPF_MUST_USE int opf_aws_http(struct opf_aws_client *c, const struct opf_http_request *req, struct opf_http_resp *resp,
                              struct opf_aws_error *err);

/* The libcurl transport (http.c): starts its event-loop thread; -1 with err when it cannot. */
OPF_MUST_USE int opf_aws_curl_start(struct opf_aws_client *c, struct opf_aws_transport *out, struct opf_aws_error *err);
/* Ends the loop once its transfers are done and frees it. */
void opf_aws_curl_stop(struct opf_aws_transport *t);

/* ---- time on the client's clock (clock.c) ---- */
long opf_aws_now_ms(const struct opf_aws_client *c);
time_t opf_aws_wall(const struct opf_aws_client *c);
/* The signing clock: the calendar, corrected by the offset a skewed answer showed. */
time_t opf_aws_clock_now(const struct opf_aws_client *c);
/* An HTTP Date header (RFC 1123) as a time, 0 when unreadable. */
time_t opf_aws_http_date(const char *v);
/* After an error answer: when `code` is a clock-skew error and the answer's Date is five minutes or more from
 * the signing clock, sets the offset and returns true (the caller signs again and retries once). */
bool opf_aws_clock_correct(struct opf_aws_client *c, const char *code, time_t server_date);

#endif
