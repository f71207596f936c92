/* orgpreflight: command dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

static int s_version(int argc, char **argv);
static int s_help(int argc, char **argv);

#define S_COMMAND(name, run, summary, options, short_options) {name, run, summary, options, short_options},
static const struct opf_cmd s_cmds[] = {OPF_CLI_COMMANDS(S_COMMAND)};

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
