/* What an Organizations account record (ListAccounts, DescribeAccount) says of the account's lifecycle. */
#include "core/core.h"

const char *opf_account_state(const json_t *account, const char **field)
{
    /* Status is being retired (September 2026): State is authoritative, Status only the fallback of the
     * records that predate it */
    static const char *const fields[] = {"State", "Status"};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *state = json_string_value(json_object_get(account, fields[i]));
        if (state) {
            if (field)
                *field = fields[i];
            return state;
        }
    }
    if (field)
        *field = fields[0];
    return NULL;
}
