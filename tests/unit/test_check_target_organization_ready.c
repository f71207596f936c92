/* target-organization-ready: a ready target, expired and duplicate invitations, the quota with pending
 * invitations, a young target, feature sets, the old organization as target, and missing evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_target_organization_ready;

static json_t *s_handshakes(struct opf_fx *fx)
{
    return json_object_get(opf_fx_data(fx, "organizations.handshakes"), "Handshakes");
}

static json_t *s_organization(struct opf_fx *fx)
{
    return json_object_get(opf_fx_data(fx, "organizations.organization"), "Organization");
}

static json_t *s_accounts(struct opf_fx *fx)
{
    return json_object_get(opf_fx_data(fx, "organizations.accounts"), "Accounts");
}

/* A second copy of invitation `index`, with a new id. */
static json_t *s_copy_invitation(struct opf_fx *fx, size_t index, const char *id)
{
    json_t *copy = json_deep_copy(json_array_get(s_handshakes(fx), index));
    json_object_set_new(copy, "Id", json_string(id));
    json_array_append_new(s_handshakes(fx), copy);
    return copy;
}

static void expired_invitation_warns(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_target(fx, "hazards/target-organization.json");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "the invitations of data-platform (418273645091) expired (after 15 days): invite "
                                "them again");
    const json_t *values = json_object_get(opf_fx_cited(fx, "organizations.handshakes"), "values");
    assert_int_equal(json_integer_value(json_object_get(values, "pending")), 2);
    /* backup by account id, security by its root address */
    assert_int_equal(json_object_size(json_object_get(values, "invited")), 2);
}

static void ready_target_passes(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_target(fx, "hazards/target-organization.json");
    json_t *again = s_copy_invitation(fx, 2, "h-2f6b9d3a7c0e4b18");
    json_object_set_new(again, "State", json_string("OPEN"));
    json_object_set_new(again, "ExpirationTimestamp", json_string("2026-12-10T09:00:00Z"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "the target can take the accounts: created on 2026-11-10T07:42:18Z; 3 accounts, 3 "
                                "pending invitations and 2 accounts to invite fit the quota of 10");
}

static void quota_counts_pending_invitations(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_target(fx, "hazards/target-organization.json");
    /* 3 members + 2 pending + 3 still to invite (prod, data-platform, payments-staging) = 8 */
    opf_fx_config(fx, "target.account_quota", "7");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "AWS would refuse the move: the account quota (target.account_quota 7) is too small: "
                                "3 accounts, 2 pending invitations and 3 accounts still to invite need 8 slots");
    opf_fx_assert(fx, OPF_FAIL, "; also: the invitations of data-platform");
    opf_fx_config(fx, "target.account_quota", "8");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, NULL);
}

static void accounts_already_moved_or_suspended_are_not_counted(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_target(fx, "hazards/target-organization.json");
    opf_fx_config(fx, "target.account_quota", "8");
    /* payments-staging has already joined: it is a member now, no longer one to invite */
    json_array_append_new(s_accounts(fx), json_pack("{s:s,s:s,s:s,s:s,s:s}", "Id", "741852963074", "Name",
                                                    "payments-staging", "State", "ACTIVE", "JoinedMethod", "INVITED",
                                                    "JoinedTimestamp", "2026-11-24T16:00:00Z"));
    opf_fx_run(fx, C);
    /* 4 members + 2 pending + 2 to invite (prod, data-platform) = 8: counting payments-staging again or the
     * suspended sandbox would need 9 */
    opf_fx_assert(fx, OPF_WARN, NULL);
    opf_fx_config(fx, "target.account_quota", "7");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "4 accounts, 2 pending invitations and 2 accounts still to invite need 8 slots");
}

static void young_target_fails(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_target(fx, "hazards/target-organization.json");
    json_object_set_new(json_array_get(s_accounts(fx), 0), "JoinedTimestamp",
                        json_string("2026-11-21T07:42:18.031000+00:00"));
    opf_fx_remove(fx, "organizations.handshakes"); /* the age alone decides */
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "the target was created on 2026-11-21T07:42:18Z and accepts accounts only from "
                                "2026-11-28T07:42:18Z (7 days after creation)");
}

static void duplicate_and_lapsed_invitations_warn(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_target(fx, "hazards/target-organization.json");
    s_copy_invitation(fx, 0, "h-8a3c6e9b2d5f1a47");
    /* still OPEN, but past its expiry: neither pending nor counted */
    json_object_set_new(json_array_get(s_handshakes(fx), 1), "ExpirationTimestamp", json_string("2026-11-24T10:06:40Z"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "more than one pending invitation for backup (304955176822)");
    opf_fx_assert(fx, OPF_WARN, "the invitations of data-platform (418273645091), security (639182740516) expired");
}

static void feature_set_and_feature_changes(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_target(fx, "hazards/target-organization.json");
    json_object_set_new(s_organization(fx), "FeatureSet", json_string("CONSOLIDATED_BILLING"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "the target has only CONSOLIDATED_BILLING: enable all features before inviting");
    json_t *enable = s_copy_invitation(fx, 0, "h-4c7e0a3d6b9f2c58");
    json_object_set_new(enable, "Action", json_string("ENABLE_ALL_FEATURES"));
    json_object_set_new(enable, "State", json_string("REQUESTED"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "the target is enabling all features (handshake h-4c7e0a3d6b9f2c58): it cannot "
                                "invite accounts until that finishes");
}

static void the_old_organization_is_no_target(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_target(fx, "hazards/target-organization.json");
    json_object_set_new(s_organization(fx), "Id", json_string("o-7rmx2kq4ud"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "the target is the old organization o-7rmx2kq4ud itself");
}

static void missing_or_incomplete_evidence_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_target(fx, "hazards/target-organization.json");
    opf_fx_set_error(fx, "organizations.handshakes", "AccessDeniedException",
                     "not authorized to perform: organizations:ListHandshakesForOrganization");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "readiness cannot be established: organizations.handshakes failed: "
                                   "AccessDeniedException: not authorized");
    opf_fx_set_json(fx, "organizations.handshakes", "organizations:ListHandshakesForOrganization", "{}");
    opf_fx_remove(fx, "organizations.organization");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "organizations.organization was not collected; organizations.handshakes has no "
                                   "Handshakes list");
    opf_fx_target(fx, "hazards/target-organization.json");
    json_object_del(s_organization(fx), "FeatureSet");
    json_object_del(s_organization(fx), "MasterAccountId");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "organizations.organization has no FeatureSet; organizations.organization has no "
                                   "MasterAccountId");
    opf_fx_target(fx, "hazards/target-organization.json");
    json_array_remove(s_accounts(fx), 0);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "the age of the target is unknown (no JoinedTimestamp of its management account "
                                   "864209753186)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(expired_invitation_warns),
        OPF_FX_TEST(ready_target_passes),
        OPF_FX_TEST(quota_counts_pending_invitations),
        OPF_FX_TEST(accounts_already_moved_or_suspended_are_not_counted),
        OPF_FX_TEST(young_target_fails),
        OPF_FX_TEST(duplicate_and_lapsed_invitations_warn),
        OPF_FX_TEST(feature_set_and_feature_changes),
        OPF_FX_TEST(the_old_organization_is_no_target),
        OPF_FX_TEST(missing_or_incomplete_evidence_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
