/* Shared check logic: wildcards, IAM statement matching, the credential report's base64 and RFC 4180 CSV. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "../../checks/common.h"
#include "support/check_fixture.h"

static void wildcards(void **state)
{
    assert_true(opf_chk_wildcard("*", "", false));
    assert_true(opf_chk_wildcard("organizations:*", "organizations:LeaveOrganization", false));
    assert_true(opf_chk_wildcard("Organizations:leave*", "organizations:LeaveOrganization", true));
    assert_false(opf_chk_wildcard("Organizations:leave*", "organizations:LeaveOrganization", false));
    assert_true(opf_chk_wildcard("*:Leave?rganization", "organizations:LeaveOrganization", false));
    assert_true(opf_chk_wildcard("a*b*c", "aXXbYYbc", false));
    assert_false(opf_chk_wildcard("a*b*c", "aXXbYYbcd", false));
    assert_false(opf_chk_wildcard("organizations:Leave", "organizations:LeaveOrganization", false));
    assert_true(opf_chk_wildcard("aws-*@kuzeylabs.io", "aws-root@kuzeylabs.io", true));
    /* no catastrophic backtracking on a hostile pattern */
    assert_false(opf_chk_wildcard("*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false));
}

static json_t *s_json(const char *text)
{
    json_t *v = json_loads(text, 0, NULL);
    assert_non_null(v);
    return v;
}

static void statements(void **state)
{
    json_t *doc = s_json("{\"Statement\": {\"Effect\": \"Deny\", \"NotAction\": \"iam:*\"}}");
    json_t *list = opf_chk_policy_statements(doc);
    assert_int_equal(json_array_size(list), 1);
    const json_t *st = json_array_get(list, 0);
    assert_true(opf_chk_statement_effect(st, "Deny"));
    assert_false(opf_chk_statement_effect(st, "deny"));
    json_decref(list);
    json_decref(doc);
    /* a statement that is not an object makes the whole list unreadable */
    doc = s_json("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\"}, null]}");
    assert_null(opf_chk_policy_statements(doc));
    json_decref(doc);
    assert_null(opf_chk_policy_statements(NULL));
}

/* Builds GetCredentialReport data from CSV text. */
static json_t *s_report(const char *csv)
{
    size_t n = strlen(csv);
    char *b64 = malloc(4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)csv, (int)n);
    json_t *data = json_pack("{s:s}", "Content", b64);
    free(b64);
    return data;
}

static void csv_rfc4180(void **state)
{
    struct opf_error err;
    json_t *data = s_report("user,arn,note\r\n\"<root_account>\",arn:aws:iam::1:root,\"a, \"\"quoted\"\"\r\nline\"\r\n"
                            "bob,arn:aws:iam::1:user/bob,\r\n");
    json_t *rows = opf_chk_credential_report(data, &err);
    assert_non_null(rows);
    assert_int_equal(json_array_size(rows), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "user")), "<root_account>");
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "note")),
                        "a, \"quoted\"\r\nline");
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "note")), "");
    json_decref(rows);
    json_decref(data);

    /* a field longer than any buffer's first guess */
    char csv[1200] = "user\n";
    memset(csv + 5, 'x', 1000);
    strcat(csv, "\n");
    data = s_report(csv);
    rows = opf_chk_credential_report(data, &err);
    assert_non_null(rows);
    assert_int_equal(strlen(json_string_value(json_object_get(json_array_get(rows, 0), "user"))), 1000);
    json_decref(rows);
    json_decref(data);
}

static void csv_errors(void **state)
{
    static const struct {
        const char *csv, *why;
    } cases[] = {
        {"user,arn\nbob,\"unterminated\n", "unterminated quoted field"},
        {"user,arn\nbob,ar\"n\n", "stray quote"},
        {"user,arn\nbob,\"arn\"x\n", "stray quote"},
        {"user,arn\nbob\n", "line 2 has 1 fields, its header 2"},
        {"name,arn\nbob,x\n", "no \"user\" column"},
    };
    struct opf_error err;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *data = s_report(cases[i].csv);
        assert_null(opf_chk_credential_report(data, &err));
        if (!strstr(err.message, cases[i].why))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.message, cases[i].why);
        json_decref(data);
    }
}

static void base64_content(void **state)
{
    struct opf_error err;
    /* "user,x\nal,1\n" with a line break inside the base64, as some tools wrap it */
    json_t *data = s_json("{\"Content\": \"dXNlcix4\\nCmFsLDEK\"}");
    json_t *rows = opf_chk_credential_report(data, &err);
    assert_non_null(rows);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "user")), "al");
    json_decref(rows);
    json_decref(data);
    /* padding is not decoded as NUL bytes: "user\n" is 5 bytes, "dXNlcgo=" */
    data = s_json("{\"Content\": \"dXNlcgo=\"}");
    rows = opf_chk_credential_report(data, &err);
    assert_non_null(rows);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
    json_decref(data);
    data = s_json("{\"Content\": \"dXNlcgo\"}");
    assert_null(opf_chk_credential_report(data, &err));
    assert_non_null(strstr(err.message, "base64"));
    json_decref(data);
    data = s_json("{\"ReportFormat\": \"text/csv\"}");
    assert_null(opf_chk_credential_report(data, &err));
    assert_non_null(strstr(err.message, "no Content"));
    json_decref(data);
}

