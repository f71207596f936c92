/*
 * One account's evidence, dispatched from the table of providers.c: the organization's reads (account_org.c)
 * first, then side by side the operator's jobs (Account API, Identity Center, probes) and the member's chain:
 * its role session (member.c), then the MEMBER rows' jobs and the account's scans, side by side again (each
 * regional scan in every region side by side too).
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

/* One of an account's scans, and what it shares with the others: the session, and the regions once known. */
struct s_scan {
    const struct opf_collect_member *m;
    const struct opf_scan *sc;
    const struct opf_account_scope *scope;
};

static void s_scan_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct s_scan *a = arg;
    json_t *in = a->sc->input ? json_loads(a->sc->input, 0, NULL) : NULL;
    opf_collect_scan(k, ev, a->sc, a->m->s, in, a->scope, NULL);
    json_decref(in);
}

/* The scans of the rows of one scope (regional or not), side by side, in the table's order; returns how many. */
static size_t s_scan_jobs(const struct opf_collect_member *m, bool regional, const struct opf_account_scope *scope,
                          struct s_scan *scans, struct opf_collect_job *jobs, size_t max)
{
    size_t n = 0;
    const struct opf_provider *p;
    for (size_t i = 0; (p = opf_provider_at(i)) && n < max; i++)
        if (p->subject == OPF_SUBJECT_ACCOUNT && p->scan && (p->scope == OPF_SCOPE_REGION) == regional) {
            scans[n] = (struct s_scan){.m = m, .sc = p->scan, .scope = scope};
            jobs[n] = (struct opf_collect_job){.run = s_scan_job, .arg = &scans[n]};
            n++;
        }
    return n;
}

/* The account's regions, then its regional scans side by side, each with its regions side by side: the regional
 * services' quotas are per account and region, so an account's listings overlap up to the pool's cap. */
static void s_regional_job(struct opf_collect *k, void *arg, json_t *ev)
{
    const struct opf_collect_member *m = arg;
    if (!opf_collect_wants_regions(k))
        return;
    struct opf_account_scope scope = {.denied = m->denied, .errors = json_array()};
    if (!m->denied)
        scope.regions = opf_collect_member_regions(k, m, scope.errors);
    struct s_scan scans[8];
    struct opf_collect_job jobs[8];
    opf_collect_jobs(k, jobs, s_scan_jobs(m, true, &scope, scans, jobs, 8), ev);
    json_decref(scope.regions);
    json_decref(scope.errors);
}

/* The member's chain: its role session, then side by side its rows' jobs, its global scans (S3) and its regional
 * ones. */
static void s_member_job(struct opf_collect *k, void *arg, json_t *ev)
{
    struct opf_collect_member m;
    opf_collect_member_begin(k, arg, ev, &m);
    struct opf_collect_job jobs[24];
    struct s_scan scans[8];
    struct opf_account_scope global = {.denied = m.denied, .errors = json_array(), .global = true};
    size_t n = s_jobs(k, OPF_CALLER_MEMBER, &m, jobs, 15);
    n += s_scan_jobs(&m, false, &global, scans, jobs + n, 8);
    jobs[n++] = (struct opf_collect_job){.run = s_regional_job, .arg = &m};
    opf_collect_jobs(k, jobs, n, ev);
    json_decref(global.errors);
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
