/* `diff OLD.json NEW.json`: what changed between two JSON reports, gated on new failures. */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "core/core.h"
#include "report/diff.h"

static void s_usage(void)
{
    fputs("usage: orgpreflight diff OLD.json NEW.json [OPTIONS]\n\n"
          "Compares two JSON reports (audit --format json): new failures, fixed rows, other status changes,\n"
          "accounts added and gone, waivers expired in between.\n\n"
          "  --format NAME          text (default), markdown, json\n"
          "  -o, --output FILE      write to FILE (atomically) instead of standard output\n"
          "  --fail-on SEVERITY     gate severity: blocker, high (default), medium, low, info\n"
          "  -h, --help             this help\n\n"
          "exit codes: 0 no new fail or unknown at or above the gate, 1 one appeared, 3 unreadable or invalid\n"
          "report, 64 usage error\n",
          stdout);
}

struct s_args {
    const char *format, *output, *old_path, *new_path;
    enum opf_severity fail_on;
};

const struct option opf_diff_options[] = {{"format", required_argument, 0, 'f'}, {"output", required_argument, 0, 'o'},
                                          {"fail-on", required_argument, 0, 'g'}, {"help", no_argument, 0, 'h'},
                                          {0, 0, 0, 0}};

/* Returns -1 to continue, else an exit code. */
static int s_parse(struct s_args *a, int argc, char **argv)
{
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", opf_diff_options, NULL)) != -1) {
        switch (c) {
        case 'h': s_usage(); return 0;
        case 'f':
            if (!opf_diff_format_find(optarg))
                return opf_cli_usage("diff", "--format takes text, markdown or json");
            a->format = optarg;
            break;
        case 'o': a->output = optarg; break;
        case 'g':
            if (!opf_severity_parse(optarg, &a->fail_on))
                return opf_cli_usage("diff", "--fail-on takes blocker, high, medium, low or info");
            break;
        case ':': return opf_cli_usage("diff", "%s needs a value", argv[optind - 1]);
        default: return opf_cli_usage("diff", "unknown option %s", argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return opf_cli_usage("diff", "takes two reports, OLD.json and NEW.json");
    a->old_path = argv[optind];
    a->new_path = argv[optind + 1];
    return -1;
}

struct s_write {
    opf_diff_write_fn *write;
    const json_t *diff;
};

static int s_write_cb(FILE *out, void *ud)
{
    const struct s_write *w = ud;
    return w->write(w->diff, out);
}

int opf_cmd_diff(int argc, char **argv)
{
    struct s_args a = {.format = "text", .fail_on = opf_fail_on(NULL)};
    int rc = s_parse(&a, argc, argv);
    if (rc >= 0)
        return rc;
    struct opf_error err = {0};
    json_t *old_report = NULL, *new_report = NULL, *diff = NULL;
    if (!(old_report = opf_report_load(a.old_path, &err)) || !(new_report = opf_report_load(a.new_path, &err)))
        goto fail;
    if (!(diff = opf_report_diff(old_report, a.old_path, new_report, a.new_path, a.fail_on))) {
        opf_fail(&err, OPF_ERR_NO_MEMORY, "out of memory comparing the reports");
        goto fail;
    }
    struct s_write w = {opf_diff_format_find(a.format), diff};
    if (a.output) {
        if (opf_file_write_atomic(a.output, 0644, s_write_cb, &w, &err) != 0)
            goto fail;
    } else if (w.write(diff, stdout) != 0 || fflush(stdout) != 0) {
        opf_fail(&err, OPF_ERR_IO, "standard output: write failed");
        goto fail;
    }
    rc = (int)opf_diff_exit_code(diff);
    goto out;
fail:
    rc = opf_cli_error(&err);
out:
    json_decref(diff);
    json_decref(new_report);
    json_decref(old_report);
    return rc;
}
