/* The table of built-in checks: one entry per file in checks/. Order is the catalogue's order. */
#include "checks.h"
#include "core/core.h"

static const struct opf_check *const s_builtin[] = {
    &opf_check_account_state,
    &opf_check_wait_period,
    &opf_check_delegated_administrator,
    &opf_check_scp_denies_leave,
    &opf_check_payment_method,
    &opf_check_account_verified,
    &opf_check_root_email_reachable,
    &opf_check_root_recovery,
    &opf_check_break_glass_user,
    &opf_check_management_account_last,
    &opf_check_sso_alias_conflict,
    &opf_check_operator_session_not_sso,
    &opf_check_org_id_references,
    &opf_check_stacksets_retain,
    &opf_check_ram_org_shares,
    &opf_check_org_access_role_trust,
    &opf_check_control_tower_enrolled,
    &opf_check_root_mfa,
    &opf_check_alternate_contacts,
    &opf_check_identity_center_assignments,
    &opf_check_target_organization_ready,
    NULL
};

const struct opf_check *const *opf_builtin_checks(void)
{
    return s_builtin;
}

struct opf_registry *opf_registry_new(void)
{
    struct opf_registry *r = opf_registry_empty();
    struct opf_error err;
    for (const struct opf_check *const *c = s_builtin; r && *c; c++)
        if (opf_registry_add(r, *c, "built-in", &err) != 0) {
            opf_registry_free(r);
            return NULL;
        }
    return r;
}
