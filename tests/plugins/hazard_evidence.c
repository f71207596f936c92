/* A module whose check only asks for the evidence of the migration-hazard checks and the keys no built-in check
 * reads, so that a collection gathers those keys whichever checks are built in; it never judges anything. */
#include <orgpreflight/check.h>

static const char *const s_needs[] = {"iam.account_aliases", "iam.roles", "iam.access_role", "s3.bucket_policies",
                                      "kms.key_policies", "sns.topic_policies", "sqs.queue_policies", "ram.resource_shares",
                                      "sso_admin.account_assignments", "cloudformation.stack_sets",
                                      "controltower.enabled_baselines", NULL};

static enum opf_status s_evaluate(const struct opf_check *c, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    (void)c; (void)s;
    return ctx->host->set(f, OPF_SKIPPED, "collects evidence only");
}

static const struct opf_check s_check = {OPF_CHECK_HEADER, .id = "hazard-evidence", .title = "Hazard evidence",
                                         .subject = OPF_SUBJECT_ACCOUNT, .needs = s_needs, .evaluate = s_evaluate};
static const struct opf_check *const s_checks[] = {&s_check, NULL};

OPF_API const struct opf_check *const *orgpreflight_plugin_checks(void)
{
    return s_checks;
}
