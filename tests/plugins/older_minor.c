/* A module built against an older header of the same major: its struct opf_check ends before the fields
 * appended since (here rationale and remediation). The registry must load it and read those fields as
 * NULL, never the bytes that follow its struct in memory (here pointers that are no strings). */
#include <stddef.h>

#include <orgpreflight/check.h>

static enum opf_status s_evaluate(const struct opf_check *c, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    (void)c;
    return ctx->host->set(f, OPF_PASS, "loaded as %s", ctx->host->subject_kind_name(s->kind));
}

static const struct opf_check s_check = {.abi = OPF_CHECK_ABI, .size = offsetof(struct opf_check, rationale),
                                         .id = "older-minor", .title = "Older", .subject = OPF_SUBJECT_ORGANIZATION,
                                         .evaluate = s_evaluate, .rationale = (const char *)1,
                                         .remediation = (const char *)1};
static const struct opf_check *const s_checks[] = {&s_check, NULL};

OPF_API const struct opf_check *const *orgpreflight_plugin_checks(void)
{
    return s_checks;
}
