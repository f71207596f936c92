/* The client's own pacing, so that a large organization is read at the rates AWS accepts instead of retried into
 * failures. Every wait is on the client's clock and ends at a signal or the call's deadline. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/client.h"
#include "aws/limits.h"
#include "aws/model.h"
#include "aws/pace.h"
#include "aws/transport.h"

#define SLOT_WAKE_MS 50L   /* how often a wait for an Organizations slot looks at the signal flag */

/* AWS's published Account Management quotas (docs.aws.amazon.com/accounts/latest/reference/quotas.html):
 * requests per second and burst of each read, per caller account or per target account. */
static const struct {
    const char *operation;
    double rate, burst;
    bool per_caller;
} s_account_quotas[] = {
    {"GetAccountInformation", 3, 3, true},   {"GetPrimaryEmail", 3, 3, true},
    {"GetAlternateContact", 10, 15, false},  {"GetContactInformation", 10, 15, false},
};

void opf_aws_pacer_init(struct opf_pacer *p, bool on)
{
    *p = (struct opf_pacer){.on = on, .index = json_object()};
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->orgs_cond, NULL);
}

void opf_aws_pacer_free(struct opf_pacer *p)
{
    free(p->buckets);
    json_decref(p->index);
    pthread_cond_destroy(&p->orgs_cond);
    pthread_mutex_destroy(&p->lock);
}

/* Reserves one token of a bucket (under p->lock); returns how long to wait for it (ms). Tokens may go negative:
 * callers queue behind each other in order. */
static long s_bucket_reserve(struct opf_pacer *p, const char *key, double rate, double burst, long now)
{
    json_t *slot = json_object_get(p->index, key);
    size_t i = slot ? (size_t)json_integer_value(slot) : p->nbuckets;
    if (!slot) {
        struct opf_pace_bucket *n = realloc(p->buckets, (p->nbuckets + 1) * sizeof(*n));
        if (!n)
            return 0;
        p->buckets = n;
        p->buckets[i] = (struct opf_pace_bucket){.tokens = burst, .at_ms = now};
        json_object_set_new(p->index, key, json_integer((json_int_t)i));
        p->nbuckets++;
    }
    struct opf_pace_bucket *b = &p->buckets[i];
    b->tokens += (double)(now - b->at_ms) * rate / 1000.0;
    if (b->tokens > burst)
        b->tokens = burst;
    b->at_ms = now;
    b->tokens -= 1;
    return b->tokens < 0 ? (long)(-b->tokens * 1000.0 / rate + 0.5) : 0;
}

/* The adaptive rate of a service (found or added, under p->lock). */
static struct opf_adaptive *s_adaptive(struct opf_pacer *p, const struct opf_aws_service *svc)
{
    size_t i;
    for (i = 0; i < p->nadaptive && p->adaptive[i].service != svc; i++)
        ;
    if (i == p->nadaptive && i < sizeof(p->adaptive) / sizeof(p->adaptive[0]))
        p->adaptive[p->nadaptive++] = (struct opf_adaptive){.service = svc};
    return i < p->nadaptive ? &p->adaptive[i] : NULL;
}

/* Counts one request of the service and reserves a token at its adaptive rate: how long to wait (ms). */
static long s_adaptive_reserve(struct opf_adaptive *a, long now)
{
    if (now - a->window_ms >= 1000) {
        a->measured = a->window_ms ? a->window_count * 1000.0 / (double)(now - a->window_ms) : 0;
        a->window_ms = now;
        a->window_count = 0;
    }
    a->window_count++;
    if (a->rate <= 0)
        return 0;
    a->tokens += (double)(now - a->at_ms) * a->rate / 1000.0;
    if (a->tokens > 1)
        a->tokens = 1;
    a->at_ms = now;
    a->tokens -= 1;
    return a->tokens < 0 ? (long)(-a->tokens * 1000.0 / a->rate + 0.5) : 0;
}

/* A service that throttles gets a sending rate: 0.7 x what was sent (at most one cut per half second); each
 * success raises it by 0.5 request/s per second, until it no longer binds. Services whose quotas AWS does not
 * publish (Organizations, IAM, STS) settle at the rate they accept, instead of retrying into a failure. */
