"""Shared harness for integration tests: real peers started and stopped on a free loopback port.

Every peer binds 127.0.0.1 only. Where CI=true a missing peer is an error, never a skip.
"""
import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

SOURCE_DIR = os.environ.get("OPF_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
CLI = os.environ.get("OPF_CLI", os.path.join(SOURCE_DIR, "build", "orgpreflight"))
IN_CI = os.environ.get("CI", "").lower() == "true"
# A command every run of the CLI (and of the test drivers) goes through, e.g. scripts/test.sh's memcheck
# step: "valgrind --error-exitcode=99 ...". Its error exit code fails the test whatever the test expected.
CLI_WRAPPER = shlex.split(os.environ.get("OPF_CLI_WRAPPER", ""))
WRAPPER_ERROR_EXIT = 99

# Credentials used for every moto test; the secret and token are searched for in all output by the
# secret-hygiene tests, so they are distinctive on purpose.
TEST_ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
TEST_SECRET_KEY = "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"


def free_port():
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require(condition, why):
    """Skips a test when a peer is unavailable, except in CI where that is a failure."""
    if condition:
        return
    if IN_CI:
        raise AssertionError("required test peer unavailable in CI: " + why)
    raise unittest.SkipTest(why)


def wait_for_port(port, timeout=15.0, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("peer exited early with code %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nothing listens on 127.0.0.1:%d after %.0fs" % (port, timeout))


class Moto:
    """moto's server on a free loopback port.

    Seed state with `client(service)` (boto3, signature checking still off), then call `enforce_auth()`:
    from then on moto verifies every SigV4 signature and enforces IAM policies.
    """

    def __init__(self, extra_env=None):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        env = dict(os.environ)
        env.update({"MOTO_PORT": str(self.port)})
        env.update(extra_env or {})
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        wait_for_port(self.port, proc=self.proc)

    def post(self, path, data=b"", content_type="text/plain"):
        req = urllib.request.Request(self.url + path, data=data, method="POST",
                                     headers={"Content-Type": content_type})
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.read()

    def create_user_keys(self, name="auditor", policy=None):
        """Creates an IAM user (in the management account) with an inline policy, default: allow all.

        With enforce_auth() on, only keys moto issued are accepted: use the returned pair.
        """
        iam = self.client("iam")
        iam.create_user(UserName=name)
        policy = policy or {"Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        iam.put_user_policy(UserName=name, PolicyName=name + "-policy", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def enforce_auth(self):
        """Turns on signature checking and IAM policy enforcement for every later request.

        From then on requests must be signed with keys moto issued (create_user_keys)."""
        self.post("/moto-api/reset-auth", b"0")

    def relax_auth(self):
        self.post("/moto-api/reset-auth", b"inf")

    def reset(self):
        self.post("/moto-api/reset")

    def client(self, service, region="us-east-1", access_key=TEST_ACCESS_KEY, secret_key=TEST_SECRET_KEY,
               session_token=None):
        import boto3
        return boto3.client(service, region_name=region, endpoint_url=self.url,
                            aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                            aws_session_token=session_token)

    def env(self, access_key=TEST_ACCESS_KEY, secret_key=TEST_SECRET_KEY, session_token=None, home=None):
        """An environment for running the CLI against this moto, isolated from the caller's AWS files."""
        home = home or tempfile.mkdtemp(prefix="opf-home-")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({
            "HOME": home,
            "AWS_CONFIG_FILE": os.path.join(home, "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
            "AWS_ACCESS_KEY_ID": access_key,
            "AWS_SECRET_ACCESS_KEY": secret_key,
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": self.url,
            "AWS_EC2_METADATA_DISABLED": "true",
            "NO_COLOR": "1",
        })
        if session_token:
            env["AWS_SESSION_TOKEN"] = session_token
        return env

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def command(args, program=None):
    """The argv that runs `program` (default: the built CLI) with `args`, under OPF_CLI_WRAPPER if set."""
    return CLI_WRAPPER + [program or CLI] + list(args)


def check_wrapper(returncode, stderr):
    """Fails when the wrapper (valgrind) reported errors in a run: they are failures of the test."""
    if CLI_WRAPPER and returncode == WRAPPER_ERROR_EXIT:
        raise AssertionError("%s reported errors:\n%s" % (CLI_WRAPPER[0], stderr[-6000:]))


def run(args, program=None, env=None, timeout=300, input=None):
    """Runs `program` (default: the built CLI); returns CompletedProcess with text stdout/stderr."""
    r = subprocess.run(command(args, program), env=env, capture_output=True, text=True, timeout=timeout,
                       input=input)
    check_wrapper(r.returncode, r.stderr)
    return r


def run_cli(args, env=None, timeout=300, input=None):
    """Runs the built CLI; returns CompletedProcess with text stdout/stderr."""
    return run(args, env=env, timeout=timeout, input=input)


def load_json(path):
    with open(path) as f:
        return json.load(f)


# An account name built to break every report format: markup, a script, quotes, table and label
# syntax, backslashes, a line break.
HOSTILE_NAME = "<script>alert(1)</script>&\"' | `x` \\ *y* [z](q) {a=\"b\"}\nline2"
# terminal control sequences: colour, a window-title OSC, a carriage return and line feed, a C1 CSI
TERMINAL_NAME = "\x1b[31mred\x1b]0;owned\x07\r\nfake row\u009b2J"
TERMINAL_NAME_SHOWN = "\\x1b[31mred\\x1b]0;owned\\x07\\x0d\\x0afake row\\u009b2J"
EXAMPLE_ACCOUNT_EXPIRED_WAIVER = "852963741085"  # examples/waivers.json: expired, its fail stays
EXAMPLE_ACCOUNT_WAIVED = "963741852096"          # examples/waivers.json: applied


def render_example(tmp, *formats, hostile=False, now="2026-11-25T09:00:00Z"):
    """Audits the bundled example (one waiver applied, one expired) once, writing report.json and
    report.FORMAT for each format into tmp; with hostile=True the two waivered accounts are renamed
    HOSTILE_NAME and HOSTILE_NAME + " 2" (or the name hostile gives). Returns (report document, {format: path})."""
    bundle = os.path.join(SOURCE_DIR, "examples", "evidence.json")
    if hostile:
        doc = load_json(bundle)
        for a in doc["accounts"]:
            name = hostile if isinstance(hostile, str) else HOSTILE_NAME
            if a["id"] == EXAMPLE_ACCOUNT_EXPIRED_WAIVER:
                a["name"] = name
            elif a["id"] == EXAMPLE_ACCOUNT_WAIVED:
                a["name"] = name + " 2"
        bundle = os.path.join(tmp, "hostile-evidence.json")
        with open(bundle, "w") as f:
            json.dump(doc, f)
    paths = {fmt: os.path.join(tmp, "report." + fmt) for fmt in formats}
    args = ["audit", "--evidence", bundle, "--config", os.path.join(SOURCE_DIR, "examples", "config.json"),
            "--now", now, "--format", "json", "-o", os.path.join(tmp, "report.json")]
    for fmt in formats:
        args += ["--format", fmt, "-o", paths[fmt]]
    r = run_cli(args)
    if r.returncode not in (0, 1, 2) or r.stderr:
        raise AssertionError("audit failed (%d): %s" % (r.returncode, r.stderr))
    return load_json(os.path.join(tmp, "report.json")), paths


def which(name, extra_dirs=("/usr/sbin", "/sbin")):
    found = shutil.which(name)
    if found:
        return found
    for d in extra_dirs:
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    return None


class Dnsmasq:
    """A real DNS server (Debian's dnsmasq) on a free loopback port, authoritative for test zones.

    records: {"mx": [(domain, exchange, preference)], "a": [(name, address)]}; names under `local_domain`
    that are not listed answer NXDOMAIN. Nothing is forwarded anywhere.
    """

    def __init__(self, mx=(), a=(), local_domains=("test",)):
        exe = which("dnsmasq")
        require(exe is not None, "dnsmasq is not installed (Debian package dnsmasq-base)")
        self.port = free_port()
        args = [exe, "--no-daemon", "--keep-in-foreground", "--port=%d" % self.port, "--listen-address=127.0.0.1",
                "--bind-interfaces", "--no-resolv", "--no-hosts", "--no-poll", "--conf-file=/dev/null",
                "--pid-file=", "--user=root", "--group=root", "--log-facility=-"]
        for d in local_domains:
            args.append("--local=/%s/" % d)
        for domain, exchange, pref in mx:
            args.append("--mx-host=%s,%s,%d" % (domain, exchange, pref))
        for name, addr in a:
            args.append("--host-record=%s,%s" % (name, addr))
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 10
        while time.time() < deadline:  # dnsmasq answers on UDP: wait until it is bound
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError("dnsmasq exited: " + self.log.read().decode(errors="replace"))
            if self._bound():
                break
            time.sleep(0.05)
        self.server = "127.0.0.1:%d" % self.port

    def _bound(self):
        try:
            out = subprocess.run(["ss", "-lunH"], capture_output=True, text=True).stdout
        except FileNotFoundError:
            time.sleep(0.3)
            return True
        return (":%d " % self.port) in out

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=5)
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