static void report_booleans(void **state)
{
    json_t *row = s_json("{\"a\": \"TRUE\", \"b\": \"true\", \"c\": \"false\", \"d\": \"not_supported\", \"e\": \"N/A\"}");
    assert_true(opf_chk_report_true(row, "a"));
    assert_true(opf_chk_report_true(row, "b"));
    assert_false(opf_chk_report_true(row, "c"));
    assert_false(opf_chk_report_true(row, "d"));
    assert_false(opf_chk_report_true(row, "e"));
    assert_false(opf_chk_report_true(row, "missing"));
    json_decref(row);
}

static void bounded_lists(void **state)
{
    char buf[48] = ""; /* room for two regions and a long "… and N more" */
    opf_chk_list_add(buf, sizeof(buf), "eu-west-1");
    opf_chk_list_add(buf, sizeof(buf), "us-east-1");
    assert_string_equal(buf, "eu-west-1, us-east-1");
    opf_chk_list_add(buf, sizeof(buf), "ap-south-1"); /* does not fit whole: counted, never cut */
    assert_string_equal(buf, "eu-west-1, us-east-1 … and 1 more");
    opf_chk_list_add(buf, sizeof(buf), "x");
    assert_string_equal(buf, "eu-west-1, us-east-1 … and 2 more");
    for (int i = 0; i < 9; i++)
        opf_chk_list_add(buf, sizeof(buf), "member-24 (950412345678)");
    assert_string_equal(buf, "eu-west-1, us-east-1 … and 11 more");
    char joined[64] = "";
    opf_chk_list_join(joined, sizeof(joined), "; ", "created on 2026-11-10");
    opf_chk_list_join(joined, sizeof(joined), "; ", "3 accounts");
    assert_string_equal(joined, "created on 2026-11-10; 3 accounts");
    char tiny[8] = "";
    opf_chk_list_add(tiny, sizeof(tiny), "a-very-long-entry");
    assert_string_equal(tiny, "…");
}

/* A message longer than the finding holds ends after a whole word, never inside an id. */
static void long_messages_end_on_a_whole_word(void **state)
{
    char text[3000] = "";
    for (int i = 0; strlen(text) < sizeof(text) - 32; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), "member-%02d (9504%08d), ", i % 100, i);
    struct opf_finding f = {0};
    opf_set(&f, OPF_WARN, "members to go: %s", text);
    size_t n = strlen(f.message);
    assert_true(n < OPF_MESSAGE_MAX);
    assert_string_equal(f.message + n - strlen(" …"), " …");
    const char *last = strrchr(f.message, '(');
    assert_non_null(last);
    assert_int_equal(strspn(last + 1, "0123456789"), 12); /* the last id listed is whole */
    assert_int_equal(last[13], ')');
}

static void item_errors(void **state)
{
    char buf[256];
    json_t *data = json_loads("{\"Keys\": [], \"Errors\": [{\"Region\": \"us-east-1\", \"Operation\": "
                              "\"kms:GetKeyPolicy\", \"Code\": \"AccessDeniedException\", \"Message\": \"no\", "
                              "\"Resource\": \"arn:aws:kms:us-east-1:304955176822:key/k1\"}, {\"Operation\": "
                              "\"kms:ListKeys\"}]}", 0, NULL);
    assert_int_equal(opf_chk_item_errors(data, buf, sizeof(buf)), 2);
    assert_string_equal(buf, "us-east-1 kms:GetKeyPolicy AccessDeniedException on "
                             "arn:aws:kms:us-east-1:304955176822:key/k1, kms:ListKeys Error");
    json_object_del(data, "Errors");
    assert_int_equal(opf_chk_item_errors(data, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
    json_decref(data);
}

/* JoinedMethod read and cited once for every check that decides on it. */
static void joined_method(void **state)
{
    struct opf_fx *fx = *state;
    opf_fx_account(fx, "418273645091");
    fx->finding.evidence = json_array(); /* as the engine presets it; opf_fx_free releases it */
    assert_int_equal(opf_chk_joined(&fx->subject, &fx->finding), OPF_JOINED_CREATED);
    const json_t *values = json_object_get(opf_fx_cited(fx, "organizations.account"), "values");
    assert_string_equal(json_string_value(json_object_get(values, "JoinedMethod")), "CREATED");
    json_t *account = json_object_get(opf_fx_data(fx, "organizations.account"), "Account");
    json_object_set_new(account, "JoinedMethod", json_string("INVITED"));
    assert_int_equal(opf_chk_joined(&fx->subject, &fx->finding), OPF_JOINED_INVITED);
    json_object_set_new(account, "JoinedMethod", json_string("TRANSFERRED"));
    assert_int_equal(opf_chk_joined(&fx->subject, &fx->finding), OPF_JOINED_OTHER);
    json_object_del(account, "JoinedMethod");
    assert_int_equal(opf_chk_joined(&fx->subject, &fx->finding), OPF_JOINED_OTHER);
    opf_fx_set_error(fx, "organizations.account", "AccessDeniedException", "not authorized");
    assert_int_equal(opf_chk_joined(&fx->subject, &fx->finding), OPF_JOINED_UNREADABLE);
    assert_int_equal(fx->finding.status, OPF_UNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wildcards),       cmocka_unit_test(statements),     cmocka_unit_test(csv_rfc4180),
        cmocka_unit_test(csv_errors),      cmocka_unit_test(base64_content), cmocka_unit_test(report_booleans),
        cmocka_unit_test(bounded_lists),   cmocka_unit_test(item_errors),
        cmocka_unit_test(long_messages_end_on_a_whole_word), OPF_FX_TEST(joined_method),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
