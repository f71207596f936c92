/* What the fuzz targets share: a scratch file, the registry, the example bundle, audit and render. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "fuzz.h"
#include "report/report.h"

static char s_path[64];

static void s_remove_file(void)
{
    unlink(s_path);
}

const char *opf_fuzz_file(const uint8_t *data, size_t size)
{
    if (!s_path[0]) {
        snprintf(s_path, sizeof(s_path), "/tmp/opf-fuzz.XXXXXX");
        int fd = mkstemp(s_path);
        OPF_FUZZ_ASSERT(fd >= 0, "cannot create the scratch file in /tmp");
        close(fd);
        atexit(s_remove_file);
    }
    FILE *f = fopen(s_path, "wb");
    OPF_FUZZ_ASSERT(f && fwrite(data, 1, size, f) == size && fclose(f) == 0, "cannot write the scratch file");
    return s_path;
}

char *opf_fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    OPF_FUZZ_ASSERT(s, "out of memory");
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

void opf_fuzz_split(const uint8_t *data, size_t size, char *head, size_t headlen, const char **body, size_t *len)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t n = nl ? (size_t)(nl - data) : 0;
    head[0] = '\0';
    if (nl && n < headlen) {
        memcpy(head, data, n);
        head[n] = '\0';
    }
    *body = nl ? (const char *)nl + 1 : (const char *)data;
    *len = nl ? size - n - 1 : size;
}

const struct opf_registry *opf_fuzz_registry(void)
{
    static struct opf_registry *r;
    if (!r)
        r = opf_registry_new();
    OPF_FUZZ_ASSERT(r, "cannot create the registry");
    return r;
}

const json_t *opf_fuzz_example_bundle(void)
{
    static json_t *bundle;
    struct opf_error err;
    if (!bundle)
        bundle = opf_bundle_load(OPF_SOURCE_DIR "/examples/evidence.json", &err);
    OPF_FUZZ_ASSERT(bundle, "cannot load examples/evidence.json");
    return bundle;
}

void opf_fuzz_audit(const json_t *bundle, const json_t *config, const json_t *attestations, const json_t *waivers)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    OPF_FUZZ_ASSERT(sink, "cannot open /dev/null");
    struct opf_audit_options o = {.config = config, .attestations = attestations, .waivers = waivers,
                                  .now = 1795000000 /* 2026-11-17: fixed, so that runs reproduce */};
    struct opf_error err = {0};
    json_t *report = opf_audit(opf_fuzz_registry(), bundle, &o, &err);
    if (!report)
        fprintf(stderr, "audit failed: %s\n", err.message);
    OPF_FUZZ_ASSERT(report, "the audit of a valid bundle failed");
    size_t count;
    const struct opf_report_format *formats = opf_report_formats(&count);
    struct opf_report_options ro = {.verbose = true};
    for (size_t i = 0; i < count; i++)
        OPF_FUZZ_ASSERT(formats[i].write(report, sink, &ro) == 0, "a report writer failed on an audit's report");
    json_decref(report);
}
