/* The audit of a bundle file read account by account: the same report, byte for byte, as the bundle loaded
 * whole (the JSON report spooled or not), and on bad input the same error as a whole load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/core.h"
#include "report/report.h"

opf_report_write_fn opf_report_write_json;

static char s_dir[] = "/tmp/opf-audit-file-XXXXXX";
static struct opf_registry *s_reg;

static const char *s_file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof(path), "%s/%s", s_dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* The JSON report's text with its run duration zeroed: spooled when the spool holds its rows. */
static char *s_text(json_t *report, const struct opf_report_spool *spool)
{
    char *text;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    json_object_set_new(report, "duration_ms", json_integer(0));
    if (spool && spool->results)
        assert_int_equal(opf_report_write_json_spooled(report, spool, out), 0);
    else
        assert_int_equal(opf_report_write_json(report, out, NULL), 0);
    fclose(out);
    return text;
}

/* The report of the bundle loaded whole, or NULL with err. */
static json_t *s_whole(const char *path, const struct opf_selection *sel, const struct opf_audit_options *o,
                       struct opf_error *err)
{
    json_t *bundle = opf_bundle_load(path, err), *report = NULL;
    if (bundle && opf_bundle_select(bundle, sel, path, err) == 0)
        report = opf_audit(s_reg, bundle, o, err);
    json_decref(bundle);
    return report;
}

/* Read account by account (when `streamed`, else loaded whole after all), spooled and not, the report is the
 * whole load's, and so is the exit code. */
static void s_same_report(const char *path, const struct opf_selection *sel, const struct opf_audit_options *o,
                          bool streamed)
{
    struct opf_error err = {0};
    json_t *whole = s_whole(path, sel, o, &err);
    assert_non_null(whole);
    char *expected = s_text(whole, NULL);
    struct opf_report_spool spool = {0};
    json_t *spooled = opf_audit_file(s_reg, path, sel, o, &spool, &err);
    assert_non_null(spooled);
    assert_int_equal(spool.results != NULL, streamed);
    char *got = s_text(spooled, &spool);
    assert_string_equal(got, expected);
    assert_int_equal(opf_verdict_exit(json_string_value(json_object_get(json_object_get(spooled, "summary"), "verdict"))),
                     opf_report_exit_code(whole, OPF_SEV_HIGH));
    opf_report_spool_close(&spool);
    free(got);
    json_t *kept = opf_audit_file(s_reg, path, sel, o, NULL, &err);
    assert_non_null(kept);
    got = s_text(kept, NULL);
    assert_string_equal(got, expected);
    free(got);
    free(expected);
    json_decref(kept);
    json_decref(spooled);
    json_decref(whole);
}

static void test_dump_is_janssons_layout(void **state)
{
    (void)state;
    json_t *doc = json_loads("{\"a\\u0001\\u001f\\u007f/\\\"\\\\\\b\\f\\n\\r\\t\": \"\\u00e9\\u2028x\", \"e\": [], "
                             "\"o\": {}, \"r\": 1.5, \"big\": -9223372036854775807, \"n\": null, \"t\": true, "
                             "\"f\": false, \"x\": [{\"y\": [3, {}, [[]]]}]}",
                             0, NULL);
    assert_non_null(doc);
    char *expected = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER), *text;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    assert_int_equal(opf_json_dump_at(out, doc, 0), 0);
    fclose(out);
    assert_string_equal(text, expected);
    free(text);
    free(expected);
    json_decref(doc);
}

/* The plain parser gives jansson's tree (members in order) or leaves the text to jansson; never a tree for
 * text jansson refuses. */
