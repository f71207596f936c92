/* Wire protocols: request serialization, answer parsing (XML to botocore's shape), error parsing for each
 * protocol, secret redaction, the shared config file reader. */
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
    /* rest-XML (S3) and EC2 */
    static const char s3err[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucketPolicy</Code>"
                                "<Message>The bucket policy does not exist</Message><BucketName>audit-logs</BucketName>"
                                "<RequestId>4442587FB7D0A2F9</RequestId></Error>";
    opf_protocol_error(s3err, strlen(s3err), NULL, 404, &e);
    assert_string_equal(e.code, "NoSuchBucketPolicy");
    assert_string_equal(e.message, "The bucket policy does not exist");
    memset(&e, 0, sizeof(e));
    static const char ec2err[] = "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not "
                                 "authorized to perform this operation.</Message></Error></Errors>"
                                 "<RequestID>b1e1ea3a</RequestID></Response>";
    opf_protocol_error(ec2err, strlen(ec2err), NULL, 403, &e);
    assert_string_equal(e.code, "UnauthorizedOperation");
    assert_string_equal(e.request_id, "b1e1ea3a");
    memset(&e, 0, sizeof(e));
    static const char html[] = "<!DOCTYPE html><html><body>Not Found</body></html>";
    opf_protocol_error(html, strlen(html), NULL, 404, &e);
    assert_string_equal(e.code, "HTTP404");
    assert_non_null(strstr(e.message, "does not implement"));
}

static void test_rest_xml_requests_from_the_path_template(void **state)
{
    const struct opf_aws_service *s3 = opf_aws_service_find("s3");
    struct opf_wire_request w;
    json_t *in = json_pack("{s:s}", "Bucket", "audit-logs.example");
    assert_int_equal(opf_protocol_build(s3, opf_aws_operation_find("s3", "GetBucketPolicy"), in, &w), 0);
    assert_string_equal(w.method, "GET");
    assert_string_equal(w.path, "/audit-logs.example");
    assert_string_equal(w.query, "policy");
    assert_null(w.content_type);
    assert_string_equal(w.body, "");
    opf_wire_request_free(&w);
    json_decref(in);
    /* the path member is required */
    assert_int_equal(opf_protocol_build(s3, opf_aws_operation_find("s3", "GetBucketPolicy"), NULL, &w), -1);
    /* query members appear only when given, encoded */
    in = json_pack("{s:i, s:s}", "MaxBuckets", 10000, "ContinuationToken", "a b/c=");
    assert_int_equal(opf_protocol_build(s3, opf_aws_operation_find("s3", "ListBuckets"), in, &w), 0);
    assert_string_equal(w.path, "/");
    assert_string_equal(w.query, "max-buckets=10000&continuation-token=a%20b%2Fc%3D");
    opf_wire_request_free(&w);
    json_decref(in);
    in = json_pack("{s:i}", "MaxBuckets", 10);
    assert_int_equal(opf_protocol_build(s3, opf_aws_operation_find("s3", "ListBuckets"), in, &w), 0);
    assert_string_equal(w.query, "max-buckets=10");
    opf_wire_request_free(&w);
    json_decref(in);
    /* SQS speaks JSON 1.0, KMS JSON 1.1; EC2 and SNS post forms */
    assert_int_equal(opf_protocol_build(opf_aws_service_find("sqs"), opf_aws_operation_find("sqs", "ListQueues"), NULL, &w), 0);
    assert_string_equal(w.content_type, "application/x-amz-json-1.0");
    assert_string_equal(w.target, "AmazonSQS.ListQueues");
    opf_wire_request_free(&w);
    assert_int_equal(opf_protocol_build(opf_aws_service_find("kms"), opf_aws_operation_find("kms", "ListKeys"), NULL, &w), 0);
    assert_string_equal(w.content_type, "application/x-amz-json-1.1");
    assert_string_equal(w.target, "TrentService.ListKeys");
    opf_wire_request_free(&w);
    in = json_pack("{s:[s,s]}", "RegionNames", "eu-west-1", "us-east-1");
    assert_int_equal(opf_protocol_build(opf_aws_service_find("ec2"), opf_aws_operation_find("ec2", "DescribeRegions"), in, &w), 0);
    assert_string_equal(w.body, "Action=DescribeRegions&Version=2016-11-15&RegionNames.1=eu-west-1&RegionNames.2=us-east-1");
    opf_wire_request_free(&w);
    json_decref(in);
    assert_int_equal(opf_protocol_build(opf_aws_service_find("ram"), opf_aws_operation_find("ram", "GetResourceShares"), NULL, &w), 0);
    assert_string_equal(w.path, "/getresourceshares");
    opf_wire_request_free(&w);
}

