/* `audit` and `collect`: options, evidence (a bundle file or a live collection), audit, outputs. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <orgpreflight/collect.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/core.h"
#include "report/report.h"

#define MAX_OUTPUTS 16
#define MAX_PLUGINS 16

struct s_output {
    const char *format;
    const char *file;   /* NULL or "-": standard output */
};

/* -o - names standard output, as no -o does. */
static bool s_stdout(const char *file)
{
    return !file || strcmp(file, "-") == 0;
}

struct s_args {
    const char *cmd;
    const char *evidence, *config, *attestations, *waivers, *checks, *skip_checks, *fail_on, *path, *now;
    const char *role_name, *external_id, *regions;
    struct opf_collect_options collect;
    struct s_output outputs[MAX_OUTPUTS];
    size_t noutputs;
    char *plugins[MAX_PLUGINS];
    size_t nplugins;
    const char *bundle_out;   /* collect -o */
    bool quiet, verbose, debug;
};

static volatile int s_interrupted;

static void s_on_signal(int sig)
{
    (void)sig;
    s_interrupted = 1;
}

/* audit and plan evaluate the evidence and write outputs; collect only saves the evidence. */
static bool s_evaluates(const char *cmd)
{
    return strcmp(cmd, "collect") != 0;
}

static bool s_is_plan(const char *cmd)
{
    return strcmp(cmd, "plan") == 0;
}

static const struct opf_report_format *s_format_find(const char *cmd, const char *name)
{
    return s_is_plan(cmd) ? opf_runbook_format_find(name) : opf_report_format_find(name);
}

static void s_usage(FILE *out, const char *cmd)
{
    bool audit = s_evaluates(cmd);
    fprintf(out, "usage: orgpreflight %s [OPTIONS]\n\n", cmd);
    if (s_is_plan(cmd))
        fputs("Writes the migration runbook: audits like `audit` (a saved bundle with --evidence, else live),\n"
              "then orders the move: which accounts can move now, what each blocked one needs first, wait\n"
              "periods, the portal alias to claim, the break-glass users to keep, the management account last.\n\n"
              "  --evidence FILE        plan from this evidence bundle instead of a live organization\n"
              "  --format NAME          markdown (default), json (repeatable; --output NAME is the same)\n"
              "  -o FILE                write the preceding --format to FILE (atomically; - is standard output)\n",
              out);
    else if (audit)
        fputs("Audits an organization and reports. With --evidence FILE it audits a saved bundle offline;\n"
              "otherwise it collects the evidence live with the operator's AWS credentials.\n\n"
              "  --evidence FILE        audit this evidence bundle instead of a live organization\n"
              "  --format NAME          text (default), summary, json, csv, junit, markdown, html,\n"
              "                         prometheus, openmetrics, asff, ocsf (repeatable; --output NAME is\n"
              "                         the same)\n"
              "  -o FILE                write the preceding --format to FILE (atomically; - is standard\n"
              "                         output, where one format at most goes)\n", out);
    if (audit)
        fputs(
              "  --fail-on SEVERITY     gate severity: blocker, high (default), medium, low, info\n"
              "  --checks ID,...        run only these checks\n"
              "  --skip-checks ID,...   do not run these checks\n"
              "  --attestations FILE    operator attestations (overrides attestations.file)\n"
              "  --waivers FILE         waivers (overrides waivers.file)\n"
              "  --plugin FILE.so       load external checks (repeatable)\n"
              "  --now ISO8601          evaluate as of this time (reproducible audits)\n"
              "  --verbose              text: show passing and skipped rows too\n",
              out);
    else
        fputs("Collects the evidence of a live organization into a bundle for a later offline audit.\n\n"
              "  -o FILE                the bundle to write (mode 0600: it holds e-mail addresses; - is standard\n"
              "                         output)\n",
              out);
    fprintf(out, "  --config FILE          configuration (%s)\n", opf_cli_doc("config.md"));
    fputs("  --path leave|direct    migration path (overrides migration.path)\n"
          "  --profile NAME         AWS profile of the operator's credentials\n"
          "  --region REGION        AWS region\n"
          "  --regions R1,R2,...    regions scanned for regional evidence (default: each account's enabled ones)\n"
          "  --endpoint-url URL     send every AWS call to this endpoint\n",
          out);
    fprintf(out, "  --role-name NAME       role to assume in member accounts (default %s)\n",
            json_string_value(opf_config_value(NULL, "access.role_name")));
    fputs("  --external-id ID       external id for that role\n"
          "  --target-profile NAME  also audit the target organization with this profile\n"
          "  --accounts ID,...      only these accounts (of the organization, or of the --evidence bundle)\n"
          "  --ou OU-ID             only accounts in this OU and below\n"
          "  --exclude-accounts ID,...\n"
          "                         a selection naming an unknown account or matching nothing exits 64\n",
          out);
    fprintf(out, "  --concurrency N        accounts in flight (default %" JSON_INTEGER_FORMAT ")\n",
            json_integer_value(opf_config_value(NULL, "access.concurrency")));
    fputs("  --quiet                no progress line\n"
          "  --debug                redacted wire trace on stderr\n"
          "  -h, --help             this help\n\n",
          out);
    fputs(s_is_plan(cmd) ? "exit codes: 0 every account can move, 1 some are blocked (a fail or unknown at or above\n"
                           "the gate), 3 could not run, 64 usage error\n"
                         : "exit codes: 0 ready, 1 not ready, 2 undetermined, 3 could not run, 64 usage error\n",
          out);
}

