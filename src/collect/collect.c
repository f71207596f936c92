/* Live collection entry point (replaced by the collector implementation). */
#include <orgpreflight/collect.h>
#include <stdio.h>
#include <string.h>

json_t *opf_collect(const struct opf_collect_options *opts, struct opf_collect_stats *stats, struct opf_error *err)
{
    (void)opts;
    if (stats)
        memset(stats, 0, sizeof(*stats));
    err->exit_code = OPF_EXIT_ERROR;
    snprintf(err->message, sizeof(err->message), "live collection is not available in this build; use --evidence FILE");
    return NULL;
}
