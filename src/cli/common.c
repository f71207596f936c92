/* What every subcommand shares: error and usage messages, the registry with the --plugin modules. */
#include <stdarg.h>
#include <stdio.h>

#include "cli/cli.h"

int opf_cli_exit_code(enum opf_error_category category)
{
    return category == OPF_ERR_USAGE ? OPF_EXIT_USAGE : OPF_EXIT_ERROR; /* every other failure: could not run */
}

int opf_cli_error(const struct opf_error *err)
{
    fprintf(stderr, "orgpreflight: %s\n", err->message);
    return opf_cli_exit_code(err->category);
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
        err->category = OPF_ERR_NO_MEMORY;
        return NULL;
    }
    for (size_t i = 0; i < nplugins; i++)
        if (opf_registry_load_plugin(r, plugins[i], err) != 0) {
            opf_registry_free(r);
            return NULL;
        }
    return r;
}
