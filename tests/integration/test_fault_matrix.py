"""A live audit of a 51-account organization in moto (signature checking and IAM enforcement on) through a
fault-injecting proxy: heavy throttling, transient server and network faults, credentials expiring mid-run.

Every faulty run is compared with a clean run through the same proxy: throttling and expired credentials must
change no verdict at all (ThrottlingAndExpiry); transient faults may turn a row unknown only when a call exhausted
its attempts, and then the row names the operation and the error (TransientFaults). No row is ever missing.

Then hostile answers and signals against a small organization (HostileAnswers): endless pagination, an error
in an HTTP 200, a body that never ends, a credential_process that hangs, a signal during every kind of wait.
Each run must end within a bound of time and memory and say what happened.

Each class sets up its own organization and is a ctest test of its own (the line below; tests/CMakeLists.txt),
so that the classes run in parallel, each well within its timeout.
"""
# ctest: one test per class
import collections
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest
import uuid

import opftest
from faultproxy import FaultProxy
from opftest import run_cli
from orgbuilder import MANAGEMENT_POLICY, ROLE, Org

MEMBERS = 50
READ_TIMEOUT_MS = 1500          # aws.read_timeout_ms: a hung request costs this much per attempt
HANG_S = 4.0                    # the proxy holds a hung request this long, well past the client's timeout
ZONES = dict(mx=[("corp.test", "mx1.corp.test", 10), ("nullmx.test", ".", 0)],
             a=[("onlya.test", "127.0.0.9"), ("mx1.corp.test", "127.0.0.10")])
OPERATION = re.compile(r"\b(organizations|iam|sts|account|sso-admin|s3|kms|sns|sqs|ram|ec2|cloudformation|controltower|probe):[A-Za-z]+")
# what an exhausted transient fault looks like in a row's message (code or transport error)
TRANSIENT = re.compile(r"ServiceUnavailable|InternalFailure|ServiceException|InternalServerException|"
                       r"RequestTimeout|ConnectionError|HTTP5\d\d|MalformedResponse")


def named_operation(row):
    """The operation an unknown row names: in its message, else the source of its evidence."""
    m = OPERATION.search(row["message"])
    return m.group(0) if m else " ".join(e["source"] for e in row["evidence"])


def rows_by_key(report):
    return {(r["check"], r["subject_id"]): r for r in report["results"]}


