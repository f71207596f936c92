/* The offline IAM policy evaluator, case by case from AWS's policy evaluation logic documentation: explicit
 * deny wins, permissions boundaries and SCP levels intersect, NotAction/NotResource, wildcards, case, and
 * conditions it cannot decide. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "policy/eval.h"

#define ADMIN "{\"Name\":\"AdministratorAccess\",\"Document\":{\"Version\":\"2012-10-17\",\"Statement\":" \
              "[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}}"
#define FULL_SCP "[{\"Name\":\"FullAWSAccess\",\"Document\":{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\"," \
                 "\"Resource\":\"*\"}}}]"

struct row {
    const char *name;
    const char *identity, *boundary, *scps, *context;
    const char *action, *resource;
    enum opf_policy_decision want;
    const char *why; /* part of the explanation */
};

static const struct row ROWS[] = {
    {"administrator is allowed anything", "[" ADMIN "]", NULL, NULL, NULL, "iam:CreateUser", "*", OPF_POLICY_ALLOW,
     "AdministratorAccess"},
    {"no identity policy: implicit deny", "[]", NULL, NULL, NULL, "s3:GetObject", "*", OPF_POLICY_IMPLICIT_DENY,
     "no identity policy"},
    {"an explicit deny overrides an allow", "[" ADMIN ",{\"Name\":\"DenyAll\",\"Document\":{\"Statement\":"
     "[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}}]", NULL, NULL, NULL, "iam:CreateUser", "*",
     OPF_POLICY_EXPLICIT_DENY, "DenyAll"},
    {"a deny of iam:* leaves other services", "[" ADMIN ",{\"Name\":\"DenyIAM\",\"Document\":{\"Statement\":"
     "[{\"Effect\":\"Deny\",\"Action\":\"iam:*\",\"Resource\":\"*\"}]}}]", NULL, NULL, NULL, "ec2:RunInstances", "*",
     OPF_POLICY_ALLOW, NULL},
    /* the documentation's permissions boundary example: the boundary allows S3, CloudWatch and EC2 only */
    {"a boundary without IAM stops iam:CreateUser",
     "[{\"Name\":\"CreateUsers\",\"Document\":{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"iam:CreateUser\","
     "\"Resource\":\"arn:aws:iam::111122223333:user/*\"}}}]",
     "{\"Name\":\"Boundary\",\"Document\":{\"Statement\":{\"Effect\":\"Allow\",\"Action\":[\"s3:*\",\"cloudwatch:*\","
     "\"ec2:*\"],\"Resource\":\"*\"}}}", NULL, NULL, "iam:CreateUser", "arn:aws:iam::111122223333:user/Shirley",
     OPF_POLICY_IMPLICIT_DENY, "no permissions boundary allows it"},
    {"a boundary and an identity policy that both allow", "[" ADMIN "]",
     "{\"Name\":\"Boundary\",\"Document\":{\"Statement\":{\"Effect\":\"Allow\",\"Action\":[\"s3:*\",\"cloudwatch:*\","
     "\"ec2:*\"],\"Resource\":\"*\"}}}", NULL, NULL, "EC2:RunInstances", "*", OPF_POLICY_ALLOW, NULL},
    {"ReadOnlyAccess as the boundary of an administrator", "[" ADMIN "]",
     "{\"Name\":\"ReadOnlyAccess\",\"Document\":{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"iam:Get*\","
     "\"iam:List*\",\"s3:Get*\"],\"Resource\":\"*\"}]}}", NULL, NULL, "iam:AttachUserPolicy", "*",
     OPF_POLICY_IMPLICIT_DENY, "permissions boundary"},
    {"NotAction allows everything but IAM",
     "[{\"Name\":\"PowerUser\",\"Document\":{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":[\"iam:*\","
     "\"organizations:*\"],\"Resource\":\"*\"}]}}]", NULL, NULL, NULL, "iam:CreateRole", "*", OPF_POLICY_IMPLICIT_DENY,
     NULL},
    {"NotAction allows the rest",
     "[{\"Name\":\"PowerUser\",\"Document\":{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":[\"iam:*\","
     "\"organizations:*\"],\"Resource\":\"*\"}]}}]", NULL, NULL, NULL, "s3:PutObject", "*", OPF_POLICY_ALLOW, NULL},
    {"actions are case-insensitive",
     "[{\"Name\":\"p\",\"Document\":{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"IAM:createuser\","
     "\"Resource\":\"*\"}]}}]", NULL, NULL, NULL, "iam:CreateUser", "*", OPF_POLICY_ALLOW, NULL},
    {"? matches exactly one character",
     "[{\"Name\":\"p\",\"Document\":{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:?etUser\","
     "\"Resource\":\"*\"}]}}]", NULL, NULL, NULL, "iam:GetUsers", "*", OPF_POLICY_IMPLICIT_DENY, NULL},
    {"* inside an action",
     "[{\"Name\":\"p\",\"Document\":{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:*AccessKey*\","
     "\"Resource\":\"*\"}]}}]", NULL, NULL, NULL, "iam:CreateAccessKey", "*", OPF_POLICY_ALLOW, NULL},
    {"NotResource deny excludes its bucket", "[" ADMIN ",{\"Name\":\"OnlyVault\",\"Document\":{\"Statement\":"
     "[{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"NotResource\":[\"arn:aws:s3:::vault\",\"arn:aws:s3:::vault/*\"]}]}}]",
     NULL, NULL, NULL, "s3:GetObject", "arn:aws:s3:::vault/key", OPF_POLICY_ALLOW, NULL},
    {"NotResource deny hits other buckets", "[" ADMIN ",{\"Name\":\"OnlyVault\",\"Document\":{\"Statement\":"
     "[{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"NotResource\":[\"arn:aws:s3:::vault\",\"arn:aws:s3:::vault/*\"]}]}}]",
     NULL, NULL, NULL, "s3:GetObject", "arn:aws:s3:::other/key", OPF_POLICY_EXPLICIT_DENY, "OnlyVault"},
    {"resources are case-sensitive",
     "[{\"Name\":\"p\",\"Document\":{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
     "\"Resource\":\"arn:aws:s3:::Vault/*\"}]}}]", NULL, NULL, NULL, "s3:GetObject", "arn:aws:s3:::vault/k",
     OPF_POLICY_IMPLICIT_DENY, NULL},
    {"an allow on some resources only is not an allow on every resource",
     "[{\"Name\":\"Users\",\"Document\":{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:*\","
     "\"Resource\":\"arn:aws:iam::*:user/*\"}]}}]", NULL, NULL, NULL, "iam:CreateUser", "*",
     OPF_POLICY_IMPLICIT_DENY, "no identity policy"},
    {"a deny on some resources makes every resource uncertain", "[" ADMIN ",{\"Name\":\"Prot\",\"Document\":"
     "{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"iam:*\",\"Resource\":\"arn:aws:iam::*:role/Break*\"}]}}]",
     NULL, NULL, NULL, "iam:UpdateAssumeRolePolicy", "*", OPF_POLICY_MAYBE, "Prot"},
    /* SCPs: every level from the root to the account must allow */
    {"SCPs that allow at every level", "[" ADMIN "]", NULL, "[" FULL_SCP "," FULL_SCP "," FULL_SCP "]", NULL,
     "ec2:RunInstances", "*", OPF_POLICY_ALLOW, NULL},
    {"an OU whose SCP allows only S3 stops EC2", "[" ADMIN "]", NULL,
     "[" FULL_SCP ",[{\"Name\":\"S3Only\",\"Document\":{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
     "\"Resource\":\"*\"}}}]," FULL_SCP "]", NULL, "ec2:RunInstances", "*", OPF_POLICY_IMPLICIT_DENY,
     "service control policy at level 2"},
    {"an account level with no SCP allows nothing", "[" ADMIN "]", NULL, "[" FULL_SCP "," FULL_SCP ",[]]", NULL,
     "s3:GetObject", "*", OPF_POLICY_IMPLICIT_DENY, "level 3"},
    {"an SCP deny beats an administrator", "[" ADMIN "]", NULL,
     "[" FULL_SCP ",[{\"Name\":\"DenyLeave\",\"Document\":{\"Statement\":{\"Effect\":\"Deny\",\"Action\":"
     "\"organizations:LeaveOrganization\",\"Resource\":\"*\"}}}]]", NULL, "organizations:LeaveOrganization", "*",
     OPF_POLICY_EXPLICIT_DENY, "DenyLeave"},
    /* conditions */
    {"an allow under an undecidable condition is maybe",
     "[{\"Name\":\"MFA\",\"Document\":{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\","
     "\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"198.51.100.0/24\"}}}]}}]", NULL, NULL, NULL, "iam:CreateUser",
     "*", OPF_POLICY_MAYBE, "condition"},
    {"a deny under an unknown key is maybe", "[" ADMIN ",{\"Name\":\"NoMFA\",\"Document\":{\"Statement\":"
     "[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"BoolIfExists\":"
     "{\"aws:MultiFactorAuthPresent\":\"false\"}}}]}}]", NULL, NULL, NULL, "iam:CreateUser", "*", OPF_POLICY_MAYBE,
     "NoMFA"},
    {"the usual force-MFA deny, decided for a session with MFA", "[" ADMIN ",{\"Name\":\"ForceMFA\",\"Document\":"
     "{\"Statement\":[{\"Effect\":\"Deny\",\"NotAction\":\"iam:ListMFADevices\",\"Resource\":\"*\",\"Condition\":"
     "{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}]}}]", NULL, NULL,
     "{\"aws:MultiFactorAuthPresent\":\"true\"}", "iam:CreateUser", "*", OPF_POLICY_ALLOW, NULL},
    {"the force-MFA deny written with a JSON boolean", "[" ADMIN ",{\"Name\":\"ForceMFA\",\"Document\":"
     "{\"Statement\":[{\"Effect\":\"Deny\",\"NotAction\":\"iam:ListMFADevices\",\"Resource\":\"*\",\"Condition\":"
     "{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":false}}}]}}]", NULL, NULL,
     "{\"aws:MultiFactorAuthPresent\":\"true\"}", "iam:CreateUser", "*", OPF_POLICY_ALLOW, NULL},
    {"IfExists: a key known to be absent passes", "[" ADMIN ",{\"Name\":\"NoTag\",\"Document\":{\"Statement\":"
     "[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringNotEqualsIfExists\":"
     "{\"aws:PrincipalTag/team\":\"ops\"}}}]}}]", NULL, NULL, "{\"aws:PrincipalTag/team\":null}", "iam:CreateUser", "*",
     OPF_POLICY_EXPLICIT_DENY, "NoTag"},
    {"IfExists on a key the context does not know is maybe", "[" ADMIN ",{\"Name\":\"NoTag\",\"Document\":"
     "{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":"
     "{\"StringNotEqualsIfExists\":{\"aws:PrincipalTag/team\":\"ops\"}}}]}}]", NULL, NULL, "{}", "iam:CreateUser",
     "*", OPF_POLICY_MAYBE, "NoTag"},
    {"a condition decided from the context",
     "[{\"Name\":\"MFA\",\"Document\":{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\","
     "\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}}]}}]", NULL, NULL,
     "{\"aws:MultiFactorAuthPresent\":\"true\"}", "iam:CreateUser", "*", OPF_POLICY_ALLOW, NULL},
    {"ArnLike on aws:PrincipalArn decided from the context", "[" ADMIN ",{\"Name\":\"SSOOnly\",\"Document\":"
     "{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"ArnNotLike\":"
     "{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*\"}}}]}}]", NULL, NULL,
     "{\"aws:PrincipalArn\":\"arn:aws:iam::111122223333:user/breakglass\"}", "iam:CreateUser", "*",
     OPF_POLICY_EXPLICIT_DENY, "SSOOnly"},
    /* documents it cannot read */
    {"an unreadable policy is maybe", "[" ADMIN ",{\"Name\":\"Custom\",\"Document\":null}]", NULL, NULL, NULL,
     "iam:CreateUser", "*", OPF_POLICY_MAYBE, "Custom could not be read"},
    {"an explicit deny is certain even beside an unreadable policy",
     "[{\"Name\":\"Custom\",\"Document\":\"not json\"},{\"Name\":\"DenyAll\",\"Document\":\"{\\\"Statement\\\":"
     "{\\\"Effect\\\":\\\"Deny\\\",\\\"Action\\\":\\\"*\\\",\\\"Resource\\\":\\\"*\\\"}}\"}]", NULL, NULL, NULL,
     "iam:CreateUser", "*", OPF_POLICY_EXPLICIT_DENY, "DenyAll"},
    {"a statement with a bad Effect is unreadable", "[" ADMIN ",{\"Name\":\"Odd\",\"Document\":{\"Statement\":"
     "[{\"Effect\":\"deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}}]", NULL, NULL, NULL, "iam:CreateUser", "*",
     OPF_POLICY_MAYBE, "Odd"},
    {"a null statement is unreadable", "[" ADMIN ",{\"Name\":\"Odd\",\"Document\":{\"Statement\":[null]}}]", NULL,
     NULL, NULL, "iam:CreateUser", "*", OPF_POLICY_MAYBE, "Odd"},
};

