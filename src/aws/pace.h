/* The client's own pacing (pace.c): the Account API's published quotas as token buckets, an adaptive sending
 * rate per service that throttles, and at most a few Organizations calls in flight. */
#ifndef OPF_AWS_PACE_H
#define OPF_AWS_PACE_H

#include <pthread.h>
#include <stdbool.h>

#include <jansson.h>

#include "orgpreflight/export.h"

struct opf_aws_client;
struct opf_aws_error;
struct opf_aws_service;
struct opf_aws_operation;

#define OPF_ORGANIZATIONS_IN_FLIGHT 4

struct opf_pace_bucket {               /* a token bucket of the Account API's quotas */
    double tokens;
    long at_ms;
};

struct opf_adaptive {                  /* a service's sending rate, lowered when it throttles */
    const void *service;
    double rate, tokens, measured;     /* rate: requests per second, 0 while not limited */
    long at_ms, cut_ms, window_ms;
    unsigned window_count;             /* requests sent since window_ms */
};

struct opf_pacer {
    bool on;                           /* false with OPF_PACING=off */
    pthread_mutex_t lock;
    pthread_cond_t orgs_cond;
    int orgs_in_flight;
    struct opf_adaptive adaptive[8];
    size_t nadaptive;
    struct opf_pace_bucket *buckets;
    json_t *index;                     /* "Operation/scope" -> index in buckets */
    size_t nbuckets;
};

void opf_aws_pacer_init(struct opf_pacer *p, bool on);
void opf_aws_pacer_free(struct opf_pacer *p);

/* Waits for the service's pace before a request; false (err filled, no slot held) when a signal or the
 * deadline ends the wait. */
OPF_MUST_USE bool opf_aws_pace_begin(struct opf_aws_client *c, const struct opf_aws_service *svc,
                                     const struct opf_aws_operation *op, const json_t *input, long deadline_ms,
                                     struct opf_aws_error *err);
/* The request is done: its Organizations slot is free. */
void opf_aws_pace_end(struct opf_aws_client *c, const struct opf_aws_service *svc);
/* The service answered (throttled or not): its adaptive rate follows. */
void opf_aws_pace_feedback(struct opf_aws_client *c, const struct opf_aws_service *svc, bool throttled);

#endif
