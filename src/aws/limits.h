/* What bounds a call (docs/aws-client.md): its time budget and its evidence item's, the size of one answer, the
 * pages of a listing, a signal. Every wait of the client goes through opf_aws_wait, so none outlasts them. */
#ifndef OPF_AWS_LIMITS_H
#define OPF_AWS_LIMITS_H

#include <stdbool.h>

#include "aws/collector.h"

struct opf_aws_client;

#define OPF_CALL_BUDGET_MS_DEFAULT (300L * 1000L)       /* one call, its retries and pages: 5 minutes */
#define OPF_ITEM_BUDGET_MS_DEFAULT (1800L * 1000L)     /* the calls of one evidence item: 30 minutes */
#define OPF_MAX_ANSWER_BYTES_DEFAULT (64L << 20)        /* one answer: 64 MiB */
#define OPF_MAX_PAGES_DEFAULT 10000                     /* one listing */
#define OPF_PROCESS_TIMEOUT_MS_DEFAULT (60L * 1000L)    /* credential_process: the Go SDK's one minute */

/* The deadline of a call starting now: its own budget's, or its item's when that comes first. */
long opf_aws_call_deadline(const struct opf_aws_client *c);

/* A signal asked the run to stop (the flag given in the client's options). */
bool opf_aws_interrupted(const struct opf_aws_client *c);
/* Fills err with why a call stops: interrupted, or its time budget spent. */
void opf_aws_error_stopped(const struct opf_aws_client *c, struct opf_aws_error *err);
/* Sleeps ms on the client's clock (clipped to the deadline, 0: none); false, with err filled, when a signal or
 * the deadline ends it first. */
OPF_MUST_USE bool opf_aws_wait(const struct opf_aws_client *c, long ms, long deadline_ms, struct opf_aws_error *err);
/* A count setting (AWS_MAX_ATTEMPTS, a profile's max_attempts) from min to max; -1 with one line in err. */
OPF_MUST_USE int opf_aws_parse_count(const char *name, const char *text, long min, long max, int *out,
                                     struct opf_aws_error *err);

#endif