static json_t *s_json(const char *text)
{
    if (!text)
        return NULL;
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
    if (!v)
        fail_msg("bad test JSON (%s): %s", e.text, text);
    return v;
}

static void every_row_decides_as_documented(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(ROWS) / sizeof(ROWS[0]); i++) {
        const struct row *r = &ROWS[i];
        json_t *identity = s_json(r->identity), *boundary = s_json(r->boundary), *scps = s_json(r->scps);
        json_t *context = s_json(r->context);
        struct opf_policy_layers layers = {identity, boundary, scps};
        struct opf_policy_request req = {r->action, r->resource, context};
        struct opf_policy_result res;
        enum opf_policy_decision d = opf_policy_evaluate(&layers, &req, &res);
        if (d != r->want || res.decision != d || (r->why && !strstr(res.why, r->why)))
            fail_msg("%s: got %s (%s), want %s with \"%s\"", r->name, opf_policy_decision_name(d), res.why,
                     opf_policy_decision_name(r->want), r->why ? r->why : "");
        json_decref(identity);
        json_decref(boundary);
        json_decref(scps);
        json_decref(context);
    }
}

/* The result names what decided: the layer, the SCP level, the policy and the statement. */
static void the_result_names_what_decided(void **state)
{
    (void)state;
    json_t *identity = s_json("[" ADMIN "]");
    json_t *scps = s_json("[" FULL_SCP ",[{\"Name\":\"Guardrails\",\"Document\":{\"Statement\":[{\"Sid\":\"NoLeave\","
                          "\"Effect\":\"Deny\",\"Action\":\"organizations:LeaveOrganization\",\"Resource\":\"*\"}]}}],"
                          "[]]");
    struct opf_policy_layers layers = {identity, NULL, scps};
    struct opf_policy_result r;
    opf_policy_evaluate(&layers, &(struct opf_policy_request){"organizations:LeaveOrganization", "*", NULL}, &r);
    assert_int_equal(r.reason, OPF_POLICY_BY_DENY);
    assert_int_equal(r.scp_level, 1);
    assert_int_equal(r.layer, 2);
    assert_string_equal(r.policy, "Guardrails");
    assert_string_equal(r.sid, "NoLeave");
    opf_policy_evaluate(&layers, &(struct opf_policy_request){"s3:GetObject", "*", NULL}, &r);
    assert_int_equal(r.reason, OPF_POLICY_BY_NO_ALLOW);
    assert_int_equal(r.scp_level, 1); /* Guardrails denies, and allows nothing: its level is the first without an Allow */
    assert_string_equal(r.policy, "");
    json_decref(identity);
    json_decref(scps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(every_row_decides_as_documented),
                                       cmocka_unit_test(the_result_names_what_decided)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
