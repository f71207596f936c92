/*
 * credential_process: the command runs through /bin/sh in a process group of its own, its output read with a
 * timeout (aws.credential_process_timeout_seconds, the Go SDK's one minute by default) and a size limit. On
 * the timeout or a signal the whole group is killed: a command that hangs cannot hold the run.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aws/client.h"
#include "aws/limits.h"
#include "aws/process.h"

#define PROCESS_MAX_OUTPUT (64 * 1024) /* credentials are a few kilobytes */

static pid_t s_spawn(const char *command, int *fd)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    fcntl(p[0], F_SETFD, FD_CLOEXEC); /* neither end stays open in the command but as its output */
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        dup2(p[1], STDOUT_FILENO);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return -1;
    }
    setpgid(pid, pid); /* also here: the group exists before any kill, whoever runs first */
    *fd = p[0];
    return pid;
}

int opf_aws_process_run(struct opf_aws_client *c, const char *command, struct opf_buf *out, struct opf_aws_error *err)
{
    int fd;
    pid_t pid = s_spawn(command, &fd);
    if (pid < 0) {
        opf_aws_error_set(err, "CredentialsError", "credential_process: cannot run: %s", strerror(errno));
        return -1;
    }
    long deadline = opf_aws_now_ms(c) + c->process_timeout_ms;
    const char *stop = NULL;
    bool open = true;
    int status = 0;
    for (;;) {
        if (opf_aws_interrupted(c))
            stop = "interrupted by a signal";
        else if (opf_aws_now_ms(c) >= deadline)
            stop = "timed out";
        if (stop)
            break;
        if (!open) { /* its output closed: wait for it to exit, still within the timeout */
            pid_t w = waitpid(pid, &status, WNOHANG);
            if (w == pid || (w < 0 && errno != EINTR))
                break;
            poll(NULL, 0, 50);
            continue;
        }
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, 50) <= 0) /* short: the signal flag is looked at between */
            continue;
        char chunk[4096];
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n > 0 && out->len + (size_t)n > PROCESS_MAX_OUTPUT)
            stop = "printed more than 64 KiB";
        else if (n > 0)
            opf_buf_append(out, chunk, (size_t)n);
        else
            open = false;
        if (stop)
            break;
    }
    close(fd);
    if (stop) {
        kill(-pid, SIGKILL); /* the shell and whatever it started */
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    if (stop && opf_aws_interrupted(c))
        opf_aws_error_set(err, "Interrupted", "credential_process was interrupted by a signal and killed");
    else if (stop)
        opf_aws_error_set(err, "CredentialsError", "credential_process %s (after %ld s it is killed: "
                          "aws.credential_process_timeout_seconds)", stop, c->process_timeout_ms / 1000);
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        opf_aws_error_set(err, "CredentialsError", "credential_process exited with status %d",
                          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    else if (out->oom)
        opf_aws_error_set(err, "OutOfMemory", "credential_process: no memory for its output");
    return stop || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || out->oom ? -1 : 0;
}
