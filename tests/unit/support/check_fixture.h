/*
 * Builds check subjects and contexts from the evidence fixtures in tests/data/evidence/ so each check's
 * evaluate() can be called directly, the way the engine calls it.
 */
#ifndef OPF_CHECK_FIXTURE_H
#define OPF_CHECK_FIXTURE_H

#include <orgpreflight/check.h>

/* The instant every check test evaluates at: the morning after the fixture bundle was collected. */
#define OPF_FX_NOW "2026-11-25T09:00:00Z"

struct opf_fx {
    json_t *bundle;              /* owned: the fixture bundle, mutable by the test */
    json_t *config;              /* owned: the effective configuration */
    json_t *record;              /* the current subject's record inside bundle */
    struct opf_subject subject;
    struct opf_context ctx;
    struct opf_finding finding;
};

/* Loads tests/data/evidence/<file> (aborts the test when it cannot), path leave, attestations valid for
 * 90 days, configuration {} and now = OPF_FX_NOW. */
void opf_fx_init(struct opf_fx *fx, const char *file);
void opf_fx_free(struct opf_fx *fx);

/* cmocka setup/teardown: a fresh fixture over org.json in *state for every test. */
int opf_fx_setup(void **state);
int opf_fx_teardown(void **state);
#define OPF_FX_TEST(fn) cmocka_unit_test_setup_teardown(fn, opf_fx_setup, opf_fx_teardown)

/* Selects the subject. */
void opf_fx_account(struct opf_fx *fx, const char *account_id);
void opf_fx_organization(struct opf_fx *fx);
void opf_fx_operator(struct opf_fx *fx);
/* Puts the target organization record of tests/data/evidence/<file> into the bundle and selects it. */
void opf_fx_target(struct opf_fx *fx, const char *file);

/* Edits the current subject's evidence. */
void opf_fx_set_data(struct opf_fx *fx, const char *key, const char *source, json_t *data /* stolen */);
void opf_fx_set_json(struct opf_fx *fx, const char *key, const char *source, const char *data_json);
/* An item whose data is tests/data/evidence/<file>. */
void opf_fx_set_file(struct opf_fx *fx, const char *key, const char *source, const char *file);
void opf_fx_set_error(struct opf_fx *fx, const char *key, const char *code, const char *message);
void opf_fx_remove(struct opf_fx *fx, const char *key);
/* The data object of an item, to edit in place (aborts when absent). */
json_t *opf_fx_data(struct opf_fx *fx, const char *key);
/* attestation.<fact> with the given JSON value ("true", "false", "\"yes\"") attested at `at`. */
void opf_fx_attest(struct opf_fx *fx, const char *fact, const char *value_json, const char *at);
/* iam.credential_report from tests/data/evidence/credential-reports/<file>, base64-encoded as IAM does. */
void opf_fx_credential_report(struct opf_fx *fx, const char *file);
/* Sets a configuration value by dotted path from JSON text. */
void opf_fx_config(struct opf_fx *fx, const char *dotted_path, const char *value_json);

/* Evaluates `check` on the current subject as the engine would (severity preset, fresh evidence array),
 * asserting that the returned status equals the finding's and that a message was written. */
enum opf_status opf_fx_run(struct opf_fx *fx, const struct opf_check *check);

/* Assertions on the last finding. */
void opf_fx_assert(struct opf_fx *fx, enum opf_status status, const char *message_part);
/* The last finding's citation of `item`, or NULL. */
const json_t *opf_fx_cited(const struct opf_fx *fx, const char *item);
/* The last finding's fact `key` (opf_finding_fact), or NULL. */
const json_t *opf_fx_fact(const struct opf_fx *fx, const char *key);
/* Parses tests/data/evidence/<file> (aborts the test when it cannot). New reference. */
json_t *opf_fx_load(const char *file);
/* Reads a whole fixture file (NUL-terminated, caller frees). */
char *opf_fx_read_file(const char *relpath, size_t *len);

#endif
