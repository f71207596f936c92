/* root-email-reachable: address sources, allowed domains, every DNS answer, the SMTP probe, attestations,
 * the Google Group hazard and alternate contacts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support/check_fixture.h"
#include "../../checks/checks.h"

static const struct opf_check *const C = &opf_check_root_email_reachable;

static void s_dns(struct opf_fx *fx, const char *json)
{
    opf_fx_set_json(fx, "probe.dns", "probe:dns", json);
}

static void mx_without_confirmation_warns(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "accepts mail; the mailbox itself is not confirmed");
    opf_fx_assert(fx, OPF_WARN, "aws-data@kuzeylabs.io");
    assert_non_null(opf_fx_cited(fx, "account.primary_email"));
    assert_non_null(opf_fx_cited(fx, "probe.dns"));
}

static void confirmed_mailbox_passes(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_attest(fx, "root-mailbox-confirmed", "true", "2026-11-18");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, "delivery to the mailbox is attested");
    opf_fx_attest(fx, "root-mailbox-confirmed", "false", "2026-11-18");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "does not arrive");
}

static void no_alternate_contact_turns_a_pass_into_a_warning(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_attest(fx, "root-mailbox-confirmed", "true", "2026-11-18");
    opf_fx_set_json(fx, "account.alternate_contacts", "account:GetAlternateContact",
                    "{\"AlternateContacts\": {\"BILLING\": null, \"OPERATIONS\": null, \"SECURITY\": null}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "no alternate contact");
}

static void google_group_warns_even_when_confirmed(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_config(fx, "root_email.group_addresses", "[\"aws-*@kuzeylabs.io\"]");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "Google Group");
    opf_fx_attest(fx, "root-mailbox-confirmed", "true", "2026-11-18");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "moderation");
    /* the same address pattern at another mail provider is not a Google Group */
    s_dns(fx, "{\"domain\": \"kuzeylabs.io\", \"rcode\": \"NOERROR\", \"mx\": [{\"preference\": 10, \"exchange\": "
              "\"kuzeylabs-io.mail.protection.outlook.com\"}], \"a\": [], \"aaaa\": [], \"servers\": []}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_PASS, NULL);
}

static void domain_outside_the_allowed_list_fails(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_config(fx, "root_email.allowed_domains", "[\"corp.kuzeylabs.io\"]");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "outside the allowed domains");
    opf_fx_config(fx, "root_email.allowed_domains", "[\"KuzeyLabs.io\"]");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, NULL);
}

