/* A module built for check ABI 2 (its struct opf_check had no size field): the registry must refuse it. */
#include <orgpreflight/check.h>

struct abi2_check {
    unsigned abi;
    const char *id;
    const char *title;
};

static const struct abi2_check s_check = {.abi = 2, .id = "past-check", .title = "Past"};
static const struct abi2_check *const s_checks[] = {&s_check, NULL};

OPF_API const struct abi2_check *const *orgpreflight_plugin_checks(void)
{
    return s_checks;
}
