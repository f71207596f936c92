/* target-organization-ready: the organization the accounts move to can take them. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "core/core.h"

static const char *const s_needs[] = {"organizations.organization", "organizations.accounts",
                                      "organizations.handshakes", NULL};

#define S_MIN_AGE_DAYS 7
#define S_LIST_MAX 480

/* What the check found, by status: sentences joined with "; ". */
struct s_ready {
    char fail[S_LIST_MAX], warn[S_LIST_MAX], unknown[S_LIST_MAX], pass[S_LIST_MAX];
};

static void s_note(struct s_ready *r, enum opf_status st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void s_note(struct s_ready *r, enum opf_status st, const char *fmt, ...)
{
    char line[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    char *list = st == OPF_FAIL ? r->fail : st == OPF_WARN ? r->warn : st == OPF_UNKNOWN ? r->unknown : r->pass;
    opf_chk_list_join(list, S_LIST_MAX, "; ", line);
}

/* Reads an item; false after noting why it is unusable. */
static bool s_read(const struct opf_subject *s, const char *key, struct s_ready *r, struct opf_item *item)
{
    if (opf_evidence_get(s, key, item) == OPF_ITEM_OK)
        return true;
    if (item->state == OPF_ITEM_MISSING)
        s_note(r, OPF_UNKNOWN, "%s was not collected", key);
    else
        s_note(r, OPF_UNKNOWN, "%s failed: %s%s%s", key, item->error_code, item->error_message ? ": " : "",
               item->error_message ? item->error_message : "");
    return false;
}

/* An item's list, or NULL after noting why it is unusable. */
static const json_t *s_list(const struct opf_subject *s, const char *key, const char *list, struct s_ready *r,
                            struct opf_item *item)
{
    if (!s_read(s, key, r, item))
        return NULL;
    const json_t *v = json_object_get(item->data, list);
    if (!json_is_array(v))
        s_note(r, OPF_UNKNOWN, "%s has no %s list", key, list);
    return json_is_array(v) ? v : NULL;
}

static const json_t *s_find_account(const json_t *accounts, const char *id)
{
    size_t i;
    const json_t *a;
    json_array_foreach(accounts, i, a) {
        const char *aid = opf_chk_str(a, "Id");
        if (aid && id && strcmp(aid, id) == 0)
            return a;
    }
    return NULL;
}

/* The accounts of the old organization that are to move: the active ones of its inventory (every account, not
 * only those selected for this audit) not already in the target; NULL when the inventory is unreadable. */
static json_t *s_to_move(const struct opf_context *ctx, const json_t *target_accounts, struct s_ready *r)
{
    struct opf_subject org;
    struct opf_item item;
    const json_t *inventory = NULL;
    if (opf_chk_org_subject(ctx, &org) && opf_evidence_get(&org, "organizations.accounts", &item) == OPF_ITEM_OK)
        inventory = json_object_get(item.data, "Accounts");
    if (!json_is_array(inventory)) {
        s_note(r, OPF_UNKNOWN, "the old organization's account inventory (its organizations.accounts) is missing or "
                               "unreadable, so the accounts to move are unknown");
        return NULL;
    }
    json_t *out = json_array();
    size_t i;
    const json_t *a;
    json_array_foreach(inventory, i, a) {
        const char *id = opf_chk_str(a, "Id");
        const char *state = opf_account_state(a, NULL);
        if (!id) {
            s_note(r, OPF_UNKNOWN, "the old organization's account inventory has an entry without an Id");
            json_decref(out);
            return NULL;
        }
        if (state && strcmp(state, "ACTIVE") == 0 && !s_find_account(target_accounts, id))
            json_array_append_new(out, json_pack("{s:s,s:s?,s:s?}", "id", id, "name", opf_chk_str(a, "Name"), "email",
                                                 opf_chk_str(a, "Email")));
    }
    return out;
}

/* The account to move that an invitation addresses (by account id or e-mail party), or NULL. */
static json_t *s_invitee(const json_t *handshake, const json_t *to_move)
{
    size_t i, k;
    const json_t *party;
    json_t *a;
    json_array_foreach(json_object_get(handshake, "Parties"), i, party) {
        const char *type = opf_chk_str(party, "Type"), *id = opf_chk_str(party, "Id");
        if (!type || !id)
            continue;
        json_array_foreach(to_move, k, a) {
            const char *key = strcmp(type, "ACCOUNT") == 0 ? opf_chk_str(a, "id")
                              : strcmp(type, "EMAIL") == 0 ? opf_chk_str(a, "email") : NULL;
            if (key && strcasecmp(key, id) == 0)
                return a;
        }
    }
    return NULL;
}

static void s_organization(const struct opf_subject *s, const struct opf_context *ctx, struct s_ready *r,
                           struct opf_finding *f, const char **mgmt)
{
    struct opf_item item;
    if (!s_read(s, "organizations.organization", r, &item))
        return;
    const json_t *org = json_object_get(item.data, "Organization");
    const char *id = opf_chk_str(org, "Id"), *features = opf_chk_str(org, "FeatureSet");
    const char *old = opf_chk_str(json_object_get(ctx->bundle, "organization"), "id");
    *mgmt = opf_chk_str(org, "MasterAccountId");
    json_t *values = json_pack("{s:s?,s:s?,s:s?}", "Id", id, "FeatureSet", features, "MasterAccountId", *mgmt);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    if (id && old && strcmp(id, old) == 0)
        s_note(r, OPF_FAIL, "the target is the old organization %s itself", id);
    if (!features)
        s_note(r, OPF_UNKNOWN, "organizations.organization has no FeatureSet");
    else if (strcmp(features, "ALL") != 0)
        s_note(r, OPF_WARN, "the target has only %s: enable all features before inviting, or every account that "
                            "joined must approve it later", features);
    if (!*mgmt)
        s_note(r, OPF_UNKNOWN, "organizations.organization has no MasterAccountId");
}

/* The target's age: its management account joined it when it was created. */
static void s_age(const struct opf_context *ctx, const json_t *accounts, const char *mgmt, struct s_ready *r)
{
    time_t created;
    const json_t *m = s_find_account(accounts, mgmt);
    if (!m || !opf_time_from_json(json_object_get(m, "JoinedTimestamp"), &created)) {
        s_note(r, OPF_UNKNOWN, "the age of the target is unknown (no JoinedTimestamp of its management account %s)",
               mgmt);
        return;
    }
    char when[32], ready[32];
    opf_chk_format_time(created, when, sizeof(when));
    opf_chk_format_time(created + S_MIN_AGE_DAYS * 86400, ready, sizeof(ready));
    if (ctx->now - created < S_MIN_AGE_DAYS * 86400)
        s_note(r, OPF_FAIL, "the target was created on %s and accepts accounts only from %s (%d days after "
                            "creation)", when, ready, S_MIN_AGE_DAYS);
    else
        s_note(r, OPF_PASS, "created on %s", when);
}

/* Pending invitations (counted against the quota), duplicates and expired ones, and feature-set changes that
 * disable invitations. Returns the number of pending invitations; marks invited accounts in `invited`. */
static size_t s_handshakes(const struct opf_context *ctx, const json_t *handshakes, const json_t *to_move,
                           json_t *invited, json_t *expired, struct s_ready *r)
{
    size_t i, pending = 0;
    const json_t *h;
    json_array_foreach(handshakes, i, h) {
        const char *action = opf_chk_str(h, "Action"), *state = opf_chk_str(h, "State");
        time_t expires;
        bool open = state && (strcmp(state, "OPEN") == 0 || strcmp(state, "REQUESTED") == 0);
        bool lapsed = (state && strcmp(state, "EXPIRED") == 0) ||
                      (open && opf_time_from_json(json_object_get(h, "ExpirationTimestamp"), &expires) &&
                       expires <= ctx->now);
        if (!action)
            continue;
        if (strcmp(action, "ENABLE_ALL_FEATURES") == 0 && open && !lapsed)
            s_note(r, OPF_FAIL, "the target is enabling all features (handshake %s): it cannot invite accounts "
                                "until that finishes", opf_chk_str(h, "Id") ? opf_chk_str(h, "Id") : "");
        if (strcmp(action, "INVITE") != 0)
            continue;
        json_t *who = s_invitee(h, to_move);
        const char *id = who ? opf_chk_str(who, "id") : NULL;
        if (open && !lapsed) {
            pending++;
            if (id)
                json_object_set_new(invited, id, json_integer(json_integer_value(json_object_get(invited, id)) + 1));
        } else if (lapsed && id) {
            json_object_set_new(expired, id, json_true());
        }
    }
    return pending;
}

/* Duplicate or lapsed invitations of the accounts to move. */
static void s_invitations(const json_t *to_move, const json_t *invited, const json_t *expired, struct s_ready *r)
{
    char dup[S_LIST_MAX] = "", lapsed[S_LIST_MAX] = "";
    size_t i;
    const json_t *a;
    json_array_foreach(to_move, i, a) {
        const char *id = opf_chk_str(a, "id");
        char entry[128];
        json_int_t n = json_integer_value(json_object_get(invited, id));
        snprintf(entry, sizeof(entry), "%s (%s)", opf_chk_str(a, "name") ? opf_chk_str(a, "name") : "?", id);
        if (n > 1)
            opf_chk_list_add(dup, sizeof(dup), entry);
        else if (n == 0 && json_object_get(expired, id))
            opf_chk_list_add(lapsed, sizeof(lapsed), entry);
    }
    if (dup[0])
        s_note(r, OPF_WARN, "more than one pending invitation for %s: the accounts see several, and each counts "
                            "against the quota", dup);
    if (lapsed[0])
        s_note(r, OPF_WARN, "the invitations of %s expired (after 15 days): invite them again", lapsed);
}

static void s_quota(const struct opf_context *ctx, size_t members, size_t pending, const json_t *to_move,
                    const json_t *invited, struct s_ready *r)
{
    long quota = opf_chk_config_int(ctx, "target.account_quota");
    size_t needed = 0, i;
    const json_t *a;
    json_array_foreach(to_move, i, a) needed += !json_object_get(invited, opf_chk_str(a, "id"));
    long free_slots = quota - (long)members - (long)pending;
    if ((long)needed > free_slots)
        s_note(r, OPF_FAIL, "the account quota (target.account_quota %ld) is too small: %zu accounts, %zu pending "
                            "invitations and %zu accounts still to invite need %zu slots; raise the quota first",
               quota, members, pending, needed, members + pending + needed);
    else
        s_note(r, OPF_PASS, "%zu accounts, %zu pending invitations and %zu accounts to invite fit the quota of %ld",
               members, pending, needed, quota);
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    struct s_ready r;
    memset(&r, 0, sizeof(r));
    const char *mgmt = NULL;
    s_organization(s, ctx, &r, f, &mgmt);
    struct opf_item acc_item, hs_item;
    const json_t *accounts = s_list(s, "organizations.accounts", "Accounts", &r, &acc_item);
    const json_t *handshakes = s_list(s, "organizations.handshakes", "Handshakes", &r, &hs_item);
    if (accounts && mgmt)
        s_age(ctx, accounts, mgmt, &r);
    json_t *to_move = s_to_move(ctx, accounts, &r);
    json_t *invited = json_object(), *expired = json_object();
    if (handshakes) {
        size_t pending = s_handshakes(ctx, handshakes, to_move, invited, expired, &r);
        s_invitations(to_move, invited, expired, &r);
        if (accounts && to_move)
            s_quota(ctx, json_array_size(accounts), pending, to_move, invited, &r);
        json_t *values = json_pack("{s:I,s:I,s:O}", "Handshakes", (json_int_t)json_array_size(handshakes), "pending",
                                   (json_int_t)pending, "invited", invited);
        opf_finding_cite(f, &hs_item, values);
        json_decref(values);
    }
    if (accounts) {
        json_t *values = json_pack("{s:I,s:I}", "Accounts", (json_int_t)json_array_size(accounts), "to_move",
                                   (json_int_t)json_array_size(to_move)); /* 0 when unknown: the verdict says so */
        opf_finding_cite(f, &acc_item, values);
        json_decref(values);
    }
    json_decref(to_move);
    json_decref(invited);
    json_decref(expired);
    if (r.fail[0])
        return opf_set(f, OPF_FAIL, "AWS would refuse the move: %s%s%s", r.fail, r.warn[0] ? "; also: " : "", r.warn);
    if (r.unknown[0])
        return opf_set(f, OPF_UNKNOWN, "readiness cannot be established: %s%s%s", r.unknown,
                       r.warn[0] ? "; also: " : "", r.warn);
    if (r.warn[0])
        return opf_set(f, OPF_WARN, "%s", r.warn);
    return opf_set(f, OPF_PASS, "the target can take the accounts: %s", r.pass);
}

const struct opf_check opf_check_target_organization_ready = {
    OPF_CHECK_HEADER,
    .id = "target-organization-ready",
    .title = "Target organization can take the accounts",
    .subject = OPF_SUBJECT_TARGET_ORGANIZATION,
    .severity = OPF_SEV_BLOCKER,
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "AWS refuses to move accounts into an organization younger than seven days, or beyond its "
                 "account quota (pending invitations count against it), and invitations are disabled while the "
                 "organization enables all features.",
    .remediation = "Wait until the date given, request a higher account quota (Service Quotas, Organizations) "
                   "before inviting, cancel duplicate invitations and invite expired ones again.",
};
