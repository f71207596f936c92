/* The table of built-in checks: one entry per file in checks/. */
#include "checks.h"

static const struct opf_check *const s_builtin[] = {
    NULL
};

const struct opf_check *const *opf_builtin_checks(void)
{
    return s_builtin;
}
