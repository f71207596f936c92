/* The IAM credential report: the input as the CSV (base64-encoded as GetCredentialReport sends it) and,
 * separately, as the Content member itself (the base64 decoder). */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "checks/common.h"
#include "fuzz.h"

static void s_report(const char *content)
{
    struct opf_error err = {0};
    json_t *data = json_pack("{s:s}", "Content", content);
    if (!data)
        return; /* not UTF-8: the bundle loader never hands such a string over */
    json_t *rows = opf_chk_credential_report(data, &err);
    OPF_FUZZ_ASSERT(rows || err.message[0], "a rejected credential report has no reason");
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        OPF_FUZZ_ASSERT(json_is_string(json_object_get(row, "user")), "a report row has no user");
        opf_chk_report_true(row, "password_enabled");
    }
    json_decref(rows);
    json_decref(data);
}

int opf_fuzz_credential_report(const uint8_t *data, size_t size)
{
    char *b64 = malloc(4 * ((size + 2) / 3) + 1);
    OPF_FUZZ_ASSERT(b64, "out of memory");
    EVP_EncodeBlock((unsigned char *)b64, data, (int)size);
    s_report(b64);
    free(b64);
    char *raw = opf_fuzz_string(data, size);
    s_report(raw);
    free(raw);
    return 0;
}

OPF_FUZZ_ENTRY(opf_fuzz_credential_report)