static void test_rest_xml_and_ec2_answers_in_botocore_shape(void **state)
{
    struct opf_aws_error err = {0};
    const struct opf_aws_service *s3 = opf_aws_service_find("s3");
    static const char buckets[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<Owner><ID>bcaf1ffd86f41161ca5fb16fd081034f</ID></Owner><Buckets><Bucket><Name>audit-logs</Name>"
        "<CreationDate>2024-05-01T10:00:00.000Z</CreationDate><BucketRegion>eu-west-1</BucketRegion></Bucket></Buckets>"
        "<ContinuationToken>next-page</ContinuationToken></ListAllMyBucketsResult>";
    json_t *out = opf_protocol_parse(s3, opf_aws_operation_find("s3", "ListBuckets"), buckets, strlen(buckets), &err);
    assert_non_null(out);
    const json_t *b = json_array_get(json_object_get(out, "Buckets"), 0); /* one <Bucket> is still a list */
    assert_string_equal(json_string_value(json_object_get(b, "BucketRegion")), "eu-west-1");
    assert_string_equal(json_string_value(json_object_get(out, "ContinuationToken")), "next-page");
    json_decref(out);
    static const char none[] = "<ListAllMyBucketsResult><Owner><ID>x</ID></Owner><Buckets/></ListAllMyBucketsResult>";
    out = opf_protocol_parse(s3, opf_aws_operation_find("s3", "ListBuckets"), none, strlen(none), &err);
    assert_true(json_is_array(json_object_get(out, "Buckets")));
    json_decref(out);
    /* a bucket policy is the whole body */
    static const char policy[] = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
    out = opf_protocol_parse(s3, opf_aws_operation_find("s3", "GetBucketPolicy"), policy, strlen(policy), &err);
    assert_string_equal(json_string_value(json_object_get(out, "Policy")), policy);
    json_decref(out);
    /* EC2: lowerCamel XML names become botocore's members; <item> runs are lists */
    static const char regions[] =
        "<DescribeRegionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>59dbff89</requestId>"
        "<regionInfo><item><regionName>eu-west-1</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint>"
        "<optInStatus>opt-in-not-required</optInStatus></item><item><regionName>af-south-1</regionName>"
        "<regionEndpoint>ec2.af-south-1.amazonaws.com</regionEndpoint><optInStatus>opted-in</optInStatus></item>"
        "</regionInfo></DescribeRegionsResponse>";
    out = opf_protocol_parse(opf_aws_service_find("ec2"), opf_aws_operation_find("ec2", "DescribeRegions"), regions,
                             strlen(regions), &err);
    assert_non_null(out);
    assert_null(json_object_get(out, "RequestId"));
    const json_t *r = json_array_get(json_object_get(out, "Regions"), 1);
    assert_string_equal(json_string_value(json_object_get(r, "RegionName")), "af-south-1");
    assert_string_equal(json_string_value(json_object_get(r, "Endpoint")), "ec2.af-south-1.amazonaws.com");
    assert_string_equal(json_string_value(json_object_get(r, "OptInStatus")), "opted-in");
    json_decref(out);
}

/* An HTTP 200 that carries an AWS error is that error, in every protocol's spelling; real outputs are not. */
static void test_errors_in_a_2xx_answer(void **state)
{
    const struct opf_aws_service *orgs = opf_aws_service_find("organizations"), *iam = opf_aws_service_find("iam");
    const struct opf_aws_service *ec2 = opf_aws_service_find("ec2"), *s3 = opf_aws_service_find("s3");
    const char *denied = "{\"__type\":\"AccessDeniedException\",\"Message\":\"You don't have permissions\"}";
    assert_true(opf_protocol_is_error(orgs, denied, strlen(denied), ""));
    assert_true(opf_protocol_is_error(orgs, "{}", 2, "AccessDeniedException:http://internal.amazon.com/"));
    const char *query = "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
                        "<Error><Code>AccessDenied</Code></Error></ErrorResponse>";
    assert_true(opf_protocol_is_error(iam, query, strlen(query), ""));
    const char *ec2_err = "<Response><Errors><Error><Code>UnauthorizedOperation</Code></Error></Errors></Response>";
    assert_true(opf_protocol_is_error(ec2, ec2_err, strlen(ec2_err), ""));
    assert_true(opf_protocol_is_error(s3, "<Error><Code>AccessDenied</Code></Error>", 40, NULL));
    const char *accounts = "{\"Accounts\":[{\"Id\":\"111122223333\"}]}";
    assert_false(opf_protocol_is_error(orgs, accounts, strlen(accounts), ""));
    const char *users = "<ListUsersResponse><ListUsersResult><Users/></ListUsersResult></ListUsersResponse>";
    assert_false(opf_protocol_is_error(iam, users, strlen(users), NULL));
    const char *policy = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"; /* GetBucketPolicy's payload */
    assert_false(opf_protocol_is_error(s3, policy, strlen(policy), NULL));
}

/* Answers are checked against the operation's output shape: required members present, of their type. */
static void test_output_shape(void **state)
{
    const struct opf_aws_operation *list = opf_aws_operation_find("organizations", "ListAccounts");
    const struct opf_aws_operation *who = opf_aws_operation_find("sts", "GetCallerIdentity");
    struct opf_aws_error err = {0};
    json_t *ok = json_pack("{s:[], s:s}", "Accounts", "NextToken", "t");
    assert_int_equal(opf_aws_output_check(list, ok, &err), 0);
    json_t *missing = json_pack("{s:s}", "NextToken", "t");
    assert_int_equal(opf_aws_output_check(list, missing, &err), -1);
    assert_string_equal(err.code, "MalformedResponse");
    assert_non_null(strstr(err.message, "Accounts is missing"));
    json_t *wrong = json_pack("{s:{}}", "Accounts");
    assert_int_equal(opf_aws_output_check(list, wrong, &err), -1);
    assert_non_null(strstr(err.message, "Accounts is not of its type"));
    json_t *token = json_pack("{s:[], s:i}", "Accounts", "NextToken", 7);
    assert_int_equal(opf_aws_output_check(list, token, &err), -1);
    assert_non_null(strstr(err.message, "NextToken is not a string"));
    json_t *id = json_pack("{s:s}", "Arn", "arn:aws:iam::111122223333:user/a");
    assert_int_equal(opf_aws_output_check(who, id, &err), -1);
    assert_non_null(strstr(err.message, "Account is missing"));
    json_decref(ok), json_decref(missing), json_decref(wrong), json_decref(token), json_decref(id);
}

/* A NUL in a JSON string is never passed on: it becomes U+FFFD, the rest of the answer stays. */
static void test_nul_in_json_strings(void **state)
{
    const struct opf_aws_service *orgs = opf_aws_service_find("organizations");
    const struct opf_aws_operation *op = opf_aws_operation_find("organizations", "ListAccounts");
    const char *body = "{\"Accounts\":[{\"Id\":\"111122223333\",\"Name\":\"a\\u0000b\"}]}";
    struct opf_aws_error err = {0};
    json_t *out = opf_protocol_parse(orgs, op, body, strlen(body), &err);
    assert_non_null(out);
    const json_t *name = json_object_get(json_array_get(json_object_get(out, "Accounts"), 0), "Name");
    assert_int_equal(json_string_length(name), 5);
    assert_string_equal(json_string_value(name), "a\xef\xbf\xbd" "b");
    json_decref(out);
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

/* Parses `text` as a file; returns the document (or NULL with err). */
static json_t *s_ini(const char *text, struct opf_error *err)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    json_t *doc = json_object();
    int rc = opf_ini_read(f, "config", doc, err);
    fclose(f);
    if (rc != 0) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

static const char *s_ini_get(const json_t *doc, const char *section, const char *key)
{
    return json_string_value(json_object_get(json_object_get(doc, section), key));
}

/* The files mean what they mean to botocore (Python's RawConfigParser). */
static void test_ini_reader(void **state)
{
    struct opf_error err = {0};
    json_t *doc = s_ini("# comment\n; another\n[default]\nREGION = eu-west-1\nAWS_Access_Key_ID: AKID\n"
                        "[dev] # a comment after the header\nrole_arn = arn:aws:iam::1:role/x # kept\n"
                        "[profile \"quoted\"]\nregion=us-west-2\n"
                        "s3 =\n  max_concurrent_requests = 10\n  Addressing_Style = path\n"
                        "[ profile spaced ]\nregion = x\n"
                        "[multi]\nkey = first\n  second line\n"
                        "[DEFAULT]\ninherited = yes\n", &err);
    assert_non_null(doc);
    assert_string_equal(s_ini_get(doc, "default", "region"), "eu-west-1");
    assert_string_equal(s_ini_get(doc, "default", "aws_access_key_id"), "AKID");
    assert_string_equal(s_ini_get(doc, "dev", "role_arn"), "arn:aws:iam::1:role/x # kept");
    assert_string_equal(s_ini_get(doc, "profile \"quoted\"", "region"), "us-west-2");
    assert_string_equal(s_ini_get(doc, "profile \"quoted\"", "s3.max_concurrent_requests"), "10");
    assert_string_equal(s_ini_get(doc, "profile \"quoted\"", "s3.Addressing_Style"), "path");
    assert_non_null(json_object_get(doc, " profile spaced "));
    assert_string_equal(s_ini_get(doc, "multi", "key"), "first\nsecond line");
    assert_string_equal(s_ini_get(doc, "dev", "inherited"), "yes");
    assert_null(json_object_get(doc, "DEFAULT"));
    json_decref(doc);

    /* a value of any length */
    char *big = malloc(20000);
    int n = snprintf(big, 20000, "[default]\ncredential_process = ");
    memset(big + n, 'x', 10000);
    strcpy(big + n + 10000, "\n");
    doc = s_ini(big, &err);
    assert_non_null(doc);
    assert_int_equal(strlen(s_ini_get(doc, "default", "credential_process")), 10000);
    json_decref(doc);
    free(big);

    static const struct {
        const char *text, *error;
    } bad[] = {
        {"[default]\nregion = us-east-1\nthis line is broken\n", "config:3: expected key = value"},
        {"[a]\nx = 1\n[a]\n", "config:3: section [a] appears twice"},
        {"[a]\nx = 1\nX = 2\n", "config:3: key x appears twice in its section"},
        {"region = us-east-1\n", "config:1: a setting before any [section]"},
        {"[a]\n= 1\n", "config:2: empty key"},
        {"[a]\ns3 =\n  nested without equals\n", "config: [a] s3: a nested line without '=': nested without equals"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_null(s_ini(bad[i].text, &err));
        assert_string_equal(err.message, bad[i].error);
        assert_int_equal(err.category, OPF_ERR_INVALID_INPUT);
    }
    doc = json_object();
    assert_int_equal(opf_ini_load("/nonexistent/config", doc, &err), 1);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_request_form),
        cmocka_unit_test(test_xml_answers_in_botocore_shape),
        cmocka_unit_test(test_json_answers_drop_nulls),
        cmocka_unit_test(test_errors_of_every_protocol),
        cmocka_unit_test(test_rest_xml_requests_from_the_path_template),
        cmocka_unit_test(test_rest_xml_and_ec2_answers_in_botocore_shape),
        cmocka_unit_test(test_errors_in_a_2xx_answer),
        cmocka_unit_test(test_output_shape),
        cmocka_unit_test(test_nul_in_json_strings),
        cmocka_unit_test(test_redaction),
        cmocka_unit_test(test_ini_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