static void nxdomain_and_null_mx_fail(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    s_dns(fx, "{\"domain\": \"kuzeylabs.io\", \"rcode\": \"NXDOMAIN\", \"mx\": [], \"a\": [], \"aaaa\": []}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "does not exist");
    s_dns(fx, "{\"domain\": \"kuzeylabs.io\", \"rcode\": \"NOERROR\", \"mx\": [{\"preference\": 0, \"exchange\": "
              "\".\"}], \"a\": [\"203.0.113.10\"], \"aaaa\": []}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "null MX");
}

static void implicit_mx_warns_and_nothing_fails(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_attest(fx, "root-mailbox-confirmed", "true", "2026-11-18");
    s_dns(fx, "{\"domain\": \"kuzeylabs.io\", \"rcode\": \"NOERROR\", \"mx\": [], \"a\": [], \"aaaa\": "
              "[\"2001:db8::25\"]}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "implicit MX");
    s_dns(fx, "{\"domain\": \"kuzeylabs.io\", \"rcode\": \"NOERROR\", \"mx\": [], \"a\": [], \"aaaa\": []}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "neither MX nor A/AAAA");
}

static void unanswered_dns_is_unknown(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_set_error(fx, "probe.dns", "DnsTimeout", "no answer from 127.0.0.1:5353 after 3 tries");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "DnsTimeout");
    s_dns(fx, "{\"domain\": \"kuzeylabs.io\", \"rcode\": \"SERVFAIL\", \"mx\": [], \"a\": [], \"aaaa\": []}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "SERVFAIL");
    s_dns(fx, "{\"domain\": \"example.org\", \"rcode\": \"NOERROR\", \"mx\": [{\"preference\": 1, \"exchange\": "
              "\"mx.example.org\"}], \"a\": [], \"aaaa\": []}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "not the root address's domain");
}

static void smtp_rejection_fails_and_acceptance_never_passes(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_config(fx, "root_email.smtp_probe", "true");
    opf_fx_set_json(fx, "probe.smtp", "probe:smtp",
                    "{\"host\": \"aspmx.l.google.com\", \"port\": 25, \"rcpt\": \"aws-data@kuzeylabs.io\", "
                    "\"code\": 550, \"reply\": \"5.1.1 The email account that you tried to reach does not exist.\"}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "rejected the root address: 550");
    opf_fx_set_json(fx, "probe.smtp", "probe:smtp",
                    "{\"host\": \"aspmx.l.google.com\", \"port\": 25, \"rcpt\": \"aws-data@kuzeylabs.io\", "
                    "\"code\": 250, \"reply\": \"2.1.5 OK\"}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "not confirmed");
    /* without smtp_probe in the configuration a stray probe item is not used */
    opf_fx_config(fx, "root_email.smtp_probe", "false");
    opf_fx_set_json(fx, "probe.smtp", "probe:smtp", "{\"host\": \"aspmx.l.google.com\", \"code\": 550}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, NULL);
}

static void address_sources(void **state)
{
    struct opf_fx *fx = *state;
    /* the management account has no GetPrimaryEmail: Organizations' Email is used */
    opf_fx_account(fx, "210987654321");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "aws-prod@kuzeylabs.io");
    assert_non_null(opf_fx_cited(fx, "organizations.account"));
    opf_fx_remove(fx, "organizations.account");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "organizations.account");
    opf_fx_set_json(fx, "organizations.account", "organizations:DescribeAccount", "{\"Account\": {\"Id\": \"1\"}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_UNKNOWN, "no Email");
    opf_fx_set_json(fx, "organizations.account", "organizations:DescribeAccount",
                    "{\"Account\": {\"Email\": \"aws-prod\"}}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "has no domain");
}

static void smtp_probe_edge_cases(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    opf_fx_config(fx, "root_email.smtp_probe", "true");
    /* enabled but the probe could not connect (port 25 blocked): the DNS verdict stands */
    opf_fx_set_error(fx, "probe.smtp", "ConnectTimeout", "connect to aspmx.l.google.com:25 timed out");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "not confirmed");
    /* an implicit-MX domain whose host refuses the address */
    s_dns(fx, "{\"domain\": \"kuzeylabs.io\", \"rcode\": \"NOERROR\", \"mx\": [], \"a\": [\"203.0.113.25\"], "
              "\"aaaa\": []}");
    opf_fx_set_json(fx, "probe.smtp", "probe:smtp",
                    "{\"host\": \"kuzeylabs.io\", \"port\": 25, \"code\": 554, \"reply\": \"5.7.1 relay denied\"}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_FAIL, "554 5.7.1 relay denied");
    /* a fully qualified Google exchange ("aspmx.l.google.com.") is still Google */
    opf_fx_config(fx, "root_email.smtp_probe", "false");
    opf_fx_config(fx, "root_email.group_addresses", "[\"aws-data@kuzeylabs.io\"]");
    s_dns(fx, "{\"domain\": \"kuzeylabs.io\", \"rcode\": \"NOERROR\", \"mx\": [{\"preference\": 1, \"exchange\": "
              "\"aspmx.l.google.com.\"}], \"a\": [], \"aaaa\": []}");
    opf_fx_run(fx, C);
    opf_fx_assert(fx, OPF_WARN, "Google Group");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        OPF_FX_TEST(mx_without_confirmation_warns),
        OPF_FX_TEST(confirmed_mailbox_passes),
        OPF_FX_TEST(no_alternate_contact_turns_a_pass_into_a_warning),
        OPF_FX_TEST(google_group_warns_even_when_confirmed),
        OPF_FX_TEST(domain_outside_the_allowed_list_fails),
        OPF_FX_TEST(nxdomain_and_null_mx_fail),
        OPF_FX_TEST(implicit_mx_warns_and_nothing_fails),
        OPF_FX_TEST(unanswered_dns_is_unknown),
        OPF_FX_TEST(smtp_rejection_fails_and_acceptance_never_passes),
        OPF_FX_TEST(address_sources),
        OPF_FX_TEST(smtp_probe_edge_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
