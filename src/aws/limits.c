/* Bounds of a call: interruptible waits, the call's and its evidence item's time budgets, validated count
 * settings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/limits.h"

static _Thread_local const struct opf_aws_item *s_item;

const struct opf_aws_item *opf_aws_item_current(void)
{
    return s_item;
}

void opf_aws_item_set(const struct opf_aws_item *item)
{
    s_item = item;
}

static bool s_item_spent(const struct opf_aws_item *item)
{
    return item && item->clock->now_ms(item->clock->ctx) >= item->deadline_ms;
}

static void s_item_error(const struct opf_aws_item *item, struct opf_aws_error *err)
{
    opf_aws_error_set(err, "ItemBudgetExceeded", "evidence item %s did not end within its time budget of %ld s "
                      "(aws.item_budget_seconds)", item->name, item->budget_ms / 1000);
}

const struct opf_aws_item *opf_aws_item_begin(const struct opf_aws_client *c, struct opf_aws_item *item,
                                              const char *name)
{
    const struct opf_aws_item *outer = s_item;
    *item = (struct opf_aws_item){.name = name, .clock = &c->clock, .budget_ms = c->item_budget_ms,
                                  .deadline_ms = opf_aws_now_ms(c) + c->item_budget_ms};
    if (outer && outer->deadline_ms < item->deadline_ms)
        item->deadline_ms = outer->deadline_ms;
    s_item = item;
    return outer;
}

bool opf_aws_item_end(const struct opf_aws_item *item, const struct opf_aws_item *outer, struct opf_aws_error *err)
{
    s_item = outer;
    if (!s_item_spent(item))
        return true;
    s_item_error(item, err);
    return false;
}

long opf_aws_call_deadline(const struct opf_aws_client *c)
{
    long deadline = opf_aws_now_ms(c) + c->call_budget_ms;
    return s_item && s_item->deadline_ms < deadline ? s_item->deadline_ms : deadline;
}

bool opf_aws_interrupted(const struct opf_aws_client *c)
{
    return c->interrupted && *c->interrupted;
}

void opf_aws_error_stopped(const struct opf_aws_client *c, struct opf_aws_error *err)
{
    char last[sizeof(err->code) + sizeof(err->message) + 8] = "";
    if (err->code[0]) /* the answer that was being retried: what the budget could not get past */
        snprintf(last, sizeof(last), "; last answer %s: %s", err->code, err->message);
    if (opf_aws_interrupted(c))
        opf_aws_error_set(err, "Interrupted", "interrupted by a signal before an answer%s", last);
    else if (s_item_spent(s_item))
        s_item_error(s_item, err);
    else
        opf_aws_error_set(err, "CallBudgetExceeded", "no answer within the call's time budget of %ld s (aws.call_budget_seconds)%s",
                          c->call_budget_ms / 1000, last);
}

bool opf_aws_wait(const struct opf_aws_client *c, long ms, long deadline_ms, struct opf_aws_error *err)
{
    long until = opf_aws_now_ms(c) + (ms > 0 ? ms : 0);
    bool clipped = deadline_ms > 0 && until > deadline_ms;
    if (clipped)
        until = deadline_ms;
    if (!opf_aws_interrupted(c))
        c->clock.sleep_until(c->clock.ctx, until, c->interrupted);
    if (!opf_aws_interrupted(c) && !clipped)
        return true;
    opf_aws_error_stopped(c, err);
    return false;
}

int opf_aws_parse_count(const char *name, const char *text, long min, long max, int *out, struct opf_aws_error *err)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max) {
        opf_aws_error_set(err, "ConfigError", "%s: \"%.40s\" is not a whole number from %ld to %ld", name, text, min, max);
        return -1;
    }
    *out = (int)v;
    return 0;
}
