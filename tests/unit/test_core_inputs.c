/* Configuration, bundle validation, attestation and waiver files, time parsing, atomic writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/core.h"

static char s_dir[] = "/tmp/opf-inputs-XXXXXX";

static const char *s_write(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/%s", s_dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_config_defaults_and_overlay(void **state)
{
    struct opf_error err = {0};
    const char *path = s_write("c.json", "{\"migration\":{\"path\":\"direct\"},\"attestations\":{\"file\":\"a.json\"},"
                                         "\"identity_center\":{\"current_portal_alias\":[\"old\",\"older\"]}}");
    json_t *c = opf_config_load(path, &err);
    assert_non_null(c);
    assert_string_equal(json_string_value(json_object_get(json_object_get(c, "migration"), "path")), "direct");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "migration"), "wait_period_days")), 4);
    /* relative file settings resolve against the config file's directory */
    char expect[512];
    snprintf(expect, sizeof(expect), "%s/a.json", s_dir);
    assert_string_equal(json_string_value(json_object_get(json_object_get(c, "attestations"), "file")), expect);
    /* a flag is checked like the file */
    assert_int_equal(opf_config_set(c, "migration.path", json_string("leave"), &err), 0);
    assert_int_not_equal(opf_config_set(c, "migration.path", json_string("sideways"), &err), 0);
    assert_non_null(strstr(err.message, "$.migration.path"));
    /* regions: empty by default (each account's enabled regions), a list of names when set */
    assert_int_equal(json_array_size(json_object_get(c, "regions")), 0);
    assert_int_equal(opf_config_set(c, "regions", json_pack("[s,s]", "eu-central-1", "us-east-1"), &err), 0);
    assert_int_equal(json_array_size(json_object_get(c, "regions")), 2);
    assert_int_not_equal(opf_config_set(c, "regions", json_string("eu-central-1"), &err), 0);
    assert_non_null(strstr(err.message, "$.regions: expected a list of strings"));
    json_decref(c);
}

static void test_config_errors_name_file_and_path(void **state)
{
    struct opf_error err = {0};
    const char *path = s_write("bad.json", "{\"dns\":{\"servers\":[\"127.0.0.1:53\"],\"timeoutms\":5}}");
    assert_null(opf_config_load(path, &err));
    assert_int_equal(err.category, OPF_ERR_INVALID_INPUT);
    assert_non_null(strstr(err.message, "bad.json: $.dns.timeoutms: unknown setting"));
    path = s_write("type.json", "{\"access\":{\"concurrency\":\"eight\"}}");
    assert_null(opf_config_load(path, &err));
    assert_non_null(strstr(err.message, "$.access.concurrency: expected a non-negative integer"));
    /* regions: names of AWS regions only */
    path = s_write("regions.json", "{\"regions\":[\"us-east-1\",\"us-gov-west-1\",\"ap-southeast-7\"]}");
    json_t *c = opf_config_load(path, &err);
    assert_int_equal(json_array_size(json_object_get(c, "regions")), 3);
    json_decref(c);
    static const char *const bad[] = {"\"US-EAST-1\"", "\"us-east\"", "\"us-east-\"", "\"eu west 1\"", "\"-us-east-1\"", "7"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char doc[128];
        snprintf(doc, sizeof(doc), "{\"regions\":[\"eu-west-1\",%s]}", bad[i]);
        assert_null(opf_config_load(s_write("badregion.json", doc), &err));
        assert_non_null(strstr(err.message, "$.regions"));
    }
    path = s_write("syntax.json", "{\"access\":\n {\"concurrency\": 8,}}");
    assert_null(opf_config_load(path, &err));
    assert_non_null(strstr(err.message, "syntax.json: line 2"));
}

static void test_bundle_validation_paths(void **state)
{
    struct opf_error err = {0};
    json_t *b = json_loads("{\"schema\":\"orgpreflight/evidence/v1\",\"organization\":{\"id\":\"o-1\","
                           "\"management_account_id\":\"111111111111\"},\"accounts\":[{\"id\":\"111111111111\","
                           "\"name\":\"m\",\"state\":\"ACTIVE\",\"evidence\":{\"k\":{\"source\":\"s:O\","
                           "\"collected_at\":\"2026-11-25T00:00:00Z\",\"data\":{},\"error\":{\"code\":\"X\"}}}}]}",
                           0, NULL);
    assert_non_null(b);
    assert_int_not_equal(opf_bundle_validate(b, "b.json", &err), 0);
    assert_non_null(strstr(err.message, "b.json: $.accounts[0].evidence[\"k\"]: an evidence item needs exactly one"));
    json_t *account = json_array_get(json_object_get(b, "accounts"), 0);
    json_object_del(json_object_get(json_object_get(account, "evidence"), "k"), "data");
    assert_int_equal(opf_bundle_validate(b, "b.json", &err), 0);
    json_object_set_new(b, "schema", json_string("orgpreflight/evidence/v2"));
    assert_int_not_equal(opf_bundle_validate(b, "b.json", &err), 0);
    assert_non_null(strstr(err.message, "$.schema: unsupported version"));
    json_decref(b);
}

