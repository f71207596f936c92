/* `attest` and `waive`: append one dated attestation or one waiver to the operator's files (docs/config.md). */
#include <ctype.h>
#include <getopt.h>
#include <string.h>
#include <time.h>

#include "aws/aws.h"
#include "cli/cli.h"
#include "core/core.h"

#define MAX_PLUGINS 16

struct s_args {
    const char *cmd;
    const char *file, *config, *now;
    const char *by, *note, *at, *evidence;      /* attest */
    const char *reason, *owner, *expires;       /* waive */
    struct opf_aws_client_options aws;          /* --profile, --region, --endpoint-url */
    char *plugins[MAX_PLUGINS];
    size_t nplugins;
    char **positional;
    int npositional;
};

static void s_usage(const char *cmd)
{
    if (strcmp(cmd, "attest") == 0) {
        char facts[256];
        opf_attestation_facts_join(facts, sizeof(facts));
        printf("usage: orgpreflight attest ACCOUNT FACT true|false --by NAME [OPTIONS]\n\n"
               "Appends a dated attestation of a fact no AWS API exposes to the attestations file.\n"
               "FACT: %s.\n\n"
               "  --by NAME              who attests (required)\n"
               "  --note TEXT            how it was checked\n"
               "  --at ISO8601           when it was checked (default: now)\n"
               "  --evidence FILE        warn when ACCOUNT is not in this bundle's organization\n",
               facts);
    } else {
        fputs("usage: orgpreflight waive CHECK SUBJECT --reason TEXT --owner NAME --expires YYYY-MM-DD [OPTIONS]\n\n"
              "Appends a waiver to the waivers file: until the end of its expiry day (UTC) it turns a fail, unknown\n"
              "or warn of CHECK on SUBJECT (an account id, the subject id of an organization-level check, or *)\n"
              "into waived.\n\n"
              "  --reason TEXT          why the finding is accepted (required)\n"
              "  --owner NAME           who answers for it (required)\n"
              "  --expires YYYY-MM-DD   last day it applies (required; not in the past)\n"
              "  --plugin FILE.so       also accept the checks of this module (repeatable)\n",
              stdout);
    }
    fputs("  --profile NAME         AWS profile: warn when the account is not one of the live organization's\n"
          "                         (organizations:ListAccounts, read-only; the entry is recorded anyway)\n"
          "  --region REGION        AWS region (also turns that check on)\n"
          "  --endpoint-url URL     send that AWS call to this endpoint (also turns the check on)\n"
          "  --file PATH            the file to append to (created when missing)\n"
          "  --config FILE          use the file the configuration names when --file is not given\n"
          "  --now ISO8601          the current time, for reproducible runs\n"
          "  -h, --help             this help\n\n"
          "exit codes: 0 appended, 3 unreadable configuration or malformed file (left unchanged), 64 usage error\n",
          stdout);
}

enum { O_FILE = 256, O_CONFIG, O_NOW, O_BY, O_NOTE, O_AT, O_REASON, O_OWNER, O_EXPIRES, O_PLUGIN, O_EVIDENCE };

const struct option opf_attest_options[] = {
    {"file", required_argument, 0, O_FILE}, {"config", required_argument, 0, O_CONFIG},
    {"now", required_argument, 0, O_NOW},   {"by", required_argument, 0, O_BY},
    {"note", required_argument, 0, O_NOTE}, {"at", required_argument, 0, O_AT},
    {"evidence", required_argument, 0, O_EVIDENCE}, OPF_CLI_AWS_OPTIONS, {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};
const struct option opf_waive_options[] = {
    {"file", required_argument, 0, O_FILE},       {"config", required_argument, 0, O_CONFIG},
    {"now", required_argument, 0, O_NOW},         {"reason", required_argument, 0, O_REASON},
    {"owner", required_argument, 0, O_OWNER},     {"expires", required_argument, 0, O_EXPIRES},
    {"plugin", required_argument, 0, O_PLUGIN},   OPF_CLI_AWS_OPTIONS,
    {"help", no_argument, 0, 'h'},                {0, 0, 0, 0}};

/* Returns -1 to continue, else an exit code. */
static int s_parse(struct s_args *a, int argc, char **argv)
{
    int c;
    optind = 1;
    opterr = 0;
    const struct option *opts = strcmp(a->cmd, "attest") == 0 ? opf_attest_options : opf_waive_options;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': s_usage(a->cmd); return 0;
        case O_FILE: a->file = optarg; break;
        case O_CONFIG: a->config = optarg; break;
        case O_NOW: a->now = optarg; break;
        case O_BY: a->by = optarg; break;
        case O_NOTE: a->note = optarg; break;
        case O_AT: a->at = optarg; break;
        case O_EVIDENCE: a->evidence = optarg; break;
        case O_REASON: a->reason = optarg; break;
        case O_OWNER: a->owner = optarg; break;
        case O_EXPIRES: a->expires = optarg; break;
        case O_PLUGIN:
            if (a->nplugins == MAX_PLUGINS)
                return opf_cli_usage(a->cmd, "at most %d plugins", MAX_PLUGINS);
            a->plugins[a->nplugins++] = optarg;
            break;
        case ':': return opf_cli_usage(a->cmd, "%s needs a value", argv[optind - 1]);
        default:
            if (!opf_cli_aws_option(c, optarg, &a->aws.profile, &a->aws.region, &a->aws.endpoint_url))
                return opf_cli_usage(a->cmd, "unknown option %s", argv[optind - 1]);
        }
    }
    a->positional = argv + optind;
    a->npositional = argc - optind;
    return -1;
}

