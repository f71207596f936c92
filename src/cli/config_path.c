/* Where the configuration comes from when --config is not given (docs/config.md). */
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"

const char *opf_cli_config_path(const char *given, bool quiet)
{
    static char xdg[PATH_MAX];
    if (given)
        return given;
    const char *base = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    /* XDG Base Directory: an unset or relative XDG_CONFIG_HOME means ~/.config */
    if (base && base[0] == '/')
        snprintf(xdg, sizeof(xdg), "%s/orgpreflight/config.json", base);
    else if (home && *home)
        snprintf(xdg, sizeof(xdg), "%s/.config/orgpreflight/config.json", home);
    const char *const candidates[] = {"orgpreflight.json", xdg[0] ? xdg : NULL, "/etc/orgpreflight/config.json"};
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        /* an existing but unreadable file is still chosen, so its loader says why it cannot be read */
        if (candidates[i] && access(candidates[i], F_OK) == 0) {
            if (!quiet)
                fprintf(stderr, "orgpreflight: configuration %s\n", candidates[i]);
            return candidates[i];
        }
    }
    return NULL;
}
