/* Configuration files: a configuration that loads must audit the example organization. */
#include "fuzz.h"

int opf_fuzz_config(const uint8_t *data, size_t size)
{
    struct opf_error err;
    json_t *config = opf_config_load(opf_fuzz_file(data, size), &err);
    if (config)
        opf_fuzz_audit(opf_fuzz_example_bundle(), config, NULL, NULL);
    json_decref(config);
    return 0;
}

OPF_FUZZ_ENTRY(opf_fuzz_config)
