/*
 * Replays, without libFuzzer, every input of fuzz/regressions/TARGET (inputs that once crashed, leaked or
 * broke an invariant) and the seed corpus fuzz/corpus/TARGET through the same fuzz target functions
 * (fuzz/fuzz_*.c). A crash fails the test; under the sanitizer build, so do leaks and undefined behaviour.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "fuzz.h"

static const struct {
    const char *name;
    opf_fuzz_fn *fn;
} s_targets[] = {
    {"bundle", opf_fuzz_bundle},
    {"config", opf_fuzz_config},
    {"inputs", opf_fuzz_inputs},
    {"aws_profiles", opf_fuzz_aws_profiles},
    {"credential_report", opf_fuzz_credential_report},
    {"response", opf_fuzz_response},
    {"aws_error", opf_fuzz_aws_error},
    {"sigv4", opf_fuzz_sigv4},
};

static struct opf_buf s_read(const char *path)
{
    struct opf_buf b = {0};
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        opf_buf_append(&b, chunk, n);
    fclose(f);
    return b;
}

/* Runs every file of fuzz/KIND/TARGET through the target; returns how many. */
static size_t s_replay(const char *kind, const char *target, opf_fuzz_fn *fn)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/fuzz/%s/%s", OPF_SOURCE_DIR, kind, target);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[2048];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct opf_buf b = s_read(path);
        assert_int_equal(fn((const uint8_t *)(b.data ? b.data : ""), b.len), 0);
        opf_buf_free(&b);
        count++;
    }
    closedir(d);
    return count;
}

static void test_regressions_and_seeds_replay_cleanly(void **state)
{
    (void)state;
    size_t regressions = 0;
    for (size_t i = 0; i < sizeof(s_targets) / sizeof(s_targets[0]); i++) {
        regressions += s_replay("regressions", s_targets[i].name, s_targets[i].fn);
        /* every target has seeds: an empty corpus would make this test and the fuzzer pointless */
        assert_true(s_replay("corpus", s_targets[i].name, s_targets[i].fn) > 0);
    }
    assert_true(regressions > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regressions_and_seeds_replay_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
