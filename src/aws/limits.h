/* What bounds a call (docs/aws-client.md): its time budget and its evidence item's, the size of one answer, the
 * pages of a listing, a signal. Every wait of the client goes through opf_aws_wait, so none outlasts them. */
#ifndef OPF_AWS_LIMITS_H
#define OPF_AWS_LIMITS_H

#include <stdbool.h>

#include "aws/aws.h"

struct opf_aws_client;

#define OPF_CALL_BUDGET_MS_DEFAULT (300L * 1000L)       /* one call, its retries and pages: 5 minutes */
#define OPF_ITEM_BUDGET_MS_DEFAULT (1800L * 1000L)     /* the calls of one evidence item: 30 minutes */
#define OPF_MAX_ANSWER_BYTES_DEFAULT (64L << 20)        /* one answer: 64 MiB */
#define OPF_MAX_PAGES_DEFAULT 10000                     /* one listing */
#define OPF_PROCESS_TIMEOUT_MS_DEFAULT (60L * 1000L)    /* credential_process: the Go SDK's one minute */

long opf_aws_now_ms(void);

/* An evidence item's time budget. While an item is its thread's current one, every call the thread makes ends by
 * the item's deadline as well as by its own, so an item of many calls ends in time as a whole. */
struct opf_aws_item {
    const char *name;                 /* the item's key, for the error */
    long budget_ms, deadline_ms;
};
/* Starts item `name` with the client's item budget (never past the item it nests in) and makes it the thread's
 * current one; returns the item it replaces, for opf_aws_item_end. */
const struct opf_aws_item *opf_aws_item_begin(const struct opf_aws_client *c, struct opf_aws_item *item,
                                              const char *name);
/* Makes outer current again; false, with err filled (ItemBudgetExceeded), when item's budget ran out. */
OPF_MUST_USE bool opf_aws_item_end(const struct opf_aws_item *item, const struct opf_aws_item *outer,
                                   struct opf_aws_error *err);
/* The thread's current item (NULL: none), and setting it: a job run for an item on another thread takes it along. */
const struct opf_aws_item *opf_aws_item_current(void);
void opf_aws_item_set(const struct opf_aws_item *item);
/* The deadline of a call starting now: its own budget's, or its item's when that comes first. */
long opf_aws_call_deadline(const struct opf_aws_client *c);

/* A signal asked the run to stop (the flag given in the client's options). */
bool opf_aws_interrupted(const struct opf_aws_client *c);
/* Fills err with why a call stops: interrupted, or its time budget spent. */
void opf_aws_error_stopped(const struct opf_aws_client *c, struct opf_aws_error *err);
/* Sleeps ms (clipped to the deadline, 0: none) in short slices; false, with err filled, when a signal or the
 * deadline ends it first. */
OPF_MUST_USE bool opf_aws_wait(const struct opf_aws_client *c, long ms, long deadline_ms, struct opf_aws_error *err);
/* A count setting (AWS_MAX_ATTEMPTS, a profile's max_attempts) from min to max; -1 with one line in err. */
OPF_MUST_USE int opf_aws_parse_count(const char *name, const char *text, long min, long max, int *out,
                                     struct opf_aws_error *err);

#endif
