#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/TARGET/ from the project's real test data.

  bundle             examples/evidence.json and tests/data/evidence/org.json cut into one bundle per
                     account (small seeds reach every check quickly)
  config             examples/config.json and the configurations the integration tests write
  inputs             examples/attestations.json and examples/waivers.json
  aws_profiles       the AWS config/credentials files of the integration tests (config NUL credentials)
  credential_report  tests/data/evidence/credential-reports/*.csv and the example bundle's reports
  sigv4              AWS's signing test suite requests (tests/data/sigv4)
  response           answers recorded from moto for operations of the allow-list ("service:Operation\\n" + body)
  aws_error          error answers recorded from moto ("STATUS x-amzn-ErrorType\\n" + body)

Run from anywhere: python3 fuzz/make_corpus.py (moto is started on loopback for the recordings).
"""
import base64
import glob
import hashlib
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
SIGV4 = os.path.join(SOURCE, "tests", "data", "sigv4")
CORPUS = os.path.join(HERE, "corpus")
sys.path.insert(0, os.path.join(SOURCE, "tests", "integration"))


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def compact(doc):
    return json.dumps(doc, separators=(",", ":"))


def bundles():
    for label, path in (("example", os.path.join(SOURCE, "examples", "evidence.json")),
                        ("org", os.path.join(SOURCE, "tests", "data", "evidence", "org.json"))):
        with open(path) as f:
            b = json.load(f)
        for a in b["accounts"]:  # whole bundles (40-100 kB) would slow every mutation down tenfold
            one = dict(b, accounts=[a])
            write("bundle", "%s-%s.json" % (label, a["name"]), compact(one))


def configs():
    shutil.copy(os.path.join(SOURCE, "examples", "config.json"), os.path.join(CORPUS, "config", "example.json"))
    write("config", "live-audit.json", compact({"dns": {"servers": ["127.0.0.1:5353"], "timeout_ms": 2000},
                                                "break_glass": {"user_pattern": "break-glass-*"}}))
    write("config", "direct.json", compact({"migration": {"path": "direct", "target_organization_id": "o-target"},
                                            "gate": {"fail_on": "medium"}, "root_email": {"smtp_probe": True}}))


def inputs():
    for name in ("attestations.json", "waivers.json"):
        shutil.copy(os.path.join(SOURCE, "examples", name), os.path.join(CORPUS, "inputs", name))


def profiles():
    # the files test_aws_client.py writes, with its placeholders filled in
    config = ("[profile base]\nregion = us-east-1\n"
              "[profile member]\nrole_arn = arn:aws:iam::123456789012:role/OrganizationAccountAccessRole\n"
              "source_profile = base\n"
              "[profile hop]\nrole_arn = arn:aws:iam::123456789012:role/OrganizationAccountAccessRole\n"
              "source_profile = member\n"
              "[profile proc]\ncredential_process = /tmp/creds.sh\n"
              "[profile loop-a]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = loop-b\n"
              "[profile loop-b]\nrole_arn = arn:aws:iam::1:role/y\nsource_profile = loop-a\n")
    creds = "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n"
    write("aws_profiles", "chain", config + "\0" + creds)
    write("aws_profiles", "sso", "[sso-session corp]\nsso_start_url = https://kuzeylabs.awsapps.com/start\n"
          "sso_region = us-east-1\n[profile admin]\nsso_session = corp\nsso_account_id = 123456789012\n"
          "sso_role_name = AdministratorAccess\n")
    write("aws_profiles", "env-source", "[default]\nregion = eu-west-1\nmax_attempts = 5\n"
          "[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/ci\ncredential_source = Environment\n"
          "external_id = x-1\nduration_seconds = 3600\nservices = local\n"
          "[services local]\norganizations =\n  endpoint_url = http://127.0.0.1:5000\n")
    write("aws_profiles", "broken", "[profile base]\nregion us-east-1\n")
    # botocore's syntax: quoted and spaced names, key: value, [DEFAULT], continuation lines, a nested block
    write("aws_profiles", "syntax", "[DEFAULT]\nregion = eu-north-1\n[profile \"dev\"] # comment\n"
          "AWS_ACCESS_KEY_ID: AKIDEXAMPLE\naws_secret_access_key = s\n  continued\n[profile   ops]\n"
          "role_arn = arn:aws:iam::1:role/ops\nsource_profile = dev\ns3 =\n  addressing_style = path\n"
          "[ profile spaced ]\nregion = x\n\0[dev]\naws_session_token = t\n")


def credential_reports():
    for path in glob.glob(os.path.join(SOURCE, "tests", "data", "evidence", "credential-reports", "*.csv")):
        shutil.copy(path, os.path.join(CORPUS, "credential_report", os.path.basename(path)))
    with open(os.path.join(SOURCE, "examples", "evidence.json")) as f:
        b = json.load(f)
    for a in b["accounts"]:
        item = a.get("evidence", {}).get("iam.credential_report", {})
        content = item.get("data", {}).get("Content")
        if content:
            write("credential_report", "example-%s.csv" % a["name"], base64.b64decode(content))


def sigv4():
    for path in sorted(glob.glob(os.path.join(SIGV4, "v4", "*", "request.txt"))):
        shutil.copy(path, os.path.join(CORPUS, "sigv4", os.path.basename(os.path.dirname(path))))
    for path in sorted(glob.glob(os.path.join(SIGV4, "aws4_testsuite", "*", "*.req"))):
        shutil.copy(path, os.path.join(CORPUS, "sigv4", "botocore-" + os.path.basename(path)[:-4]))


class Recorder:
    """Keeps the raw answer of every call a botocore client makes."""

    def __init__(self):
        self.seen = set()

    def attach(self, client):
        client.meta.events.register("before-parse", self.record)
        return client

    def record(self, operation_model, response_dict, **_):
        svc = operation_model.service_model.service_name
        body = response_dict["body"] or b""
        status = response_dict["status_code"]
        if status < 300:
            name, target, data = "%s-%s" % (svc, operation_model.name), "response", \
                ("%s:%s\n" % (svc, operation_model.name)).encode() + body
        else:
            etype = response_dict["headers"].get("x-amzn-ErrorType", "")
            name, target, data = "%s-%s-%d" % (svc, operation_model.name, status), "aws_error", \
                ("%d %s\n" % (status, etype)).rstrip(" \n").encode() + b"\n" + body
        digest = hashlib.sha1(data).hexdigest()[:8]
        if (name, digest) not in self.seen:
            self.seen.add((name, digest))
            write(target, "%s-%s" % (name, digest), data)


def moto_answers():
    import botocore.exceptions
    import opftest
    from orgbuilder import Org
    rec = Recorder()
    with opftest.Moto() as moto:
        org = Org(moto, members=8)
        orgs = rec.attach(moto.client("organizations"))
        iam = rec.attach(moto.client("iam"))
        sts = rec.attach(moto.client("sts"))
        member_iam = rec.attach(org.member_iam(org.breakglass))
        account = rec.attach(moto.client("account"))
        sso = rec.attach(moto.client("sso-admin"))
        root = orgs.list_roots()["Roots"][0]["Id"]
        calls = [
            lambda: sts.get_caller_identity(),
            lambda: sts.assume_role(RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % org.prod,
                                    RoleSessionName="orgpreflight"),
            lambda: orgs.describe_organization(),
            lambda: orgs.list_accounts(),
            lambda: orgs.describe_account(AccountId=org.prod),
            lambda: orgs.describe_account(AccountId="000000000000"),
            lambda: orgs.list_parents(ChildId=org.prod),
            lambda: orgs.list_organizational_units_for_parent(ParentId=root),
            lambda: orgs.describe_organizational_unit(OrganizationalUnitId=org.ou["Prod"]),
            lambda: orgs.list_delegated_administrators(),
            lambda: orgs.list_delegated_services_for_account(AccountId=org.security),
            lambda: orgs.list_aws_service_access_for_organization(),
            lambda: orgs.list_policies_for_target(TargetId=org.ou["Sandbox"], Filter="SERVICE_CONTROL_POLICY"),
            lambda: orgs.describe_policy(PolicyId="p-FullAWSAccess"),
            lambda: orgs.describe_policy(PolicyId="p-nosuchpolicy"),
            lambda: member_iam.generate_credential_report(),
            lambda: member_iam.get_credential_report(),
            lambda: member_iam.get_account_summary(),
            lambda: member_iam.list_users(),
            lambda: member_iam.get_login_profile(UserName="break-glass-admin"),
            lambda: member_iam.get_login_profile(UserName="ci-deployer"),
            lambda: member_iam.list_mfa_devices(UserName="break-glass-admin"),
            lambda: member_iam.list_attached_user_policies(UserName="break-glass-admin"),
            lambda: member_iam.list_user_policies(UserName="break-glass-admin"),
            lambda: member_iam.get_user_policy(UserName="break-glass-admin", PolicyName="admin"),
            lambda: member_iam.list_groups_for_user(UserName="break-glass-admin"),
            lambda: member_iam.list_roles(),
            lambda: member_iam.get_role(RoleName="OrganizationAccountAccessRole"),
            lambda: member_iam.get_role(RoleName="missing"),
            lambda: member_iam.list_account_aliases(),
            lambda: iam.list_users(),
            lambda: account.get_alternate_contact(AccountId=org.prod, AlternateContactType="SECURITY"),
            lambda: account.get_alternate_contact(AccountId=org.sandbox, AlternateContactType="BILLING"),
            lambda: sso.list_instances(),
            # not implemented by moto: the HTML or empty answers an endpoint without the operation gives
            lambda: account.get_contact_information(AccountId=org.prod),
            lambda: orgs.list_handshakes_for_organization(),
        ]
        for call in calls:
            try:
                call()
            except botocore.exceptions.ClientError:
                pass  # recorded all the same: error answers are seeds too


def protocol_errors():
    """The answers tests/unit/test_aws_protocol.c parses: auth-layer XML, rest-JSON with the type header."""
    write("aws_error", "organizations-constraint", '400\n{"__type":"com.amazonaws.organizations#'
          'ConstraintViolationException","Message":"cannot leave","Reason":"WAIT_PERIOD_ACTIVE"}')
    write("aws_error", "account-not-found", "404 ResourceNotFoundException:http://internal.amazon.com/\n"
          '{"message":"No contact of the inputted alternate contact type found."}')
    write("aws_error", "iam-throttling", "400\n<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
          "<Message>Rate exceeded</Message></Error><RequestId>abc</RequestId></ErrorResponse>")
    write("aws_error", "auth-signature", '403\n<?xml version="1.0" encoding="utf-8"?><ErrorResponse><Errors>'
          "<Error><Code>SignatureDoesNotMatch</Code><Message>bad</Message><Type>Sender</Type></Error></Errors>"
          "</ErrorResponse>")
    write("aws_error", "html", "404\n<!DOCTYPE html><html><body>Not Found</body></html>")


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    for t in ("bundle", "config", "inputs", "aws_profiles", "credential_report", "sigv4", "response", "aws_error"):
        os.makedirs(os.path.join(CORPUS, t))
    bundles()
    configs()
    inputs()
    profiles()
    credential_reports()
    sigv4()
    protocol_errors()
    moto_answers()
    for t in sorted(os.listdir(CORPUS)):
        print("%-18s %3d seeds" % (t, len(os.listdir(os.path.join(CORPUS, t)))))


if __name__ == "__main__":
    main()
