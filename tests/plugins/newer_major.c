/* A module built for the next major of the check ABI: the registry must refuse it. */
#include <orgpreflight/check.h>

static enum opf_status s_evaluate(const struct opf_check *c, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    (void)c; (void)s;
    return ctx->host->set(f, OPF_PASS, "never run");
}

static const struct opf_check s_check = {.abi = OPF_CHECK_ABI + 1, .size = sizeof(struct opf_check),
                                         .id = "future-check", .title = "Future", .evaluate = s_evaluate};
static const struct opf_check *const s_checks[] = {&s_check, NULL};

OPF_API const struct opf_check *const *orgpreflight_plugin_checks(void)
{
    return s_checks;
}
