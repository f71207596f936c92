/* orgpreflight: command dispatch. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static int s_version(int argc, char **argv);
static int s_help(int argc, char **argv);

static const struct opf_cmd s_cmds[] = {
    {"audit", opf_cmd_audit, "audit an organization (live, or a saved bundle with --evidence) and report"},
    {"plan", opf_cmd_plan, "write the migration runbook: order, blockers, wait periods (markdown or json)"},
    {"collect", opf_cmd_collect, "collect the evidence of a live organization into a bundle (-o FILE)"},
    {"checks", opf_cmd_checks, "list the checks (--format json for the catalogue as JSON)"},
    {"explain", opf_cmd_explain, "explain one check: why, evidence used, remediation"},
    {"diff", opf_cmd_diff, "compare two JSON reports: new failures, fixed, accounts added and gone"},
    {"attest", opf_cmd_attest, "record a dated attestation (payment method, phone, root mailbox...)"},
    {"waive", opf_cmd_waive, "record a waiver of one check for one account, with an owner and expiry"},
    {"whoami", opf_cmd_whoami, "show who AWS calls would be made as: caller, credential source, region, endpoints"},
    {"version", s_version, "print the version"},
    {"help", s_help, "show this help"},
};

int opf_cli_error(const struct opf_error *err)
{
    fprintf(stderr, "orgpreflight: %s\n", err->message);
    return err->exit_code ? err->exit_code : OPF_EXIT_ERROR;
}

int opf_cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "orgpreflight %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see `orgpreflight %s --help`)\n", cmd);
    va_end(ap);
    return OPF_EXIT_USAGE;
}

struct opf_registry *opf_cli_registry(char **plugins, size_t nplugins, struct opf_error *err)
{
    struct opf_registry *r = opf_registry_new();
    if (!r) {
        snprintf(err->message, sizeof(err->message), "cannot build the check registry");
        err->exit_code = OPF_EXIT_ERROR;
        return NULL;
    }
    for (size_t i = 0; i < nplugins; i++)
        if (opf_registry_load_plugin(r, plugins[i], err) != 0) {
            opf_registry_free(r);
            return NULL;
        }
    return r;
}

static int s_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("orgpreflight %s\n", opf_version());
    return 0;
}

static int s_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("usage: orgpreflight COMMAND [OPTIONS]\n\n"
           "Audits an AWS Organization before its accounts move to another organization.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(s_cmds) / sizeof(s_cmds[0]); i++)
        printf("  %-9s %s\n", s_cmds[i].name, s_cmds[i].summary);
    printf("\n`orgpreflight COMMAND --help` describes each command's options.\n"
           "exit codes: 0 ready, 1 not ready, 2 undetermined, 3 could not run, 64 usage error\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return s_help(0, NULL), OPF_EXIT_USAGE;
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return s_help(0, NULL);
    if (strcmp(name, "--version") == 0)
        return s_version(0, NULL);
    for (size_t i = 0; i < sizeof(s_cmds) / sizeof(s_cmds[0]); i++)
        if (strcmp(s_cmds[i].name, name) == 0)
            return s_cmds[i].run(argc - 1, argv + 1);
    fprintf(stderr, "orgpreflight: unknown command \"%s\" (see `orgpreflight --help`)\n", name);
    return OPF_EXIT_USAGE;
}
