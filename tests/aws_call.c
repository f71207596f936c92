/* Test driver: one AWS call through orgpreflight's client, printed as JSON (or the error, one line).
 *   opf-aws-call [--paginate] [--assume ROLE_ARN] [--debug] SERVICE OPERATION [INPUT_JSON]
 * Exit 0 on success, 1 on an AWS error, 3 when no session could be made.
 *   opf-aws-call --resolve [--profile P] [--region R] [--endpoint-url URL]
 * prints what the environment resolves to (opf_aws_session_resolution plus the access key id the credentials
 * have, fetched as the first call would) or {"error": {"code", "message"}}, and exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/client.h"

static int s_resolve(const struct opf_aws_client_options *o)
{
    struct opf_aws_error err = {0};
    struct opf_aws_client *c = opf_aws_client_new(o, &err);
    struct opf_aws_session *s = c ? opf_aws_session_default(c, &err) : NULL;
    struct opf_aws_creds creds = {0};
    json_t *out;
    if (s && opf_aws_session_credentials(s, &creds, false, &err) == 0) {
        out = opf_aws_session_resolution(s);
        json_object_set_new(out, "access_key_id", json_string(creds.access_key_id));
    } else {
        out = json_pack("{s:{s:s, s:s}}", "error", "code", err.code, "message", err.message);
    }
    opf_aws_creds_clear(&creds);
    json_dumpf(out, stdout, JSON_INDENT(1));
    putchar('\n');
    json_decref(out);
    opf_aws_session_free(s);
    opf_aws_client_free(c);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned flags = 0;
    const char *assume = NULL;
    FILE *debug = NULL;
    int i = 1;
    bool resolve = false;
    struct opf_aws_client_options ro = {0};
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--resolve") == 0)
            resolve = true;
        else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
            ro.profile = argv[++i];
        else if (strcmp(argv[i], "--region") == 0 && i + 1 < argc)
            ro.region = argv[++i];
        else if (strcmp(argv[i], "--endpoint-url") == 0 && i + 1 < argc)
            ro.endpoint_url = argv[++i];
        else if (strcmp(argv[i], "--paginate") == 0)
            flags |= OPF_AWS_PAGINATE;
        else if (strcmp(argv[i], "--assume") == 0 && i + 1 < argc)
            assume = argv[++i];
        else if (strcmp(argv[i], "--debug") == 0)
            debug = stderr;
    }
    if (resolve)
        return s_resolve(&ro);
    if (argc - i < 2) {
        fprintf(stderr, "usage: opf-aws-call [--paginate] [--assume ROLE_ARN] [--debug] SERVICE OPERATION [INPUT]\n");
        return 64;
    }
    struct opf_aws_error err = {0};
    struct opf_aws_client_options o = {.debug = debug};
    struct opf_aws_client *c = opf_aws_client_new(&o, &err);
    struct opf_aws_session *s = c ? opf_aws_session_default(c, &err) : NULL;
    if (!s) {
        fprintf(stderr, "%s: %s\n", err.code, err.message);
        opf_aws_client_free(c);
        return 3;
    }
    struct opf_aws_session *call = assume ? opf_aws_session_assume_role(s, assume, NULL, "opf-test") : s;
    json_t *input = argc - i > 2 ? json_loads(argv[i + 2], 0, NULL) : NULL;
    json_t *out = opf_aws_call(call, argv[i], argv[i + 1], input, flags, &err);
    int rc = 0;
    if (out) {
        json_dumpf(out, stdout, JSON_INDENT(1));
        putchar('\n');
    } else {
        fprintf(stderr, "%s: %s (HTTP %ld, %d attempts)%s%s\n", err.code, err.message, err.http_status, err.attempts,
                err.reason[0] ? " reason " : "", err.reason);
        rc = 1;
    }
    json_t *desc = opf_aws_session_describe(call);
    char *d = json_dumps(desc, JSON_COMPACT);
    fprintf(stderr, "session %s\n", d);
    free(d);
    json_decref(desc);
    struct opf_aws_stats st;
    opf_aws_client_stats(c, &st);
    fprintf(stderr, "stats requests=%lu retries=%lu throttled=%lu\n", st.requests, st.retries, st.throttled);
    json_decref(out);
    json_decref(input);
    if (call != s)
        opf_aws_session_free(call);
    opf_aws_session_free(s);
    opf_aws_client_free(c);
    return rc;
}
