/* The DNS probe of a root mailbox's domain, with c-ares (RFC 5321 MX and implicit MX, RFC 7505 null MX). */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>

#include <ares.h>

#include "core/core.h"
#include "probes/probes.h"

static pthread_once_t s_once = PTHREAD_ONCE_INIT;
static void s_init(void)
{
    ares_library_init(ARES_LIB_INIT_ALL);
}

struct s_query {
    int status;
    int done;
    json_t *records;      /* array filled by the callback */
    int type;
};

static void s_on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    (void)timeouts;
    struct s_query *q = arg;
    q->status = status;
    q->done = 1;
    if (status != ARES_SUCCESS)
        return;
    if (q->type == ns_t_mx) {
        struct ares_mx_reply *mx = NULL;
        if ((q->status = ares_parse_mx_reply(abuf, alen, &mx)) != ARES_SUCCESS)
            return;
        for (struct ares_mx_reply *m = mx; m; m = m->next)
            json_array_append_new(q->records, json_pack("{s:i, s:s}", "preference", m->priority, "exchange",
                                                        m->host && *m->host ? m->host : "."));
        ares_free_data(mx);
        return;
    }
    struct hostent *host = NULL;
    int rc = q->type == ns_t_a ? ares_parse_a_reply(abuf, alen, &host, NULL, NULL)
                               : ares_parse_aaaa_reply(abuf, alen, &host, NULL, NULL);
    if (rc != ARES_SUCCESS) {
        q->status = rc;
        return;
    }
    char text[INET6_ADDRSTRLEN];
    for (char **a = host->h_addr_list; a && *a; a++)
        if (inet_ntop(host->h_addrtype, *a, text, sizeof(text)))
            json_array_append_new(q->records, json_string(text));
    ares_free_hostent(host);
}

static void s_wait(ares_channel ch)
{
    for (;;) {
        fd_set r, w;
        FD_ZERO(&r);
        FD_ZERO(&w);
        int nfds = ares_fds(ch, &r, &w);
        if (nfds == 0)
            break;
        struct timeval tv, *tvp = ares_timeout(ch, NULL, &tv);
        select(nfds, &r, &w, NULL, tvp);
        ares_process(ch, &r, &w);
    }
}

static const char *s_rcode(int status)
{
    switch (status) {
    case ARES_SUCCESS:
    case ARES_ENODATA: return "NOERROR";
    case ARES_ENOTFOUND: return "NXDOMAIN";
    case ARES_ESERVFAIL: return "SERVFAIL";
    case ARES_EREFUSED: return "REFUSED";
    default: return NULL;
    }
}

/* What kind of failure a lookup's status is: refused or unanswered queries mean no server answered. */
static enum opf_error_category s_category(int status)
{
    return status == ARES_ETIMEOUT || status == ARES_ECONNREFUSED ? OPF_ERR_TIMEOUT
           : status == ARES_ENOMEM                                 ? OPF_ERR_NO_MEMORY
                                                                   : OPF_ERR_REMOTE;
}

json_t *opf_dns_probe(const char *domain, const json_t *servers, int timeout_ms, struct opf_error *err)
{
    pthread_once(&s_once, s_init);
    struct ares_options opts = {.timeout = timeout_ms > 0 ? timeout_ms : 3000, .tries = 2};
    ares_channel ch;
    int status = ares_init_options(&ch, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
    if (status != ARES_SUCCESS) {
        opf_fail(err, status == ARES_ENOMEM ? OPF_ERR_NO_MEMORY : OPF_ERR_INTERNAL, "cannot initialize the resolver");
        return NULL;
    }
    json_t *used = json_array();
    if (json_array_size(servers) > 0) {
        char csv[1024] = "";
        size_t i;
        const json_t *s;
        json_array_foreach(servers, i, s) {
            snprintf(csv + strlen(csv), sizeof(csv) - strlen(csv), "%s%s", i ? "," : "", json_string_value(s));
            json_array_append(used, (json_t *)s);
        }
        if (ares_set_servers_ports_csv(ch, csv) != ARES_SUCCESS) {
            ares_destroy(ch);
            json_decref(used);
            opf_fail(err, OPF_ERR_INVALID_INPUT, "dns.servers: cannot use \"%s\" (expected host or host:port)", csv);
            return NULL;
        }
    }
    struct s_query qs[3] = {{.type = ns_t_mx, .records = json_array()},
                            {.type = ns_t_a, .records = json_array()},
                            {.type = ns_t_aaaa, .records = json_array()}};
    for (int i = 0; i < 3; i++)
        ares_query(ch, domain, ns_c_in, qs[i].type, s_on_answer, &qs[i]);
    s_wait(ch);
    ares_destroy(ch);

    const char *rcode = s_rcode(qs[0].status);
    json_t *out = NULL;
    if (!rcode) {
        opf_fail(err, s_category(qs[0].status), "MX lookup of %s: %s", domain, ares_strerror(qs[0].status));
        json_decref(used);
    } else {
        out = json_pack("{s:s, s:s, s:O, s:O, s:O, s:o}", "domain", domain, "rcode", rcode, "mx", qs[0].records, "a",
                        qs[1].records, "aaaa", qs[2].records, "servers", used);
    }
    for (int i = 0; i < 3; i++)
        json_decref(qs[i].records);
    return out;
}
