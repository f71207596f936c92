/*
 * Fork and join within one account: the independent parts of an account's collection (the Account API reads,
 * the probes, the member's IAM reads once the role session exists, its resource policies) run beside each other
 * on a pool of helper threads shared by every account, so an account costs the length of its longest chain of
 * dependent calls rather than the sum of all of them. The pool's size, plus one worker per account in flight,
 * caps the requests in flight; the client's pacing applies to every request as before.
 *
 * A thread that joins runs its own jobs no helper has taken yet, so nested forks never wait for a free helper.
 * A job runs within the evidence item of the thread that forked it, so the item's time budget bounds it too.
 */
#include <stdlib.h>

#include "collect/collect_internal.h"

enum { S_QUEUED, S_TAKEN, S_DONE };

struct opf_collect_group {
    size_t pending;
    pthread_cond_t done;                 /* signalled when pending reaches 0 */
};

static void s_run(struct opf_collect *k, struct opf_collect_job *j)
{
    const struct opf_aws_item *mine = opf_aws_item_current();
    opf_aws_item_set(j->item);
    j->run(k, j->arg, j->ev);
    opf_aws_item_set(mine);
    pthread_mutex_lock(&k->pool.lock);
    j->state = S_DONE;
    if (--j->group->pending == 0)
        pthread_cond_signal(&j->group->done);
    pthread_mutex_unlock(&k->pool.lock);
}

/* Removes j from the queue (under the lock). */
static void s_unqueue(struct opf_collect *k, struct opf_collect_job *j)
{
    for (struct opf_collect_job **p = &k->pool.head; *p; p = &(*p)->next)
        if (*p == j) {
            *p = j->next;
            break;
        }
    j->next = NULL;
}

static void *s_helper(void *arg)
{
    struct opf_collect *k = arg;
    pthread_mutex_lock(&k->pool.lock);
    for (;;) {
        while (!k->pool.head && !k->pool.stop)
            pthread_cond_wait(&k->pool.work, &k->pool.lock);
        struct opf_collect_job *j = k->pool.head;
        if (!j)
            break; /* stopping, nothing left */
        s_unqueue(k, j);
        j->state = S_TAKEN;
        pthread_mutex_unlock(&k->pool.lock);
        s_run(k, j);
        pthread_mutex_lock(&k->pool.lock);
    }
    pthread_mutex_unlock(&k->pool.lock);
    return NULL;
}

void opf_collect_jobs(struct opf_collect *k, struct opf_collect_job *jobs, size_t n, json_t *ev)
{
    struct opf_collect_group g = {.pending = n};
    pthread_cond_init(&g.done, NULL);
    for (size_t i = 0; i < n; i++) {
        jobs[i].ev = json_object();
        jobs[i].group = &g;
        jobs[i].item = opf_aws_item_current();
        jobs[i].state = S_TAKEN;
        jobs[i].next = NULL;
    }
    pthread_mutex_lock(&k->pool.lock);
    for (size_t i = 1; k->pool.nthreads && i < n; i++) { /* the caller starts with the first */
        jobs[i].state = S_QUEUED;
        struct opf_collect_job **tail = &k->pool.head;
        while (*tail)
            tail = &(*tail)->next;
        *tail = &jobs[i];
        pthread_cond_signal(&k->pool.work);
    }
    pthread_mutex_unlock(&k->pool.lock);
    for (size_t i = 0; i < n; i++) {
        pthread_mutex_lock(&k->pool.lock);
        bool mine = jobs[i].state != S_DONE && (i == 0 || jobs[i].state == S_QUEUED || !k->pool.nthreads);
        if (mine && jobs[i].state == S_QUEUED) {
            s_unqueue(k, &jobs[i]);
            jobs[i].state = S_TAKEN;
        }
        pthread_mutex_unlock(&k->pool.lock);
        if (mine)
            s_run(k, &jobs[i]);
    }
    pthread_mutex_lock(&k->pool.lock);
    while (g.pending > 0)
        pthread_cond_wait(&g.done, &k->pool.lock);
    pthread_mutex_unlock(&k->pool.lock);
    pthread_cond_destroy(&g.done);
    /* in the jobs' order, so the bundle's key order does not depend on timing */
    for (size_t i = 0; i < n; i++) {
        json_object_update(ev, jobs[i].ev);
        json_decref(jobs[i].ev);
    }
}

void opf_collect_pool_start(struct opf_collect *k, int threads)
{
    pthread_mutex_init(&k->pool.lock, NULL);
    pthread_cond_init(&k->pool.work, NULL);
    k->pool.threads = threads > 0 ? calloc((size_t)threads, sizeof(*k->pool.threads)) : NULL;
    for (int i = 0; k->pool.threads && i < threads; i++)
        if (pthread_create(&k->pool.threads[k->pool.nthreads], NULL, s_helper, k) == 0)
            k->pool.nthreads++;
}

void opf_collect_pool_stop(struct opf_collect *k)
{
    pthread_mutex_lock(&k->pool.lock);
    k->pool.stop = true;
    pthread_cond_broadcast(&k->pool.work);
    pthread_mutex_unlock(&k->pool.lock);
    for (int i = 0; i < k->pool.nthreads; i++)
        pthread_join(k->pool.threads[i], NULL);
    free(k->pool.threads);
    pthread_mutex_destroy(&k->pool.lock);
    pthread_cond_destroy(&k->pool.work);
}
