/* The documentation the CLI names: installed with it (PREFIX/share/doc/orgpreflight, found from the
 * executable's own directory, so any prefix works), or the source tree's docs/ for the binary that runs
 * from its build directory. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* The executable's directory, resolved ("" when /proc is not mounted). */
static void s_exe_dir(char *dir, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    dir[0] = '\0';
    if (n <= 0)
        return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash || (size_t)(slash - exe) >= len)
        return;
    *slash = '\0';
    snprintf(dir, len, "%s", exe);
}

const char *opf_cli_doc(const char *name)
{
    static char path[PATH_MAX + 256];
    char dir[PATH_MAX], build[PATH_MAX];
    s_exe_dir(dir, sizeof(dir));
    if (realpath(OPF_BUILD_BINDIR, build) && strcmp(dir, build) == 0) {
        snprintf(path, sizeof(path), "%s/%s", OPF_SOURCE_DOCDIR, name);
        return path;
    }
    /* OPF_BIN_TO_DOC is relative ("../share/doc/orgpreflight"): climb one directory for each "../" */
    const char *rel = OPF_BIN_TO_DOC;
    while (strncmp(rel, "../", 3) == 0) {
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        rel += 3;
    }
    snprintf(path, sizeof(path), "%s/%s/%s", dir, rel, name);
    return path;
}
