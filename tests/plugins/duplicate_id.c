/* A module whose check id is already taken by a built-in check: the registry must refuse it. */
#include <orgpreflight/check.h>

static enum opf_status s_evaluate(const struct opf_check *c, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    (void)c; (void)s;
    return ctx->host->set(f, OPF_PASS, "never run");
}

static const struct opf_check s_check = {OPF_CHECK_HEADER, .id = "account-state", .title = "Impostor",
                                         .evaluate = s_evaluate};
static const struct opf_check *const s_checks[] = {&s_check, NULL};

OPF_API const struct opf_check *const *orgpreflight_plugin_checks(void)
{
    return s_checks;
}