enum {
    O_EVIDENCE = 256, O_FORMAT, O_FAIL_ON, O_CHECKS, O_SKIP, O_ATTEST, O_WAIVERS, O_PLUGIN, O_CONFIG, O_PATH,
    O_ROLE, O_EXTERNAL_ID, O_TARGET, O_ACCOUNTS, O_OU, O_EXCLUDE, O_CONCURRENCY,
    O_QUIET, O_VERBOSE, O_DEBUG, O_NOW, O_REGIONS, O_OUTPUT
};

const struct option opf_audit_options[] = {
    {"evidence", required_argument, 0, O_EVIDENCE}, {"format", required_argument, 0, O_FORMAT},
    {"output", required_argument, 0, O_OUTPUT}, {"fail-on", required_argument, 0, O_FAIL_ON},
    {"checks", required_argument, 0, O_CHECKS}, {"skip-checks", required_argument, 0, O_SKIP},
    {"attestations", required_argument, 0, O_ATTEST}, {"waivers", required_argument, 0, O_WAIVERS},
    {"plugin", required_argument, 0, O_PLUGIN}, {"config", required_argument, 0, O_CONFIG},
    {"path", required_argument, 0, O_PATH}, OPF_CLI_AWS_OPTIONS, {"regions", required_argument, 0, O_REGIONS},
    {"role-name", required_argument, 0, O_ROLE}, {"external-id", required_argument, 0, O_EXTERNAL_ID},
    {"target-profile", required_argument, 0, O_TARGET}, {"accounts", required_argument, 0, O_ACCOUNTS},
    {"ou", required_argument, 0, O_OU}, {"exclude-accounts", required_argument, 0, O_EXCLUDE},
    {"concurrency", required_argument, 0, O_CONCURRENCY}, {"quiet", no_argument, 0, O_QUIET},
    {"verbose", no_argument, 0, O_VERBOSE}, {"debug", no_argument, 0, O_DEBUG}, {"now", required_argument, 0, O_NOW},
    {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
};

/* Parses argv into a; returns -1 to continue, else an exit code. */
static int s_parse(struct s_args *a, int argc, char **argv)
{
    bool audit = s_evaluates(a->cmd);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", opf_audit_options, NULL)) != -1) {
        switch (c) {
        case 'h': s_usage(stdout, a->cmd); return 0;
        case 'o':
            if (!audit) {
                a->bundle_out = optarg;
            } else if (a->noutputs == 0 || a->outputs[a->noutputs - 1].file) {
                return opf_cli_usage(a->cmd, "-o %s must follow the --format it writes", optarg);
            } else {
                a->outputs[a->noutputs - 1].file = optarg;
            }
            break;
        case O_OUTPUT: /* the AWS CLI's --output FORMAT */
            if (audit && !s_format_find(a->cmd, optarg))
                return opf_cli_usage(a->cmd, "--output takes a format, as --format does (\"%s\" is none); -o FILE "
                                             "names the file", optarg);
            /* fall through */
        case O_FORMAT:
            if (!audit)
                return opf_cli_usage(a->cmd, "--format is an option of audit and plan");
            if (!s_format_find(a->cmd, optarg))
                return opf_cli_usage(a->cmd, "unknown format \"%s\"", optarg);
            if (a->noutputs == MAX_OUTPUTS)
                return opf_cli_usage(a->cmd, "at most %d outputs", MAX_OUTPUTS);
            a->outputs[a->noutputs++] = (struct s_output){optarg, NULL};
            break;
        case O_EVIDENCE: a->evidence = optarg; break;
        case O_FAIL_ON: a->fail_on = optarg; break;
        case O_CHECKS: a->checks = optarg; break;
        case O_SKIP: a->skip_checks = optarg; break;
        case O_ATTEST: a->attestations = optarg; break;
        case O_WAIVERS: a->waivers = optarg; break;
        case O_PLUGIN:
            if (a->nplugins == MAX_PLUGINS)
                return opf_cli_usage(a->cmd, "at most %d plugins", MAX_PLUGINS);
            a->plugins[a->nplugins++] = optarg;
            break;
        case O_CONFIG: a->config = optarg; break;
        case O_PATH: a->path = optarg; break;
        case O_REGIONS: a->regions = optarg; break;
        case O_ROLE: a->role_name = optarg; break;
        case O_EXTERNAL_ID: a->external_id = optarg; break;
        case O_TARGET: a->collect.target_profile = optarg; break;
        case O_ACCOUNTS: a->collect.accounts = optarg; break;
        case O_OU: a->collect.ou = optarg; break;
        case O_EXCLUDE: a->collect.exclude_accounts = optarg; break;
        case O_CONCURRENCY: {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 256)
                return opf_cli_usage(a->cmd, "--concurrency takes a number from 1 to 256");
            a->collect.concurrency = (int)n;
            break;
        }
        case O_QUIET: a->quiet = true; break;
        case O_VERBOSE: a->verbose = true; break;
        case O_DEBUG: a->debug = true; break;
        case O_NOW: a->now = optarg; break;
        case ':': return opf_cli_usage(a->cmd, "%s needs a value", argv[optind - 1]);
        default:
            if (!opf_cli_aws_option(c, optarg, &a->collect.profile, &a->collect.region, &a->collect.endpoint_url))
                return opf_cli_usage(a->cmd, "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return opf_cli_usage(a->cmd, "unexpected argument \"%s\"", argv[optind]);
    if (!audit && !a->bundle_out)
        return opf_cli_usage(a->cmd, "-o FILE is required");
    if (a->fail_on) {
        enum opf_severity s;
        if (!opf_severity_parse(a->fail_on, &s))
            return opf_cli_usage(a->cmd, "--fail-on takes blocker, high, medium, low or info");
    }
    if (a->path && strcmp(a->path, "leave") != 0 && strcmp(a->path, "direct") != 0)
        return opf_cli_usage(a->cmd, "--path takes leave or direct");
    if (a->noutputs == 0)
        a->outputs[a->noutputs++] = (struct s_output){s_is_plan(a->cmd) ? "markdown" : "text", NULL};
    /* two formats on standard output would run together: one at most goes there */
    const char *first = NULL;
    for (size_t i = 0; i < a->noutputs; i++) {
        if (!s_stdout(a->outputs[i].file))
            continue;
        if (first)
            return opf_cli_usage(a->cmd, "--format %s and --format %s would both go to standard output: give one of "
                                         "them -o FILE", first, a->outputs[i].format);
        first = a->outputs[i].format;
    }
    a->config = opf_cli_config_path(a->config, a->quiet);
    return -1;
}

/* The effective configuration: defaults, --config, then flags. */
static json_t *s_config(const struct s_args *a, struct opf_error *err)
{
    json_t *cfg = a->config ? opf_config_load(a->config, err) : opf_config_default();
    if (!cfg)
        return NULL;
    const struct {
        const char *path, *value;
    } flags[] = {{"migration.path", a->path},        {"access.role_name", a->role_name},
                 {"access.external_id", a->external_id}, {"attestations.file", a->attestations},
                 {"waivers.file", a->waivers},       {"gate.fail_on", a->fail_on}};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (flags[i].value && opf_config_set(cfg, flags[i].path, json_string(flags[i].value), err) != 0) {
            json_decref(cfg);
            return NULL;
        }
    if (a->regions) {
        json_t *list = json_array();
        for (const char *p = a->regions; *p;) {
            size_t n = strcspn(p, ",");
            if (n)
                json_array_append_new(list, json_stringn(p, n));
            p += n + (p[n] == ',');
        }
        if (opf_config_set(cfg, "regions", list, err) != 0) {
            json_decref(cfg);
            return NULL;
        }
    }
    return cfg;
}

static const char *s_cfg_str(const json_t *cfg, const char *section, const char *key)
{
    return json_string_value(json_object_get(json_object_get(cfg, section), key));
}

/* The evidence keys the selected checks read, NULL-terminated (borrowed strings). */
static const char **s_needs(const struct opf_registry *r, const struct s_args *a)
{
    size_t n = 0;
    for (size_t i = 0; i < opf_registry_count(r); i++)
        for (const char *const *k = opf_registry_at(r, i)->needs; k && *k; k++)
            n++;
    const char **needs = calloc(n + 1, sizeof(*needs));
    size_t m = 0;
    for (size_t i = 0; needs && i < opf_registry_count(r); i++) {
        const struct opf_check *c = opf_registry_at(r, i);
        if ((a->checks && !opf_list_contains(a->checks, c->id)) || (a->skip_checks && opf_list_contains(a->skip_checks, c->id)))
            continue;
        for (const char *const *k = c->needs; k && *k; k++) {
            bool dup = false;
            for (size_t j = 0; j < m && !dup; j++)
                dup = strcmp(needs[j], *k) == 0;
            if (!dup)
                needs[m++] = *k;
        }
    }
    return needs;
}

/* Collects the evidence: into `path` when given (streamed, memory flat in the number of accounts; returns a
 * non-NULL marker), else as a bundle in memory. NULL with err on failure. */
static json_t *s_collect(struct s_args *a, const json_t *cfg, const struct opf_registry *r,
                         struct opf_collect_stats *stats, const char *path, struct opf_error *err)
{
    struct sigaction sa = {.sa_handler = s_on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    const char **needs = r ? s_needs(r, a) : NULL;
    a->collect.config = cfg;
    a->collect.needs = needs;
    a->collect.interrupted = &s_interrupted;
    a->collect.debug = a->debug ? stderr : NULL;
    bool json_only = true;
    for (size_t i = 0; i < a->noutputs; i++)
        json_only &= strcmp(a->outputs[i].format, "json") == 0 && s_stdout(a->outputs[i].file);
    a->collect.progress = !a->quiet && isatty(STDERR_FILENO) && !(s_evaluates(a->cmd) && json_only) ? stderr : NULL;
    json_t *bundle = path ? (opf_collect_write(&a->collect, path, stats, err) == 0 ? json_true() : NULL)
                          : opf_collect(&a->collect, stats, err);
    free(needs);
    return bundle;
}

struct s_write {
    const struct opf_report_format *fmt;
    const json_t *report;
    const struct opf_report_options *opts;
    const struct opf_report_spool *spool; /* the JSON report's rows, when they were spooled */
};

static int s_write_cb(FILE *out, void *ud)
{
    struct s_write *w = ud;
    if (w->spool && w->spool->results)
        return opf_report_write_json_spooled(w->report, w->spool, out);
    return w->fmt->write(w->report, out, w->opts);
}

/* The region security findings belong to: --region, else the AWS CLI's environment, else the writers' default. */
static const char *s_region(const struct s_args *a)
{
    const char *r = a->collect.region;
    if (!r || !*r)
        r = getenv("AWS_REGION");
    if (!r || !*r)
        r = getenv("AWS_DEFAULT_REGION");
    return r;
}

static int s_outputs(const struct s_args *a, const json_t *report, const struct opf_report_spool *spool,
                     struct opf_error *err)
{
    for (size_t i = 0; i < a->noutputs; i++) {
        const struct opf_report_format *fmt = s_format_find(a->cmd, a->outputs[i].format);
        bool to_tty = s_stdout(a->outputs[i].file) && isatty(STDOUT_FILENO);
        const char *nc = getenv("NO_COLOR");
        struct opf_report_options o = {.color = to_tty && !(nc && *nc), .verbose = a->verbose,
                                       .region = s_region(a)};
        struct s_write w = {fmt, report, &o, spool};
        if (s_stdout(a->outputs[i].file)) {
            if (s_write_cb(stdout, &w) != 0 || fflush(stdout) != 0)
                return opf_fail(err, OPF_ERR_IO, "standard output: write failed");
        } else if (opf_file_write_atomic(a->outputs[i].file, 0644, s_write_cb, &w, err) != 0) {
            return -1;
        }
    }
    return 0;
}

/* A word for a POSIX shell: as is when it is plainly safe, else single-quoted. */
static void s_shell_word(struct opf_buf *b, const char *w)
{
    if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=,@+-") == strlen(w)) {
        opf_buf_puts(b, w);
        return;
    }
    opf_buf_putc(b, '\'');
    for (; *w; w++) {
        if (*w == '\'')
            opf_buf_puts(b, "'\\''");
        else
            opf_buf_putc(b, *w);
    }
    opf_buf_putc(b, '\'');
}

/* The live audit to re-run after a step, with the flags of this run that change verdicts (never --evidence:
 * a re-run needs fresh evidence). Caller frees. */
static char *s_audit_command(const struct s_args *a)
{
    struct opf_buf b = {0};
    opf_buf_puts(&b, "orgpreflight audit");
    const struct {
        const char *flag, *value;
    } flags[] = {{"--config", a->config},
                 {"--path", a->path},
                 {"--fail-on", a->fail_on},
                 {"--skip-checks", a->skip_checks},
                 {"--attestations", a->attestations},
                 {"--waivers", a->waivers},
                 {"--profile", a->collect.profile},
                 {"--role-name", a->role_name}};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (flags[i].value) {
            opf_buf_printf(&b, " %s ", flags[i].flag);
            s_shell_word(&b, flags[i].value);
        }
    for (size_t i = 0; i < a->nplugins; i++) {
        opf_buf_puts(&b, " --plugin ");
        s_shell_word(&b, a->plugins[i]);
    }
    return opf_buf_steal(&b);
}

/* plan: the runbook from the report, written in each format; its exit code. */
static int s_plan(const struct s_args *a, const struct opf_registry *r, const json_t *cfg, const json_t *report,
                  struct opf_error *err)
{
    char *command = s_audit_command(a);
    if (!command) { /* without it the re-run commands would lack this run's flags */
        opf_fail(err, OPF_ERR_NO_MEMORY, "out of memory building the runbook");
        return opf_cli_error(err);
    }
    struct opf_plan_options po = {.config = cfg, .audit_command = command};
    json_t *runbook = opf_plan(r, report, &po, err);
    free(command);
    int rc = !runbook || s_outputs(a, runbook, NULL, err) != 0 ? opf_cli_error(err)
             : s_interrupted                              ? opf_cli_exit_code(OPF_ERR_INTERRUPTED)
                                                          : (int)opf_runbook_exit_code(runbook);
    json_decref(runbook);
    return rc;
}

static int s_run(struct s_args *a)
{
    struct opf_error err = {0};
    int rc = OPF_EXIT_ERROR;
    json_t *cfg = NULL, *bundle = NULL, *att = NULL, *waivers = NULL, *report = NULL;
    struct opf_registry *r = opf_cli_registry(a->plugins, a->nplugins, &err);
    struct opf_collect_stats stats = {0};
    struct opf_report_spool spool = {0};
    time_t now = 0;
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);
    if (!r || !(cfg = s_config(a, &err)))
        goto fail;
    if (a->now && !opf_time_parse(a->now, &now)) {
        rc = opf_cli_usage(a->cmd, "--now %s: not a real date and time (ISO 8601, e.g. 2026-11-25T09:00:00Z)", a->now);
        goto out;
    }
    const char *att_file = s_cfg_str(cfg, "attestations", "file"), *w_file = s_cfg_str(cfg, "waivers", "file");
    if ((att_file && !(att = opf_attestations_load(att_file, &err))) || (w_file && !(waivers = opf_waivers_load(w_file, r, &err))))
        goto fail;
    if (strcmp(a->cmd, "collect") == 0) {
        bool to_stdout = s_stdout(a->bundle_out);
        if (!(bundle = s_collect(a, cfg, r, &stats, to_stdout ? NULL : a->bundle_out, &err)))
            goto fail;
        if (to_stdout && (json_dumpf(bundle, stdout, JSON_COMPACT) != 0 || fputc('\n', stdout) == EOF ||
                          fflush(stdout) != 0)) {
            opf_fail(&err, OPF_ERR_IO, "standard output: write failed");
            goto fail;
        }
        rc = s_interrupted ? opf_cli_exit_code(OPF_ERR_INTERRUPTED) : OPF_EXIT_READY;
        if (s_interrupted)
            fprintf(stderr, "orgpreflight: interrupted: %s holds the evidence collected so far, marked incomplete\n",
                    to_stdout ? "standard output" : a->bundle_out);
        goto out;
    }
    /* a saved bundle is selected from as a live organization is */
    const struct opf_selection sel = {a->collect.accounts, a->collect.ou, a->collect.exclude_accounts};
    struct opf_audit_options ao = {.config = cfg, .only_checks = a->checks, .skip_checks = a->skip_checks,
                                   .attestations = att, .waivers = waivers, .now = now,
                                   .started = started};
    if (a->evidence) {
        /* read account by account; the JSON report alone is written as its rows are made (a runbook needs
         * the report document) */
        bool json_only = !s_is_plan(a->cmd);
        for (size_t i = 0; i < a->noutputs; i++)
            json_only &= strcmp(a->outputs[i].format, "json") == 0;
        if (!(report = opf_audit_file(r, a->evidence, &sel, &ao, json_only ? &spool : NULL, &err)))
            goto fail;
    } else {
        if (!(bundle = s_collect(a, cfg, r, &stats, NULL, &err)) || !(report = opf_audit(r, bundle, &ao, &err)))
            goto fail;
    }
    if (!a->evidence)
        json_object_set_new(report, "stats", json_pack("{s:I, s:I, s:I, s:I, s:I}", "api_calls", (json_int_t)stats.api_calls,
                                                       "retries", (json_int_t)stats.retries, "throttled",
                                                       (json_int_t)stats.throttled, "credential_refreshes",
                                                       (json_int_t)stats.refreshes, "errors", (json_int_t)stats.errors));
    if (s_is_plan(a->cmd)) {
        rc = s_plan(a, r, cfg, report, &err);
        goto out;
    }
    if (s_outputs(a, report, &spool, &err) != 0)
        goto fail;
    enum opf_severity fail_on = opf_fail_on(s_cfg_str(cfg, "gate", "fail_on"));
    const char *verdict = json_string_value(json_object_get(json_object_get(report, "summary"), "verdict"));
    rc = s_interrupted   ? opf_cli_exit_code(OPF_ERR_INTERRUPTED)
         : spool.results ? (int)opf_verdict_exit(verdict) /* the rows were spooled, the summary has the verdict */
                         : (int)opf_report_exit_code(report, fail_on);
    goto out;
fail:
    rc = opf_cli_error(&err);
out:
    opf_report_spool_close(&spool);
    json_decref(report);
    json_decref(bundle);
    json_decref(att);
    json_decref(waivers);
    json_decref(cfg);
    opf_registry_free(r);
    return rc;
}

static int s_main(const char *cmd, int argc, char **argv)
{
    struct s_args a = {.cmd = cmd};
    int rc = s_parse(&a, argc, argv);
    return rc >= 0 ? rc : s_run(&a);
}

int opf_cmd_audit(int argc, char **argv)
{
    return s_main("audit", argc, argv);
}

int opf_cmd_plan(int argc, char **argv)
{
    return s_main("plan", argc, argv);
}

int opf_cmd_collect(int argc, char **argv)
{
    return s_main("collect", argc, argv);
}
