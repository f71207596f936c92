/* The built-in checks table: every module well-formed, ids unique and stable. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../checks/checks.h"
#include <orgpreflight/orgpreflight.h>

static bool s_kebab(const char *id)
{
    if (!id || !islower((unsigned char)id[0]))
        return false;
    for (const char *p = id; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || (*p == '-' && p[1] && p[1] != '-')))
            return false;
    return true;
}

/* The built-in catalogue, in its order (docs/checks.md's): adding, removing or reordering a check changes this
 * list on purpose. */
static const char *const s_catalogue[] = {
    "account-state", "wait-period", "delegated-administrator", "scp-denies-leave", "payment-method",
    "account-verified", "root-email-reachable", "root-recovery", "break-glass-user", "management-account-last",
    "sso-alias-conflict", "operator-session-not-sso", "org-id-references", "stacksets-retain", "ram-org-shares",
    "org-access-role-trust", "control-tower-enrolled", "root-mfa", "alternate-contacts",
    "identity-center-assignments", "target-organization-ready", NULL,
};

static void every_check_is_well_formed(void **state)
{
    const struct opf_check *const *all = opf_builtin_checks();
    size_t n = 0;
    for (; all[n]; n++) {
        const struct opf_check *c = all[n];
        assert_int_equal(c->abi, OPF_CHECK_ABI);
        assert_int_equal(c->size, sizeof(struct opf_check));
        assert_true(s_kebab(c->id));
        assert_non_null(c->title);
        assert_non_null(c->evaluate);
        assert_non_null(c->needs);
        assert_non_null(c->needs[0]);
        assert_true(strlen(c->rationale) > 20);
        assert_true(strlen(c->remediation) > 20);
        assert_true(c->severity < OPF_SEVERITY_COUNT);
        assert_true(c->subject < OPF_SUBJECT_KIND_COUNT);
        /* only account checks can be limited to members or to a state; only organization-wide ones hold back
         * the management account alone */
        if (c->flags & (OPF_CHECK_MEMBERS_ONLY | OPF_CHECK_ANY_STATE))
            assert_int_equal(c->subject, OPF_SUBJECT_ACCOUNT);
        if (c->flags & OPF_CHECK_HOLDS_MANAGEMENT)
            assert_int_not_equal(c->subject, OPF_SUBJECT_ACCOUNT);
        for (size_t j = 0; j < n; j++)
            assert_string_not_equal(all[j]->id, c->id);
    }
    assert_int_equal(n, sizeof(s_catalogue) / sizeof(s_catalogue[0]) - 1);
}

static void the_catalogue_is_exactly_the_built_in_checks(void **state)
{
    struct opf_registry *r = opf_registry_new();
    assert_non_null(r);
    size_t n = 0;
    for (; s_catalogue[n]; n++) {
        assert_non_null(opf_builtin_checks()[n]);
        assert_string_equal(opf_builtin_checks()[n]->id, s_catalogue[n]);
        assert_ptr_equal(opf_registry_at(r, n), opf_builtin_checks()[n]);
    }
    assert_null(opf_builtin_checks()[n]);
    assert_int_equal(opf_registry_count(r), n);
    opf_registry_free(r);
}

static const struct opf_check *s_find(const char *id)
{
    for (const struct opf_check *const *c = opf_builtin_checks(); *c; c++)
        if (strcmp((*c)->id, id) == 0)
            return *c;
    return NULL;
}

static void the_engine_rules_are_declared_by_flags(void **state)
{
    assert_true(s_find("account-state")->flags & OPF_CHECK_ANY_STATE);
    assert_true(s_find("wait-period")->flags & OPF_CHECK_MEMBERS_ONLY);
    assert_true(s_find("delegated-administrator")->flags & OPF_CHECK_MEMBERS_ONLY);
    assert_int_equal(s_find("account-state")->severity, OPF_SEV_BLOCKER);
    /* leaving concerns members only; the management account's own copy of these goes with its organization */
    assert_true(s_find("stacksets-retain")->flags & OPF_CHECK_MEMBERS_ONLY);
    assert_true(s_find("org-access-role-trust")->flags & OPF_CHECK_MEMBERS_ONLY);
    assert_int_equal(s_find("target-organization-ready")->subject, OPF_SUBJECT_TARGET_ORGANIZATION);
    /* these block the organization's deletion, so they hold back the management account, never the members */
    assert_true(s_find("management-account-last")->flags & OPF_CHECK_HOLDS_MANAGEMENT);
    assert_true(s_find("sso-alias-conflict")->flags & OPF_CHECK_HOLDS_MANAGEMENT);
    assert_false(s_find("operator-session-not-sso")->flags & OPF_CHECK_HOLDS_MANAGEMENT);
    /* a listing, never a gate */
    assert_int_equal(s_find("identity-center-assignments")->severity, OPF_SEV_INFO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_check_is_well_formed),
        cmocka_unit_test(the_catalogue_is_exactly_the_built_in_checks),
        cmocka_unit_test(the_engine_rules_are_declared_by_flags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
