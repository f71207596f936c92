/* Evidence bundles: load and validate; a bundle that passes validation must audit and render. */
#include "fuzz.h"

int opf_fuzz_bundle(const uint8_t *data, size_t size)
{
    struct opf_error err;
    json_t *bundle = opf_bundle_load(opf_fuzz_file(data, size), &err);
    if (bundle)
        opf_fuzz_audit(bundle, NULL, NULL, NULL);
    json_decref(bundle);
    return 0;
}

OPF_FUZZ_ENTRY(opf_fuzz_bundle)
