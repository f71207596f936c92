/* A module built for another check ABI: the registry must refuse it. */
#include <orgpreflight/check.h>

static enum opf_status s_evaluate(const struct opf_check *c, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    (void)c; (void)s; (void)ctx;
    return opf_set(f, OPF_PASS, "never run");
}

static const struct opf_check s_check = {.abi = OPF_CHECK_ABI + 998, .id = "future-check", .title = "Future",
                                         .evaluate = s_evaluate};
static const struct opf_check *const s_checks[] = {&s_check, NULL};

const struct opf_check *const *orgpreflight_plugin_checks(void)
{
    return s_checks;
}
