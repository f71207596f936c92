/* Every failure a library call reports says what kind it is: a file's, an AWS answer's, a probe's. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "aws/aws.h"
#include "collect/collect_internal.h"
#include "core/core.h"
#include "probes/probes.h"

static void test_a_system_calls_errno_names_its_category(void **state)
{
    (void)state;
    assert_int_equal(opf_errno_category(ENOENT), OPF_ERR_NOT_FOUND);
    assert_int_equal(opf_errno_category(ENOTDIR), OPF_ERR_NOT_FOUND);
    assert_int_equal(opf_errno_category(EACCES), OPF_ERR_PERMISSION);
    assert_int_equal(opf_errno_category(EROFS), OPF_ERR_PERMISSION);
    assert_int_equal(opf_errno_category(ENOMEM), OPF_ERR_NO_MEMORY);
    assert_int_equal(opf_errno_category(ENOSPC), OPF_ERR_IO);
    assert_int_equal(opf_errno_category(EIO), OPF_ERR_IO);
}

static void test_files_fail_by_what_went_wrong(void **state)
{
    (void)state;
    struct opf_error err = {0};
    assert_null(opf_bundle_load("/nonexistent/evidence.json", &err));
    assert_int_equal(err.category, OPF_ERR_NOT_FOUND);
    assert_string_equal(err.message, "/nonexistent/evidence.json: cannot open: No such file or directory");

    char dir[] = "/tmp/opf-errcat-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/bad.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"schema\":", f);
    fclose(f);
    memset(&err, 0, sizeof(err));
    assert_null(opf_config_load(path, &err));
    assert_int_equal(err.category, OPF_ERR_INVALID_INPUT);
    assert_non_null(strstr(err.message, "bad.json: line 1"));

    snprintf(path, sizeof(path), "%s/missing/out.json", dir);
    json_t *doc = json_object();
    memset(&err, 0, sizeof(err));
    assert_int_equal(opf_json_write_file(doc, path, 0600, &err), -1);
    assert_int_equal(err.category, OPF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "cannot create a temporary file"));
    json_decref(doc);

    snprintf(path, sizeof(path), "%s/bad.json", dir);
    unlink(path);
    rmdir(dir);
}

static void test_an_aws_error_is_categorized_by_code_then_status(void **state)
{
    (void)state;
    assert_int_equal(opf_aws_error_category("Interrupted", 503), OPF_ERR_INTERRUPTED); /* the code wins */
    assert_int_equal(opf_aws_error_category("CallBudgetExceeded", 0), OPF_ERR_TIMEOUT);
    assert_int_equal(opf_aws_error_category("RequestTimeoutException", 408), OPF_ERR_TIMEOUT);
    assert_int_equal(opf_aws_error_category("ConnectionError", 0), OPF_ERR_NETWORK);
    assert_int_equal(opf_aws_error_category("AccessDeniedException", 400), OPF_ERR_PERMISSION);
    assert_int_equal(opf_aws_error_category("ExpiredToken", 400), OPF_ERR_CREDENTIALS);
    assert_int_equal(opf_aws_error_category("NoCredentials", 0), OPF_ERR_CREDENTIALS);
    assert_int_equal(opf_aws_error_category("ProfileNotFound", 0), OPF_ERR_NOT_FOUND);
    assert_int_equal(opf_aws_error_category("InvalidRegion", 0), OPF_ERR_INVALID_INPUT);
    assert_int_equal(opf_aws_error_category("TooManyRequestsException", 400), OPF_ERR_THROTTLED);
    assert_int_equal(opf_aws_error_category("ThrottlingException", 400), OPF_ERR_THROTTLED);
    assert_int_equal(opf_aws_error_category("HTTP429", 429), OPF_ERR_THROTTLED);
    assert_int_equal(opf_aws_error_category("NoSuchEntity", 404), OPF_ERR_NOT_FOUND);
    assert_int_equal(opf_aws_error_category("ResourceNotFoundException", 400), OPF_ERR_NOT_FOUND);
    assert_int_equal(opf_aws_error_category("Forbidden", 403), OPF_ERR_PERMISSION);
    assert_int_equal(opf_aws_error_category("ServiceUnavailable", 503), OPF_ERR_REMOTE);
    assert_int_equal(opf_aws_error_category("MalformedResponse", 200), OPF_ERR_REMOTE);
    assert_int_equal(opf_aws_error_category("OutOfMemory", 0), OPF_ERR_NO_MEMORY);
    /* what the collector treats as a refusal to read is exactly the permission codes */
    assert_true(opf_collect_denied("AuthorizationError"));
    assert_true(opf_collect_denied("UnauthorizedOperation"));
    assert_false(opf_collect_denied("ExpiredToken"));
    assert_false(opf_collect_denied("Forbidden"));
}

/* A loopback port nothing listens on (bound, then closed), or a listening socket that never answers. */
static int s_port(int type, bool listen_on, int *fd_out)
{
    int fd = socket(AF_INET, type, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, len), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    if (listen_on) {
        assert_int_equal(listen(fd, 4), 0);
        *fd_out = fd;
    } else {
        close(fd);
    }
    return ntohs(a.sin_port);
}

static void test_probes_say_what_kind_of_failure(void **state)
{
    (void)state;
    struct opf_error err = {0};
    json_t *servers = json_pack("[s]", "not a server!");
    assert_null(opf_dns_probe("example.com", servers, 200, &err));
    assert_int_equal(err.category, OPF_ERR_INVALID_INPUT);
    assert_non_null(strstr(err.message, "dns.servers: cannot use"));
    json_decref(servers);

    char server[32];
    snprintf(server, sizeof(server), "127.0.0.1:%d", s_port(SOCK_DGRAM, false, NULL));
    servers = json_pack("[s]", server);
    memset(&err, 0, sizeof(err));
    assert_null(opf_dns_probe("example.com", servers, 200, &err)); /* no server answers */
    assert_int_equal(err.category, OPF_ERR_TIMEOUT);
    assert_non_null(strstr(err.message, "MX lookup of example.com"));
    json_decref(servers);

    memset(&err, 0, sizeof(err));
    assert_null(opf_smtp_probe("127.0.0.1", s_port(SOCK_STREAM, false, NULL), "root@example.com", 200, &err));
    assert_int_equal(err.category, OPF_ERR_NETWORK);
    assert_non_null(strstr(err.message, "cannot connect to 127.0.0.1 port"));

    int quiet = -1;
    int port = s_port(SOCK_STREAM, true, &quiet);
    memset(&err, 0, sizeof(err));
    assert_null(opf_smtp_probe("127.0.0.1", port, "root@example.com", 200, &err));
    assert_int_equal(err.category, OPF_ERR_REMOTE);
    assert_non_null(strstr(err.message, "the SMTP dialogue stopped before RCPT TO (no answer)"));
    close(quiet);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_system_calls_errno_names_its_category),
        cmocka_unit_test(test_files_fail_by_what_went_wrong),
        cmocka_unit_test(test_an_aws_error_is_categorized_by_code_then_status),
        cmocka_unit_test(test_probes_say_what_kind_of_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
