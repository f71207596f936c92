/*
 * The optional SMTP probe: asks the first MX whether it would accept mail for the root address (EHLO,
 * MAIL FROM:<>, RCPT TO, QUIT; nothing is ever sent). A 5xx answer is a rejection; acceptance proves little
 * (catch-all domains, greylisting), so no check ever passes on it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "probes/probes.h"

struct s_conn {
    int fd;
    int timeout_ms;
    char buf[4096];
    size_t len;
};

/* Reads one SMTP reply (possibly multi-line "250-...") and returns its code, the last line in `line`. */
static int s_reply(struct s_conn *c, char *line, size_t linelen)
{
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        if (nl) {
            size_t n = (size_t)(nl - c->buf) + 1;
            snprintf(line, linelen, "%.*s", (int)(n > 1 && nl[-1] == '\r' ? n - 2 : n - 1), c->buf);
            memmove(c->buf, c->buf + n, c->len - n);
            c->len -= n;
            if (strlen(line) >= 4 && line[3] == '-')
                continue; /* a continuation line */
            return atoi(line);
        }
        struct pollfd p = {c->fd, POLLIN, 0};
        if (c->len == sizeof(c->buf) || poll(&p, 1, c->timeout_ms) <= 0)
            return -1;
        ssize_t r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
        if (r <= 0)
            return -1;
        c->len += (size_t)r;
    }
}

static int s_command(struct s_conn *c, const char *cmd, char *line, size_t linelen)
{
    size_t n = strlen(cmd);
    if (send(c->fd, cmd, n, MSG_NOSIGNAL) != (ssize_t)n)
        return -1;
    return s_reply(c, line, linelen);
}

static int s_connect(const char *host, int port, int timeout_ms)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST}, *res = NULL;
    char service[16];
    snprintf(service, sizeof(service), "%d", port);
    if (getaddrinfo(host, service, &hints, &res) != 0)
        return -1;
    int fd = socket(res->ai_family, SOCK_STREAM, 0);
    if (fd >= 0) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        int rc = connect(fd, res->ai_addr, res->ai_addrlen);
        struct pollfd p = {fd, POLLOUT, 0};
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if ((rc != 0 && errno != EINPROGRESS) || (rc != 0 && poll(&p, 1, timeout_ms) <= 0) ||
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
            close(fd);
            fd = -1;
        } else {
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        }
    }
    freeaddrinfo(res);
    return fd;
}

json_t *opf_smtp_probe(const char *address, int port, const char *rcpt, int timeout_ms, struct opf_error *err)
{
    struct s_conn c = {.timeout_ms = timeout_ms > 0 ? timeout_ms : 5000};
    c.fd = s_connect(address, port, c.timeout_ms);
    if (c.fd < 0) {
        opf_fail(err, OPF_ERR_NETWORK, "cannot connect to %s port %d", address, port);
        return NULL;
    }
    char line[512], cmd[600];
    int rc = s_reply(&c, line, sizeof(line));
    if (rc == 220)
        rc = s_command(&c, "EHLO orgpreflight.invalid\r\n", line, sizeof(line));
    if (rc == 250)
        rc = s_command(&c, "MAIL FROM:<>\r\n", line, sizeof(line));
    json_t *out = NULL;
    if (rc == 250) {
        snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>\r\n", rcpt);
        rc = s_command(&c, cmd, line, sizeof(line));
        if (rc > 0)
            out = json_pack("{s:s, s:i, s:s, s:i, s:s}", "host", address, "port", port, "rcpt", rcpt, "code", rc,
                            "reply", line);
        char ignored[512];
        s_command(&c, "QUIT\r\n", ignored, sizeof(ignored));
    }
    if (!out) {
        opf_fail(err, OPF_ERR_REMOTE, "%s port %d: the SMTP dialogue stopped before RCPT TO (%s)", address, port,
                 rc < 0 ? "no answer" : line);
    }
    close(c.fd);
    return out;
}