class LargeOrganization:
    """The 51-account organization behind the fault proxy and its clean run (the baseline), once per class."""

    @classmethod
    def setUpClass(cls):
        cls.moto = opftest.Moto()
        cls.dns = opftest.Dnsmasq(**ZONES)
        cls.org = Org(cls.moto, members=MEMBERS)
        # The operator is a role in the management account assumed from environment keys, so that its
        # session, like the member sessions, holds temporary credentials that can expire and be refreshed.
        mgmt = cls.org.org["MasterAccountId"]
        iam = cls.moto.client("iam")
        # moto checks this trust policy but does not expand an account-root principal: name the user
        iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"AWS": "arn:aws:iam::%s:user/auditor" % mgmt}}]}))
        iam.put_role_policy(RoleName=ROLE, PolicyName="orgpreflight-read", PolicyDocument=json.dumps(MANAGEMENT_POLICY))
        # moto keeps a generated credential report: generate them now so every run makes the same calls
        for account in cls.org.accounts:
            if account != cls.org.norole:
                cls.org.member_iam(account).generate_credential_report()
        cls.moto.enforce_auth()
        cls.proxy = FaultProxy(cls.moto.url, hang=HANG_S)
        cls.tmp = tempfile.mkdtemp(prefix="opf-faults-")
        config = {"dns": {"servers": [cls.dns.server], "timeout_ms": 2000}, "access": {"concurrency": 16},
                  "break_glass": {"user_pattern": "break-glass-*"},
                  # one region: the regional resource scans would multiply every fault by moto's 20 regions
                  "regions": ["us-east-1"]}
        # the short read timeout only where hangs are injected: elsewhere a busy moto answering late would
        # turn into timeouts the comparison with the clean run would count as changes
        cls.config, cls.config_hangs = os.path.join(cls.tmp, "config.json"), os.path.join(cls.tmp, "hangs.json")
        for path, timeout in ((cls.config, 20000), (cls.config_hangs, READ_TIMEOUT_MS)):
            with open(path, "w") as f:
                json.dump(dict(config, aws={"read_timeout_ms": timeout}), f)
        cls.env = cls.moto.env(access_key=cls.org.access_key, secret_key=cls.org.secret_key)
        with open(cls.env["AWS_CONFIG_FILE"], "w") as f:
            f.write("[profile audit]\nrole_arn = arn:aws:iam::%s:role/%s\ncredential_source = Environment\n" % (mgmt, ROLE))
        cls.env.update({"AWS_PROFILE": "audit", "AWS_ENDPOINT_URL": cls.proxy.url, "OPF_RETRY_BASE_MS": "5"})
        cls.checks = json.loads(run_cli(["checks", "--format", "json"]).stdout)["checks"]
        cls.baseline, cls.baseline_run, cls.baseline_elapsed = cls.audit("baseline")
        cls.baseline_calls = dict(cls.proxy.calls)

    @classmethod
    def tearDownClass(cls):
        cls.proxy.stop()
        cls.dns.stop()
        cls.moto.stop()

    @classmethod
    def audit(cls, name, config=None, **env):
        out = os.path.join(cls.tmp, name + ".json")
        started = time.monotonic()
        run = run_cli(["audit", "--config", config or cls.config, "--quiet", "--format", "json", "-o", out],
                      env=dict(cls.env, **env), timeout=420)  # the throttled run, slowed by the adaptive rate, under ASan
        elapsed = time.monotonic() - started
        report = opftest.load_json(out) if os.path.exists(out) else None
        stats = report["stats"] if report else {}
        print("\n%-9s %5.1fs exit %d  requests %s, retries %s, throttled %s, credential refreshes %s; proxy %d requests, "
              "injected %s" % (name, elapsed, run.returncode, stats.get("api_calls"), stats.get("retries"),
                               stats.get("throttled"), stats.get("credential_refreshes"), cls.proxy.requests,
                               dict(cls.proxy.injected) or "nothing"))
        return report, run, elapsed

    def setUp(self):
        self.proxy.clear()

    def assert_every_row_present(self, report, run):
        self.assertNotIn(run.returncode, (0, 3), run.stderr[-2000:])  # the organization is not ready; it did run
        self.assertNotRegex(run.stderr, "Sanitizer|Segmentation|Aborted")
        ids = {a["id"] for a in report["accounts"]}
        self.assertEqual(len(ids), MEMBERS + 1)
        expected = {(c["id"], a) for c in self.checks if c["subject"] == "account" for a in ids}
        got = [(r["check"], r["subject_id"]) for r in report["results"] if r["subject_type"] == "account"]
        self.assertEqual(len(got), len(expected))   # no duplicate
        self.assertEqual(set(got), expected)        # none missing
        # no --target-profile here: the target organization is no subject, so its checks have no row
        others = {c["id"] for c in self.checks if c["subject"] not in ("account", "target-organization")}
        self.assertEqual({r["check"] for r in report["results"] if r["subject_type"] != "account"}, others)
        self.assertEqual(len(report["results"]), len(self.baseline["results"]))

    def changed_rows(self, report):
        """Rows whose verdict differs from the clean run's. A row unknown in both runs must name the same
        operation (its last error may differ: a call that always fails may be throttled on its last attempt);
        the operator session's message carries its credentials' expiry time."""
        base = rows_by_key(self.baseline)
        changed = []
        for key, row in rows_by_key(report).items():
            b = base[key]
            if row["status"] != b["status"]:
                changed.append(row)
            elif row["status"] == "unknown":
                if named_operation(row) != named_operation(b):
                    changed.append(row)
            elif row["message"] != b["message"] and row["check"] != "operator-session-not-sso":
                changed.append(row)
        return changed