static void test_attestations_and_waivers_validation(void **state)
{
    struct opf_error err = {0};
    json_t *doc = json_loads("{\"attestations\":[{\"account_id\":\"111111111111\",\"fact\":\"payment-methd\","
                             "\"value\":true,\"attested_by\":\"x\",\"attested_at\":\"2026-11-01\"}]}", 0, NULL);
    assert_int_not_equal(opf_attestations_validate(doc, "a.json", &err), 0);
    assert_non_null(strstr(err.message, "a.json: $.attestations[0].fact"));
    json_decref(doc);
    /* a malformed date does not stop the audit: the entry is injected, cited and ignored by the checks */
    doc = json_loads("{\"attestations\":[{\"account_id\":\"111111111111\",\"fact\":\"payment-method\","
                     "\"value\":true,\"attested_by\":\"x\",\"attested_at\":\"yesterday\"}]}", 0, NULL);
    assert_int_equal(opf_attestations_validate(doc, "a.json", &err), 0);
    const json_t *only = opf_attestation_newest(doc, "111111111111", "payment-method");
    assert_non_null(only);
    assert_string_equal(json_string_value(json_object_get(only, "attested_at")), "yesterday");
    /* beside a readable one, the readable one is the newest */
    json_array_append_new(json_object_get(doc, "attestations"),
                          json_pack("{s:s,s:s,s:b,s:s,s:s}", "account_id", "111111111111", "fact", "payment-method",
                                    "value", 0, "attested_by", "y", "attested_at", "2026-11-01"));
    only = opf_attestation_newest(doc, "111111111111", "payment-method");
    assert_string_equal(json_string_value(json_object_get(only, "attested_at")), "2026-11-01");
    json_decref(doc);

    struct opf_registry *r = opf_registry_new();
    doc = json_loads("{\"waivers\":[{\"check\":\"no-such\",\"account_id\":\"*\",\"reason\":\"r\",\"owner\":\"o\","
                     "\"expires\":\"2027-01-01\"}]}", 0, NULL);
    assert_int_not_equal(opf_waivers_validate(doc, "w.json", r, &err), 0);
    assert_non_null(strstr(err.message, "unknown check no-such"));
    json_decref(doc);
    doc = json_loads("{\"waivers\":[{\"check\":\"account-state\",\"account_id\":\"*\",\"reason\":\"r\",\"owner\":\"o\","
                     "\"expires\":\"2027-1-1\"}]}", 0, NULL);
    assert_int_not_equal(opf_waivers_validate(doc, "w.json", r, &err), 0);
    assert_non_null(strstr(err.message, "expires"));
    json_decref(doc);
    doc = json_loads("{\"waivers\":[{\"check\":\"account-state\",\"account_id\":\"*\",\"reason\":\"r\",\"owner\":\"o\","
                     "\"expires\":\"2027-02-30\"}]}", 0, NULL);
    assert_int_not_equal(opf_waivers_validate(doc, "w.json", r, &err), 0); /* no such day */
    assert_non_null(strstr(err.message, "$.waivers[0].expires"));
    json_decref(doc);
    opf_registry_free(r);
}

static void test_dates_and_waiver_expiry(void **state)
{
    time_t t, day;
    assert_true(opf_date_parse("2028-02-29", &t));
    assert_false(opf_date_parse("2027-02-29", &t));
    assert_false(opf_date_parse("2026-11-31", &t));
    assert_false(opf_date_parse("2026-11-30T00:00:00Z", &t));
    assert_false(opf_date_parse(NULL, &t));
    /* one strict parser: a time on an impossible day is refused too, never rolled over into the next month */
    assert_false(opf_time_parse("2026-02-31T00:00:00Z", &t));
    assert_false(opf_time_parse("2026-02-31", &t));
    assert_false(opf_time_parse("2026-11-31T10:00:00+02:00", &t));
    assert_false(opf_time_parse("2100-02-29T00:00:00Z", &t));
    assert_true(opf_time_parse("2000-02-29T00:00:00Z", &t));
    assert_true(opf_time_parse("2028-02-29T23:59:59Z", &t));
    assert_true(opf_time_parse("2026-12-31T23:59:59Z", &t));
    assert_true(opf_date_parse("2026-11-30", &day));
    /* valid through its whole day, UTC */
    assert_false(opf_waiver_expired("2026-11-30", day + 86399));
    assert_true(opf_waiver_expired("2026-11-30", day + 86400));
    assert_true(opf_waiver_expired("someday", day));
}

