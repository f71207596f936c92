/* Network probes that are not AWS calls: DNS for the root mailbox's domain. */
#ifndef OPF_PROBES_H
#define OPF_PROBES_H

#include <jansson.h>

/* MX, A and AAAA of `domain` through c-ares, with `servers` (JSON array of "host[:port]" strings; empty or
 * NULL: the system resolver). Returns the probe.dns data ({"domain","rcode","mx":[{"preference",
 * "exchange"}],"a":[],"aaaa":[],"servers":[]}; a null MX has exchange ".") or NULL with code/message
 * (code "DnsTimeout" when no server answered). */
json_t *opf_dns_probe(const char *domain, const json_t *servers, int timeout_ms, char *code, size_t codelen,
                      char *message, size_t msglen);

/* RCPT TO probe of `rcpt` at the mail server `address` (an IP address) and `port`: {"host","port","rcpt",
 * "code","reply"}, or NULL with code/message when the dialogue did not reach RCPT TO. */
json_t *opf_smtp_probe(const char *address, int port, const char *rcpt, int timeout_ms, char *code, size_t codelen,
                       char *message, size_t msglen);

#endif
