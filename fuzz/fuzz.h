/*
 * Fuzz targets: one per parser of hostile input. Each target is a plain function so that the same code
 * runs under libFuzzer (OPF_FUZZ=ON, fuzz/run.sh) and replays fuzz/corpus and fuzz/regressions in the
 * ordinary test suite (tests/unit/test_fuzz_regressions.c). A target returns 0; it aborts when an
 * invariant of the code under test does not hold, so that the fuzzer reports it like a crash.
 */
#ifndef OPF_FUZZ_H
#define OPF_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <orgpreflight/orgpreflight.h>

typedef int opf_fuzz_fn(const uint8_t *data, size_t size);

opf_fuzz_fn opf_fuzz_bundle, opf_fuzz_config, opf_fuzz_inputs, opf_fuzz_aws_profiles, opf_fuzz_credential_report,
    opf_fuzz_response, opf_fuzz_aws_error, opf_fuzz_sigv4;

/* The libFuzzer entry point, only in the fuzzer builds. */
#ifdef OPF_FUZZ_MAIN
#define OPF_FUZZ_ENTRY(fn) \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fn(data, size); }
#else
#define OPF_FUZZ_ENTRY(fn)
#endif

/* Aborts with `what` on stderr: an invariant of the code under test failed. */
#define OPF_FUZZ_ASSERT(cond, what)                                                       \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", what, __FILE__, __LINE__); \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

/* Writes the input to this process's scratch file (created once in /tmp, removed at exit) and returns
 * its path, for the entry points that take a file name. */
const char *opf_fuzz_file(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (malloc'd; an embedded NUL ends it early). */
char *opf_fuzz_string(const uint8_t *data, size_t size);

/* Splits "FIRST LINE\nBODY": copies the first line into `head` (empty when it does not fit or there is no
 * line break, the whole input then being the body) and points `body`/`len` at the rest. */
void opf_fuzz_split(const uint8_t *data, size_t size, char *head, size_t headlen, const char **body, size_t *len);

/* The built-in checks, created once per process. */
const struct opf_registry *opf_fuzz_registry(void);

/* The bundled example organization (examples/evidence.json), loaded once per process. */
const json_t *opf_fuzz_example_bundle(void);

/* Audits `bundle` and renders the report in every format; aborts when the audit of a valid bundle fails
 * or a report writer cannot render the report. */
void opf_fuzz_audit(const json_t *bundle, const json_t *config, const json_t *attestations, const json_t *waivers);

#endif
