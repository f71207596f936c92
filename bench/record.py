#!/usr/bin/env python3
"""Records the answers the replay server serves: one run of `orgpreflight collect` against moto.

A small organization is built in moto (the management account and one member per *profile*: an account in a
nested OU with an IAM user in a group, an account in an OU with an SCP, an account at the root with no users).
orgpreflight collects it through a recording proxy; every request and moto's answer is kept, with the
account ids replaced by placeholders so that the replay server can answer for any synthesised account.
Operations moto does not implement get the answers in bench/unrecorded.json (shaped on botocore's models).

New calls made by a collector are picked up by re-running this script:
    python3 bench/record.py [--cli build/orgpreflight] [-o bench/recorded/answers.json]
"""
import argparse
import collections
import http.server
import json
import os
import re
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
import opftest  # noqa: E402  (moto and dnsmasq on loopback, shared with the integration tests)
import plan  # noqa: E402
import wire  # noqa: E402

ROLE = "OrganizationAccountAccessRole"
DENY_LEAVE = {"Version": "2012-10-17", "Statement": [
    {"Sid": "DenyLeavingOrganization", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
DOMAIN = "corp.test"


def build_org(moto):
    """The recorded organization; returns {profile: account id} (profile "management" included)."""
    org = moto.client("organizations")
    o = org.create_organization(FeatureSet="ALL")["Organization"]
    root = org.list_roots()["Roots"][0]["Id"]
    workloads = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    prod = org.create_organizational_unit(ParentId=workloads, Name="Prod")["OrganizationalUnit"]["Id"]
    sandbox = org.create_organizational_unit(ParentId=root, Name="Sandbox")["OrganizationalUnit"]["Id"]
    profiles = {"management": o["MasterAccountId"]}
    for name in ("prod", "sandbox", "plain"):
        st = org.create_account(Email="placeholder-%s@%s" % (name, DOMAIN), AccountName="member-" + name)
        profiles[name] = st["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=profiles["prod"], SourceParentId=root, DestinationParentId=prod)
    org.move_account(AccountId=profiles["sandbox"], SourceParentId=root, DestinationParentId=sandbox)
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    p = org.create_policy(Content=json.dumps(DENY_LEAVE), Description="guardrails", Name="DenyLeave",
                          Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=p, TargetId=sandbox)
    moto.client("account").put_alternate_contact(
        AccountId=profiles["prod"], AlternateContactType="SECURITY", EmailAddress="sec@" + DOMAIN, Name="Security",
        PhoneNumber="+15555550100", Title="SecOps")
    # one IAM user with a password, MFA, an inline policy and a group with an attached and an inline policy
    c = moto.client("sts").assume_role(RoleArn="arn:aws:iam::%s:role/%s" % (profiles["prod"], ROLE),
                                       RoleSessionName="setup")["Credentials"]
    iam = moto.client("iam", access_key=c["AccessKeyId"], secret_key=c["SecretAccessKey"],
                      session_token=c["SessionToken"])
    iam.create_user(UserName="break-glass-prod")
    iam.create_login_profile(UserName="break-glass-prod", Password="Correct-Horse-9")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="break-glass-prod")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="break-glass-prod", SerialNumber=serial, AuthenticationCode1="123456",
                          AuthenticationCode2="654321")
    iam.put_user_policy(UserName="break-glass-prod", PolicyName="admin", PolicyDocument=json.dumps(ADMIN))
    iam.create_group(GroupName="admins")
    iam.add_user_to_group(GroupName="admins", UserName="break-glass-prod")
    arn = iam.create_policy(PolicyName="ReadEverything", PolicyDocument=json.dumps(ADMIN))["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="admins", PolicyArn=arn)
    iam.put_group_policy(GroupName="admins", PolicyName="extra", PolicyDocument=json.dumps(ADMIN))
    return profiles


class Recorder:
    """A proxy in front of moto that keeps every exchange."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.exchanges = []
        self.keys = {}  # access key id -> account id, from AssumeRole answers
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                self.do_POST()

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, headers, data = rec.forward(self.command, self.path, self.headers, body)
                rec.keep(self.path, self.headers, body, status, headers, data)
                self.send_response(status)
                for k, v in headers.items():
                    if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.server = Server(("127.0.0.1", opftest.free_port()), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def forward(self, method, path, headers, body):
        req = urllib.request.Request(self.upstream + path, data=body if method == "POST" else None, method=method)
        for k, v in headers.items():
            if k.lower() not in ("content-length", "connection"):
                req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def keep(self, path, headers, body, status, rheaders, data):
        req = wire.parse_request(path, {k.lower(): v for k, v in headers.items()}, body)
        if req.operation == "sts:AssumeRole" and status == 200:
            key = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", data).group(1).decode()
            self.keys[key] = req.params["RoleArn"].split(":")[4]
        self.exchanges.append({"request": req, "status": status, "content_type": rheaders.get("Content-Type", ""),
                               "error_type": rheaders.get("x-amzn-ErrorType", ""), "body": data.decode()})

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def implemented(ex):
    """moto answers operations it lacks with HTML 404/500 pages or a 'not implemented' message; an AWS-shaped error
    (IAM's NoSuchEntity for a role that does not exist) is an answer."""
    if "not yet implemented" in ex["body"].lower():
        return False
    aws_error = "<Code>" in ex["body"] or '"__type"' in ex["body"] or ex["error_type"]
    return ex["status"] not in (404, 500, 501) or bool(aws_error)


def templatise(exchanges, profiles, keys, management, organization):
    """One answer per (operation, profile, input): ids become placeholders, later answers win
    (GenerateCredentialReport answers STARTED, then COMPLETE on the call that follows)."""
    by_account = {v: k for k, v in profiles.items()}
    answers = {}
    unrecorded = json.load(open(os.path.join(HERE, "unrecorded.json")))
    missing = set()
    for ex in exchanges:
        req = ex["request"]
        caller = keys.get(req.access_key, management)
        subject = wire.subject_account(req.params, caller)
        profile = by_account.get(subject, "management")
        if not implemented(ex):
            if req.operation not in unrecorded:
                missing.add("%s (%d %s)" % (req.operation, ex["status"], ex["body"][:120]))
                continue
            answer = dict(unrecorded[req.operation])
            answer["body"] = answer["body"].replace("{{ORGANIZATION}}", organization)
        else:
            answer = {"status": ex["status"], "content_type": ex["content_type"], "error_type": ex["error_type"],
                      "body": ex["body"]}
        body = answer["body"]
        if req.operation == "sts:AssumeRole" and ex["status"] == 200:
            body = re.sub(r"<AccessKeyId>[^<]+</AccessKeyId>", "<AccessKeyId>{{ACCESS_KEY}}</AccessKeyId>", body)
            body = re.sub(r"<Expiration>[^<]+</Expiration>", "<Expiration>{{EXPIRATION}}</Expiration>", body)
        if subject != management:
            body = body.replace(subject, "{{ACCOUNT}}")
        answer["body"] = body
        key = wire.answer_key(req.operation, profile, req.params, subject, management)
        answers[key] = answer
    if missing:
        sys.exit("moto lacks these operations and bench/unrecorded.json has no answer for them: " +
                 ", ".join(sorted(missing)))
    return answers


# The regions AWS enables by default (the others are opt-in): what a default audit scans in each account.
DEFAULT_REGIONS = ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-south-1", "ap-northeast-1",
                   "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ca-central-1",
                   "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "sa-east-1")


def default_regions(body):
    """moto's DescribeRegions answer, cut to the 17 regions enabled by default."""
    items = re.findall(r"<item>.*?</item>", body, re.S)
    keep = [i for i in items if re.search(r"<regionName>(.*?)</regionName>", i).group(1) in DEFAULT_REGIONS]
    head, tail = body.split("<regionInfo>", 1)[0], body.rsplit("</regionInfo>", 1)[1]
    return head + "<regionInfo>" + "".join(keep) + "</regionInfo>" + tail


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", default=os.path.join(HERE, "..", "build", "orgpreflight"))
    ap.add_argument("--default-audit", action="store_true",
                    help="record every check's evidence (the default audit) into recorded/answers-default.json")
    ap.add_argument("-o", "--output")
    args = ap.parse_args()
    args.output = args.output or os.path.join(HERE, "recorded", "answers-default.json" if args.default_audit
                                              else "answers.json")
    checks = [] if args.default_audit else ["--checks", ",".join(plan.BENCH_CHECKS)]
    moto = opftest.Moto()
    dns = opftest.Dnsmasq(mx=[(DOMAIN, "mx1." + DOMAIN, 10)], a=[("mx1." + DOMAIN, "127.0.0.10")])
    rec = Recorder(moto.url)
    try:
        profiles = build_org(moto)
        management = profiles["management"]
        # every account's address is aws-<id>@corp.test, so replacing the id replaces the address too
        org = moto.client("organizations")
        accounts = org.list_accounts()["Accounts"]
        emails = {a["Id"]: a["Email"] for a in accounts}
        tmp = tempfile.mkdtemp(prefix="opf-record-")
        config = os.path.join(tmp, "config.json")
        with open(config, "w") as f:
            json.dump({"dns": {"servers": [dns.server], "timeout_ms": 2000}, "access": {"concurrency": 1}}, f)
        env = moto.env()
        env["AWS_ENDPOINT_URL"] = rec.url
        env["OPF_RETRY_BASE_MS"] = "1"
        r = subprocess.run([args.cli, "collect", "--config", config, "--quiet"] + checks + ["-o", os.path.join(tmp, "b.json")],
                           env=env, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            sys.exit("collect failed: " + r.stderr)
        addresses = {e: "aws-%s@%s" % (a, DOMAIN) for a, e in emails.items()}
        for ex in rec.exchanges:
            ex["body"] = wire.replace_all(ex["body"], addresses)
        answers = templatise(rec.exchanges, profiles, rec.keys, management, org.describe_organization()["Organization"]["Id"])
        for key, answer in answers.items():
            if key.startswith("ec2:DescribeRegions|"):
                answer["body"] = default_regions(answer["body"])
        listed = next(ex for ex in rec.exchanges if ex["request"].operation == "organizations:ListAccounts")
        accounts = json.loads(listed["body"])["Accounts"]
        doc = {"generated_by": "bench/record.py", "moto": __import__("moto").__version__,
               "management_account": management, "profiles": profiles, "email_domain": DOMAIN,
               "accounts": {p: next(a for a in accounts if a["Id"] == i) for p, i in profiles.items()},
               "answers": dict(sorted(answers.items())),
               # what the recording sent (3 members), to check plan.py's tables against
               "requests": dict(sorted(collections.Counter(ex["request"].operation for ex in rec.exchanges).items()))}
        os.makedirs(os.path.dirname(args.output), exist_ok=True)
        with open(args.output, "w") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
            f.write("\n")
        print("%d exchanges, %d answers -> %s" % (len(rec.exchanges), len(answers), args.output))
    finally:
        rec.stop()
        dns.stop()
        moto.stop()


if __name__ == "__main__":
    main()
