/* A module built against the header of ABI 3 before struct opf_check gained its runbook placement: its struct
 * ends before `runbook`. The registry must load it with the default placement (before the move), never the
 * bytes that follow its struct (here a placement it never declared). */
#include <stddef.h>

#include <orgpreflight/check.h>

static enum opf_status s_evaluate(const struct opf_check *c, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    (void)c;
    (void)s;
    return ctx->host->set(f, OPF_WARN, "rename the account before it moves");
}

static const struct opf_check s_check = {.abi = OPF_CHECK_ABI, .size = offsetof(struct opf_check, runbook),
                                         .id = "before-placement", .title = "Before placement",
                                         .subject = OPF_SUBJECT_ACCOUNT, .severity = OPF_SEV_LOW,
                                         .evaluate = s_evaluate, .rationale = "A test module.",
                                         .remediation = "Rename the account.", .runbook = OPF_RUNBOOK_ORG_DELETION};
static const struct opf_check *const s_checks[] = {&s_check, NULL};

OPF_API const struct opf_check *const *orgpreflight_plugin_checks(void)
{
    return s_checks;
}
