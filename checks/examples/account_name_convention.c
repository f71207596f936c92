/*
 * An example external check module: account names must be lower-case kebab-case ("payments-staging"),
 * the convention the new organization's automation expects. Build it as a shared object (it links against
 * jansson only: the helpers come through ctx->host) and load it with
 *   orgpreflight audit --plugin ./account_name_convention.so ...
 */
#include <ctype.h>
#include <string.h>

#include <orgpreflight/check.h>

static const char *const s_needs[] = {"organizations.account", NULL};

static bool s_kebab(const char *name)
{
    if (!*name || *name == '-' || name[strlen(name) - 1] == '-')
        return false;
    for (const char *p = name; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || (*p == '-' && p[1] != '-')))
            return false;
    return true;
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    (void)check;
    const struct opf_host *host = ctx->host;
    struct opf_item item;
    if (!host->require(s, "organizations.account", f, &item))
        return f->status;
    const json_t *name = json_object_get(json_object_get(item.data, "Account"), "Name");
    if (!json_is_string(name))
        return host->set(f, OPF_UNKNOWN, "organizations.account has no account Name");
    json_t *values = json_pack("{s:O}", "Name", name);
    host->finding_cite(f, &item, values);
    json_decref(values);
    if (s_kebab(json_string_value(name)))
        return host->set(f, OPF_PASS, "the account name \"%s\" follows the naming convention", json_string_value(name));
    return host->set(f, OPF_WARN, "the account name \"%s\" is not lower-case kebab-case", json_string_value(name));
}

static const struct opf_check s_check = {
    OPF_CHECK_HEADER,
    .id = "account-name-convention",
    .title = "Account name follows the naming convention",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_LOW,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "The new organization's automation derives resource names from account names.",
    .remediation = "Rename the account (Account Management, PutAccountName) to lower-case kebab-case.",
};

static const struct opf_check *const s_checks[] = {&s_check, NULL};

OPF_API const struct opf_check *const *orgpreflight_plugin_checks(void)
{
    return s_checks;
}
