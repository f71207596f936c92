/* Fixture helpers for check tests (see check_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "check_fixture.h"
#include "core/core.h"

static void s_fixture_path(const char *relpath, char *buf, size_t len)
{
    const char *root = getenv("OPF_SOURCE_DIR");
    /* ctest runs unit tests from tests/, so the fallback is relative to it */
    snprintf(buf, len, "%s/tests/data/evidence/%s", root ? root : "..", relpath);
}

char *opf_fx_read_file(const char *relpath, size_t *len)
{
    char path[4096];
    s_fixture_path(relpath, path, sizeof(path));
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open fixture %s", path);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    buf[n] = '\0';
    if (len)
        *len = (size_t)n;
    return buf;
}

json_t *opf_fx_load(const char *file)
{
    char path[4096];
    json_error_t jerr;
    s_fixture_path(file, path, sizeof(path));
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc)
        fail_msg("fixture %s: line %d: %s", path, jerr.line, jerr.text);
    return doc;
}

void opf_fx_init(struct opf_fx *fx, const char *file)
{
    memset(fx, 0, sizeof(*fx));
    fx->bundle = opf_fx_load(file);
    fx->config = json_object();
    fx->ctx.path = OPF_PATH_LEAVE;
    fx->ctx.attestation_max_age_days = 90;
    fx->ctx.config = fx->config;
    fx->ctx.bundle = fx->bundle;
    assert_true(opf_time_parse(OPF_FX_NOW, &fx->ctx.now));
}

void opf_fx_free(struct opf_fx *fx)
{
    json_decref(fx->finding.evidence);
    json_decref(fx->finding.facts);
    json_decref(fx->bundle);
    json_decref(fx->config);
    memset(fx, 0, sizeof(*fx));
}

int opf_fx_setup(void **state)
{
    struct opf_fx *fx = calloc(1, sizeof(*fx));
    assert_non_null(fx);
    opf_fx_init(fx, "org.json");
    *state = fx;
    return 0;
}

int opf_fx_teardown(void **state)
{
    opf_fx_free(*state);
    free(*state);
    return 0;
}

static const char *s_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static void s_select(struct opf_fx *fx, json_t *record, enum opf_subject_kind kind, const char *id,
                     const char *name)
{
    assert_non_null(record);
    fx->record = record;
    if (!json_is_object(json_object_get(record, "evidence")))
        json_object_set_new(record, "evidence", json_object());
    fx->subject.kind = kind;
    fx->subject.id = id;
    fx->subject.name = name;
    fx->subject.record = record;
    fx->subject.evidence = json_object_get(record, "evidence");
    fx->subject.is_management = json_is_true(json_object_get(record, "is_management"));
}

void opf_fx_account(struct opf_fx *fx, const char *account_id)
{
    size_t i;
    json_t *acct;
    json_array_foreach(json_object_get(fx->bundle, "accounts"), i, acct) {
        if (strcmp(s_str(acct, "id"), account_id) == 0) {
            s_select(fx, acct, OPF_SUBJECT_ACCOUNT, s_str(acct, "id"), s_str(acct, "name"));
            return;
        }
    }
    fail_msg("fixture has no account %s", account_id);
}

void opf_fx_organization(struct opf_fx *fx)
{
    json_t *org = json_object_get(fx->bundle, "organization");
    s_select(fx, org, OPF_SUBJECT_ORGANIZATION, s_str(org, "id"), s_str(org, "id"));
}

void opf_fx_operator(struct opf_fx *fx)
{
    json_t *op = json_object_get(fx->bundle, "operator_session");
    s_select(fx, op, OPF_SUBJECT_OPERATOR_SESSION, s_str(op, "arn"), s_str(op, "arn"));
}

void opf_fx_target(struct opf_fx *fx, const char *file)
{
    json_object_set_new(fx->bundle, "target_organization", opf_fx_load(file));
    json_t *target = json_object_get(fx->bundle, "target_organization");
    s_select(fx, target, OPF_SUBJECT_TARGET_ORGANIZATION, s_str(target, "id"), "target organization");
}

static json_t *s_evidence(struct opf_fx *fx)
{
    assert_non_null(fx->record);
    return json_object_get(fx->record, "evidence");
}

void opf_fx_set_data(struct opf_fx *fx, const char *key, const char *source, json_t *data)
{
    assert_non_null(data);
    json_object_set_new(s_evidence(fx), key,
                        json_pack("{s:s,s:s,s:o}", "source", source, "collected_at", "2026-11-25T02:00:05Z",
                                  "data", data));
}

void opf_fx_set_json(struct opf_fx *fx, const char *key, const char *source, const char *data_json)
{
    json_error_t jerr;
    json_t *data = json_loads(data_json, JSON_DECODE_ANY, &jerr);
    if (!data)
        fail_msg("bad test JSON for %s: %s", key, jerr.text);
    opf_fx_set_data(fx, key, source, data);
}

void opf_fx_set_file(struct opf_fx *fx, const char *key, const char *source, const char *file)
{
    opf_fx_set_data(fx, key, source, opf_fx_load(file));
}

