/* control-tower-enrolled: an account Control Tower manages must be unmanaged before it moves. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common.h"

static const char *const s_needs[] = {"controltower.enabled_baselines", "iam.roles", NULL};

#define S_EXECUTION_ROLE "AWSControlTowerExecution"
#define S_LIST_MAX 640

/* Does the ARN end with "/ID"? */
static bool s_arn_ends_with(const char *arn, const char *id)
{
    size_t n = strlen(arn), m = strlen(id);
    return n > m && arn[n - m - 1] == '/' && strcmp(arn + n - m, id) == 0;
}

/* What a baseline's target (an account or OU ARN) names of this account: the account itself or an OU on its
 * path ("OU Workloads (ou-k3x9-8w2hd6ra)"); false when neither. */
static bool s_targets(const char *target, const struct opf_subject *s, char *what, size_t len)
{
    if (strstr(target, ":account/") && s_arn_ends_with(target, s->id)) {
        snprintf(what, len, "the account");
        return true;
    }
    size_t i;
    const json_t *level;
    json_array_foreach(json_object_get(s->record, "ou_path"), i, level) {
        const char *id = opf_chk_str(level, "id"), *name = opf_chk_str(level, "name");
        if (id && strstr(target, ":ou/") && s_arn_ends_with(target, id)) {
            snprintf(what, len, "its OU %s (%s)", name ? name : id, id);
            return true;
        }
    }
    return false;
}

/* Why an item could not be read, naming the operation that failed and its error. */
static void s_unavailable(char *why, size_t len, const char *key, const struct opf_item *item)
{
    if (item->state == OPF_ITEM_ERROR)
        snprintf(why, len, "%s unavailable: %s: %s", key, item->source ? item->source : "?", item->error_code);
    else
        snprintf(why, len, "%s was not collected", key);
}

/* Baselines enabled on the account or its OUs, listed in `hits`; false when they could not be read. */
static bool s_baselines(const struct opf_context *ctx, const struct opf_subject *s, struct opf_finding *f,
                        char *hits, size_t len, size_t *n, char *why, size_t whylen)
{
    struct opf_subject org;
    struct opf_item item = {.state = OPF_ITEM_MISSING};
    if (!opf_chk_org_subject(ctx, &org) ||
        opf_evidence_get(&org, "controltower.enabled_baselines", &item) != OPF_ITEM_OK) {
        s_unavailable(why, whylen, "controltower.enabled_baselines", &item);
        return false;
    }
    const json_t *list = json_object_get(item.data, "enabledBaselines");
    if (!json_is_array(list)) {
        snprintf(why, whylen, "controltower.enabled_baselines has no enabledBaselines list");
        return false;
    }
    json_t *cited = json_array();
    size_t i;
    const json_t *b;
    json_array_foreach(list, i, b) {
        const char *target = opf_chk_str(b, "targetIdentifier"), *baseline = opf_chk_str(b, "baselineIdentifier");
        const char *status = opf_chk_str(json_object_get(b, "statusSummary"), "status");
        char what[160], entry[512];
        if (!target || !s_targets(target, s, what, sizeof(what)))
            continue;
        snprintf(entry, sizeof(entry), "baseline %s on %s (%s)", baseline ? baseline : "(unnamed)", what,
                 status ? status : "status unknown");
        opf_chk_list_add(hits, len, entry);
        json_array_append_new(cited, json_pack("{s:s?,s:s,s:s?}", "baselineIdentifier", baseline, "targetIdentifier",
                                               target, "status", status));
        (*n)++;
    }
    json_t *values = json_pack("{s:I,s:o}", "enabledBaselines", (json_int_t)json_array_size(list), "targeting_account",
                               cited);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    return true;
}

/* Whether iam.roles lists the role Control Tower creates in the accounts it enrolls; false when unreadable. */
static bool s_execution_role(const struct opf_subject *s, struct opf_finding *f, bool *present, char *why,
                             size_t whylen)
{
    struct opf_item item;
    if (opf_evidence_get(s, "iam.roles", &item) != OPF_ITEM_OK) {
        s_unavailable(why, whylen, "iam.roles", &item);
        return false;
    }
    const json_t *roles = json_object_get(item.data, "Roles");
    if (!json_is_array(roles)) {
        snprintf(why, whylen, "iam.roles has no Roles list");
        return false;
    }
    size_t i;
    const json_t *r;
    *present = false;
    json_array_foreach(roles, i, r) {
        const char *name = opf_chk_str(r, "RoleName");
        *present |= name && strcasecmp(name, S_EXECUTION_ROLE) == 0; /* IAM role names are case-insensitive */
    }
    json_t *values = json_pack("{s:I,s:b}", "Roles", (json_int_t)json_array_size(roles), S_EXECUTION_ROLE, *present);
    opf_finding_cite(f, &item, values);
    json_decref(values);
    return true;
}

static enum opf_status s_evaluate(const struct opf_check *check, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    char hits[S_LIST_MAX] = "", why_baselines[256] = "", why_roles[256] = "";
    size_t n = 0;
    bool role = false;
    bool baselines_read = s_baselines(ctx, s, f, hits, sizeof(hits), &n, why_baselines, sizeof(why_baselines));
    bool roles_read = s_execution_role(s, f, &role, why_roles, sizeof(why_roles));
    if (n)
        return opf_set(f, OPF_FAIL, "Control Tower manages this account: %zu enabled baseline%s target%s it: %s%s", n,
                       n == 1 ? "" : "s", n == 1 ? "s" : "", hits,
                       role ? "; the " S_EXECUTION_ROLE " role is present" : "");
    if (role)
        return opf_set(f, OPF_FAIL, "the " S_EXECUTION_ROLE " role is present: the account is (or was) enrolled in "
                                    "Control Tower%s", baselines_read ? ", although no enabled baseline targets it "
                                    "(a landing zone older than 3.0 lists none)" : "");
    if (!baselines_read || !roles_read)
        return opf_set(f, OPF_UNKNOWN, "Control Tower enrollment cannot be ruled out: %s%s%s", why_baselines,
                       why_baselines[0] && why_roles[0] ? "; " : "", why_roles);
    return opf_set(f, OPF_PASS, "no Control Tower baseline targets the account or its OUs, and it has no "
                                S_EXECUTION_ROLE " role");
}

const struct opf_check opf_check_control_tower_enrolled = {
    OPF_CHECK_HEADER,
    .id = "control-tower-enrolled",
    .title = "Account is not managed by Control Tower",
    .subject = OPF_SUBJECT_ACCOUNT,
    .severity = OPF_SEV_BLOCKER,
    .runbook = OPF_RUNBOOK_BEFORE_MOVE, /* unmanaged while the organization still governs the account */
    .needs = s_needs,
    .evaluate = s_evaluate,
    .rationale = "Control Tower requires an enrolled account to be unmanaged (or moved to the root or an "
                 "unregistered OU) before it leaves or transfers; its baselines and StackSet resources otherwise "
                 "break the move.",
    .remediation = "Unmanage the account in Control Tower (move it out of registered OUs, or disable its baseline), "
                   "let Control Tower remove its resources, then delete the AWSControlTowerExecution role once "
                   "nothing uses it; audit again.",
};
