/* Built-in checks: each file in checks/ defines one `const struct opf_check opf_check_<name>`. */
#ifndef OPF_CHECKS_H
#define OPF_CHECKS_H

#include <orgpreflight/check.h>

extern const struct opf_check opf_check_account_state;
extern const struct opf_check opf_check_wait_period;
extern const struct opf_check opf_check_delegated_administrator;

const struct opf_check *const *opf_builtin_checks(void);

#endif
