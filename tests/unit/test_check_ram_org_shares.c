/* ram-org-shares: shares that end when the account leaves, retained ones, outside shares, deleted shares, owners
 * outside the audit scope, listing errors and missing evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_ram_org_shares;

static json_t *s_shares(struct opf_fx *fx)
{
    opf_fx_account(fx, "304955176822");
    opf_fx_set_file(fx, "ram.resource_shares", "ram:GetResourceShares", "hazards/ram-resource-shares.json");
    return json_object_get(opf_fx_data(fx, "ram.resource_shares"), "ResourceShares");
}

static void organization_share_without_retention_warns(void **state)
{
    struct opf_fx *fx = *state;
    s_shares(fx);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "1 resource share reaches this account through the organization and ends when it "
                                "leaves (retainSharingOnAccountLeaveOrganization is not set): transit-gateway-eu from "
                                "210987654321 in eu-central-1");
    const json_t *values = json_object_get(opf_fx_cited(fx, "ram.resource_shares"), "values");
    assert_int_equal(json_array_size(json_object_get(values, "through_organization")), 2);
}

static void retained_and_outside_shares_pass(void **state)
{
    struct opf_fx *fx = *state;
    json_t *shares = s_shares(fx);
    json_object_set_new(json_array_get(shares, 0), "resourceShareConfiguration",
                        json_pack("{s:b}", "retainSharingOnAccountLeaveOrganization", 1));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "the 2 resource shares reaching this account through the organization retain it");
    json_array_remove(shares, 1);
    json_array_remove(shares, 0);
    opf_fx_run(fx, C);
    /* the vendor's share and the deleted one remain: neither reaches the account through the organization */
    opf_fx_assert(fx, OPF_PASS, "no resource is shared with this account through the organization (2 shares");
}

static void owner_outside_the_bundle_counts_when_external_principals_are_refused(void **state)
{
    struct opf_fx *fx = *state;
    json_t *shares = s_shares(fx);
    json_array_clear(shares);
    json_array_append_new(shares, json_pack("{s:s,s:s,s:s,s:b,s:s,s:s}", "resourceShareArn",
                                            "arn:aws:ram:us-east-1:555566667777:resource-share/3c2b1a0f-9e8d-4c7b-"
                                            "6a5f-4e3d2c1b0a9f", "name", "ipam-pool-prod", "owningAccountId",
                                            "555566667777", "allowExternalPrincipals", 0, "status", "ACTIVE", "Region",
                                            "us-east-1"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "ipam-pool-prod from 555566667777 in us-east-1");
}

static void listing_errors_are_unknown_unless_a_warning_stands(void **state)
{
    struct opf_fx *fx = *state;
    json_t *shares = s_shares(fx);
    json_object_set_new(opf_fx_data(fx, "ram.resource_shares"), "Errors",
                        json_pack("[{s:s,s:s,s:s,s:s}]", "Region", "us-east-1", "Operation", "ram:GetResourceShares",
                                  "Code", "AccessDeniedException", "Message", "not authorized"));
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "the listing also reported errors: us-east-1 ram:GetResourceShares "
                                "AccessDeniedException");
    json_array_remove(shares, 0);
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "the listing is incomplete: 1 error: us-east-1 ram:GetResourceShares");
}

static void missing_evidence_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "304955176822");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "ram.resource_shares was not collected");
    opf_fx_set_error(fx, "ram.resource_shares", "AccessDeniedException", "not authorized");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "AccessDeniedException");
    opf_fx_set_json(fx, "ram.resource_shares", "ram:GetResourceShares", "{\"Regions\": [\"eu-central-1\"]}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no ResourceShares list");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(organization_share_without_retention_warns),
        OPF_FX_TEST(retained_and_outside_shares_pass),
        OPF_FX_TEST(owner_outside_the_bundle_counts_when_external_principals_are_refused),
        OPF_FX_TEST(listing_errors_are_unknown_unless_a_warning_stands),
        OPF_FX_TEST(missing_evidence_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
