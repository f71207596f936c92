/*
 * The commands, in the order of `orgpreflight help`, one X(name, function, summary, long options or NULL,
 * getopt short options) each. main.c expands the list into the table it dispatches with (s_version and s_help
 * are its own); the completion command expands it without the functions, so it describes every command, itself
 * included, without depending on the table that runs it.
 */
#ifndef OPF_CLI_COMMANDS_H
#define OPF_CLI_COMMANDS_H

#define OPF_CLI_COMMANDS(X)                                                                                         \
    X("audit", opf_cmd_audit, "audit an organization (live, or a saved bundle with --evidence) and report",         \
      opf_audit_options, "ho:")                                                                                     \
    X("plan", opf_cmd_plan, "write the migration runbook: order, blockers, wait periods (markdown or json)",        \
      opf_audit_options, "ho:")                                                                                     \
    X("collect", opf_cmd_collect, "collect the evidence of a live organization into a bundle (-o FILE)",            \
      opf_audit_options, "ho:")                                                                                     \
    X("checks", opf_cmd_checks, "list the checks (--format json for the catalogue as JSON)", opf_checks_options,    \
      "h")                                                                                                          \
    X("explain", opf_cmd_explain, "explain one check: why, evidence used, remediation", opf_checks_options, "h")    \
    X("diff", opf_cmd_diff, "compare two JSON reports: new failures, fixed, accounts added and gone",              \
      opf_diff_options, "ho:")                                                                                      \
    X("attest", opf_cmd_attest, "record a dated attestation (payment method, phone, root mailbox...)",             \
      opf_attest_options, "h")                                                                                      \
    X("waive", opf_cmd_waive, "record a waiver of one check for one account, with an owner and expiry",            \
      opf_waive_options, "h")                                                                                       \
    X("whoami", opf_cmd_whoami, "show who AWS calls would be made as: caller, credential source, region, endpoints", \
      opf_whoami_options, "h")                                                                                      \
    X("completion", opf_cmd_completion, "print the bash or zsh completion script (completion bash|zsh)", NULL, "h") \
    X("version", s_version, "print the version", NULL, "")                                                          \
    X("help", s_help, "show this help", NULL, "")

#endif
