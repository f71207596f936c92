/* The evidence providers' table (src/collect/providers.c) against what reads it and what documents it: the
 * key tables of docs/evidence.md, the IAM policy documents of docs/, the read-only allow-list and the registry's
 * refusal of a check that needs a key no provider gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/aws.h"
#include "collect/collect_internal.h"
#include "collect/providers.h"
#include "core/core.h"

static char *s_path(const char *relative)
{
    const char *root = getenv("OPF_SOURCE_DIR");
    char *p = malloc(4096);
    snprintf(p, 4096, "%s/%s", root ? root : "..", relative);
    return p;
}

/* The subject of a "### ... subject" heading of docs/evidence.md, or -1. */
static int s_section(const char *line)
{
    static const struct { const char *heading; enum opf_subject_kind kind; } sections[] = {
        {"### Organization subject", OPF_SUBJECT_ORGANIZATION},
        {"### Account subject", OPF_SUBJECT_ACCOUNT},
        {"### Operator session subject", OPF_SUBJECT_OPERATOR_SESSION},
        {"### Target organization subject", OPF_SUBJECT_TARGET_ORGANIZATION},
    };
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
        if (strncmp(line, sections[i].heading, strlen(sections[i].heading)) == 0)
            return (int)sections[i].kind;
    return strncmp(line, "## ", 3) == 0 || strncmp(line, "### ", 4) == 0 ? -1 : -2; /* -2: no heading */
}

static const struct opf_provider *s_row(const char *key, enum opf_subject_kind subject)
{
    const struct opf_provider *p;
    for (size_t i = 0; (p = opf_provider_at(i)); i++)
        if (p->subject == subject && strcmp(p->key, key) == 0)
            return p;
    return NULL;
}

/* Every row of the key tables is a provider's row with its doc as the source column, and every provider has its
 * row: `| \`KEY\` | DOC | data |` under the heading of its subject. */
static void docs_key_tables_follow_the_providers(void **state)
{
    (void)state;
    char *path = s_path("docs/evidence.md");
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[8192];
    int section = -1;
    size_t seen[256] = {0}, rows = 0, bad = 0;
    while (fgets(line, sizeof(line), f)) {
        int s = s_section(line);
        if (s != -2) {
            section = s;
            continue;
        }
        if (section < 0 || strncmp(line, "| `", 3) != 0)
            continue;
        char *key = line + 3, *end = strstr(key, "` | ");
        assert_non_null(end);
        *end = '\0';
        char *doc = end + 4, *doc_end = strstr(doc, " | ");
        assert_non_null(doc_end);
        *doc_end = '\0';
        const struct opf_provider *p = s_row(key, (enum opf_subject_kind)section);
        if (!p || strcmp(p->doc, doc) != 0) {
            print_error("docs/evidence.md: %s (%s): %s\n", key, opf_subject_kind_name((enum opf_subject_kind)section),
                        p ? "its source column is not the provider's doc" : "no provider gives it");
            if (p)
                print_error("  docs:     %s\n  provider: %s\n", doc, p->doc);
            bad++;
            continue;
        }
        seen[p - opf_provider_at(0)]++;
        rows++;
    }
    fclose(f);
    free(path);
    const struct opf_provider *p;
    for (size_t i = 0; (p = opf_provider_at(i)); i++)
        if (seen[i] != 1) {
            print_error("docs/evidence.md lists %s (%s) %zu times\n", p->key, opf_subject_kind_name(p->subject), seen[i]);
            bad++;
        }
    assert_true(rows > 30);
    assert_int_equal(bad, 0);
}

/* The actions of a policy document's statements. */
static json_t *s_actions(const char *relative)
{
    char *path = s_path(relative);
    json_t *doc = json_load_file(path, 0, NULL);
    free(path);
    assert_non_null(doc);
    json_t *actions = json_object();
    size_t i, j;
    const json_t *st, *a;
    json_array_foreach(json_object_get(doc, "Statement"), i, st) {
        const json_t *action = json_object_get(st, "Action");
        if (json_is_string(action))
            json_object_set_new(actions, json_string_value(action), json_true());
        json_array_foreach(action, j, a) json_object_set_new(actions, json_string_value(a), json_true());
    }
    json_decref(doc);
    return actions;
}

