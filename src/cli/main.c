/* orgpreflight: command dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static int s_version(int argc, char **argv);
static int s_help(int argc, char **argv);

static const struct opf_cmd s_cmds[] = {
    {"audit", opf_cmd_audit, "audit an organization (live, or a saved bundle with --evidence) and report",
     opf_audit_options, "ho:"},
    {"plan", opf_cmd_plan, "write the migration runbook: order, blockers, wait periods (markdown or json)",
     opf_audit_options, "ho:"},
    {"collect", opf_cmd_collect, "collect the evidence of a live organization into a bundle (-o FILE)",
     opf_audit_options, "ho:"},
    {"checks", opf_cmd_checks, "list the checks (--format json for the catalogue as JSON)", opf_checks_options, "h"},
    {"explain", opf_cmd_explain, "explain one check: why, evidence used, remediation", opf_checks_options, "h"},
    {"diff", opf_cmd_diff, "compare two JSON reports: new failures, fixed, accounts added and gone",
     opf_diff_options, "ho:"},
    {"attest", opf_cmd_attest, "record a dated attestation (payment method, phone, root mailbox...)",
     opf_attest_options, "h"},
    {"waive", opf_cmd_waive, "record a waiver of one check for one account, with an owner and expiry",
     opf_waive_options, "h"},
    {"whoami", opf_cmd_whoami, "show who AWS calls would be made as: caller, credential source, region, endpoints",
     opf_whoami_options, "h"},
    {"completion", opf_cmd_completion, "print the bash or zsh completion script (completion bash|zsh)", NULL, "h"},
    {"version", s_version, "print the version", NULL, ""},
    {"help", s_help, "show this help", NULL, ""},
};

const struct opf_cmd *opf_cli_commands(size_t *count)
{
    *count = sizeof(s_cmds) / sizeof(s_cmds[0]);
    return s_cmds;
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
        printf("  %-10s %s\n", s_cmds[i].name, s_cmds[i].summary);
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
