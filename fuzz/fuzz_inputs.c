/* Attestations and waivers: the same document is read as both; whichever loads must audit the example
 * organization. */
#include "core/core.h"
#include "fuzz.h"

int opf_fuzz_inputs(const uint8_t *data, size_t size)
{
    struct opf_error err;
    const char *path = opf_fuzz_file(data, size);
    json_t *attestations = opf_attestations_load(path, &err);
    json_t *waivers = opf_waivers_load(path, opf_fuzz_registry(), &err);
    if (attestations || waivers)
        opf_fuzz_audit(opf_fuzz_example_bundle(), NULL, attestations, waivers);
    json_decref(attestations);
    json_decref(waivers);
    return 0;
}

OPF_FUZZ_ENTRY(opf_fuzz_inputs)
