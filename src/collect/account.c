/*
 * One account's evidence, dispatched from the table of providers.c: the organization's reads (account_org.c)
 * first, then side by side the operator's jobs (Account API, Identity Center, probes) and the member's chain:
 * its role session (member.c), then the MEMBER rows' jobs and the account's scans, side by side again.
 */
#include <stdlib.h>
#include <string.h>

#include "collect/collect_internal.h"
#include "collect/providers.h"

/* The jobs of the rows of `caller` (LOCAL rows go with the operator's) that a selected check reads, one per job
 * function, in the table's order; returns how many (at most max). */
static size_t s_jobs(struct opf_collect *k, enum opf_provider_caller caller, void *arg, struct opf_collect_job *jobs,
                     size_t max)
{
    size_t n = 0;
    const struct opf_provider *p;
    for (size_t i = 0; (p = opf_provider_at(i)) && n < max; i++) {
        enum opf_provider_caller c = p->caller == OPF_CALLER_LOCAL ? OPF_CALLER_OPERATOR : p->caller;
        if (p->subject != OPF_SUBJECT_ACCOUNT || c != caller || !p->run || !opf_collect_want(k, p->key))
            continue;
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++)
            seen = jobs[j].run == p->run;
        if (!seen)
            jobs[n++] = (struct opf_collect_job){.run = p->run, .arg = arg};
    }
    return n;
}

/* Runs a scan with the listing input its descriptor gives. */
static void s_scan(struct opf_collect *k, json_t *ev, const struct opf_scan *sc, const struct opf_collect_member *m,
                   const struct opf_account_scope *scope)
{
    json_t *in = sc->input ? json_loads(sc->input, 0, NULL) : NULL;
    opf_collect_scan(k, ev, sc, m->s, in, scope, NULL);
    json_decref(in);
}

/* The account's scans in the table's order: the global ones (S3) once, the regional ones in each of its regions
 * (listed only when one is read). */
static void s_scans_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_member *m = arg;
    struct opf_account_scope global = {.denied = m->denied, .errors = json_array(), .global = true};
    struct opf_account_scope regional = {.denied = m->denied, .errors = json_array()};
    bool listed = false;
    const struct opf_provider *p;
    for (size_t i = 0; (p = opf_provider_at(i)); i++) {
        if (p->subject != OPF_SUBJECT_ACCOUNT || !p->scan)
            continue;
        if (p->scope == OPF_SCOPE_REGION && !listed && !m->denied && opf_collect_wants_regions(k)) {
            regional.regions = opf_collect_member_regions(k, m, regional.errors);
            listed = true;
        }
        s_scan(k, ev, p->scan, m, p->scope == OPF_SCOPE_REGION ? &regional : &global);
    }
    json_decref(global.errors);
    json_decref(regional.regions);
    json_decref(regional.errors);
}

/* The member's chain: its role session, then its rows' jobs and its scans side by side. */
static void s_member_job(struct opf_collect *k, void *arg, json_t *ev)
{
    struct opf_collect_member m;
    opf_collect_member_begin(k, arg, ev, &m);
    struct opf_collect_job jobs[16];
    size_t n = s_jobs(k, OPF_CALLER_MEMBER, &m, jobs, sizeof(jobs) / sizeof(jobs[0]) - 1);
    jobs[n++] = (struct opf_collect_job){.run = s_scans_job, .arg = &m};
    opf_collect_jobs(k, jobs, n, ev);
    opf_collect_member_end(k, &m);
}

void opf_collect_account(struct opf_collect *k, json_t *record, const json_t *listed)
{
    opf_collect_account_organizations(k, record, listed);
    const char *id = json_string_value(json_object_get(record, "id"));
    bool mgmt = json_is_true(json_object_get(record, "is_management"));
    struct opf_collect_account a = {.id = id, .email = json_string_value(json_object_get(record, "email")),
                                    .mgmt = mgmt, .listed = listed,
                                    .base = mgmt ? json_object() : json_pack("{s:s}", "AccountId", id)};
    /* the member's chain (role session, then its reads) is the longest: the caller runs it, helpers the rest */
    struct opf_collect_job jobs[16] = {{.run = s_member_job, .arg = &a}};
    size_t n = 1 + s_jobs(k, OPF_CALLER_OPERATOR, &a, jobs + 1, sizeof(jobs) / sizeof(jobs[0]) - 1);
    opf_collect_jobs(k, jobs, n, json_object_get(record, "evidence"));
    json_decref(a.base);
}
