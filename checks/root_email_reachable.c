/* root-email-reachable: the root mailbox is the account's recovery path; it must receive mail. */
#include <string.h>
#include <strings.h>

#include "common.h"

static const char *const s_needs[] = {"organizations.account", "account.primary_email", "probe.dns", "probe.smtp",
                                      "account.alternate_contacts", "attestation.root-mailbox-confirmed", NULL};

/* The root address: GetPrimaryEmail when it was read (the Account API's current view), else Organizations'
 * Account.Email. The address is cited: it is what the operator must check. */
static const char *s_address(const struct opf_subject *s, struct opf_finding *f)
{
    struct opf_item item;
    if (opf_evidence_get(s, "account.primary_email", &item) == OPF_ITEM_OK) {
        const char *email = opf_chk_str(item.data, "PrimaryEmail");
        if (email) {
            json_t *values = json_pack("{s:s}", "PrimaryEmail", email);
            opf_finding_cite(f, &item, values);
            json_decref(values);
            return email;
        }
    }
    const json_t *account = opf_chk_account(s, f, &item);
    const char *email = opf_chk_str(account, "Email");
    if (account && !email)
        opf_set(f, OPF_UNKNOWN, "organizations.account has no Email for the account");
    if (email) {
        json_t *values = json_pack("{s:s}", "Email", email);
        opf_finding_cite(f, &item, values);
        json_decref(values);
    }
    return email;
}

static bool s_in_list(const json_t *list, const char *value, bool wildcard)
{
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v) {
        const char *p = json_string_value(v);
        if (p && (wildcard ? opf_chk_wildcard(p, value, true) : strcasecmp(p, value) == 0))
            return true;
    }
    return false;
}

/* A null MX (RFC 7505): the exchange "." says the domain accepts no mail. */
static bool s_null_mx(const json_t *mx)
{
    size_t i;
    const json_t *r;
    json_array_foreach(mx, i, r) {
        const char *ex = opf_chk_str(r, "exchange");
        if (ex && (strcmp(ex, ".") == 0 || strcmp(ex, "") == 0))
            return true;
    }
    return false;
}

static bool s_host_under(const char *host, const char *suffix)
{
    size_t h = strlen(host), n = strlen(suffix);
    if (h && host[h - 1] == '.')
        h--; /* fully qualified form */
    return h >= n && strncasecmp(host + h - n, suffix, n) == 0 && (h == n || host[h - n - 1] == '.');
}

static bool s_google_mx(const json_t *mx)
{
    size_t i;
    const json_t *r;
    json_array_foreach(mx, i, r) {
        const char *ex = opf_chk_str(r, "exchange");
        if (ex && (s_host_under(ex, "google.com") || s_host_under(ex, "googlemail.com")))
            return true;
    }
    return false;
}

/* The SMTP probe can only make things worse: a 5xx RCPT reply is a rejection; acceptance proves little
 * (catch-all domains, greylisting). Returns true when it rejected the address. */
static bool s_smtp_rejected(const struct opf_subject *s, const struct opf_context *ctx, struct opf_finding *f,
                            const char *path)
{
    if (!json_is_true(opf_config_get(ctx, "root_email.smtp_probe")))
        return false;
    struct opf_item item;
    if (opf_evidence_get(s, "probe.smtp", &item) != OPF_ITEM_OK)
        return false;
    const json_t *code = json_object_get(item.data, "code");
    json_t *values = json_pack("{s:O?,s:s?,s:s?}", "code", code, "host", opf_chk_str(item.data, "host"), "reply",
                               opf_chk_str(item.data, "reply"));
    opf_finding_cite(f, &item, values);
    json_decref(values);
    if (json_is_integer(code) && json_integer_value(code) >= 500 && json_integer_value(code) < 600) {
        opf_set(f, OPF_FAIL, "%s path: the mail server %s rejected the root address: %" JSON_INTEGER_FORMAT " %s",
                path, opf_chk_str(item.data, "host") ? opf_chk_str(item.data, "host") : "(unknown)",
                json_integer_value(code), opf_chk_str(item.data, "reply") ? opf_chk_str(item.data, "reply") : "");
        return true;
    }
    return false;
}

/* Alternate contacts are AWS's second route to the account's owners: none set leaves only the root
 * mailbox. False when the item was not collected (it is optional). */
static bool s_no_alternate_contact(const struct opf_subject *s, struct opf_finding *f)
{
    struct opf_item item;
    if (opf_evidence_get(s, "account.alternate_contacts", &item) != OPF_ITEM_OK)
        return false;
    const json_t *contacts = json_object_get(item.data, "AlternateContacts");
    const char *types[] = {"BILLING", "OPERATIONS", "SECURITY"};
    json_t *values = json_object();
    bool any = false;
    for (size_t i = 0; i < 3; i++) {
        bool set = json_is_object(json_object_get(contacts, types[i]));
        json_object_set_new(values, types[i], json_boolean(set));
        any |= set;
    }
    opf_finding_cite(f, &item, values);
    json_decref(values);
    return json_is_object(contacts) && !any;
}

