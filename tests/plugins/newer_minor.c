/* A module built against a newer header of the same major, whose struct opf_check has a field appended that
 * this orgpreflight does not know: the registry must refuse it rather than ignore the field. */
#include <orgpreflight/check.h>

static enum opf_status s_evaluate(const struct opf_check *c, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    (void)c; (void)s;
    return ctx->host->set(f, OPF_PASS, "never run");
}

static const struct newer_check {
    struct opf_check check;
    const char *appended;
} s_check = {{.abi = OPF_CHECK_ABI, .size = sizeof(struct newer_check), .id = "newer-minor", .title = "Newer",
              .evaluate = s_evaluate},
             "a field of a later minor"};
static const struct opf_check *const s_checks[] = {&s_check.check, NULL};

OPF_API const struct opf_check *const *orgpreflight_plugin_checks(void)
{
    return s_checks;
}
