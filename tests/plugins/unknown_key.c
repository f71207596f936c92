/* A module whose check needs an evidence key no provider gives: the registry must refuse it. */
#include <orgpreflight/check.h>

static const char *const s_needs[] = {"organizations.account", "iam.passwords", NULL};

static enum opf_status s_evaluate(const struct opf_check *c, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    (void)c; (void)s;
    return ctx->host->set(f, OPF_PASS, "never run");
}

static const struct opf_check s_check = {OPF_CHECK_HEADER, .id = "unknown-key", .title = "Reads what nobody collects",
                                         .needs = s_needs, .evaluate = s_evaluate};
static const struct opf_check *const s_checks[] = {&s_check, NULL};

OPF_API const struct opf_check *const *orgpreflight_plugin_checks(void)
{
    return s_checks;
}