/* Judges a domain that answered with MX records. */
static enum opf_status s_mail_domain(const struct opf_subject *s, const struct opf_context *ctx,
                                     struct opf_finding *f, const char *address, const json_t *mx, const char *path)
{
    if (s_smtp_rejected(s, ctx, f, path))
        return f->status;
    char note[256];
    enum opf_chk_attested attested = opf_chk_attestation(s, ctx, "root-mailbox-confirmed", f, note, sizeof(note));
    if (attested == OPF_ATTESTED_FALSE)
        return opf_set(f, OPF_FAIL, "%s path: the attestation says mail to %s does not arrive", path, address);
    if (s_google_mx(mx) && s_in_list(opf_config_get(ctx, "root_email.group_addresses"), address, true))
        return opf_set(f, OPF_WARN,
                       "%s path: %s is a Google Group; Google Groups can hold mail from outside senders for "
                       "moderation, which silently delays AWS verification and password-reset mail. Check the "
                       "group's moderation settings or use a mailbox.%s",
                       path, address, attested == OPF_ATTESTED_TRUE ? " Delivery was confirmed once, which "
                                                                      "does not rule it out next time."
                                                                    : note);
    if (attested != OPF_ATTESTED_TRUE)
        return opf_set(f, OPF_WARN, "%s path: the domain of %s accepts mail; the mailbox itself is not confirmed.%s",
                       path, address, note);
    if (s_no_alternate_contact(s, f))
        return opf_set(f, OPF_WARN, "%s path: mail to %s is confirmed, but the account has no alternate contact, "
                                    "so every AWS notice depends on that one mailbox", path, address);
    return opf_set(f, OPF_PASS, "%s path: the domain of %s accepts mail and delivery to the mailbox is attested",
                   path, address);
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    const char *path = opf_path_name(opf_chk_path(s, ctx));
    const char *address = s_address(s, f);
    if (!address)
        return f->status;
    const char *at = strrchr(address, '@');
    if (!at || !at[1])
        return opf_set(f, OPF_FAIL, "%s path: the root address %s has no domain", path, address);
    const char *domain = at + 1;
    const json_t *allowed = opf_config_get(ctx, "root_email.allowed_domains");
    if (json_array_size(allowed) > 0 && !s_in_list(allowed, domain, false))
        return opf_set(f, OPF_FAIL, "%s path: the root address %s is outside the allowed domains "
                                    "(root_email.allowed_domains)", path, address);

    struct opf_item dns;
    if (!opf_require(s, "probe.dns", f, &dns))
        return f->status;
    const char *probed = opf_chk_str(dns.data, "domain");
    const char *rcode = opf_chk_str(dns.data, "rcode");
    const json_t *mx = json_object_get(dns.data, "mx");
    json_t *values = json_pack("{s:s?,s:s?,s:O?,s:I,s:I}", "domain", probed, "rcode", rcode, "mx", mx, "a",
                               (json_int_t)json_array_size(json_object_get(dns.data, "a")), "aaaa",
                               (json_int_t)json_array_size(json_object_get(dns.data, "aaaa")));
    opf_finding_cite(f, &dns, values);
    json_decref(values);
    if (!probed || strcasecmp(probed, domain) != 0)
        return opf_set(f, OPF_UNKNOWN, "the DNS probe looked up %s, not the root address's domain %s",
                       probed ? probed : "no domain", domain);
    if (rcode && strcmp(rcode, "NXDOMAIN") == 0)
        return opf_set(f, OPF_FAIL, "%s path: the domain %s does not exist, so mail to %s cannot be delivered",
                       path, domain, address);
    if (!rcode || strcmp(rcode, "NOERROR") != 0)
        return opf_set(f, OPF_UNKNOWN, "the DNS servers answered %s for %s", rcode ? rcode : "nothing", domain);
    if (s_null_mx(mx))
        return opf_set(f, OPF_FAIL, "%s path: %s publishes a null MX (RFC 7505): it accepts no mail, so %s "
                                    "cannot receive AWS's recovery mail", path, domain, address);
    if (json_array_size(mx) > 0)
        return s_mail_domain(s, ctx, f, address, mx, path);
    if (json_array_size(json_object_get(dns.data, "a")) + json_array_size(json_object_get(dns.data, "aaaa")) > 0) {
        if (s_smtp_rejected(s, ctx, f, path))
            return f->status;
        return opf_set(f, OPF_WARN, "%s path: %s has no MX record; mail falls back to its A/AAAA address "
                                    "(implicit MX), which rarely runs a mail server", path, domain);
    }
    return opf_set(f, OPF_FAIL, "%s path: %s has neither MX nor A/AAAA records, so mail to %s cannot be delivered",
                   path, domain, address);
}

const struct opf_check opf_check_root_email_reachable = {
    OPF_CHECK_HEADER,
    .id = "root-email-reachable",
    .title = "Root e-mail address receives mail",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_HIGH,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "Root password recovery and AWS's verification mail go to the root address; a dead domain or a "
                 "moderated group turns a lost session into a lockout.",
    .remediation = "Point the root address at a mailbox the team reads (not a moderated group), confirm a test "
                   "message arrives, and record a root-mailbox-confirmed attestation.",
};
