"""A live audit of a 51-account organization in moto (signature checking and IAM enforcement on) through a
fault-injecting proxy: heavy throttling, transient server and network faults, credentials expiring mid-run.

Every faulty run is compared with a clean run through the same proxy: throttling and expired credentials must
change no verdict at all; transient faults may turn a row unknown only when a call exhausted its attempts,
and then the row names the operation and the error. No row is ever missing.
"""
import json
import os
import re
import tempfile
import time
import unittest

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


class FaultMatrix(unittest.TestCase):
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
        # 12 attempts: a call fails only after 12 throttles in a row, 0.3^12 = 5e-7 per call
        report, run, elapsed = self.audit("throttle", AWS_MAX_ATTEMPTS="12")
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


if __name__ == "__main__":
    unittest.main()
