/* The fake transport and clock of fake_aws.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_aws.h"

static long s_now(void *ctx)
{
    struct opf_fake *f = ctx;
    pthread_mutex_lock(&f->lock);
    long now = f->now_ms;
    pthread_mutex_unlock(&f->lock);
    return now;
}

static time_t s_wall(void *ctx)
{
    struct opf_fake *f = ctx;
    pthread_mutex_lock(&f->lock);
    time_t wall = f->wall + (f->now_ms - OPF_FAKE_START_MS) / 1000;
    pthread_mutex_unlock(&f->lock);
    return wall;
}

/* Sleeping moves the clock to until_ms at once (a signal already set ends it before). */
static void s_sleep_until(void *ctx, long until_ms, volatile int *interrupted)
{
    struct opf_fake *f = ctx;
    if (interrupted && *interrupted)
        return;
    pthread_mutex_lock(&f->lock);
    if (until_ms > f->now_ms) {
        if (f->nslept < OPF_FAKE_MAX)
            f->slept_ms[f->nslept++] = until_ms - f->now_ms;
        f->now_ms = until_ms;
    }
    pthread_mutex_unlock(&f->lock);
}

static void s_record(struct opf_fake *f, const struct opf_http_request *req)
{
    if (f->nrequests >= OPF_FAKE_MAX)
        fail_msg("more than %d requests", OPF_FAKE_MAX);
    struct opf_fake_request *r = &f->requests[f->nrequests++];
    snprintf(r->url, sizeof(r->url), "%s", req->url);
    snprintf(r->body, sizeof(r->body), "%s", req->body ? req->body : "");
    r->amz_date[0] = '\0';
    for (size_t i = 0; i < req->nheaders; i++)
        if (strcmp(req->headers[i].name, "X-Amz-Date") == 0)
            snprintf(r->amz_date, sizeof(r->amz_date), "%s", req->headers[i].value);
    r->at_ms = f->now_ms - OPF_FAKE_START_MS;
}

static int s_exchange(void *ctx, const struct opf_http_request *req, struct opf_http_resp *resp,
                      struct opf_aws_error *err)
{
    struct opf_fake *f = ctx;
    pthread_mutex_lock(&f->lock);
    s_record(f, req);
    const struct opf_fake_answer *a = &f->answers[f->next < f->nanswers ? f->next : f->nanswers - 1];
    f->next++;
    if (++f->in_flight > f->max_in_flight)
        f->max_in_flight = f->in_flight;
    pthread_cond_broadcast(&f->changed);
    while (f->hold)
        pthread_cond_wait(&f->changed, &f->lock);
    f->in_flight--;
    pthread_mutex_unlock(&f->lock);
    if (a->status == 0) {
        opf_aws_error_set(err, "ConnectionError", "%s: connection reset", req->url);
        return -1;
    }
    resp->status = a->status;
    opf_buf_puts(&resp->body, a->body ? a->body : "");
    snprintf(resp->error_type, sizeof(resp->error_type), "%s", a->error_type ? a->error_type : "");
    snprintf(resp->request_id, sizeof(resp->request_id), "fake-%zu", f->nrequests);
    resp->date = a->date;
    resp->retry_after_ms = a->retry_after_ms;
    return 0;
}

void opf_fake_init(struct opf_fake *f, const struct opf_fake_answer *answers, size_t nanswers)
{
    static const char *const cleared[] = {"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_REGION", "AWS_MAX_ATTEMPTS",
                                          "AWS_RETRY_MODE", "AWS_ENDPOINT_URL", "AWS_CA_BUNDLE", "OPF_PACING",
                                          "OPF_RETRY_BASE_MS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"};
    for (size_t i = 0; i < sizeof(cleared) / sizeof(cleared[0]); i++)
        unsetenv(cleared[i]);
    setenv("AWS_CONFIG_FILE", "/nonexistent/orgpreflight-test/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/orgpreflight-test/credentials", 1);
    setenv("AWS_REGION", "us-east-1", 1);
    memset(f, 0, sizeof(*f));
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->changed, NULL);
    f->wall = OPF_FAKE_WALL;
    f->now_ms = OPF_FAKE_START_MS;
    f->answers = answers;
    f->nanswers = nanswers;
    f->transport = (struct opf_aws_transport){s_exchange, f};
    f->clock = (struct opf_aws_clock){s_now, s_wall, s_sleep_until, f};
    struct opf_aws_client_options o = {.transport = &f->transport, .clock = &f->clock};
    struct opf_aws_error err = {0};
    f->c = opf_aws_client_new(&o, &err);
    if (!f->c)
        fail_msg("client: %s: %s", err.code, err.message);
    f->s = opf_aws_session_static(f->c, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL,
                                  json_pack("{s:s}", "source", "static"));
    assert_non_null(f->s);
}

void opf_fake_free(struct opf_fake *f)
{
    opf_aws_session_free(f->s);
    opf_aws_client_free(f->c);
    pthread_cond_destroy(&f->changed);
    pthread_mutex_destroy(&f->lock);
}

bool opf_fake_wait_in_flight(struct opf_fake *f, int n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&f->lock);
    int rc = 0;
    while (f->in_flight < n && rc == 0)
        rc = pthread_cond_timedwait(&f->changed, &f->lock, &until);
    bool reached = f->in_flight >= n;
    pthread_mutex_unlock(&f->lock);
    return reached;
}

void opf_fake_release(struct opf_fake *f)
{
    pthread_mutex_lock(&f->lock);
    f->hold = false;
    pthread_cond_broadcast(&f->changed);
    pthread_mutex_unlock(&f->lock);
}
