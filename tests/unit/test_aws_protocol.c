/* Wire protocols: request serialization, answer parsing (XML to botocore's shape), error parsing for each
 * protocol, retry decisions, secret redaction, the shared config file reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "aws/client.h"
#include "aws/ini.h"
#include "aws/protocol.h"

static void test_query_request_form(void **state)
{
    const struct opf_aws_service *svc = opf_aws_service_find("sts");
    const struct opf_aws_operation *op = opf_aws_operation_find("sts", "AssumeRole");
    json_t *in = json_pack("{s:s, s:s, s:i}", "RoleArn", "arn:aws:iam::111122223333:role/Audit Role", "RoleSessionName",
                           "s", "DurationSeconds", 900);
    struct opf_wire_request w;
    assert_int_equal(opf_protocol_build(svc, op, in, &w), 0);
    assert_string_equal(w.body, "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole"
                                "%2FAudit%20Role&RoleSessionName=s&DurationSeconds=900");
    assert_string_equal(w.target, "");
    free(w.body);
    json_decref(in);
    svc = opf_aws_service_find("organizations");
    assert_int_equal(opf_protocol_build(svc, opf_aws_operation_find("organizations", "ListAccounts"), NULL, &w), 0);
    assert_string_equal(w.body, "{}");
    assert_string_equal(w.target, "AWSOrganizationsV20161128.ListAccounts");
    assert_string_equal(w.content_type, "application/x-amz-json-1.1");
    free(w.body);
    svc = opf_aws_service_find("account");
    assert_int_equal(opf_protocol_build(svc, opf_aws_operation_find("account", "GetPrimaryEmail"), NULL, &w), 0);
    assert_string_equal(w.path, "/getPrimaryEmail");
    free(w.body);
}

static void test_xml_answers_in_botocore_shape(void **state)
{
    static const char xml[] =
        "<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListUsersResult>"
        "<IsTruncated>true</IsTruncated><Marker>m1</Marker><Users>"
        "<member><UserName>alice</UserName><Arn>arn:aws:iam::111122223333:user/alice</Arn></member>"
        "<member><UserName>bob</UserName></member></Users></ListUsersResult>"
        "<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></ListUsersResponse>";
    struct opf_aws_error err = {0};
    const struct opf_aws_service *iam = opf_aws_service_find("iam");
    json_t *out = opf_protocol_parse(iam, opf_aws_operation_find("iam", "ListUsers"), xml, strlen(xml), &err);
    assert_non_null(out);
    assert_int_equal(json_array_size(json_object_get(out, "Users")), 2);
    assert_true(json_is_true(json_object_get(out, "IsTruncated")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(out, "Users"), 0), "UserName")),
                        "alice");
    json_decref(out);
    /* an empty list is a list */
    static const char empty[] = "<ListUsersResponse><ListUsersResult><IsTruncated>false</IsTruncated><Users/>"
                                "</ListUsersResult></ListUsersResponse>";
    out = opf_protocol_parse(iam, opf_aws_operation_find("iam", "ListUsers"), empty, strlen(empty), &err);
    assert_true(json_is_array(json_object_get(out, "Users")));
    json_decref(out);
    /* maps of counts */
    static const char summary[] = "<GetAccountSummaryResponse><GetAccountSummaryResult><SummaryMap>"
                                  "<entry><key>AccountMFAEnabled</key><value>0</value></entry>"
                                  "<entry><key>Users</key><value>27</value></entry></SummaryMap>"
                                  "</GetAccountSummaryResult></GetAccountSummaryResponse>";
    out = opf_protocol_parse(iam, opf_aws_operation_find("iam", "GetAccountSummary"), summary, strlen(summary), &err);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "SummaryMap"), "Users")), 27);
    json_decref(out);
    /* truncated XML is a MalformedResponse, not data */
    assert_null(opf_protocol_parse(iam, opf_aws_operation_find("iam", "ListUsers"), xml, 60, &err));
    assert_string_equal(err.code, "MalformedResponse");
}

static void test_json_answers_drop_nulls(void **state)
{
    static const char body[] = "{\"Accounts\":[{\"Id\":\"111122223333\"}],\"NextToken\":null}";
    struct opf_aws_error err = {0};
    json_t *out = opf_protocol_parse(opf_aws_service_find("organizations"),
                                     opf_aws_operation_find("organizations", "ListAccounts"), body, strlen(body), &err);
    assert_null(json_object_get(out, "NextToken"));
    json_decref(out);
    assert_null(opf_protocol_parse(opf_aws_service_find("organizations"),
                                   opf_aws_operation_find("organizations", "ListAccounts"), "{\"Acc", 5, &err));
    assert_string_equal(err.code, "MalformedResponse");
}