static size_t s_missing(const json_t *policy, const char *name, const struct opf_provider *p)
{
    size_t missing = 0;
    char actions[1024];
    snprintf(actions, sizeof(actions), "%s", p->actions);
    for (char *save = NULL, *a = strtok_r(actions, " ", &save); a; a = strtok_r(NULL, " ", &save))
        if (!json_object_get(policy, a)) {
            print_error("%s lacks %s, which %s takes\n", name, a, p->key);
            missing++;
        }
    return missing;
}

/* The member policy covers what the audit role reads; the management policy what the operator reads, and the
 * member's reads too (the management account is read with the operator's session). */
static void iam_policies_cover_every_provider(void **state)
{
    (void)state;
    json_t *member = s_actions("docs/iam-policy-member.json");
    json_t *management = s_actions("docs/iam-policy-management.json");
    size_t missing = 0, checked = 0;
    const struct opf_provider *p;
    for (size_t i = 0; (p = opf_provider_at(i)); i++) {
        if (p->caller == OPF_CALLER_MEMBER)
            missing += s_missing(member, "docs/iam-policy-member.json", p);
        if (p->caller == OPF_CALLER_MEMBER || p->caller == OPF_CALLER_OPERATOR)
            missing += s_missing(management, "docs/iam-policy-management.json", p), checked++;
    }
    assert_true(checked > 20);
    assert_int_equal(missing, 0);
    /* the test can fail: an action no policy grants is reported */
    struct opf_provider extra = {.key = "x.y", .actions = "iam:ListUsers ec2:DescribeInstances"};
    assert_int_equal(s_missing(member, "member", &extra), 1);
    json_decref(member);
    json_decref(management);
}

/* Every operation a row reads is in the read-only allow-list, and a scan's item says what its row says. */
static void operations_are_allowed(void **state)
{
    (void)state;
    const struct opf_provider *p;
    for (size_t i = 0; (p = opf_provider_at(i)); i++) {
        if (p->caller == OPF_CALLER_LOCAL)
            continue;
        char ops[1024];
        snprintf(ops, sizeof(ops), "%s", p->source);
        for (char *save = NULL, *op = strtok_r(ops, "+", &save); op; op = strtok_r(NULL, "+", &save)) {
            char *colon = strchr(op, ':');
            assert_non_null(colon);
            *colon = '\0';
            if (!opf_aws_operation_allowed(op, colon + 1))
                fail_msg("%s reads %s:%s, which is not in src/aws/model.c", p->key, op, colon + 1);
        }
        if (p->scan) {
            assert_string_equal(p->scan->key, p->key);
            assert_string_equal(p->scan->source, p->source);
        }
        assert_false(p->run && p->scan);
    }
}

static enum opf_status s_evaluate(const struct opf_check *c, const struct opf_subject *s,
                                  const struct opf_context *ctx, struct opf_finding *f)
{
    (void)c, (void)s, (void)ctx;
    return opf_set(f, OPF_SKIPPED, "reads nothing");
}

static int s_add(const char *const *needs, struct opf_error *err)
{
    struct opf_registry *r = opf_registry_empty();
    struct opf_check c = {OPF_CHECK_HEADER, .id = "reads-evidence", .title = "Reads evidence",
                          .subject = OPF_SUBJECT_ACCOUNT, .needs = needs, .evaluate = s_evaluate};
    int rc = opf_registry_add(r, &c, "test", err);
    opf_registry_free(r);
    return rc;
}

static void registry_refuses_a_key_no_provider_gives(void **state)
{
    (void)state;
    struct opf_error err = {0};
    static const char *const known[] = {"iam.users", "organizations.accounts", "attestation.payment-method",
                                        "account.primary_email", NULL};
    assert_int_equal(s_add(known, &err), 0);
    static const char *const unknown[] = {"iam.users", "iam.user", NULL};
    assert_int_equal(s_add(unknown, &err), -1);
    assert_string_equal(err.message, "test: check reads-evidence needs the evidence key iam.user, which no provider "
                                     "gives (docs/evidence.md)");
    static const char *const bare[] = {"attestation.", NULL};
    assert_int_equal(s_add(bare, &err), -1);
    /* every built-in check's needs are given: the catalogue registers */
    struct opf_registry *r = opf_registry_new();
    assert_non_null(r);
    assert_true(opf_registry_count(r) > 0);
    opf_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(docs_key_tables_follow_the_providers),
        cmocka_unit_test(iam_policies_cover_every_provider),
        cmocka_unit_test(operations_are_allowed),
        cmocka_unit_test(registry_refuses_a_key_no_provider_gives),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