static void s_plain_as_jansson(const char *text, size_t len)
{
    json_t *plain = opf_json_parse_plain(text, len), *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    if (plain) {
        assert_non_null(j);
        char *a = json_dumps(plain, JSON_INDENT(1) | JSON_ENCODE_ANY), *b = json_dumps(j, JSON_INDENT(1) | JSON_ENCODE_ANY);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    json_decref(plain);
    json_decref(j);
}

static void test_plain_parser_is_janssons(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "{\"a\": [1, -2, 0, true, false, null, \"x\\\"\\\\\\/\\b\\f\\n\\r\\t\", {}, [], {\"\": \"\"}], \"b\\n\": 3}",
        "{\"a\": 1, \"a\": 2}", "{\"a\\u0041\": 1}", "[1.5]", "[01]", "[-]", "[1e3]", "[123456789012345678]",
        "[1234567890123456789]", "[\"\xc3\xa9\"]", "[\"\x01\"]", "[truex]", "[1,]", "{\"a\":}", "{,}", " [ ] ",
        "{\"a\" 1}", "[\"\\x\"]", "[\"open]", "{\"k\\tk\": {\"k\\tk\": [\"v\\tv\"]}}", "nul", "[] x", "",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        s_plain_as_jansson(texts[i], strlen(texts[i]));
    json_t *plain = opf_json_parse_plain(texts[0], strlen(texts[0]));
    assert_non_null(plain);
    json_decref(plain);
    /* the example's accounts, and every one-byte change of a small document */
    json_t *example = json_load_file("../examples/evidence.json", 0, NULL);
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(example, "accounts"), i, a) {
        char *text = json_dumps(a, JSON_INDENT(2));
        s_plain_as_jansson(text, strlen(text));
        free(text);
    }
    json_decref(example);
    char doc[] = "{\"id\": \"111111111111\", \"n\": [10, -3, true, null], \"s\": \"a\\\"b\", \"o\": {\"x\": false}}";
    static const char bytes[] = "{}[]\",:\\ -0123456789.eEtrufalsn\x01\x80";
    for (size_t at = 0; at < sizeof(doc) - 1; at++)
        for (const char *b = bytes; *b; b++) {
            char copy[sizeof(doc)];
            memcpy(copy, doc, sizeof(doc));
            copy[at] = *b;
            s_plain_as_jansson(copy, sizeof(doc) - 1);
        }
}

static void test_examples_read_account_by_account(void **state)
{
    (void)state;
    struct opf_error err = {0};
    json_t *cfg = opf_config_load("../examples/config.json", &err);
    json_t *att = opf_attestations_load("../examples/attestations.json", &err);
    json_t *waivers = opf_waivers_load("../examples/waivers.json", s_reg, &err);
    assert_non_null(cfg);
    assert_non_null(att);
    assert_non_null(waivers);
    struct opf_audit_options o = {.config = cfg, .attestations = att, .waivers = waivers, .now = 1795597200};
    const struct opf_selection all = {0}, members = {.exclude_accounts = "210987654321"};
    s_same_report("../examples/evidence.json", &all, &o, true);
    /* without the management account, its organization-wide rows hold back every account */
    s_same_report("../examples/evidence.json", &members, &o, true);
    o.config = NULL;
    s_same_report("data/evidence/org.json", &all, &o, true);
    json_decref(cfg);
    json_decref(att);
    json_decref(waivers);
}

#define HEAD "{\"schema\": \"orgpreflight/evidence/v1\", \"collected_at\": \"2026-11-25T02:00:00Z\", " \
             "\"organization\": {\"id\": \"o-abc\", \"management_account_id\": \"111111111111\"}, "
#define MGMT "{\"id\": \"111111111111\", \"name\": \"m\", \"state\": \"ACTIVE\", \"ou_path\": [{\"id\": \"r-1\"}]}"
#define MEMBER "{\"id\": \"222222222222\", \"name\": \"b]\\\"}\\\\\", \"state\": \"ACTIVE\", \"ou_path\": [{\"id\": \"ou-1\"}]}"

