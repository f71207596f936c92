/* The orgpreflight command line: one file per subcommand, dispatched from main.c. */
#ifndef OPF_CLI_H
#define OPF_CLI_H

#include <getopt.h>
#include <stdio.h>
#include <orgpreflight/orgpreflight.h>

typedef int opf_cmd_fn(int argc, char **argv);

struct opf_cmd {
    const char *name;
    opf_cmd_fn *run;               /* NULL in the completion command's copy, which only describes */
    const char *summary;
    const struct option *options;  /* its long options (the completion is generated from them); NULL: none */
    const char *short_options;     /* its getopt short options, "" when none */
};

/* The option tables of the commands that have options. */
extern const struct option opf_audit_options[], opf_checks_options[], opf_diff_options[], opf_attest_options[],
    opf_waive_options[], opf_whoami_options[];

int opf_cmd_audit(int argc, char **argv);
int opf_cmd_collect(int argc, char **argv);
int opf_cmd_plan(int argc, char **argv);
int opf_cmd_checks(int argc, char **argv);
int opf_cmd_explain(int argc, char **argv);
int opf_cmd_diff(int argc, char **argv);
int opf_cmd_attest(int argc, char **argv);
int opf_cmd_waive(int argc, char **argv);
int opf_cmd_whoami(int argc, char **argv);
int opf_cmd_completion(int argc, char **argv);

/* The configuration file to use: `given` when set, else the first that exists of ./orgpreflight.json,
 * $XDG_CONFIG_HOME/orgpreflight/config.json (default ~/.config) and /etc/orgpreflight/config.json, named on
 * stderr unless quiet; NULL when there is none. */
const char *opf_cli_config_path(const char *given, bool quiet);

/* The one place a library error's category becomes the process exit code (README, docs/orgpreflight.1). */
int opf_cli_exit_code(enum opf_error_category category);
/* Prints "orgpreflight: MESSAGE" on stderr and returns the exit code of the error's category. */
int opf_cli_error(const struct opf_error *err);
/* Prints a usage error on stderr and returns OPF_EXIT_USAGE. */
int opf_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The path of the documentation file NAME ("checks.md"): installed beside the binary, or in the source
 * tree for the binary in its build directory. A static buffer, overwritten by the next call. */
const char *opf_cli_doc(const char *name);

/* The AWS access options of the commands that call AWS (audit, whoami, attest, waive): their option codes, the
 * entries of their option tables, and their parsing. */
enum { OPF_CLI_O_PROFILE = 1024, OPF_CLI_O_REGION, OPF_CLI_O_ENDPOINT };
#define OPF_CLI_AWS_OPTIONS                                                                                        \
    {"profile", required_argument, 0, OPF_CLI_O_PROFILE}, {"region", required_argument, 0, OPF_CLI_O_REGION},      \
        {"endpoint-url", required_argument, 0, OPF_CLI_O_ENDPOINT}
/* Stores `arg` in the slot option `c` names; false when `c` is none of them. */
bool opf_cli_aws_option(int c, const char *arg, const char **profile, const char **region, const char **endpoint_url);

struct opf_aws_client_options;
/* With AWS access: lists the organization's accounts (organizations:ListAccounts, read-only) and warns on stderr,
 * one line, when `account` is not among them or when the listing fails (naming the cause). Advice only:
 * `done` ("attested", "waived") says the entry is recorded anyway. */
void opf_cli_org_account_advice(const char *cmd, const struct opf_aws_client_options *o, const char *account,
                                const char *done);

/* Loads the registry with the built-in checks and every --plugin given. */
OPF_MUST_USE struct opf_registry *opf_cli_registry(char **plugins, size_t nplugins, struct opf_error *err);

#endif