static void test_errors_of_every_protocol(void **state)
{
    struct opf_aws_error e = {0};
    static const char json_err[] = "{\"__type\":\"com.amazonaws.organizations#ConstraintViolationException\","
                                   "\"Message\":\"cannot leave\",\"Reason\":\"WAIT_PERIOD_ACTIVE\"}";
    opf_protocol_error(json_err, strlen(json_err), NULL, 400, &e);
    assert_string_equal(e.code, "ConstraintViolationException");
    assert_string_equal(e.reason, "WAIT_PERIOD_ACTIVE");
    assert_string_equal(e.message, "cannot leave");
    memset(&e, 0, sizeof(e));
    static const char rest[] = "{\"message\":\"No contact of the inputted alternate contact type found.\"}";
    opf_protocol_error(rest, strlen(rest), "ResourceNotFoundException:http://internal.amazon.com/", 404, &e);
    assert_string_equal(e.code, "ResourceNotFoundException");
    memset(&e, 0, sizeof(e));
    static const char query[] = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded"
                                "</Message></Error><RequestId>abc</RequestId></ErrorResponse>";
    opf_protocol_error(query, strlen(query), NULL, 400, &e);
    assert_string_equal(e.code, "Throttling");
    assert_string_equal(e.request_id, "abc");
    memset(&e, 0, sizeof(e));
    static const char auth[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?><ErrorResponse><Errors><Error><Code>"
                               "SignatureDoesNotMatch</Code><Message>bad</Message><Type>Sender</Type></Error></Errors>"
                               "</ErrorResponse>";
    opf_protocol_error(auth, strlen(auth), NULL, 403, &e);
    assert_string_equal(e.code, "SignatureDoesNotMatch");
    memset(&e, 0, sizeof(e));
    static const char html[] = "<!DOCTYPE html><html><body>Not Found</body></html>";
    opf_protocol_error(html, strlen(html), NULL, 404, &e);
    assert_string_equal(e.code, "HTTP404");
    assert_non_null(strstr(e.message, "does not implement"));
}

static void test_retry_decisions(void **state)
{
    assert_true(opf_aws_retryable("TooManyRequestsException", 400));
    assert_true(opf_aws_retryable("Throttling", 400));
    assert_true(opf_aws_retryable("", 503));
    assert_true(opf_aws_retryable("ConnectionError", 0));
    assert_false(opf_aws_retryable("AccessDenied", 403));
    assert_false(opf_aws_retryable("SignatureDoesNotMatch", 403));
    assert_true(opf_aws_throttling("ThrottlingException", 400));
    assert_false(opf_aws_throttling("InternalError", 500));
    for (int attempt = 1; attempt < 12; attempt++) {
        long cap = 1000L << (attempt - 1);
        cap = cap > 20000 ? 20000 : cap;
        for (int i = 0; i < 50; i++) {
            long d = opf_aws_backoff_ms(1000, attempt);
            assert_true(d >= 0 && d <= cap);
        }
    }
}

static void test_redaction(void **state)
{
    char xml[] = "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>s3cr3t/K</SecretAccessKey>"
                 "<SessionToken>tok+en=</SessionToken></Credentials>";
    opf_redact_secrets(xml);
    assert_null(strstr(xml, "s3cr3t"));
    assert_null(strstr(xml, "tok+en"));
    assert_non_null(strstr(xml, "ASIAEXAMPLE"));
    char json[] = "{\"roleCredentials\":{\"secretAccessKey\": \"abc\",\"sessionToken\":\"xyz\"},\"accessToken\":\"t\"}";
    opf_redact_secrets(json);
    assert_null(strstr(json, "abc"));
    assert_null(strstr(json, "xyz"));
    assert_null(strstr(json, "\"t\""));
}

static void test_ini_reader(void **state)
{
    char path[] = "/tmp/opf-ini-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("# comment\n[default]\nregion = eu-west-1\n[profile   dev]\nrole_arn = arn:aws:iam::1:role/x\n"
          "s3 =\n  max_concurrent_requests = 10\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n", f);
    fclose(f);
    json_t *doc = json_object();
    char err[256];
    assert_int_equal(opf_ini_load(path, doc, err, sizeof(err)), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "profile dev"), "role_arn")),
                        "arn:aws:iam::1:role/x");
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "profile dev"), "s3.max_concurrent_requests")), "10");
    assert_non_null(json_object_get(doc, "sso-session corp"));
    json_decref(doc);
    f = fopen(path, "w");
    fputs("[default]\nregion = us-east-1\nthis line is broken\n", f);
    fclose(f);
    doc = json_object();
    assert_int_equal(opf_ini_load(path, doc, err, sizeof(err)), -1);
    char want[300];
    snprintf(want, sizeof(want), "%s:3: expected key = value", path);
    assert_string_equal(err, want);
    json_decref(doc);
    unlink(path);
    doc = json_object();
    assert_int_equal(opf_ini_load("/nonexistent/config", doc, err, sizeof(err)), 1);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_request_form),
        cmocka_unit_test(test_xml_answers_in_botocore_shape),
        cmocka_unit_test(test_json_answers_drop_nulls),
        cmocka_unit_test(test_errors_of_every_protocol),
        cmocka_unit_test(test_retry_decisions),
        cmocka_unit_test(test_redaction),
        cmocka_unit_test(test_ini_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
