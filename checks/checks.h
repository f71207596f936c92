/* Built-in checks: each file in checks/ defines one `const struct opf_check opf_check_<name>`. */
#ifndef OPF_CHECKS_H
#define OPF_CHECKS_H

#include <orgpreflight/check.h>

extern const struct opf_check opf_check_account_state;
extern const struct opf_check opf_check_wait_period;
extern const struct opf_check opf_check_delegated_administrator;
extern const struct opf_check opf_check_scp_denies_leave;
extern const struct opf_check opf_check_payment_method;
extern const struct opf_check opf_check_account_verified;
extern const struct opf_check opf_check_root_email_reachable;
extern const struct opf_check opf_check_root_recovery;
extern const struct opf_check opf_check_break_glass_user;
extern const struct opf_check opf_check_management_account_last;
extern const struct opf_check opf_check_sso_alias_conflict;
extern const struct opf_check opf_check_operator_session_not_sso;
extern const struct opf_check opf_check_org_id_references;
extern const struct opf_check opf_check_stacksets_retain;
extern const struct opf_check opf_check_ram_org_shares;
extern const struct opf_check opf_check_org_access_role_trust;
extern const struct opf_check opf_check_control_tower_enrolled;
extern const struct opf_check opf_check_root_mfa;
extern const struct opf_check opf_check_alternate_contacts;
extern const struct opf_check opf_check_identity_center_assignments;
extern const struct opf_check opf_check_target_organization_ready;

const struct opf_check *const *opf_builtin_checks(void);

#endif
