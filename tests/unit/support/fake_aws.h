/*
 * A fake transport and clock for the AWS client's unit tests: canned answers handed out in order, every request
 * recorded, and a clock that stands still until the client sleeps on it, so retries, pacing and pagination run
 * in microseconds and the same way every time.
 */
#ifndef OPF_FAKE_AWS_H
#define OPF_FAKE_AWS_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "aws/client.h"

#define OPF_FAKE_WALL 1796212800   /* 2026-12-02T12:00:00Z: the calendar when the fake clock starts */
#define OPF_FAKE_START_MS 1000000L /* its monotonic start: far from 0, as a real uptime is */
#define OPF_FAKE_MAX 512

struct opf_fake_answer {
    long status;                 /* 0: no answer, a transport error (ConnectionError) */
    const char *body;
    const char *error_type;      /* x-amzn-ErrorType */
    time_t date;                 /* Date header */
    long retry_after_ms;         /* x-amz-retry-after */
};

struct opf_fake_request {
    char url[512];
    char amz_date[17];           /* X-Amz-Date, "" when unsigned */
    char body[512];
    long at_ms;                  /* on the fake clock, from its start */
};

struct opf_fake {
    struct opf_aws_transport transport;
    struct opf_aws_clock clock;
    pthread_mutex_t lock;
    long now_ms;
    time_t wall;
    long slept_ms[OPF_FAKE_MAX]; /* every sleep the client made, in order */
    size_t nslept;
    const struct opf_fake_answer *answers; /* handed out in order; the last one repeats */
    size_t nanswers, next;
    struct opf_fake_request requests[OPF_FAKE_MAX];
    size_t nrequests;
    /* in-flight: while hold is set an exchange waits in the transport until it is cleared */
    bool hold;
    int in_flight, max_in_flight;
    pthread_cond_t changed;
    struct opf_aws_client *c;
    struct opf_aws_session *s;   /* static keys */
};

/* A client over the fake (no config file, region us-east-1, pacing on, the environment's AWS settings cleared)
 * and a session of static keys; the answers are borrowed. */
void opf_fake_init(struct opf_fake *f, const struct opf_fake_answer *answers, size_t nanswers);
void opf_fake_free(struct opf_fake *f);
/* Waits (real time, at most 5 s) until n exchanges are in the transport at once; false when they never are. */
bool opf_fake_wait_in_flight(struct opf_fake *f, int n);
void opf_fake_release(struct opf_fake *f);

#endif