void opf_fx_set_error(struct opf_fx *fx, const char *key, const char *code, const char *message)
{
    json_t *old = json_object_get(s_evidence(fx), key);
    const char *source = old ? s_str(old, "source") : "test";
    json_object_set_new(s_evidence(fx), key,
                        json_pack("{s:s,s:s,s:{s:s,s:s}}", "source", source ? source : "test", "collected_at",
                                  "2026-11-25T02:00:05Z", "error", "code", code, "message", message));
}

void opf_fx_remove(struct opf_fx *fx, const char *key)
{
    json_object_del(s_evidence(fx), key);
}

json_t *opf_fx_data(struct opf_fx *fx, const char *key)
{
    json_t *data = json_object_get(json_object_get(s_evidence(fx), key), "data");
    if (!data)
        fail_msg("subject %s has no data for %s", fx->subject.id, key);
    return data;
}

void opf_fx_attest(struct opf_fx *fx, const char *fact, const char *value_json, const char *at)
{
    char key[128];
    json_error_t jerr;
    json_t *value = json_loads(value_json, JSON_DECODE_ANY, &jerr);
    assert_non_null(value);
    snprintf(key, sizeof(key), "attestation.%s", fact);
    json_object_set_new(s_evidence(fx), key,
                        json_pack("{s:s,s:s,s:{s:o,s:s,s:s,s:s}}", "source", "attestation", "collected_at",
                                  "2026-11-25T09:00:00Z", "data", "value", value, "attested_by",
                                  "finance@kuzeylabs.io", "attested_at", at, "note", "checked in the console"));
}

void opf_fx_credential_report(struct opf_fx *fx, const char *file)
{
    char rel[512];
    size_t len;
    snprintf(rel, sizeof(rel), "credential-reports/%s", file);
    char *csv = opf_fx_read_file(rel, &len);
    char *b64 = malloc(4 * ((len + 2) / 3) + 1);
    assert_non_null(b64);
    EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)csv, (int)len);
    opf_fx_set_data(fx, "iam.credential_report", "iam:GenerateCredentialReport+iam:GetCredentialReport",
                    json_pack("{s:s,s:s,s:s}", "Content", b64, "ReportFormat", "text/csv", "GeneratedTime",
                              "2026-11-25T01:58:40Z"));
    free(b64);
    free(csv);
}

void opf_fx_config(struct opf_fx *fx, const char *dotted_path, const char *value_json)
{
    json_error_t jerr;
    json_t *value = json_loads(value_json, JSON_DECODE_ANY, &jerr);
    assert_non_null(value);
    json_t *node = fx->config;
    char part[128];
    const char *p = dotted_path;
    for (;;) {
        size_t n = strcspn(p, ".");
        assert_true(n < sizeof(part));
        memcpy(part, p, n);
        part[n] = '\0';
        if (p[n] == '\0') {
            json_object_set_new(node, part, value);
            return;
        }
        json_t *child = json_object_get(node, part);
        if (!json_is_object(child)) {
            child = json_object();
            json_object_set_new(node, part, child);
        }
        node = child;
        p += n + 1;
    }
}

enum opf_status opf_fx_run(struct opf_fx *fx, const struct opf_check *check)
{
    assert_int_equal(check->abi, OPF_CHECK_ABI);
    assert_int_equal(check->subject, fx->subject.kind);
    json_decref(fx->finding.evidence);
    json_decref(fx->finding.facts);
    memset(&fx->finding, 0, sizeof(fx->finding));
    fx->finding.status = OPF_UNKNOWN;
    fx->finding.severity = check->severity;
    fx->finding.evidence = json_array();
    /* the engine's organization-wide facts, from the bundle as the test has edited it */
    struct opf_org_facts *facts = opf_org_facts_new(fx->bundle);
    fx->ctx.org = facts;
    enum opf_status st = check->evaluate(check, &fx->subject, &fx->ctx, &fx->finding);
    fx->ctx.org = NULL;
    opf_org_facts_free(facts);
    assert_int_equal(st, fx->finding.status);
    assert_true(fx->finding.message[0] != '\0');
    assert_true(json_is_array(fx->finding.evidence));
    return st;
}

void opf_fx_assert(struct opf_fx *fx, enum opf_status status, const char *message_part)
{
    if (fx->finding.status != status)
        fail_msg("expected %s, got %s: %s", opf_status_name(status), opf_status_name(fx->finding.status),
                 fx->finding.message);
    if (message_part && !strstr(fx->finding.message, message_part))
        fail_msg("message lacks \"%s\": %s", message_part, fx->finding.message);
}

const json_t *opf_fx_cited(const struct opf_fx *fx, const char *item)
{
    size_t i;
    const json_t *c;
    json_array_foreach(fx->finding.evidence, i, c) {
        if (strcmp(s_str(c, "item"), item) == 0)
            return c;
    }
    return NULL;
}

const json_t *opf_fx_fact(const struct opf_fx *fx, const char *key)
{
    return json_object_get(fx->finding.facts, key);
}
