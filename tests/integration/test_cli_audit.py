"""The CLI end to end on the bundled example organization: exit codes, outputs, schema, errors, plugins."""
import copy
import shutil
import json
import os
import tempfile
import unittest

import jsonschema

import opftest
from opftest import SOURCE_DIR, run_cli

EXAMPLE = os.path.join(SOURCE_DIR, "examples", "evidence.json")
CONFIG = os.path.join(SOURCE_DIR, "examples", "config.json")
SCHEMA = os.path.join(SOURCE_DIR, "docs", "report.schema.json")
PLUGINS = os.path.join(os.environ.get("OPF_BINARY_DIR", os.path.join(SOURCE_DIR, "build")), "plugins")
NOW = "2026-11-25T09:00:00Z"


class CliAudit(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="opf-cli-")

    def write(self, name, doc):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc))
        return path

    def audit(self, *args, bundle=EXAMPLE):
        return run_cli(["audit", "--evidence", bundle, "--config", CONFIG, "--now", NOW] + list(args))

    def example_without_suspended(self, complete=True):
        b = opftest.load_json(EXAMPLE)
        b["accounts"] = [a for a in b["accounts"] if a["state"] == "ACTIVE"]
        b["complete"] = complete
        return self.write("bundle-%s.json" % ("complete" if complete else "partial"), b)

    def test_example_is_not_ready(self):
        r = self.audit()
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("Verdict: not-ready", r.stdout)
        self.assertNotIn("\033[", r.stdout)  # not a terminal: no colours
        self.assertEqual(r.stderr, "")

    def test_json_report_validates_against_schema_and_covers_every_account(self):
        out = os.path.join(self.tmp, "report.json")
        r = self.audit("--format", "json", "-o", out, "--format", "text")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("Verdict: not-ready", r.stdout)  # the second output went to stdout
        report = opftest.load_json(out)
        jsonschema.Draft202012Validator(opftest.load_json(SCHEMA),
                                        format_checker=jsonschema.FormatChecker()).validate(report)
        self.assertEqual(report["summary"]["verdict"], "not-ready")
        bundle = opftest.load_json(EXAMPLE)
        ids = {a["id"] for a in bundle["accounts"]}
        self.assertEqual({a["id"] for a in report["accounts"]}, ids)
        checks = json.loads(run_cli(["checks", "--format", "json"]).stdout)["checks"]
        account_checks = {c["id"] for c in checks if c["subject"] == "account"}
        for account in ids:  # every account has a row for every account check
            rows = {x["check"] for x in report["results"] if x["subject_id"] == account}
            self.assertEqual(rows, account_checks, account)
        self.assertEqual(sum(report["summary"]["counts"].values()), len(report["results"]))
        self.assertEqual(os.listdir(self.tmp), ["report.json"])  # no temporary files left

    def test_csv_has_the_json_rows(self):
        import csv
        out_json, out_csv = os.path.join(self.tmp, "r.json"), os.path.join(self.tmp, "r.csv")
        self.audit("--format", "json", "-o", out_json, "--format", "csv", "-o", out_csv)
        with open(out_csv, newline="") as f:
            raw = f.read()
        self.assertIn("\r\n", raw)
        rows = list(csv.DictReader(raw.splitlines(keepends=True)))
        results = opftest.load_json(out_json)["results"]
        self.assertEqual(len(rows), len(results))
        for got, want in zip(rows, results):
            for col in ("check", "subject_id", "status", "severity", "message", "remediation"):
                self.assertEqual(got[col], want[col])
            self.assertEqual(json.loads(got["evidence"]), want["evidence"])
            self.assertEqual(json.loads(got["waiver"]) if got["waiver"] else None, want["waiver"])

    def test_junit_parses_and_counts_match(self):
        import xml.etree.ElementTree as ET
        b = opftest.load_json(EXAMPLE)
        b["accounts"][1]["name"] = "backup <script>&\"'"  # hostile names stay well-formed
        out_json, out_xml = os.path.join(self.tmp, "r.json"), os.path.join(self.tmp, "r.xml")
        self.audit("--format", "json", "-o", out_json, "--format", "junit", "-o", out_xml, bundle=self.write("h.json", b))
        root = ET.parse(out_xml).getroot()
        report = opftest.load_json(out_json)
        counts = report["summary"]["counts"]
        self.assertEqual(root.tag, "testsuites")
        self.assertEqual(int(root.get("tests")), len(report["results"]))
        self.assertEqual(int(root.get("failures")), counts["fail"])
        self.assertEqual(int(root.get("errors")), counts["unknown"])
        self.assertEqual(sum(int(s.get("skipped")) for s in root.findall("testsuite")), counts["skipped"] + counts["waived"])
        cases = root.findall("./testsuite/testcase")
        self.assertEqual(len(cases), len(report["results"]))
        self.assertEqual(len(root.findall("./testsuite/testcase/failure")), counts["fail"])
        self.assertEqual(sum(int(s.get("tests")) for s in root.findall("testsuite")), len(cases))
        self.assertIn("backup <script>&\"'", [s.get("name").split(" ", 2)[-1] for s in root.findall("testsuite")])

    def test_suspended_account_skips_its_other_checks(self):
        out = os.path.join(self.tmp, "r.json")
        self.audit("--format", "json", "-o", out)
        rows = [x for x in opftest.load_json(out)["results"] if x["subject_name"] == "sandbox"]
        self.assertEqual([x["status"] for x in rows if x["check"] == "account-state"], ["fail"])
        self.assertTrue(all(x["status"] == "skipped" for x in rows if x["check"] != "account-state"))

    def test_hazard_checks_on_the_example(self):
        out = os.path.join(self.tmp, "r.json")
        self.audit("--format", "json", "-o", out)
        rows = {(x["subject_name"], x["check"]): x for x in opftest.load_json(out)["results"]}
        expect = {("data-platform", "org-id-references"): "fail", ("prod", "org-id-references"): "warn",
                  ("security", "org-id-references"): "unknown", ("backup", "org-id-references"): "pass",
                  ("data-platform", "stacksets-retain"): "warn", ("analytics", "stacksets-retain"): "pass",
                  ("payments-staging", "ram-org-shares"): "warn", ("analytics", "ram-org-shares"): "pass",
                  ("backup", "org-access-role-trust"): "warn", ("prod", "org-access-role-trust"): "skipped",
                  ("security", "control-tower-enrolled"): "fail", ("analytics", "control-tower-enrolled"): "fail",
                  ("backup", "control-tower-enrolled"): "pass", ("analytics", "root-mfa"): "fail",
                  ("data-platform", "root-mfa"): "pass", ("payments-staging", "alternate-contacts"): "warn",
                  ("backup", "alternate-contacts"): "pass", ("prod", "identity-center-assignments"): "warn",
                  ("payments-staging", "identity-center-assignments"): "pass",
                  ("target organization", "target-organization-ready"): "fail"}
        self.assertEqual({k: rows[k]["status"] for k in expect}, expect)
        self.assertIn("arn:aws:s3:::kuzey-data-lake (statement DenyOutsideOrganization",
                      rows[("data-platform", "org-id-references")]["message"])
        self.assertIn("need 11 slots", rows[("target organization", "target-organization-ready")]["message"])
        self.assertEqual(rows[("prod", "identity-center-assignments")]["severity"], "info")

    def test_waivers_applied_and_expired(self):
        out = os.path.join(self.tmp, "r.json")
        self.audit("--format", "json", "-o", out)
        report = opftest.load_json(out)
        waived = [x for x in report["results"] if x["status"] == "waived"]
        self.assertEqual([(x["check"], x["waiver"]["original_status"]) for x in waived],
                         [("root-email-reachable", "fail")])
        self.assertEqual([w["check"] for w in report["waivers_expired"]], ["break-glass-user"])
        expired_rows = [x for x in report["results"] if x["waiver"] and x["waiver"].get("expired")]
        self.assertEqual([x["status"] for x in expired_rows], ["fail"])

    def test_exit_codes_ready_undetermined_and_fail_on(self):
        ready = self.example_without_suspended()
        self.assertEqual(self.audit("--checks", "account-state", bundle=ready).returncode, 0)
        partial = self.example_without_suspended(complete=False)
        r = self.audit("--checks", "account-state", bundle=partial)
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn("incomplete", r.stdout)
        # sso-alias-conflict fails at medium: a gate at high ignores it, a gate at medium does not
        self.assertEqual(self.audit("--checks", "sso-alias-conflict", bundle=ready).returncode, 0)
        self.assertEqual(self.audit("--checks", "sso-alias-conflict", "--fail-on", "medium", bundle=ready).returncode, 1)

    def test_missing_evidence_is_unknown_never_pass(self):
        b = opftest.load_json(self.example_without_suspended())
        for a in b["accounts"]:  # neither the per-account list nor the organization-wide one
            a["evidence"].pop("organizations.delegated_services", None)
        b["organization"]["evidence"].pop("organizations.delegated_administrators", None)
        r = self.audit("--checks", "delegated-administrator", "--format", "json", bundle=self.write("b.json", b))
        self.assertEqual(r.returncode, 2)
        rows = [x for x in json.loads(r.stdout)["results"] if not x["subject_name"] == "prod"]
        self.assertTrue(rows and all(x["status"] == "unknown" for x in rows if x["check"] == "delegated-administrator"))

    def test_malformed_bundle_one_line_exit_3(self):
        bad = self.write("bad.json", '{"schema": "orgpreflight/evidence/v1", "accounts": [}')
        r = self.audit(bundle=bad)
        self.assertEqual(r.returncode, 3)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn(bad + ": line 1 column", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_temporary_files_go_to_tmpdir(self):
        # collect spills its evidence to a temporary file before it calls AWS: an unusable TMPDIR is named in one
        # line, and no request is sent (the endpoint is a closed loopback port)
        if opftest.CLI_WRAPPER:  # valgrind makes its own files in TMPDIR and would refuse to start
            self.skipTest("TMPDIR is the wrapper's too: run without OPF_CLI_WRAPPER (the plain and sanitizer steps do)")
        env = {"PATH": os.environ.get("PATH", ""), "HOME": self.tmp, "TMPDIR": os.path.join(self.tmp, "absent"),
               "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "not-a-secret",
               "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}
        r = run_cli(["collect", "--endpoint-url", "http://127.0.0.1:9", "--quiet", "-o",
                     os.path.join(self.tmp, "bundle.json")], env=env)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertEqual(r.stderr.strip(), "orgpreflight: %s: cannot create a temporary file for the evidence: "
                         "No such file or directory" % env["TMPDIR"])

    def test_wrong_version_and_bad_field_name_the_json_path(self):
        b = opftest.load_json(EXAMPLE)
        b2 = copy.deepcopy(b)
        b["schema"] = "orgpreflight/evidence/v9"
        r = self.audit(bundle=self.write("v9.json", b))
        self.assertEqual(r.returncode, 3)
        self.assertIn("$.schema: unsupported version", r.stderr)
        b2["accounts"][3]["id"] = "12345"
        r = self.audit(bundle=self.write("id.json", b2))
        self.assertEqual(r.returncode, 3)
        self.assertIn("$.accounts[3].id: expected a 12-digit account id", r.stderr)

    def test_config_unknown_key_and_bad_value(self):
        cfg = self.write("c.json", {"migration": {"pathh": "leave"}})
        r = run_cli(["audit", "--evidence", EXAMPLE, "--config", cfg])
        self.assertEqual(r.returncode, 3)
        self.assertIn("$.migration.pathh: unknown setting", r.stderr)
        cfg = self.write("c2.json", {"migration": {"path": "sideways"}})
        self.assertEqual(run_cli(["audit", "--evidence", EXAMPLE, "--config", cfg]).returncode, 3)

    def test_usage_errors_exit_64(self):
        self.assertEqual(run_cli(["audit", "--bogus"]).returncode, 64)
        self.assertEqual(run_cli(["audit", "--evidence", EXAMPLE, "--checks", "no-such-check"]).returncode, 64)
        self.assertEqual(run_cli(["audit", "--fail-on", "extreme"]).returncode, 64)
        self.assertEqual(run_cli(["nonsense"]).returncode, 64)
        for cmd in ("audit", "collect", "checks", "explain"):
            r = run_cli([cmd, "--help"])
            self.assertEqual(r.returncode, 0, cmd)
            self.assertIn("usage: orgpreflight " + cmd, r.stdout)

    def test_outputs_one_format_per_destination(self):
        # two formats with no -o would be concatenated on standard output: refused, naming the second
        r = self.audit("--format", "text", "--format", "json")
        self.assertEqual(r.returncode, 64)
        self.assertEqual(r.stdout, "")
        self.assertIn("--format json", r.stderr)
        self.assertIn("standard output", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)
        r = self.audit("--format", "json", "-o", "-", "--format", "text")
        self.assertEqual(r.returncode, 64)
        self.assertIn("--format text", r.stderr)
        # -o - is standard output; --output FORMAT is --format, as in the AWS CLI
        out = os.path.join(self.tmp, "r.txt")
        r = self.audit("--format", "json", "-o", "-", "--format", "text", "-o", out)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(json.loads(r.stdout)["summary"]["verdict"], "not-ready")
        self.assertFalse(os.path.exists("-"))
        with open(out) as f:
            self.assertIn("Verdict: not-ready", f.read())
        r = self.audit("--output", "json")
        self.assertEqual(json.loads(r.stdout)["schema"], "orgpreflight/report/v1")
        r = self.audit("--output", "report.json")
        self.assertEqual(r.returncode, 64)
        self.assertIn("--output takes a format", r.stderr)
        # the summary format: the account table alone
        r = self.audit("--format", "summary")
        self.assertIn("ACCOUNT ", r.stdout)
        self.assertNotIn("Details", r.stdout)

    def test_a_warning_at_blocker_severity_says_why_it_does_not_gate(self):
        # months later the payment-method attestations are stale: a blocker-severity warning, which never gates
        later = ["audit", "--evidence", EXAMPLE, "--config", CONFIG, "--now", "2027-06-01T00:00:00Z"]
        out = {fmt: os.path.join(self.tmp, "r." + fmt) for fmt in ("json", "junit", "markdown", "html", "csv")}
        args = list(later)
        for fmt, path in out.items():
            args += ["--format", fmt, "-o", path]
        self.assertIn(run_cli(args).returncode, (1, 2))
        report = opftest.load_json(out["json"])
        rows = [x for x in report["results"] if x["status"] == "warn" and x["severity"] == "blocker"]
        self.assertTrue(rows)
        self.assertFalse(any(x["gating"] for x in rows))
        why = "does not gate: a warning asks for action but never blocks the move"
        self.assertIn("(blocker warn, %s)" % why, run_cli(later).stdout)
        for fmt in ("junit", "markdown", "html"):
            with open(out[fmt], encoding="utf-8") as f:
                self.assertIn(why, f.read(), fmt)

    def test_direct_path_skips_standalone_requirements(self):
        out = os.path.join(self.tmp, "r.json")
        self.audit("--path", "direct", "--format", "json", "-o", out)
        report = opftest.load_json(out)
        self.assertEqual(report["migration"]["path"], "direct")
        members = [x for x in report["results"] if x["check"] == "payment-method" and x["subject_name"] != "prod"
                   and x["subject_name"] != "sandbox"]
        self.assertTrue(members and all(x["status"] == "skipped" for x in members))

    def test_example_plugin_loads_and_runs(self):
        plugin = os.path.join(PLUGINS, "account_name_convention.so")
        r = self.audit("--plugin", plugin, "--checks", "account-name-convention", "--format", "json")
        rows = [x for x in json.loads(r.stdout)["results"] if x["check"] == "account-name-convention"]
        self.assertEqual(len(rows), len(opftest.load_json(EXAMPLE)["accounts"]))
        self.assertIn("pass", {x["status"] for x in rows})
        self.assertIn("account-name-convention", run_cli(["checks", "--plugin", plugin]).stdout)

    def test_a_plugin_of_an_older_minor_loads(self):
        r = run_cli(["checks", "--plugin", os.path.join(PLUGINS, "older_minor.so")])
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertIn("older-minor", r.stdout)

    def test_plugins_with_wrong_abi_or_taken_id_are_refused(self):
        for name, why in (("wrong_abi.so", "check ABI 2, this orgpreflight needs ABI 3: rebuild the module"),
                          ("newer_major.so", "check ABI 4, this orgpreflight needs ABI 3: rebuild the module"),
                          ("newer_minor.so", "the module needs a newer orgpreflight"),
                          ("duplicate_id.so", "account-state is already registered"),
                          ("unknown_key.so", "needs the evidence key iam.passwords, which no provider gives")):
            r = run_cli(["checks", "--plugin", os.path.join(PLUGINS, name)])
            self.assertEqual(r.returncode, 3, name)
            self.assertIn(why, r.stderr)
        r = run_cli(["checks", "--plugin", os.path.join(self.tmp, "missing.so")])
        self.assertEqual(r.returncode, 3)

    def test_plugins_others_could_replace_are_refused(self):
        plugin = os.path.join(PLUGINS, "account_name_convention.so")

        def place(mode, dir_mode, owner=None):
            d = tempfile.mkdtemp(dir=self.tmp)
            path = os.path.join(d, "p.so")
            shutil.copy(plugin, path)
            os.chmod(path, mode)
            os.chmod(d, dir_mode)
            if owner is not None:
                os.chown(path, owner, -1)
            return path

        cases = [(place(0o757, 0o755), "world-writable"), (place(0o755, 0o777), "without the sticky bit")]
        if os.geteuid() == 0:  # only root can give a file to another user
            cases.append((place(0o755, 0o755, owner=4242), "owned by uid 4242"))
        for path, why in cases:
            r = run_cli(["checks", "--plugin", path])
            self.assertEqual(r.returncode, 3, path)
            self.assertIn(why, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn(path, r.stderr)
        # a sticky world-writable folder (as /tmp) and a file only its owner can write are fine
        r = run_cli(["checks", "--plugin", place(0o755, 0o1777)])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("account-name-convention", r.stdout)

    def test_terminal_escapes_in_names_are_shown_not_sent(self):
        for fmt in ("text", "markdown"):
            _, paths = opftest.render_example(tempfile.mkdtemp(dir=self.tmp), fmt, hostile=opftest.TERMINAL_NAME)
            with open(paths[fmt], encoding="utf-8") as f:
                text = f.read()
            self.assertEqual([c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) < 0xa0], [], fmt)
            if fmt == "text":
                self.assertIn(opftest.TERMINAL_NAME_SHOWN, text)

    def test_explain_and_catalogue(self):
        r = run_cli(["explain", "payment-method"])
        self.assertEqual(r.returncode, 0)
        self.assertIn("remediation:", r.stdout)
        self.assertIn("organizations.account", r.stdout)
        cat = json.loads(run_cli(["checks", "--format", "json"]).stdout)["checks"]
        # the catalogue is exactly the checks docs/checks.md documents, in its order
        with open(os.path.join(SOURCE_DIR, "docs", "checks.md")) as f:
            documented = [line[3:].strip() for line in f if line.startswith("## ")]
        self.assertEqual([c["id"] for c in cat], documented)
        # each check's runbook placement, as the report's rows give it (docs/report.schema.json)
        with open(SCHEMA) as f:
            placements = json.load(f)["$defs"]["result"]["properties"]["placement"]["enum"]
        self.assertTrue(all(c["placement"] in placements for c in cat), cat)
        self.assertEqual({c["id"]: c["placement"] for c in cat}["wait-period"], "move-date")
        self.assertIn("runbook:     move-date", run_cli(["explain", "wait-period"]).stdout)
        self.assertEqual(run_cli(["explain", "nope"]).returncode, 64)


if __name__ == "__main__":
    unittest.main()
