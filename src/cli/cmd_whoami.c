/* `whoami`: who orgpreflight would sign as, without collecting anything: the caller (sts:GetCallerIdentity),
 * where the credentials come from, the region, and the endpoint each service will use. No secret is printed. */
#include <getopt.h>
#include <string.h>

#include "aws/aws.h"
#include "cli/cli.h"
#include "core/buf.h"

static const char *s_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* One link of a credential chain, in words. */
static void s_link(struct opf_buf *b, const json_t *d)
{
    const char *source = s_str(d, "source"), *profile = s_str(d, "profile");
    if (!source) {
        opf_buf_puts(b, "?");
    } else if (strcmp(source, "env") == 0) {
        opf_buf_puts(b, "environment variables (AWS_ACCESS_KEY_ID)");
    } else if (strcmp(source, "profile") == 0) {
        opf_buf_printf(b, "profile %s (keys in the %s)", profile, s_str(d, "file") ? s_str(d, "file") : "files");
    } else if (strcmp(source, "assume-role") == 0) {
        opf_buf_printf(b, "role %s", s_str(d, "role_arn"));
        if (profile)
            opf_buf_printf(b, " (profile %s)", profile);
    } else if (strcmp(source, "sso") == 0) {
        opf_buf_printf(b, "IAM Identity Center, profile %s", profile);
        if (s_str(d, "sso_session"))
            opf_buf_printf(b, ", SSO session %s", s_str(d, "sso_session"));
        opf_buf_printf(b, " (%s)", s_str(d, "sso_start_url"));
    } else if (strcmp(source, "process") == 0) {
        opf_buf_printf(b, "credential_process of profile %s", profile);
    } else if (strcmp(source, "web-identity") == 0) {
        opf_buf_printf(b, "web identity token for %s", s_str(d, "role_arn"));
    } else if (strcmp(source, "container") == 0) {
        opf_buf_puts(b, "container credentials endpoint");
    } else if (strcmp(source, "imds") == 0) {
        opf_buf_puts(b, "EC2 instance metadata");
    } else {
        opf_buf_puts(b, source);
    }
}

static void s_print_text(const json_t *doc)
{
    const json_t *caller = json_object_get(doc, "caller"), *creds = json_object_get(doc, "credentials");
    if (caller)
        printf("caller       %s (account %s)\n", s_str(caller, "arn"), s_str(caller, "account"));
    else
        printf("caller       unknown: %s\n", s_str(doc, "caller_error"));
    struct opf_buf b = {0};
    const json_t *chain = json_object_get(creds, "chain");
    if (chain) {
        opf_buf_puts(&b, "role chain ");
        size_t i;
        const json_t *link;
        json_array_foreach(chain, i, link) {
            if (i)
                opf_buf_puts(&b, " <- ");
            s_link(&b, link);
        }
    } else {
        s_link(&b, creds);
    }
    printf("credentials  %s\n", b.data);
    opf_buf_free(&b);
    if (s_str(creds, "expiration"))
        printf("expires      %s\n", s_str(creds, "expiration"));
    printf("profile      %s\nregion       %s (from %s)\nretries      %s mode, %d attempts\nendpoints\n",
           s_str(doc, "profile"), s_str(doc, "region"), s_str(doc, "region_source"), s_str(doc, "retry_mode"),
           (int)json_integer_value(json_object_get(doc, "max_attempts")));
    const char *svc;
    const json_t *ep;
    json_object_foreach((json_t *)json_object_get(doc, "endpoints"), svc, ep) {
        if (s_str(ep, "error"))
            printf("  %-15s %s\n", svc, s_str(ep, "error"));
        else
            printf("  %-15s %s  signed %s/%s%s%s\n", svc, s_str(ep, "url"), s_str(ep, "signing_region"),
                   s_str(ep, "signing_name"), strcmp(s_str(ep, "source"), "default") ? "  from " : "",
                   strcmp(s_str(ep, "source"), "default") ? s_str(ep, "source") : "");
    }
}

enum { O_FORMAT = 1, O_DEBUG };
const struct option opf_whoami_options[] = {OPF_CLI_AWS_OPTIONS,
                                            {"format", required_argument, 0, O_FORMAT},
                                            {"debug", no_argument, 0, O_DEBUG},
                                            {"help", no_argument, 0, 'h'},
                                            {0, 0, 0, 0}};

int opf_cmd_whoami(int argc, char **argv)
{
    struct opf_aws_client_options o = {0};
    bool json = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opf_whoami_options, NULL)) != -1) {
        switch (c) {
        case 'h':
            printf("usage: orgpreflight whoami [--profile NAME] [--region REGION] [--endpoint-url URL] "
                   "[--format text|json] [--debug]\n");
            return 0;
        case O_DEBUG: o.debug = stderr; break;
        case O_FORMAT:
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
                return opf_cli_usage("whoami", "--format takes text or json");
            json = strcmp(optarg, "json") == 0;
            break;
        case ':': return opf_cli_usage("whoami", "%s needs a value", argv[optind - 1]);
        default:
            if (!opf_cli_aws_option(c, optarg, &o.profile, &o.region, &o.endpoint_url))
                return opf_cli_usage("whoami", "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return opf_cli_usage("whoami", "unexpected argument \"%s\"", argv[optind]);
    struct opf_aws_error err = {0};
    struct opf_aws_client *client = opf_aws_client_new(&o, &err);
    struct opf_aws_session *s = client ? opf_aws_session_default(client, &err) : NULL;
    if (!s) {
        fprintf(stderr, "orgpreflight: %s: %s\n", client ? "credentials" : "AWS configuration", err.message);
        opf_aws_client_free(client);
        return opf_cli_exit_code(opf_aws_error_category(err.code, err.http_status));
    }
    json_t *who = opf_aws_call(s, "sts", "GetCallerIdentity", NULL, 0, &err);
    json_t *doc = opf_aws_session_resolution(s);
    if (who)
        json_object_set_new(doc, "caller", json_pack("{s:O?, s:O?, s:O?}", "arn", json_object_get(who, "Arn"), "account",
                                                     json_object_get(who, "Account"), "user_id", json_object_get(who, "UserId")));
    else
        json_object_set_new(doc, "caller_error", json_pack("s++", err.code, ": ", err.message));
    if (json) {
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else {
        s_print_text(doc);
    }
    json_decref(doc);
    json_decref(who);
    opf_aws_session_free(s);
    opf_aws_client_free(client);
    return who ? 0 : opf_cli_exit_code(opf_aws_error_category(err.code, err.http_status));
}