static void test_time_parse(void **state)
{
    time_t t;
    assert_true(opf_time_parse("1970-01-01T00:00:00Z", &t));
    assert_int_equal(t, 0);
    assert_true(opf_time_parse("2026-11-25T09:00:00.123+02:00", &t));
    time_t u;
    assert_true(opf_time_parse("2026-11-25T07:00:00Z", &u));
    assert_int_equal(t, u);
    assert_true(opf_time_parse("2024-02-29", &t));
    assert_false(opf_time_parse("2026-13-01", &t));
    assert_false(opf_time_parse("2026-11-25T09:00:00Zjunk", &t));
    assert_false(opf_time_parse("", &t));
    json_t *n = json_real(1764028800.5);
    assert_true(opf_time_from_json(n, &t));
    assert_int_equal(t, 1764028800);
    json_decref(n);
}

static void test_atomic_write_mode_and_no_leftovers(void **state)
{
    struct opf_error err = {0};
    char path[512];
    snprintf(path, sizeof(path), "%s/bundle.json", s_dir);
    json_t *doc = json_pack("{s:s}", "k", "v");
    assert_int_equal(opf_json_write_file(doc, path, 0600, &err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* a directory that does not exist: a clear error naming the file, nothing left behind */
    assert_int_not_equal(opf_json_write_file(doc, "/nonexistent-dir/x.json", 0600, &err), 0);
    assert_non_null(strstr(err.message, "/nonexistent-dir/x.json"));
    json_decref(doc);
}

/* Output onto a special file: character devices and FIFOs are written in place, never replaced; sockets,
 * directories and the like are refused. Only nodes made in the test's own folder are used. */
static void test_atomic_write_targets_devices_and_fifos_in_place(void **state)
{
    struct opf_error err = {0};
    char null_dev[512], fifo[512], sock[512];
    snprintf(null_dev, sizeof(null_dev), "%s/null", s_dir);
    snprintf(fifo, sizeof(fifo), "%s/fifo", s_dir);
    snprintf(sock, sizeof(sock), "%s/dir", s_dir);
    json_t *doc = json_pack("{s:s}", "k", "v");
    struct stat st;
    if (mknod(null_dev, S_IFCHR | 0644, makedev(1, 3)) == 0) { /* root only: the null device's numbers */
        assert_int_equal(opf_json_write_file(doc, null_dev, 0600, &err), 0);
        assert_int_equal(stat(null_dev, &st), 0);
        assert_true(S_ISCHR(st.st_mode));
        assert_int_equal(st.st_mode & 0777, 0644); /* not chmod-ed either */
    }
    assert_int_equal(mkfifo(fifo, 0644), 0);
    pid_t reader = fork();
    assert_true(reader >= 0);
    if (reader == 0) {
        char buf[64];
        FILE *f = fopen(fifo, "r");
        size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
        _exit(n > 0 && memchr(buf, '{', n) ? 0 : 1);
    }
    assert_int_equal(opf_json_write_file(doc, fifo, 0600, &err), 0);
    int status = 0;
    assert_int_equal(waitpid(reader, &status, 0), reader);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0); /* the reader got the document */
    assert_int_equal(stat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    /* a directory: refused with one line naming it */
    assert_int_equal(mkdir(sock, 0700), 0);
    assert_int_not_equal(opf_json_write_file(doc, sock, 0600, &err), 0);
    assert_non_null(strstr(err.message, sock));
    assert_non_null(strstr(err.message, "directory"));
    assert_null(strchr(err.message, '\n'));
    assert_int_equal(stat(sock, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    /* no temporary file left beside any of them */
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "ls '%s' | grep -q tmp", s_dir);
    assert_int_not_equal(system(cmd), 0);
    json_decref(doc);
}

static int s_setup(void **state)
{
    return mkdtemp(s_dir) ? 0 : -1;
}

static int s_teardown(void **state)
{
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s_dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_defaults_and_overlay),
        cmocka_unit_test(test_config_errors_name_file_and_path),
        cmocka_unit_test(test_bundle_validation_paths),
        cmocka_unit_test(test_attestations_and_waivers_validation),
        cmocka_unit_test(test_time_parse),
        cmocka_unit_test(test_dates_and_waiver_expiry),
        cmocka_unit_test(test_atomic_write_mode_and_no_leftovers),
        cmocka_unit_test(test_atomic_write_targets_devices_and_fifos_in_place),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
