/* `checks` (the catalogue) and `explain CHECK`. */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "core/core.h"

#define MAX_PLUGINS 16

static json_t *s_check_json(const struct opf_check *c)
{
    json_t *needs = json_array();
    for (const char *const *k = c->needs; k && *k; k++)
        json_array_append_new(needs, json_string(*k));
    return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:s, s:s, s:s}", "id", c->id, "title", c->title, "subject",
                     opf_subject_kind_name(c->subject), "severity", opf_severity_name(c->severity), "members_only",
                     (c->flags & OPF_CHECK_MEMBERS_ONLY) != 0, "evidence", needs, "rationale",
                     c->rationale ? c->rationale : "", "remediation", c->remediation ? c->remediation : "",
                     "placement", opf_runbook_placement_name(c->runbook));
}

const struct option opf_checks_options[] = {{"plugin", required_argument, 0, 'p'},
                                            {"format", required_argument, 0, 'f'},
                                            {"help", no_argument, 0, 'h'},
                                            {0, 0, 0, 0}};

/* Shared option parsing: --plugin (repeatable), --format text|json, --help. */
static int s_parse(const char *cmd, int argc, char **argv, char **plugins, size_t *nplugins, bool *json)
{
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opf_checks_options, NULL)) != -1) {
        switch (c) {
        case 'h':
            printf("usage: orgpreflight %s%s [--format text|json] [--plugin FILE.so]...\n", cmd,
                   strcmp(cmd, "explain") == 0 ? " CHECK" : "");
            return 0;
        case 'p':
            if (*nplugins == MAX_PLUGINS)
                return opf_cli_usage(cmd, "at most %d plugins", MAX_PLUGINS);
            plugins[(*nplugins)++] = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
                return opf_cli_usage(cmd, "--format takes text or json");
            *json = strcmp(optarg, "json") == 0;
            break;
        case ':': return opf_cli_usage(cmd, "%s needs a value", argv[optind - 1]);
        default: return opf_cli_usage(cmd, "unknown option %s", argv[optind - 1]);
        }
    }
    return -1;
}

int opf_cmd_checks(int argc, char **argv)
{
    char *plugins[MAX_PLUGINS];
    size_t n = 0;
    bool json = false;
    int rc = s_parse("checks", argc, argv, plugins, &n, &json);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return opf_cli_usage("checks", "unexpected argument \"%s\"", argv[optind]);
    struct opf_error err = {0};
    struct opf_registry *r = opf_cli_registry(plugins, n, &err);
    if (!r)
        return opf_cli_error(&err);
    json_t *all = json_array();
    for (size_t i = 0; i < opf_registry_count(r); i++) {
        const struct opf_check *c = opf_registry_at(r, i);
        if (json)
            json_array_append_new(all, s_check_json(c));
        else
            printf("%-28s %-19s %-8s %s\n", c->id, opf_subject_kind_name(c->subject), opf_severity_name(c->severity),
                   c->title);
    }
    if (json) {
        json_t *doc = json_pack("{s:o}", "checks", all);
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(doc);
    } else {
        json_decref(all);
    }
    opf_registry_free(r);
    return 0;
}

int opf_cmd_explain(int argc, char **argv)
{
    char *plugins[MAX_PLUGINS];
    size_t n = 0;
    bool json = false;
    int rc = s_parse("explain", argc, argv, plugins, &n, &json);
    if (rc >= 0)
        return rc;
    if (optind != argc - 1)
        return opf_cli_usage("explain", "name exactly one check");
    struct opf_error err = {0};
    struct opf_registry *r = opf_cli_registry(plugins, n, &err);
    if (!r)
        return opf_cli_error(&err);
    const struct opf_check *c = opf_registry_find(r, argv[optind]);
    if (!c) {
        opf_registry_free(r);
        return opf_cli_usage("explain", "unknown check \"%s\"", argv[optind]);
    }
    if (json) {
        json_t *doc = s_check_json(c);
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(doc);
    } else {
        printf("%s: %s\n\nsubject:     %s%s\nseverity:    %s\nrunbook:     %s\n\nwhy:         %s\n\nevidence:   ",
               c->id, c->title, opf_subject_kind_name(c->subject),
               (c->flags & OPF_CHECK_MEMBERS_ONLY) ? " (members only: skipped for the management account)" : "",
               opf_severity_name(c->severity), opf_runbook_placement_name(c->runbook),
               c->rationale ? c->rationale : "");
        for (const char *const *k = c->needs; k && *k; k++)
            printf(" %s", *k);
        printf("\n\nremediation: %s\n\nEvery verdict branch: %s#%s\n", c->remediation ? c->remediation : "",
               opf_cli_doc("checks.md"), c->id);
    }
    opf_registry_free(r);
    return 0;
}
