/* The table of built-in checks: one entry per file in checks/. */
#include "checks.h"

static const struct opf_check *const s_builtin[] = {
    &opf_check_account_state,
    &opf_check_wait_period,
    &opf_check_delegated_administrator,
    NULL
};

const struct opf_check *const *opf_builtin_checks(void)
{
    return s_builtin;
}
