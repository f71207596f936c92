/*
 * Configuration: the defaults (src/core/config_defaults.c), a JSON file over them, command-line flags over both
 * (docs/config.md). The defaults double as the schema: a key absent from them is unknown, and a value must
 * have the default's type.
 */
#include <ctype.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

/* Settings whose value is one of a fixed set. */
static const struct {
    const char *path;
    const char *const values[6];
} s_enums[] = {
    {"migration.path", {"leave", "direct", NULL}},
    {"gate.fail_on", {"blocker", "high", "medium", "low", "info", NULL}},
};

/* Numbers with bounds: beyond them a value is a mistake (4294967297 workers, a zero timeout). */
static const struct {
    const char *path;
    json_int_t min, max;
} s_ranges[] = {
    {"access.concurrency", 1, 256},
    {"aws.connect_timeout_ms", 1, 600000},
    {"aws.read_timeout_ms", 1, 3600000},
    {"aws.call_budget_seconds", 1, 86400},
    {"aws.item_budget_seconds", 1, 86400},
    {"aws.max_answer_bytes", 1024, (json_int_t)1 << 34},
    {"aws.max_pages", 1, 1000000},
    {"aws.credential_process_timeout_seconds", 1, 3600},
    {"dns.timeout_ms", 1, 600000},
};

static int s_check_range(const char *path, const json_t *v, const char *file, struct opf_error *err)
{
    for (size_t i = 0; i < sizeof(s_ranges) / sizeof(s_ranges[0]); i++)
        if (strcmp(s_ranges[i].path, path) == 0 &&
            (json_integer_value(v) < s_ranges[i].min || json_integer_value(v) > s_ranges[i].max))
            return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.%s: %" JSON_INTEGER_FORMAT " is out of range (%" JSON_INTEGER_FORMAT
                            " to %" JSON_INTEGER_FORMAT ")", file, path, json_integer_value(v), s_ranges[i].min,
                            s_ranges[i].max);
    return 0;
}

/* An AWS region name: "us-east-1", "us-gov-west-1", "ap-southeast-7". */
static bool s_region_name(const char *s)
{
    size_t n = strlen(s), i = 0;
    if (n < 6 || n > 32 || !islower((unsigned char)s[0]) || !islower((unsigned char)s[1]) || s[2] != '-')
        return false;
    for (i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-')
            return false;
    const char *last = strrchr(s, '-');
    return last[1] && strspn(last + 1, "0123456789") == strlen(last + 1) && last[-1] != '-';
}

/* Settings given relative to the config file's directory. */
static const char *const s_file_settings[][2] = {{"attestations", "file"}, {"waivers", "file"}};

static int s_check_enum(const char *path, const json_t *v, const char *file, struct opf_error *err)
{
    for (size_t i = 0; i < sizeof(s_enums) / sizeof(s_enums[0]); i++) {
        if (strcmp(s_enums[i].path, path) != 0)
            continue;
        for (const char *const *ok = s_enums[i].values; *ok; ok++)
            if (strcmp(*ok, json_string_value(v)) == 0)
                return 0;
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.%s: \"%s\" is not one of the accepted values", file, path,
                        json_string_value(v));
    }
    return 0;
}

/* Merges `src` into `dst` (the defaults), checking every key and type against them. */
static int s_merge(json_t *dst, const json_t *src, const char *prefix, const char *file, struct opf_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)src, key, v) {
        char path[256];
        snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", key);
        if (!*prefix && strcmp(key, "$schema") == 0 && json_is_string(v))
            continue; /* names docs/config.schema.json for editors */
        json_t *def = json_object_get(dst, key);
        if (!def)
            return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.%s: unknown setting", file, path);
        const char *why = opf_config_type_mismatch(def, v);
        if (why)
            return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.%s: %s", file, path, why);
        if (json_is_object(def)) {
            if (s_merge(def, v, path, file, err))
                return -1;
            continue;
        }
        if (json_is_string(v) && s_check_enum(path, v, file, err))
            return -1;
        if (json_is_integer(v) && s_check_range(path, v, file, err))
            return -1;
        size_t i;
        const json_t *e;
        json_array_foreach(strcmp(path, "regions") == 0 ? v : NULL, i, e) if (!s_region_name(json_string_value(e)))
            return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $.regions[%zu]: \"%s\" is not an AWS region name", file, i,
                            json_string_value(e));
        json_object_set(dst, key, v);
    }
    return 0;
}

int opf_config_apply(json_t *config, const json_t *overlay, const char *origin, struct opf_error *err)
{
    if (!json_is_object(overlay))
        return opf_fail(err, OPF_ERR_INVALID_INPUT, "%s: $: a configuration must be a JSON object", origin);
    return s_merge(config, overlay, "", origin, err);
}

static void s_resolve_files(json_t *config, const char *config_path)
{
    char *copy = strdup(config_path);
    if (!copy)
        return;
    const char *dir = dirname(copy);
    for (size_t i = 0; i < sizeof(s_file_settings) / sizeof(s_file_settings[0]); i++) {
        json_t *section = json_object_get(config, s_file_settings[i][0]);
        const char *f = json_string_value(json_object_get(section, s_file_settings[i][1]));
        if (!f || f[0] == '/')
            continue;
        size_t n = strlen(dir) + strlen(f) + 2;
        char *full = malloc(n);
        if (full) {
            snprintf(full, n, "%s/%s", dir, f);
            json_object_set_new(section, s_file_settings[i][1], json_string(full));
            free(full);
        }
    }
    free(copy);
}

json_t *opf_config_load(const char *path, struct opf_error *err)
{
    json_t *config = opf_config_default();
    json_t *file = opf_json_load_file(path, err);
    if (!file || opf_config_apply(config, file, path, err) != 0) {
        json_decref(file);
        json_decref(config);
        return NULL;
    }
    json_decref(file);
    s_resolve_files(config, path);
    return config;
}

int opf_config_set(json_t *config, const char *dotted_path, json_t *value, struct opf_error *err)
{
    /* Builds {"a": {"b": value}} and applies it, so a flag is checked exactly like the file. */
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", dotted_path);
    char *dot = strchr(buf, '.');
    json_t *overlay = json_object();
    if (dot) {
        *dot = '\0';
        json_object_set_new(overlay, buf, json_pack("{s:O}", dot + 1, value));
    } else {
        json_object_set(overlay, buf, value);
    }
    int rc = opf_config_apply(config, overlay, "command line", err);
    json_decref(overlay);
    json_decref(value);
    return rc;
}
