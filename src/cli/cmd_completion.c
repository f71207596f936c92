/*
 * `completion bash|zsh`: shell completion generated from the command table and each command's option table,
 * so a new command or option completes without editing a script. Values complete where the CLI knows them:
 * formats (from the format tables), severities, paths, check ids (from the registry) and file names.
 */
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "report/diff.h"
#include "report/report.h"

/* What is completed: every command (this one too) as it is described, without the functions that run them. */
#define S_COMMAND(name, run, summary, options, short_options) {name, NULL, summary, options, short_options},
static const struct opf_cmd s_cmds[] = {OPF_CLI_COMMANDS(S_COMMAND)};
static const size_t s_ncmds = sizeof(s_cmds) / sizeof(s_cmds[0]);

/* Options whose value is a file name. */
static const char *const s_file_options[] = {"evidence", "config", "attestations", "waivers", "plugin", "output",
                                             "file", NULL};

static bool s_in(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

/* The --format values a command accepts, space-separated, asked of the table each command parses with. */
static void s_formats(FILE *out, const char *cmd)
{
    static const char *const extra[] = {"markdown", "json", "text", NULL};
    size_t n;
    const struct opf_report_format *all = opf_report_formats(&n);
    bool first = true;
    for (size_t i = 0; i < n + 3; i++) {
        const char *name = i < n ? all[i].name : extra[i - n];
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(j < n ? all[j].name : extra[j - n], name) == 0;
        bool ok = strcmp(cmd, "plan") == 0   ? opf_runbook_format_find(name) != NULL
                  : strcmp(cmd, "diff") == 0 ? opf_diff_format_find(name) != NULL
                  : strcmp(cmd, "audit") == 0 ? opf_report_format_find(name) != NULL
                                              : strcmp(name, "text") == 0 || strcmp(name, "json") == 0;
        if (ok && !seen) {
            fprintf(out, "%s%s", first ? "" : " ", name);
            first = false;
        }
    }
}

static void s_severities(FILE *out)
{
    for (int s = OPF_SEV_BLOCKER; s >= OPF_SEV_INFO; s--)
        fprintf(out, "%s%s", s == OPF_SEV_BLOCKER ? "" : " ", opf_severity_name((enum opf_severity)s));
}

static void s_check_ids(FILE *out)
{
    struct opf_error err = {0};
    struct opf_registry *r = opf_cli_registry(NULL, 0, &err);
    for (size_t i = 0; r && i < opf_registry_count(r); i++)
        fprintf(out, "%s%s", i ? " " : "", opf_registry_at(r, i)->id);
    opf_registry_free(r);
}

/* Options whose values the CLI knows. */
static const char *const s_valued_options[] = {"format", "fail-on", "path", "checks", "skip-checks", NULL};

/* The words a value of option `name` (one of s_valued_options) of command `cmd` completes to. */
static void s_values(FILE *out, const char *cmd, const char *name)
{
    if (strcmp(name, "format") == 0)
        s_formats(out, cmd);
    else if (strcmp(name, "fail-on") == 0)
        s_severities(out);
    else if (strcmp(name, "path") == 0)
        fputs("leave direct", out);
    else
        s_check_ids(out);
}

enum s_kind { S_FREE, S_FILE, S_VALUES };

/* How the value of option o completes; for S_VALUES, *values names the option whose values it takes. */
static enum s_kind s_kind(const struct option *o, const char **values)
{
    /* --output names a file where it is -o's long form, else (as in the AWS CLI) a format */
    if (strcmp(o->name, "output") == 0 && o->val != 'o') {
        *values = "format";
        return S_VALUES;
    }
    *values = o->name;
    return s_in(s_file_options, o->name) ? S_FILE : s_in(s_valued_options, o->name) ? S_VALUES : S_FREE;
}

/* The long option a short option is the short form of: the one with its letter as value; NULL when none. */
static const struct option *s_long_form(const struct opf_cmd *cmd, char c)
{
    for (const struct option *o = cmd->options; o && o->name; o++)
        if (o->val == c)
            return o;
    return NULL;
}

/* One option of a command as a script names it. */
struct s_option {
    char word[64];              /* "--name" or "-c" */
    bool takes_value;
    const struct option *value; /* the long option whose value it takes; NULL: a short option of its own */
};

/* The i-th option of cmd, its long options first, then its short ones; false past the last. */
static bool s_option(const struct opf_cmd *cmd, size_t i, struct s_option *out)
{
    for (const struct option *o = cmd->options; o && o->name; o++, i--) {
        if (i == 0) {
            snprintf(out->word, sizeof(out->word), "--%s", o->name);
            out->takes_value = o->has_arg != no_argument;
            out->value = o;
            return true;
        }
    }
    for (const char *c = cmd->short_options; *c; c++) {
        if (*c == ':' || i-- > 0)
            continue;
        snprintf(out->word, sizeof(out->word), "-%c", *c);
        out->takes_value = c[1] == ':';
        out->value = s_long_form(cmd, *c);
        return true;
    }
    return false;
}

static void s_shells(FILE *out)
{
    fputs("bash zsh", out);
}

/* The commands whose first argument completes: its name in zsh's description, and its values. */
static const struct s_argument {
    const char *cmd, *label;
    void (*values)(FILE *out);
} s_arguments[] = {{"explain", "check", s_check_ids}, {"completion", "shell", s_shells}};

static const struct s_argument *s_argument(const char *cmd)
{
    for (size_t i = 0; i < sizeof(s_arguments) / sizeof(s_arguments[0]); i++)
        if (strcmp(s_arguments[i].cmd, cmd) == 0)
            return &s_arguments[i];
    return NULL;
}

/* How a shell's script completes an option's value: a file name, a list of words, or nothing. */
struct s_shell {
    const char *file, *words_open, *words_close, *nothing;
};
static const struct s_shell s_bash_shell = {"COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", "words=\"",
                                            "\" ;;\n", "return ;;\n"};
static const struct s_shell s_zsh_shell = {"_files", "(", ")", " "}; /* an _arguments action */

/* Completes the value of option o of cmd (NULL: a short option of its own, which takes a file: -o). */
static void s_value(FILE *out, const struct s_shell *sh, const char *cmd, const struct option *o)
{
    const char *values;
    enum s_kind kind = o ? s_kind(o, &values) : S_FILE;
    if (kind == S_FILE) {
        fputs(sh->file, out);
    } else if (kind == S_VALUES) {
        fputs(sh->words_open, out);
        s_values(out, cmd, values);
        fputs(sh->words_close, out);
    } else {
        fputs(sh->nothing, out); /* free text: nothing to offer */
    }
}

/* The bash case arm completing the value of option `word` (--name or -c) of cmd. */
static void s_bash_arm(FILE *out, const char *cmd, const char *word, const struct option *o)
{
    fprintf(out, "        \"%s %s\") ", cmd, word);
    s_value(out, &s_bash_shell, cmd, o);
}

static void s_bash(FILE *out)
{
    fputs("# bash completion for orgpreflight, generated by `orgpreflight completion bash`\n"
          "_orgpreflight() {\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} words=\n"
          "    if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
          "        words=\"",
          out);
    for (size_t i = 0; i < s_ncmds; i++)
        fprintf(out, "%s%s", i ? " " : "", s_cmds[i].name);
    fputs("\"\n    else\n        case \"${COMP_WORDS[1]} $prev\" in\n", out);
    struct s_option opt;
    for (size_t i = 0; i < s_ncmds; i++)
        for (size_t k = 0; s_option(&s_cmds[i], k, &opt); k++)
            if (opt.takes_value)
                s_bash_arm(out, s_cmds[i].name, opt.word, opt.value);
    fputs("        *)\n            case \"${COMP_WORDS[1]}\" in\n", out);
    for (size_t i = 0; i < s_ncmds; i++) {
        /* every word is followed by a space; bash's word splitting ignores the last one */
        fprintf(out, "            %s) words=\"", s_cmds[i].name);
        for (size_t k = 0; s_option(&s_cmds[i], k, &opt); k++)
            fprintf(out, "%s ", opt.word);
        const struct s_argument *arg = s_argument(s_cmds[i].name);
        if (arg)
            arg->values(out);
        fputs("\" ;;\n", out);
    }
    fputs("            esac ;;\n"
          "        esac\n"
          "    fi\n"
          "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
          "}\n"
          "complete -o default -F _orgpreflight orgpreflight\n",
          out);
}

/* A zsh _describe entry or _arguments text: ':' and '\' backslash-escaped, single quotes closed and reopened. */
static void s_zsh_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == ':' || *s == '\\')
            fprintf(out, "\\%c", *s);
        else if (*s == '\'')
            fputs("'\\''", out);
        else
            fputc(*s, out);
    }
}

