/* Advice for `attest` and `waive` given AWS access: is the account one of the live organization's accounts?
 * A typo attests or waives nothing the audit will use, so say so; a failed listing only says why. */
#include <string.h>

#include "aws/aws.h"
#include "cli/cli.h"

bool opf_cli_aws_option(int c, const char *arg, const char **profile, const char **region, const char **endpoint_url)
{
    const char **slot = c == OPF_CLI_O_PROFILE ? profile : c == OPF_CLI_O_REGION ? region
                        : c == OPF_CLI_O_ENDPOINT ? endpoint_url : NULL;
    if (slot)
        *slot = arg;
    return slot != NULL;
}

void opf_cli_org_account_advice(const char *cmd, const struct opf_aws_client_options *o, const char *account,
                                const char *done)
{
    struct opf_aws_error err = {0};
    struct opf_aws_client *client = opf_aws_client_new(o, &err);
    struct opf_aws_session *s = client ? opf_aws_session_default(client, &err) : NULL;
    json_t *out = s ? opf_aws_call(s, "organizations", "ListAccounts", NULL, OPF_AWS_PAGINATE, &err) : NULL;
    if (!out) {
        fprintf(stderr, "orgpreflight %s: warning: cannot list the organization's accounts (%s): %s%s%s; %s not "
                "checked, %s anyway\n", cmd, !client ? "AWS configuration" : !s ? "credentials"
                : "organizations:ListAccounts", err.code, *err.code ? ": " : "", err.message, account, done);
    } else {
        const json_t *accounts = json_object_get(out, "Accounts"), *acct;
        bool known = false;
        size_t i;
        json_array_foreach(accounts, i, acct) {
            const char *id = json_string_value(json_object_get(acct, "Id"));
            known |= id && strcmp(id, account) == 0;
        }
        if (!known)
            fprintf(stderr, "orgpreflight %s: warning: %s is not one of the %zu accounts of the organization "
                    "(organizations:ListAccounts); %s anyway\n", cmd, account, json_array_size(accounts), done);
    }
    json_decref(out);
    opf_aws_session_free(s);
    opf_aws_client_free(client);
}
