/*
 * The AWS shared config and credentials files, then the profile resolution of the credential chain over
 * them. The input is the config file, optionally followed by a NUL byte and the credentials file. Every
 * profile is resolved as `--profile NAME` would be; nothing is sent (credentials are fetched lazily).
 */
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/ini.h"
#include "fuzz.h"

static int s_read(const uint8_t *data, size_t size, const char *name, json_t *into)
{
    struct opf_error err = {0};
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)data, size, "r");
    OPF_FUZZ_ASSERT(f, "fmemopen failed");
    int rc = opf_ini_read(f, name, into, &err);
    fclose(f);
    OPF_FUZZ_ASSERT(rc == 0 || strncmp(err.message, name, strlen(name)) == 0, "an INI error does not name the file");
    return rc;
}

static void s_resolve(struct opf_aws_client *c, const char *profile)
{
    struct opf_aws_error err;
    struct opf_aws_session *s = opf_aws_session_profile(c, profile, &err);
    if (s) {
        json_t *d = opf_aws_session_describe(s);
        OPF_FUZZ_ASSERT(d, "a session has no description");
        json_decref(d);
    } else {
        OPF_FUZZ_ASSERT(err.code[0] && err.message[0], "a profile failed without an error");
    }
    opf_aws_session_free(s);
}

int opf_fuzz_aws_profiles(const uint8_t *data, size_t size)
{
    static bool env_set;
    if (!env_set) { /* credential_source = Environment finds these */
        setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
        setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
        env_set = true;
    }
    const uint8_t *nul = memchr(data, '\0', size);
    size_t config_len = nul ? (size_t)(nul - data) : size;
    char profile[] = "default", region[] = "us-east-1";
    struct opf_aws_client c = {.profile = profile, .region = region};
    c.config = json_object();
    c.credentials = json_object();
    if (s_read(data, config_len, "config", c.config) == 0 &&
        (!nul || s_read(nul + 1, size - config_len - 1, "credentials", c.credentials) == 0)) {
        opf_aws_config_index(&c);
        const char *name;
        json_t *section;
        json_object_foreach(c.profiles, name, section) s_resolve(&c, name);
    }
    json_decref(c.config);
    json_decref(c.credentials);
    json_decref(c.profiles);
    json_decref(c.config_profiles);
    json_decref(c.sso_sessions);
    json_decref(c.services);
    return 0;
}

OPF_FUZZ_ENTRY(opf_fuzz_aws_profiles)