class ThrottlingAndExpiry(LargeOrganization, unittest.TestCase):
    """Throttling and credentials expiring mid-run change no verdict at all."""

    def test_baseline_is_a_complete_audit(self):
        self.assert_every_row_present(self.baseline, self.baseline_run)
        self.assertEqual(self.baseline["stats"]["api_calls"], sum(self.baseline_calls.values()))
        self.assertEqual(self.baseline["stats"]["throttled"], 0)
        # every unknown of the clean run (operations moto lacks, the account without a role, fields moto
        # leaves out) names the operation that failed or the evidence that was incomplete
        for row in self.baseline["results"]:
            if row["status"] == "unknown":
                self.assertRegex(named_operation(row), OPERATION, row)

    def test_30_percent_throttling_on_every_service_changes_no_verdict(self):
        self.proxy.add_random("*", {"throttle": 0.30}, seed=30)
        # the default 3 attempts: throttling is retried until the call's time budget, not the attempts, ends it
        report, run, elapsed = self.audit("throttle")
        self.assert_every_row_present(report, run)
        injected = self.proxy.injected["throttle"]
        for service in ("organizations", "iam", "sts", "account", "sso"):
            self.assertTrue(any(op.startswith(service + ":") for op, kind in self.proxy.by_operation), service)
        stats = report["stats"]
        print("throttled %d of %d requests (%.1f %%); report: %d retries; rows changed: %d"
              % (injected, self.proxy.requests, 100.0 * injected / self.proxy.requests, stats["retries"],
                 len(self.changed_rows(report))))
        self.assertGreater(injected, 0.25 * self.proxy.requests)
        self.assertLess(injected, 0.35 * self.proxy.requests)
        self.maxDiff = None
        self.assertEqual([(r["check"], r["subject_id"], r["message"]) for r in self.changed_rows(report)], [])
        # the report counts exactly what the proxy did: every request, every throttle, each retried
        self.assertEqual(stats["api_calls"], self.proxy.requests)
        self.assertEqual(stats["throttled"], injected)
        self.assertGreaterEqual(stats["retries"], injected)  # plus the retries of calls moto always fails
        self.assertEqual(report["summary"], self.baseline["summary"])

    def test_expired_credentials_mid_run_are_refreshed(self):
        total = sum(self.baseline_calls.values())
        self.proxy.expire_tokens(after=[total // 4, total // 2, 3 * total // 4])
        report, run, elapsed = self.audit("expired")
        self.assert_every_row_present(report, run)
        expired = self.proxy.injected["expired"]
        print("expired-token answers %d; credential refreshes %d; AssumeRole calls %d (clean run %d)"
              % (expired, report["stats"]["credential_refreshes"], self.proxy.calls["sts:AssumeRole"],
                 self.baseline_calls["sts:AssumeRole"]))
        self.assertGreater(expired, 3)
        # an expired answer refreshes its session (a new AssumeRole) and the call is sent again; a call refreshes
        # once, so one that meets a second expiry point before it ends counts one refresh for two answers
        refreshes = report["stats"]["credential_refreshes"]
        self.assertGreaterEqual(refreshes, 3)  # one expiry point at least each
        self.assertLessEqual(refreshes, expired)
        self.assertEqual(self.proxy.calls["sts:AssumeRole"],
                         self.baseline_calls["sts:AssumeRole"] + refreshes + self.proxy.by_operation[("sts:AssumeRole", "expired")])
        self.assertEqual(self.changed_rows(report), [])


class TransientFaults(LargeOrganization, unittest.TestCase):
    """Server and network faults cost evidence only where a call exhausted its attempts, and say so."""

    def test_throttling_mixed_with_transient_faults_costs_no_evidence(self):
        # AWS on a bad day: 20 % throttling, 5 % 503, 2 % resets, 1 % answers cut short, on every service
        self.proxy.add_random("*", {"throttle": 0.20, "error503": 0.05, "reset": 0.02, "truncate": 0.01}, seed=20)
        # Throttling needs no attempts (the call's budget bounds it); the other faults still end a call after its
        # attempts. 8 % of ~1,800 requests fail that way: with 3 attempts about one call in 2,000 exhausts them
        # (0.08^3), one or two per run, and a member's AssumeRole that does costs that account's rows; with 5,
        # one run in a hundred.
        report, run, elapsed = self.audit("mixed", AWS_MAX_ATTEMPTS="5")
        self.assert_every_row_present(report, run)
        injected = self.proxy.injected
        for kind in ("throttle", "error503", "reset", "truncate"):
            self.assertGreater(injected[kind], 0, kind)
        print("faults injected %s of %d requests; rows changed: %d"
              % (dict(injected), self.proxy.requests, len(self.changed_rows(report))))
        self.maxDiff = None
        self.assertEqual([(r["check"], r["subject_id"], r["message"]) for r in self.changed_rows(report)], [])
        self.assertEqual(report["summary"], self.baseline["summary"])

    def test_transient_faults_end_as_named_unknowns_in_bounded_time(self):
        # one call certain to exhaust its three attempts: the targets of the Sandbox OU's SCP, read once for the
        # whole organization, so every account's SCP evidence carries the error
        self.proxy.add("organizations:ListTargetsForPolicy", "error503", first=3, where=self.org.deny_leave)
        self.proxy.add_random("*", {"error500": 0.025, "error503": 0.025, "reset": 0.02, "hang": 0.01,
                                    "truncate": 0.01, "malformed": 0.01}, seed=5)
        report, run, elapsed = self.audit("transient", config=self.config_hangs)
        self.assert_every_row_present(report, run)
        injected = self.proxy.injected
        for kind in ("error500", "error503", "reset", "hang", "truncate", "malformed"):
            self.assertGreater(injected[kind], 0, kind)
        # bounded: the clean run, plus every hung attempt's timeout spread over the workers, plus slack
        bound = self.baseline_elapsed + injected["hang"] * READ_TIMEOUT_MS / 1000.0 + 30
        self.assertLess(elapsed, bound)
        changed = self.changed_rows(report)
        print("faults injected %d of %d requests; %d rows unknown because a call exhausted its attempts"
              % (sum(injected.values()), self.proxy.requests, len(changed)))
        for row in changed:
            self.assertEqual(row["status"], "unknown", row)
            self.assertRegex(row["message"], OPERATION, row)
            self.assertRegex(row["message"], TRANSIENT, row)
        scp = rows_by_key(report)[("scp-denies-leave", self.org.sandbox)]
        self.assertEqual(scp["status"], "unknown")
        self.assertIn("organizations:ListTargetsForPolicy", scp["message"])
        self.assertIn("ServiceUnavailable", scp["message"])
        # libcurl itself sends a request again, once, when a reused connection turns out reset
        self.assertLessEqual(report["stats"]["api_calls"], self.proxy.requests)
        self.assertLessEqual(self.proxy.requests, report["stats"]["api_calls"] + injected["reset"])
        # every fault was retried, except the last attempt of the calls that exhausted theirs
        self.assertGreaterEqual(report["stats"]["retries"], sum(injected.values()) - injected["reset"] - len(changed))


Run = collections.namedtuple("Run", "returncode stdout stderr elapsed after_signal rss_mb")
WRAPPED = bool(os.environ.get("OPF_CLI_WRAPPER"))  # valgrind: far slower, and its own memory


def _sanitized():
    try:
        with open(os.path.join(os.environ.get("OPF_BINARY_DIR", ""), "CMakeCache.txt")) as f:
            return "OPF_SANITIZE:BOOL=ON" in f.read()
    except OSError:
        return False


SANITIZED = _sanitized()  # AddressSanitizer: slower, and its shadow memory counts
SLOW = 10 if WRAPPED else 3 if SANITIZED else 1
MEMORY = 4 if SANITIZED else 1
ACCESS_DENIED_XML = ('<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
                     '<Code>AccessDenied</Code><Message>User is not authorized to perform: iam:ListUsers</Message>'
                     '</Error><RequestId>4a8b9c0d-0000-4000-8000-000000000000</RequestId></ErrorResponse>')


def run_bounded(args, env, signal_after=None, sig=signal.SIGTERM, limit=90):
    """Runs the CLI; with signal_after, sends sig that many seconds in. Returns its exit code, output, time
    taken, time from the signal to its exit and peak memory (MB). A run past `limit` is killed, and fails."""
    started = time.monotonic()
    p = subprocess.Popen(opftest.command(args), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    signalled = None
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        now = time.monotonic()
        if signal_after is not None and signalled is None and now - started >= signal_after:
            p.send_signal(sig)
            signalled = now
        if now - started > limit * SLOW:
            p.kill()
            pid, status, usage = os.wait4(p.pid, 0)
            break
        time.sleep(0.02)
    p.returncode = os.waitstatus_to_exitcode(status)
    out, err = p.stdout.read(), p.stderr.read()
    p.stdout.close()
    p.stderr.close()
    ended = time.monotonic()
    opftest.check_wrapper(p.returncode, err)
    return Run(p.returncode, out, err, ended - started, ended - signalled if signalled else None,
               usage.ru_maxrss / 1024.0)


class HostileAnswers(unittest.TestCase):
    CHECKS = "account-state,scp-denies-leave,break-glass-user"

    @classmethod
    def setUpClass(cls):
        cls.moto = opftest.Moto()
        cls.org = Org(cls.moto, members=5)
        cls.proxy = FaultProxy(cls.moto.url, hang=60.0)
        cls.tmp = tempfile.mkdtemp(prefix="opf-hostile-")
        base = {"regions": ["us-east-1"], "access": {"concurrency": 2}}
        # short limits, so that every bounded run is short; and patient ones, so that only a signal ends a run
        short = {"call_budget_seconds": 4, "read_timeout_ms": 3000, "max_answer_bytes": 1 << 20, "max_pages": 40,
                 "credential_process_timeout_seconds": 2}
        patient = {"call_budget_seconds": 600, "read_timeout_ms": 120000, "max_pages": 1000000,
                   "credential_process_timeout_seconds": 600}
        cls.config, cls.patient = os.path.join(cls.tmp, "short.json"), os.path.join(cls.tmp, "patient.json")
        for path, aws in ((cls.config, short), (cls.patient, patient)):
            with open(path, "w") as f:
                json.dump(dict(base, aws=aws), f)
        cls.env = cls.moto.env(access_key=cls.org.access_key, secret_key=cls.org.secret_key)
        cls.env.update({"AWS_ENDPOINT_URL": cls.proxy.url, "OPF_RETRY_BASE_MS": "20"})

    @classmethod
    def tearDownClass(cls):
        cls.proxy.stop()
        cls.moto.stop()

    def setUp(self):
        self.proxy.clear()
        self.proxy.answers = {}

    def audit(self, config=None, env=None, **kw):
        out = os.path.join(tempfile.mkdtemp(dir=self.tmp), "report.json")
        r = run_bounded(["audit", "--config", config or self.config, "--quiet", "--checks", self.CHECKS, "--format",
                         "json", "-o", out], env=env or self.env, **kw)
        return r, (opftest.load_json(out) if os.path.exists(out) else None)

    def assert_bounded(self, r, seconds, mb=120):
        print("\n  %.1f s%s, %.0f MB, exit %d: %s" % (r.elapsed, " (%.1f s after the signal)" % r.after_signal
                                                     if r.after_signal is not None else "", r.rss_mb, r.returncode,
                                                     r.stderr.strip()[-300:]))
        self.assertLess(r.after_signal if r.after_signal is not None else r.elapsed, seconds * SLOW)
        if not WRAPPED:
            self.assertLess(r.rss_mb, mb * MEMORY)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)  # one line says what happened

    @staticmethod
    def paging(token, delay=0.0):
        """An answer for ListAccounts: moto's first page (moto refuses tokens it did not give), with token()."""
        first = {}

        def answer(request, status, headers, body):
            time.sleep(delay)
            if status == 200:
                first.setdefault("page", (headers, json.loads(body)))
            headers, doc = first["page"]
            return 200, headers, json.dumps(dict(doc, NextToken=token())).encode()
        return answer

    def test_endless_pagination_is_an_error(self):
        self.proxy.answer("organizations:ListAccounts", self.paging(lambda: "the-same-token"))
        r, _ = self.audit()
        self.assert_bounded(r, 20)
        self.assertEqual(r.returncode, 3)
        self.assertIn("organizations:ListAccounts: EndlessPagination", r.stderr)
        self.assertLessEqual(self.proxy.calls["organizations:ListAccounts"], 2)

        self.proxy.answer("organizations:ListAccounts", self.paging(lambda: str(uuid.uuid4())))
        r, _ = self.audit()
        self.assert_bounded(r, 20)
        self.assertEqual(r.returncode, 3)
        self.assertIn("past 40 pages (aws.max_pages)", r.stderr)

    def test_an_error_in_an_http_200_is_that_error(self):
        denied = b'{"__type":"AccessDeniedException","Message":"You don\'t have permissions to access this resource."}'
        self.proxy.answer("organizations:ListAccounts", lambda q, s, h, b: (200, h, denied))
        r, report = self.audit()
        self.assert_bounded(r, 20)
        self.assertEqual(r.returncode, 3)  # never an audit of 0 accounts
        self.assertIn("AccessDeniedException", r.stderr)
        self.assertIsNone(report)
        # an answer without the operation's required member is no answer either
        self.proxy.answer("organizations:ListAccounts", lambda q, s, h, b: (200, h, b'{"NextToken":null}'))
        r, _ = self.audit()
        self.assert_bounded(r, 20)
        self.assertEqual(r.returncode, 3)
        self.assertIn("MalformedResponse", r.stderr)
        self.assertIn("Accounts is missing", r.stderr)
        # a member account's Query answer: HTTP 200 carrying <ErrorResponse>
        self.proxy.answers = {}
        self.proxy.answer("iam:ListUsers", lambda q, s, h, b: (200, {"Content-Type": "text/xml"}, ACCESS_DENIED_XML.encode()))
        bundle = os.path.join(tempfile.mkdtemp(dir=self.tmp), "b.json")
        r = run_bounded(["collect", "--config", self.config, "--quiet", "--checks", self.CHECKS, "-o", bundle], env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        users = [a["evidence"]["iam.users"] for a in opftest.load_json(bundle)["accounts"] if a["id"] != self.org.norole]
        self.assertEqual(len(users), 5)
        for item in users:
            self.assertEqual(item["error"]["code"], "AccessDenied", item)

    def test_an_evidence_item_ends_within_its_budget(self):
        """Twenty keys, each read slowly but within the call's budget, make a kms.key_policies item of 12 s: the
        item's budget (2 s) ends it, the item carries that error, and the rest of the collection goes on."""
        keys = [{"KeyId": "k%d" % i, "KeyArn": "arn:aws:kms:us-east-1:111111111111:key/k%d" % i} for i in range(20)]
        json_headers = {"Content-Type": "application/x-amz-json-1.1"}

        def policy(q, s, h, b):
            time.sleep(0.6)
            return 200, json_headers, json.dumps({"PolicyName": "default", "Policy": '{"Statement":[]}'}).encode()
        self.proxy.answer("kms:ListKeys", lambda q, s, h, b: (200, json_headers, json.dumps({"Keys": keys}).encode()))
        self.proxy.answer("kms:GetKeyPolicy", policy)
        config = os.path.join(tempfile.mkdtemp(dir=self.tmp), "item.json")
        with open(config, "w") as f:
            json.dump({"regions": ["us-east-1"], "access": {"concurrency": 6},
                       "aws": {"call_budget_seconds": 4, "item_budget_seconds": 2}}, f)
        bundle = os.path.join(tempfile.mkdtemp(dir=self.tmp), "b.json")
        r = run_bounded(["collect", "--config", config, "--quiet", "--checks", "org-id-references", "-o", bundle],
                        env=self.env)
        print("\n  %.1f s, exit %d" % (r.elapsed, r.returncode))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(r.elapsed, 9 * SLOW)  # an account's item alone would take 12 s
        accounts = [a for a in opftest.load_json(bundle)["accounts"] if a["id"] != self.org.norole]
        self.assertEqual(len(accounts), 5)
        for evidence in (a["evidence"] for a in accounts):
            self.assertIn("data", evidence["iam.roles"])
            item = evidence["kms.key_policies"]
            self.assertNotIn("data", item)
            self.assertEqual(item["error"]["code"], "ItemBudgetExceeded", item)
            self.assertIn("kms.key_policies", item["error"]["message"])
        report = os.path.join(tempfile.mkdtemp(dir=self.tmp), "report.json")
        r = run_bounded(["audit", "--evidence", bundle, "--config", config, "--quiet", "--checks", "org-id-references",
                         "--format", "json", "-o", report], env=self.env)
        rows = {row["subject_id"]: row["status"] for row in opftest.load_json(report)["results"]
                if row["check"] == "org-id-references"}
        self.assertEqual({rows[a["id"]] for a in accounts}, {"unknown"}, rows)

    def test_a_body_that_never_ends_is_abandoned(self):
        self.proxy.add("organizations:DescribeOrganization", "endless", first=10)
        r, _ = self.audit()
        self.assert_bounded(r, 20)
        self.assertEqual(r.returncode, 3)
        self.assertIn("ResponseTooLarge", r.stderr)
        self.assertIn("1048576 bytes (aws.max_answer_bytes)", r.stderr)
        self.assertEqual(self.proxy.calls["organizations:DescribeOrganization"], 3)  # a failed attempt each

    def credential_process_env(self, runs):
        home = tempfile.mkdtemp(dir=self.tmp)
        env = self.moto.env(home=home)
        del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
        with open(env["AWS_CONFIG_FILE"], "w") as f:
            f.write("[profile proc]\ncredential_process = sh -c 'echo $$ >> %s; exec sleep 300'\n" % runs)
        env.update({"AWS_PROFILE": "proc", "AWS_ENDPOINT_URL": self.proxy.url})
        return env

    def assert_killed(self, runs):
        with open(runs) as f:
            pids = [int(line) for line in f]
        self.assertEqual(len(pids), 1, "credential_process ran %d times" % len(pids))  # never again after a stop
        time.sleep(0.2)
        try:
            with open("/proc/%d/cmdline" % pids[0]) as f:
                self.assertNotIn("sleep", f.read(), "credential_process still runs")
        except FileNotFoundError:
            pass  # gone

    def test_a_hanging_credential_process_is_killed(self):
        runs = os.path.join(tempfile.mkdtemp(dir=self.tmp), "runs")
        r, _ = self.audit(env=self.credential_process_env(runs))
        self.assert_bounded(r, 2 + 8)
        self.assertEqual(r.returncode, 3)
        self.assertIn("credential_process timed out", r.stderr)
        self.assert_killed(runs)
        # a signal while it runs: killed at once, and not run a second time
        runs = os.path.join(tempfile.mkdtemp(dir=self.tmp), "runs")
        r, _ = self.audit(config=self.patient, env=self.credential_process_env(runs), signal_after=1.5)
        self.assert_bounded(r, 3)
        self.assertEqual(r.returncode, 3)
        self.assert_killed(runs)

    def test_a_signal_ends_every_kind_of_wait(self):
        cases = [
            # backoff between the attempts of a failing call (a long base, many attempts)
            ("backoff", lambda: self.proxy.add("organizations:DescribeOrganization", "error503", first=10 ** 6),
             {"AWS_MAX_ATTEMPTS": "100", "OPF_RETRY_BASE_MS": "5000"}),
            # throttling: backoff and the adaptive rate's pacing, bounded only by a long budget
            ("throttling", lambda: self.proxy.add("organizations:ListAccounts", "throttle", first=10 ** 6),
             {"OPF_RETRY_BASE_MS": "1000"}),
            # a listing that goes on, page after page
            ("pagination", lambda: self.proxy.answer("organizations:ListAccounts",
                                                      self.paging(lambda: str(uuid.uuid4()), delay=0.05)), {}),
            # a request whose answer does not come (the HTTP loop)
            ("http", lambda: self.proxy.add("organizations:DescribeOrganization", "hang", first=10), {}),
        ]
        for (name, arrange, env), sig in zip(cases, (signal.SIGTERM, signal.SIGINT) * 2):
            with self.subTest(wait=name, signal=sig.name):
                self.setUp()
                arrange()
                r, _ = self.audit(config=self.patient, env=dict(self.env, **env), signal_after=1.5, sig=sig)
                self.assert_bounded(r, 2.5)
                self.assertEqual(r.returncode, 3)
                self.assertIn("Interrupted", r.stderr)

    def test_a_signal_during_member_collection_keeps_what_was_collected(self):
        self.proxy.add("iam:ListUsers", "hang", first=100)
        bundle = os.path.join(tempfile.mkdtemp(dir=self.tmp), "b.json")
        r = run_bounded(["collect", "--config", self.patient, "--quiet", "--checks", self.CHECKS, "-o", bundle],
                        env=self.env, signal_after=4.0)
        self.assertLess(r.after_signal, 2.5 * SLOW, r.stderr)
        self.assertEqual(r.returncode, 3, r.stderr)
        doc = opftest.load_json(bundle)
        self.assertFalse(doc["complete"])
        self.assertEqual(len(doc["accounts"]), 6)
        items = [i for a in doc["accounts"] for i in a["evidence"].values()]
        self.assertTrue(any(i.get("error", {}).get("code") == "Interrupted" for i in items))
        # the report counts those failed items, and auditing it can never say ready
        a = run_cli(["audit", "--evidence", bundle, "--config", self.patient])
        self.assertIn(a.returncode, (1, 2), a.stderr)

    def test_invalid_attempts_and_concurrency_are_refused(self):
        for value in ("0", "-1", "abc", "4294967297", "1000000"):
            r = run_cli(["audit", "--config", self.config, "--quiet"], env=dict(self.env, AWS_MAX_ATTEMPTS=value))
            self.assertEqual(r.returncode, 3, value)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn("AWS_MAX_ATTEMPTS", r.stderr)
        for value in (0, 4294967297):
            path = os.path.join(self.tmp, "c%d.json" % value)
            with open(path, "w") as f:
                json.dump({"access": {"concurrency": value}}, f)
            r = run_cli(["audit", "--config", path, "--quiet"], env=self.env)
            self.assertEqual(r.returncode, 3, value)
            self.assertIn("$.access.concurrency: %d is out of range" % value, r.stderr)
        for value in ("0", "-3", "x", "4294967297"):
            self.assertEqual(run_cli(["audit", "--config", self.config, "--concurrency", value]).returncode, 64, value)

    def test_discovery_failures_say_what_failed(self):
        for kind, says in (("throttle", "TooManyRequestsException"), ("truncate", "ConnectionError"),
                           ("error503", "ServiceUnavailable")):
            with self.subTest(kind=kind):
                self.setUp()
                self.proxy.add("organizations:ListAccounts", kind, first=10 ** 6)
                r, _ = self.audit()
                self.assert_bounded(r, 20)
                self.assertEqual(r.returncode, 3)
                self.assertIn("organizations:ListAccounts", r.stderr)
                self.assertIn(says, r.stderr)
                self.assertNotIn("not the management account", r.stderr)

    def test_hostile_account_entries_degrade_that_account(self):
        def hostile(request, status, headers, body):
            doc = json.loads(body)
            accounts = doc["Accounts"]
            evil = next(a for a in accounts if a["Id"] == self.org.sandbox)
            evil["Name"] = "sand\u0000box"
            accounts += [dict(accounts[0], Id="12345"), dict(accounts[1])]  # a short id, an account listed twice
            return status, headers, json.dumps(doc).encode()
        self.proxy.answer("organizations:ListAccounts", hostile)
        bundle = os.path.join(tempfile.mkdtemp(dir=self.tmp), "b.json")
        r = run_bounded(["collect", "--config", self.config, "--quiet", "--checks", self.CHECKS, "-o", bundle], env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = opftest.load_json(bundle)
        self.assertEqual(sorted(a["id"] for a in doc["accounts"]), sorted(self.org.accounts + [self.org.org["MasterAccountId"]]))
        self.assertFalse(doc["complete"])  # two listed entries could not be audited
        self.assertIn("12345 (not a 12-digit id)", doc["organization"]["evidence"]["organizations.accounts_rejected"]["error"]["message"])
        sandbox = next(a for a in doc["accounts"] if a["id"] == self.org.sandbox)
        self.assertEqual(sandbox["evidence"]["organizations.account"]["error"]["code"], "MalformedResponse")
        report = os.path.join(os.path.dirname(bundle), "r.json")
        a = run_cli(["audit", "--evidence", bundle, "--config", self.config, "--checks", self.CHECKS, "--format", "json",
                     "-o", report])
        self.assertIn(a.returncode, (1, 2), a.stderr)  # the bundle loads; its verdict cannot be ready
        rows = [x for x in opftest.load_json(report)["results"] if x["subject_id"] == self.org.sandbox and x["check"] == "account-state"]
        self.assertEqual(rows[0]["status"], "unknown")

    def test_errors_count_the_failed_evidence_items(self):
        bundle = os.path.join(tempfile.mkdtemp(dir=self.tmp), "b.json")
        self.assertEqual(run_bounded(["collect", "--config", self.config, "--quiet", "--checks", self.CHECKS, "-o", bundle],
                                     env=self.env).returncode, 0)
        doc = opftest.load_json(bundle)
        evidence = [doc["organization"]["evidence"], doc["operator_session"]["evidence"]] + [a["evidence"] for a in doc["accounts"]]
        failed = sum(1 for ev in evidence for item in ev.values() if "error" in item)
        self.assertGreater(failed, 0)  # the account without the audit role at least
        r, report = self.audit()
        self.assertEqual(report["stats"]["errors"], failed)


if __name__ == "__main__":
    unittest.main()