static void test_odd_but_valid_bundles(void **state)
{
    (void)state;
    struct opf_audit_options o = {.now = 1795597200};
    const struct opf_selection all = {0}, ou = {.ou = "ou-1"};
    s_same_report(s_file("plain.json", HEAD "\"accounts\": [" MGMT ", " MEMBER "]}"), &all, &o, true);
    s_same_report(s_file("plain.json", HEAD "\"accounts\": [" MGMT ", " MEMBER "]}"), &ou, &o, true);
    /* the same id twice, the key spelt with an escape, accounts before the organization, no whitespace */
    s_same_report(s_file("twice.json", HEAD "\"accounts\": [" MEMBER ", " MGMT ", " MEMBER "]}"), &all, &o, false);
    s_same_report(s_file("escaped.json", HEAD "\"acc\\u006funts\": [" MGMT "]}"), &all, &o, true);
    s_same_report(s_file("first.json", "{\"accounts\":[" MGMT "],\"schema\":\"orgpreflight/evidence/v1\","
                                       "\"organization\":{\"id\":\"o-abc\",\"management_account_id\":\"111111111111\"}}"),
                  &all, &o, true);
}

/* Every malformed bundle fails with the error a whole load gives, the first one in the whole load's order. */
static void test_errors_are_the_whole_loads(void **state)
{
    (void)state;
    static const char *const bad[] = {
        HEAD "\"accounts\": [" MGMT ", " MEMBER ",]}",
        HEAD "\"accounts\": [" MGMT " " MEMBER "]}",
        HEAD "\"accounts\": [" MGMT ", {\"id\": \"222222222222\", \"name\": \"b\", \"state\": \"ACTIVE\"]}",
        HEAD "\"accounts\": [" MGMT ", {\"id\": \"2222\", \"name\": \"b\", \"state\": \"ACTIVE\"}]}",
        HEAD "\"accounts\": [" MGMT ", {\"id\": \"222222222222\", \"id\": \"333333333333\"}]}",
        HEAD "\"accounts\": [" MGMT "], \"accounts\": []}",
        HEAD "\"accounts\": [" MGMT "]} trailing",
        HEAD "\"accounts\": {}}",
        HEAD "\"accounts\": []}",
        HEAD "\"operator_session\": 1, \"accounts\": [" MGMT ", {\"id\": \"1\"}]}",
        HEAD "\"accounts\": [" MGMT ", " MEMBER "], \"schema\": \"x\"}",
        "{\"schema\": \"orgpreflight/evidence/v1\", \"accounts\": [" MGMT "]}",
        HEAD "\"accounts\": [" MGMT ", \"unterminated]}",
        "",
    };
    struct opf_audit_options o = {.now = 1795597200};
    const struct opf_selection all = {0}, unknown = {.accounts = "999999999999"}, none = {.ou = "ou-2"};
    const struct opf_selection *sels[] = {&all, &unknown, &none};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        for (size_t k = 0; k < 3; k++) {
            const char *path = s_file("bad.json", bad[i]);
            struct opf_error whole_err = {0}, err = {0};
            json_t *whole = s_whole(path, sels[k], &o, &whole_err);
            struct opf_report_spool spool = {0};
            json_t *report = opf_audit_file(s_reg, path, sels[k], &o, &spool, &err);
            if (whole) {
                assert_non_null(report);
                opf_report_spool_close(&spool);
                json_decref(report);
                json_decref(whole);
                continue;
            }
            assert_null(report);
            assert_null(spool.results);
            assert_int_equal(err.category, whole_err.category);
            assert_string_equal(err.message, whole_err.message);
        }
    /* a selection of unknown checks is refused as a whole load's audit refuses it */
    o.only_checks = "no-such-check";
    struct opf_error err = {0};
    assert_null(opf_audit_file(s_reg, s_file("ok.json", HEAD "\"accounts\": [" MGMT "]}"), &all, &o, NULL, &err));
    assert_int_equal(err.category, OPF_ERR_USAGE);
}

static int s_setup(void **state)
{
    (void)state;
    s_reg = opf_registry_new();
    return mkdtemp(s_dir) && s_reg ? 0 : -1;
}

static int s_teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s_dir);
    opf_registry_free(s_reg);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dump_is_janssons_layout),
        cmocka_unit_test(test_plain_parser_is_janssons),
        cmocka_unit_test(test_examples_read_account_by_account),
        cmocka_unit_test(test_odd_but_valid_bundles),
        cmocka_unit_test(test_errors_are_the_whole_loads),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
