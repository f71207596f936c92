/* management-account-last: suspended members, members still to go, an empty organization, the inventory rather
 * than the selection, unreadable data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_management_account_last;

/* Keeps only the organization's accounts whose id is in `keep` (NULL-terminated), in the inventory
 * (ListAccounts) and among the audited accounts. */
static void s_keep_in(json_t *accounts, const char *key, const char *const *keep)
{
    for (size_t i = json_array_size(accounts); i-- > 0;) {
        const char *id = json_string_value(json_object_get(json_array_get(accounts, i), key));
        bool kept = false;
        for (const char *const *k = keep; *k; k++)
            kept |= strcmp(*k, id) == 0;
        if (!kept)
            json_array_remove(accounts, i);
    }
}

static void s_keep(struct opf_fx *fx, const char *const *keep)
{
    s_keep_in(json_object_get(fx->bundle, "accounts"), "id", keep);
    opf_fx_organization(fx);
    s_keep_in(json_object_get(opf_fx_data(fx, "organizations.accounts"), "Accounts"), "Id", keep);
}

static void suspended_member_fails(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_organization(fx);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "1 member cannot leave (sandbox (527381946503))");
    opf_fx_assert(fx, OPF_FAIL, "90 days");
    const json_t *values = json_object_get(opf_fx_cited(fx, "organizations.accounts"), "values");
    assert_int_equal(json_array_size(json_object_get(values, "members")), 5);
}

static void a_selection_of_the_management_account_still_counts_every_member(void **state)
{
    struct opf_fx *fx = *state;
    static const char *const keep[] = {"210987654321", NULL};
    s_keep_in(json_object_get(fx->bundle, "accounts"), "id", keep); /* audited: --accounts 210987654321 */
    opf_fx_organization(fx);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "1 member cannot leave (sandbox (527381946503))");
}

static void without_the_inventory_it_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    static const char *const keep[] = {"210987654321", NULL};
    s_keep_in(json_object_get(fx->bundle, "accounts"), "id", keep);
    opf_fx_organization(fx);
    opf_fx_remove(fx, "organizations.accounts"); /* a bundle from before the inventory was recorded */
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "organizations.accounts");
    opf_fx_set_json(fx, "organizations.accounts", "organizations:ListAccounts", "{\"Accounts\": []}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "does not list the management account");
    opf_fx_set_json(fx, "organizations.accounts", "organizations:ListAccounts", "{\"Accounts\": [null, 7]}");
    opf_fx_run(fx, C);
    assert_int_not_equal(fx->finding.status, OPF_PASS);
}

static void active_members_warn_with_the_list(void **state)
{
    struct opf_fx *fx = *state;
    static const char *const keep[] = {"210987654321", "304955176822", "418273645091", NULL};
    s_keep(fx, keep);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "2 members still to go before the organization can be deleted: backup "
                                "(304955176822), data-platform (418273645091)");
}

/* Fifty members: the message names the first whole, then counts the rest; no name or id is ever cut. */
static void long_lists_end_with_a_count(void **state)
{
    struct opf_fx *fx = *state;
    static const char *const keep[] = {"210987654321", NULL};
    s_keep(fx, keep);
    /* the check counts the organization's inventory (ListAccounts), not the audited accounts */
    json_t *inventory = json_object_get(opf_fx_data(fx, "organizations.accounts"), "Accounts");
    for (int i = 0; i < 50; i++) {
        char id[16], name[32];
        snprintf(id, sizeof(id), "9504%08d", i);
        snprintf(name, sizeof(name), "member-%02d", i);
        json_array_append_new(inventory, json_pack("{s:s, s:s, s:s, s:s}", "Id", id, "Name", name, "State", "ACTIVE",
                                                   "Status", "ACTIVE"));
    }
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "50 members still to go");
    const char *msg = fx->finding.message, *more = strstr(msg, " … and ");
    assert_non_null(more);
    int left = 0, end = 0;
    assert_int_equal(sscanf(more + strlen(" … and "), "%d more%n", &left, &end), 1);
    assert_int_equal(more[strlen(" … and ") + (size_t)end], '\0');
    /* every name listed is whole, and listed plus counted is every member */
    int listed = 0;
    for (const char *p = strstr(msg, "member-"); p && p < more; p = strstr(p + 1, "member-")) {
        assert_non_null(strchr(p, ')'));
        assert_true(strchr(p, ')') < more);
        listed++;
    }
    assert_int_equal(listed + left, 50);
}

static void empty_organization_passes(void **state)
{
    struct opf_fx *fx = *state;
    static const char *const keep[] = {"210987654321", NULL};
    s_keep(fx, keep);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "no members remain");
}

static void incomplete_or_unreadable_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_organization(fx);
    opf_fx_set_json(fx, "organizations.organization", "organizations:DescribeOrganization",
                    "{\"Organization\": {\"Id\": \"o-7rmx2kq4ud\"}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "MasterAccountId");
    opf_fx_set_error(fx, "organizations.organization", "AWSOrganizationsNotInUseException",
                     "Your account is not a member of an organization.");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "AWSOrganizationsNotInUseException");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(suspended_member_fails),
        OPF_FX_TEST(active_members_warn_with_the_list),
        OPF_FX_TEST(long_lists_end_with_a_count),
        OPF_FX_TEST(empty_organization_passes),
        OPF_FX_TEST(incomplete_or_unreadable_is_unknown),
        OPF_FX_TEST(a_selection_of_the_management_account_still_counts_every_member),
        OPF_FX_TEST(without_the_inventory_it_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
