/* Shared caches of one collection (DNS answers, managed policies, permission set names), filled once. */
#include "collect/collect_internal.h"

/* Shared caches are filled once: an entry being fetched holds json_null(), and other workers wait for it
 * instead of sending the same request. Returns the cached value (a reference), or NULL when the caller
 * must fetch it and then call s_cache_fill. */
json_t *opf_collect_cache_claim(struct opf_collect *k, json_t *cache, const char *key)
{
    pthread_mutex_lock(&k->lock);
    json_t *v;
    while ((v = json_object_get(cache, key)) && json_is_null(v))
        pthread_cond_wait(&k->filled, &k->lock);
    if (!v)
        json_object_set_new(cache, key, json_null());
    json_incref(v);
    pthread_mutex_unlock(&k->lock);
    return v;
}

/* Stores a claimed entry (value borrowed), or releases the claim on failure so that another worker tries. */
void opf_collect_cache_fill(struct opf_collect *k, json_t *cache, const char *key, json_t *value)
{
    pthread_mutex_lock(&k->lock);
    if (value)
        json_object_set(cache, key, value);
    else
        json_object_del(cache, key);
    pthread_cond_broadcast(&k->filled);
    pthread_mutex_unlock(&k->lock);
}
