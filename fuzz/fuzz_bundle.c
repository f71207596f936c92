/* Evidence bundles: load and validate; a bundle that passes validation must audit and render. Read account by
 * account (the offline audit's way), the bundle gives the whole load's report or error, and the plain JSON
 * parser never gives a tree jansson would not. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "fuzz.h"
#include "report/report.h"

opf_report_write_fn opf_report_write_json;

/* The JSON report with its run duration zeroed, spooled when the spool holds its rows (malloc'd). */
static char *s_text(json_t *report, const struct opf_report_spool *spool)
{
    char *text = NULL;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    OPF_FUZZ_ASSERT(out, "open_memstream failed");
    json_object_set_new(report, "duration_ms", json_integer(0));
    int rc = spool && spool->results ? opf_report_write_json_spooled(report, spool, out)
                                     : opf_report_write_json(report, out, NULL);
    fclose(out);
    OPF_FUZZ_ASSERT(rc == 0, "the JSON report could not be written");
    return text;
}

static void s_plain_is_janssons(const uint8_t *data, size_t size)
{
    json_t *plain = opf_json_parse_plain((const char *)data, size);
    if (!plain)
        return;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    OPF_FUZZ_ASSERT(j, "the plain parser accepted what jansson refuses");
    char *a = json_dumps(plain, JSON_ENCODE_ANY | JSON_COMPACT), *b = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    OPF_FUZZ_ASSERT(a && b && strcmp(a, b) == 0, "the plain parser's tree is not jansson's");
    free(a);
    free(b);
    json_decref(plain);
    json_decref(j);
}

static void s_streamed_is_whole(const char *path, json_t *bundle, const struct opf_error *load_err)
{
    const struct opf_selection all = {0};
    struct opf_audit_options o = {.now = 1795000000};
    struct opf_error err = {0}, whole_err = *load_err;
    json_t *whole = NULL;
    if (bundle && opf_bundle_select(bundle, &all, path, &whole_err) == 0)
        whole = opf_audit(opf_fuzz_registry(), bundle, &o, &whole_err);
    struct opf_report_spool spool = {0};
    json_t *streamed = opf_audit_file(opf_fuzz_registry(), path, &all, &o, &spool, &err);
    OPF_FUZZ_ASSERT(!whole == !streamed, "read account by account, the bundle audits where the whole does not");
    if (whole) {
        char *a = s_text(whole, NULL), *b = s_text(streamed, &spool);
        OPF_FUZZ_ASSERT(strcmp(a, b) == 0, "read account by account, the report differs");
        free(a);
        free(b);
    } else {
        OPF_FUZZ_ASSERT(strcmp(err.message, whole_err.message) == 0, "read account by account, the error differs");
    }
    opf_report_spool_close(&spool);
    json_decref(streamed);
    json_decref(whole);
}

int opf_fuzz_bundle(const uint8_t *data, size_t size)
{
    struct opf_error err = {0};
    const char *path = opf_fuzz_file(data, size);
    json_t *bundle = opf_bundle_load(path, &err);
    if (bundle)
        opf_fuzz_audit(bundle, NULL, NULL, NULL);
    s_plain_is_janssons(data, size);
    s_streamed_is_whole(path, bundle, &err);
    json_decref(bundle);
    return 0;
}

OPF_FUZZ_ENTRY(opf_fuzz_bundle)
