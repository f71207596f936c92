/* Running credential_process with a timeout (process.c). */
#ifndef OPF_AWS_PROCESS_H
#define OPF_AWS_PROCESS_H

#include "core/buf.h"

struct opf_aws_client;
struct opf_aws_error;

/* Runs command, its standard output into out; 0, or -1 with err (timeout, signal, exit status, no memory). */
OPF_MUST_USE int opf_aws_process_run(struct opf_aws_client *c, const char *command, struct opf_buf *out,
                                     struct opf_aws_error *err);

#endif