static void s_zsh(FILE *out)
{
    fputs("#compdef orgpreflight\n"
          "# zsh completion for orgpreflight, generated by `orgpreflight completion zsh`\n"
          "_orgpreflight() {\n"
          "    local -a commands\n"
          "    commands=(\n",
          out);
    for (size_t i = 0; i < s_ncmds; i++) {
        fputs("        '", out);
        s_zsh_text(out, s_cmds[i].name);
        fputc(':', out);
        s_zsh_text(out, s_cmds[i].summary);
        fputs("'\n", out);
    }
    fputs("    )\n"
          "    if (( CURRENT == 2 )); then\n"
          "        _describe 'command' commands\n"
          "        return\n"
          "    fi\n"
          "    local cmd=$words[2]\n"
          "    shift words\n"
          "    (( CURRENT-- ))\n"
          "    case $cmd in\n",
          out);
    for (size_t i = 0; i < s_ncmds; i++) {
        fprintf(out, "    %s)\n        _arguments -S", s_cmds[i].name);
        struct s_option opt;
        for (size_t k = 0; s_option(&s_cmds[i], k, &opt); k++) {
            fprintf(out, " \\\n            '*%s", opt.word);
            if (opt.takes_value) {
                /* a long option's value may follow '=' (zsh's --name=), a short one's is the next word */
                fprintf(out, "%s:%s:", opt.word[1] == '-' ? "=" : "", opt.value ? opt.value->name : "file");
                s_value(out, &s_zsh_shell, s_cmds[i].name, opt.value);
            }
            fputc('\'', out);
        }
        const struct s_argument *arg = s_argument(s_cmds[i].name);
        if (arg) {
            fprintf(out, " \\\n            '1:%s:(", arg->label);
            arg->values(out);
            fputs(")'", out);
        }
        fputs("\n        ;;\n", out);
    }
    fputs("    esac\n"
          "}\n"
          "_orgpreflight \"$@\"\n",
          out);
}

int opf_cmd_completion(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        puts("usage: orgpreflight completion bash|zsh\n\n"
             "Prints the shell completion script, e.g. source <(orgpreflight completion bash).\n"
             "Both scripts are installed with orgpreflight (share/bash-completion/completions,\n"
             "share/zsh/site-functions).");
        return 0;
    }
    if (argc != 2 || (strcmp(argv[1], "bash") != 0 && strcmp(argv[1], "zsh") != 0))
        return opf_cli_usage("completion", "takes bash or zsh");
    if (strcmp(argv[1], "bash") == 0)
        s_bash(stdout);
    else
        s_zsh(stdout);
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : OPF_EXIT_ERROR;
}
