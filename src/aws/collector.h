/* What the collectors use of the AWS client besides its calls (aws.h): filling an error of their own, and the
 * evidence items' time budgets (limits.c). The rest of the client's internals stay private to src/aws. */
#ifndef OPF_AWS_COLLECTOR_H
#define OPF_AWS_COLLECTOR_H

#include <stdbool.h>

#include "aws/aws.h"
#include "orgpreflight/export.h"

void opf_aws_error_set(struct opf_aws_error *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An evidence item's time budget. While an item is its thread's current one, every call the thread makes ends by
 * the item's deadline as well as by its own, so an item of many calls ends in time as a whole. */
struct opf_aws_item {
    const char *name;                 /* the item's key, for the error */
    const struct opf_aws_clock *clock; /* the clock its deadline is on: its client's */
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

#endif