static bool s_blank(const char *s)
{
    for (; s && *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

/* The current time: --now, or the clock. Returns -1 to continue, else an exit code. */
static int s_now(const struct s_args *a, time_t *now)
{
    if (!a->now) {
        *now = time(NULL);
        return -1;
    }
    return opf_time_parse(a->now, now) ? -1
                                       : opf_cli_usage(a->cmd, "--now %s: not a real date and time (ISO 8601, e.g. "
                                                               "2026-11-25T09:00:00Z)", a->now);
}

/* The file to append to: --file, else the one the --config names (`section`.file). *cfg keeps it alive.
 * Returns -1 to continue, else an exit code. */
static int s_target(const struct s_args *a, const char *section, json_t **cfg, const char **path)
{
    struct opf_error err = {0};
    if (a->file) {
        *path = a->file;
        return -1;
    }
    const char *config = opf_cli_config_path(a->config, false);
    if (!config)
        return opf_cli_usage(a->cmd, "--file PATH is required (or --config FILE naming %s.file)", section);
    if (!(*cfg = opf_config_load(config, &err)))
        return opf_cli_error(&err);
    *path = json_string_value(json_object_get(json_object_get(*cfg, section), "file"));
    if (!*path)
        return opf_cli_usage(a->cmd, "%s sets no %s.file: give --file PATH", config, section);
    return -1;
}

/* With --evidence: a warning when the account is not one of the bundle's organization (a typo attests nothing
 * the audit will use). Returns -1 to continue, else an exit code. */
static int s_known_account(const struct s_args *a, const char *account)
{
    if (!a->evidence)
        return -1;
    struct opf_error err = {0};
    json_t *bundle = opf_bundle_load(a->evidence, &err);
    if (!bundle)
        return opf_cli_error(&err);
    bool known = false;
    size_t i;
    const json_t *acct;
    json_array_foreach(json_object_get(bundle, "accounts"), i, acct) {
        const char *id = json_string_value(json_object_get(acct, "id"));
        known |= id && strcmp(id, account) == 0;
    }
    if (!known)
    {
        const char *org = json_string_value(json_object_get(json_object_get(bundle, "organization"), "id"));
        fprintf(stderr, "orgpreflight attest: warning: %s is not an account of organization %s (%s); attested anyway\n",
                account, org ? org : "(unnamed)", a->evidence);
    }
    json_decref(bundle);
    return -1;
}

/* With AWS access given on the command line (never without: offline stays offline), advice on whether the
 * account is one of the live organization's. */
static void s_live_account(const struct s_args *a, const char *account, const char *done)
{
    if (a->aws.profile || a->aws.region || a->aws.endpoint_url)
        opf_cli_org_account_advice(a->cmd, &a->aws, account, done);
}

int opf_cmd_attest(int argc, char **argv)
{
    struct s_args a = {.cmd = "attest"};
    int rc = s_parse(&a, argc, argv);
    if (rc >= 0)
        return rc;
    if (a.npositional != 3)
        return opf_cli_usage(a.cmd, "takes ACCOUNT FACT true|false");
    const char *account = a.positional[0], *fact = a.positional[1], *value = a.positional[2];
    time_t now, at;
    if (!opf_is_account_id(account))
        return opf_cli_usage(a.cmd, "ACCOUNT \"%s\" is not a 12-digit account id", account);
    if (!opf_attestation_fact_known(fact)) {
        char facts[256];
        opf_attestation_facts_join(facts, sizeof(facts));
        return opf_cli_usage(a.cmd, "unknown fact \"%s\": expected one of %s", fact, facts);
    }
    if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
        return opf_cli_usage(a.cmd, "VALUE \"%s\": expected true or false", value);
    if (s_blank(a.by))
        return opf_cli_usage(a.cmd, "--by NAME is required: who attests");
    if (a.note && s_blank(a.note))
        return opf_cli_usage(a.cmd, "--note is empty");
    if ((rc = s_now(&a, &now)) >= 0)
        return rc;
    if (a.at && !opf_time_parse(a.at, &at))
        return opf_cli_usage(a.cmd, "--at %s: not a real date and time (ISO 8601, e.g. 2026-11-24T16:30:00Z)", a.at);
    if (!a.at)
        at = now;
    /* The audit ignores an attestation dated after it runs: refuse one that would never count. */
    if (at > now)
        return opf_cli_usage(a.cmd, "--at %s is in the future", a.at);

    if ((rc = s_known_account(&a, account)) >= 0)
        return rc;
    s_live_account(&a, account, "attested");
    json_t *cfg = NULL;
    const char *path = NULL;
    if ((rc = s_target(&a, "attestations", &cfg, &path)) < 0) {
        char when[32];
        opf_time_format(at, when, sizeof(when));
        json_t *entry = json_pack("{s:s, s:s, s:b, s:s, s:s}", "account_id", account, "fact", fact, "value",
                                  strcmp(value, "true") == 0, "attested_by", a.by, "attested_at", when);
        if (a.note)
            json_object_set_new(entry, "note", json_string(a.note));
        struct opf_error err = {0};
        if (opf_attestation_append(path, entry, &err) != 0) {
            rc = opf_cli_error(&err);
        } else {
            printf("%s: %s attests %s = %s for %s at %s\n", path, a.by, fact, value, account, when);
            rc = OPF_EXIT_READY;
        }
    }
    json_decref(cfg);
    return rc;
}

/* Returns -1 to continue, else an exit code. */
static int s_check_waiver(const struct s_args *a, const struct opf_check *check, const char *subject, time_t now)
{
    time_t day;
    if (strcmp(subject, "*") != 0 && check->subject == OPF_SUBJECT_ACCOUNT && !opf_is_account_id(subject))
        return opf_cli_usage(a->cmd, "SUBJECT \"%s\": %s concerns accounts: expected a 12-digit account id or *",
                             subject, check->id);
    if (s_blank(subject))
        return opf_cli_usage(a->cmd, "SUBJECT is empty");
    if (s_blank(a->reason))
        return opf_cli_usage(a->cmd, "--reason TEXT is required: why the finding is accepted");
    if (s_blank(a->owner))
        return opf_cli_usage(a->cmd, "--owner NAME is required: who answers for the waiver");
    if (!a->expires)
        return opf_cli_usage(a->cmd, "--expires YYYY-MM-DD is required");
    if (!opf_date_parse(a->expires, &day))
        return opf_cli_usage(a->cmd, "--expires %s: not a real date YYYY-MM-DD", a->expires);
    if (opf_waiver_expired(a->expires, now))
        return opf_cli_usage(a->cmd, "--expires %s is in the past: the waiver would never apply", a->expires);
    return -1;
}

int opf_cmd_waive(int argc, char **argv)
{
    struct s_args a = {.cmd = "waive"};
    int rc = s_parse(&a, argc, argv);
    if (rc >= 0)
        return rc;
    if (a.npositional != 2)
        return opf_cli_usage(a.cmd, "takes CHECK SUBJECT");
    const char *check_id = a.positional[0], *subject = a.positional[1];
    time_t now;
    if ((rc = s_now(&a, &now)) >= 0)
        return rc;
    struct opf_error err = {0};
    struct opf_registry *r = opf_cli_registry(a.plugins, a.nplugins, &err);
    if (!r)
        return opf_cli_error(&err);
    json_t *cfg = NULL;
    const char *path = NULL;
    const struct opf_check *check = opf_registry_find(r, check_id);
    if (!check)
        rc = opf_cli_usage(a.cmd, "unknown check \"%s\": `orgpreflight checks` lists them", check_id);
    else if ((rc = s_check_waiver(&a, check, subject, now)) < 0 && (rc = s_target(&a, "waivers", &cfg, &path)) < 0) {
        if (opf_is_account_id(subject))
            s_live_account(&a, subject, "waived");
        json_t *entry = json_pack("{s:s, s:s, s:s, s:s, s:s}", "check", check_id, "account_id", subject, "reason",
                                  a.reason, "owner", a.owner, "expires", a.expires);
        json_t *replaced = NULL;
        if (opf_waiver_append(path, entry, r, &replaced, &err) != 0) {
            rc = opf_cli_error(&err);
        } else {
            printf("%s: %s waived for %s until %s (owner %s)", path, check_id, subject, a.expires, a.owner);
            if (replaced) /* one waiver per finding: the new one takes the old one's place */
                printf("; it replaces the waiver of %s for %s until %s (owner %s)", check_id, subject,
                       json_string_value(json_object_get(replaced, "expires")),
                       json_string_value(json_object_get(replaced, "owner")));
            putchar('\n');
            rc = OPF_EXIT_READY;
        }
        json_decref(replaced);
    }
    json_decref(cfg);
    opf_registry_free(r);
    return rc;
}