void opf_aws_pace_feedback(struct opf_aws_client *c, const struct opf_aws_service *svc, bool throttled)
{
    struct opf_pacer *p = &c->pacer;
    if (!p->on)
        return;
    long now = opf_aws_now_ms(c);
    pthread_mutex_lock(&p->lock);
    struct opf_adaptive *a = s_adaptive(p, svc);
    if (a && throttled && now - a->cut_ms >= 500) {
        double sent = a->window_count * 1000.0 / (double)(now - a->window_ms > 250 ? now - a->window_ms : 250);
        double base = a->rate > 0 ? a->rate : sent > a->measured ? sent : a->measured;
        a->rate = base * 0.7 > 0.5 ? base * 0.7 : 0.5;
        a->tokens = 0;
        a->at_ms = a->cut_ms = now;
    } else if (a && !throttled && a->rate > 0) {
        a->rate += 0.5 / a->rate;
        if (a->rate > 1000)
            a->rate = 0;
    }
    pthread_mutex_unlock(&p->lock);
}

/* Waits for a slot of Organizations' few calls in flight; false (err filled) when a signal or the deadline
 * comes first. */
static bool s_orgs_slot(struct opf_aws_client *c, long deadline_ms, struct opf_aws_error *err)
{
    struct opf_pacer *p = &c->pacer;
    pthread_mutex_lock(&p->lock);
    while (p->orgs_in_flight >= OPF_ORGANIZATIONS_IN_FLIGHT && !opf_aws_interrupted(c) &&
           opf_aws_now_ms(c) < deadline_ms) {
        struct timespec until; /* a real-time slice of the condition's wait, to look at the flag and the deadline */
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += SLOT_WAKE_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&p->orgs_cond, &p->lock, &until);
    }
    bool got = p->orgs_in_flight < OPF_ORGANIZATIONS_IN_FLIGHT && !opf_aws_interrupted(c);
    p->orgs_in_flight += got;
    pthread_mutex_unlock(&p->lock);
    if (!got)
        opf_aws_error_stopped(c, err);
    return got;
}

/* Waits for the Account API's bucket of op, when it has one. */
static bool s_account_quota(struct opf_aws_client *c, const struct opf_aws_operation *op, const json_t *input,
                            long deadline_ms, struct opf_aws_error *err)
{
    for (size_t q = 0; q < sizeof(s_account_quotas) / sizeof(s_account_quotas[0]); q++) {
        if (strcmp(op->name, s_account_quotas[q].operation) != 0)
            continue;
        const char *target = json_string_value(json_object_get(input, "AccountId"));
        char key[64];
        snprintf(key, sizeof(key), "%s/%s", op->name, s_account_quotas[q].per_caller ? "caller" : target ? target : "self");
        pthread_mutex_lock(&c->pacer.lock);
        long wait = s_bucket_reserve(&c->pacer, key, s_account_quotas[q].rate, s_account_quotas[q].burst,
                                     opf_aws_now_ms(c));
        pthread_mutex_unlock(&c->pacer.lock);
        if (!opf_aws_wait(c, wait, deadline_ms, err))
            return false;
    }
    return true;
}

bool opf_aws_pace_begin(struct opf_aws_client *c, const struct opf_aws_service *svc, const struct opf_aws_operation *op,
                        const json_t *input, long deadline_ms, struct opf_aws_error *err)
{
    struct opf_pacer *p = &c->pacer;
    if (!p->on)
        return true;
    pthread_mutex_lock(&p->lock);
    struct opf_adaptive *a = s_adaptive(p, svc);
    long adaptive_wait = a ? s_adaptive_reserve(a, opf_aws_now_ms(c)) : 0;
    pthread_mutex_unlock(&p->lock);
    if (!opf_aws_wait(c, adaptive_wait, deadline_ms, err))
        return false;
    if (strcmp(svc->name, "organizations") == 0) /* Organizations throttles a management account quickly */
        return s_orgs_slot(c, deadline_ms, err);
    return strcmp(svc->name, "account") != 0 || s_account_quota(c, op, input, deadline_ms, err);
}

void opf_aws_pace_end(struct opf_aws_client *c, const struct opf_aws_service *svc)
{
    struct opf_pacer *p = &c->pacer;
    if (p->on && strcmp(svc->name, "organizations") == 0) {
        pthread_mutex_lock(&p->lock);
        p->orgs_in_flight--;
        pthread_cond_signal(&p->orgs_cond);
        pthread_mutex_unlock(&p->lock);
    }
}
