/* Network probes that are not AWS calls: DNS for the root mailbox's domain. */
#ifndef OPF_PROBES_H
#define OPF_PROBES_H

#include <jansson.h>
#include <orgpreflight/orgpreflight.h>

/* MX, A and AAAA of `domain` through c-ares, with `servers` (JSON array of "host[:port]" strings; empty or
 * NULL: the system resolver). Returns the probe.dns data ({"domain","rcode","mx":[{"preference",
 * "exchange"}],"a":[],"aaaa":[],"servers":[]}; a null MX has exchange ".") or NULL with err: OPF_ERR_TIMEOUT when no
 * server answered, OPF_ERR_INVALID_INPUT for unusable servers, OPF_ERR_REMOTE for another failed lookup. */
OPF_MUST_USE json_t *opf_dns_probe(const char *domain, const json_t *servers, int timeout_ms, struct opf_error *err);

/* RCPT TO probe of `rcpt` at the mail server `address` (an IP address) and `port`: {"host","port","rcpt",
 * "code","reply"}, or NULL with err: OPF_ERR_NETWORK when the server cannot be reached, OPF_ERR_REMOTE when the
 * dialogue did not reach RCPT TO. */
OPF_MUST_USE json_t *opf_smtp_probe(const char *address, int port, const char *rcpt, int timeout_ms,
                                    struct opf_error *err);

#endif
