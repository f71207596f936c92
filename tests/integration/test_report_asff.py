"""--format asff: every finding passes botocore's own parameter validation for Security Hub's
BatchImportFindings and the limits the ASFF documentation states; the findings import into moto's Security
Hub with none failed, and a second run updates the same findings (stable Ids) instead of adding new ones;
scripts/securityhub-import.sh does the same import 100 findings at a time."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

import opftest

REGION = "eu-central-1"
EXAMPLE = os.path.join(opftest.SOURCE_DIR, "examples")
IMPORT_SCRIPT = os.path.join(opftest.SOURCE_DIR, "scripts", "securityhub-import.sh")
# ASFF documentation: "Types" take the form namespace/category/classifier; these are the categories of the
# "Software and Configuration Checks" namespace.
TYPE_CATEGORIES = {"Vulnerabilities", "AWS Security Best Practices", "Industry and Regulatory Standards"}
# ASFF documentation: the length limits Security Hub enforces beyond the API model.
LIMITS = {("Title",): 256, ("Description",): 1024, ("Remediation", "Recommendation", "Text"): 512,
          ("Id",): 512, ("GeneratorId",): 512, ("AwsAccountName",): 50}
LABELS = {"blocker": "CRITICAL", "high": "HIGH", "medium": "MEDIUM", "low": "LOW", "info": "INFORMATIONAL"}
COMPLIANCE = {"pass": "PASSED", "fail": "FAILED", "warn": "WARNING", "unknown": "NOT_AVAILABLE",
              "skipped": "NOT_AVAILABLE"}


def audit(tmp, now, bundle=None, region=REGION):
    """Audits the example bundle as of `now`; returns (report, findings)."""
    report, asff = os.path.join(tmp, "report.json"), os.path.join(tmp, "report.asff.json")
    r = opftest.run_cli(["audit", "--evidence", bundle or os.path.join(EXAMPLE, "evidence.json"),
                         "--config", os.path.join(EXAMPLE, "config.json"), "--now", now, "--region", region,
                         "--format", "json", "-o", report, "--format", "asff", "-o", asff])
    if r.returncode not in (0, 1, 2) or r.stderr:
        raise AssertionError("audit failed (%d): %s" % (r.returncode, r.stderr))
    return opftest.load_json(report), opftest.load_json(asff)


def input_shape():
    import botocore.session
    model = botocore.session.get_session().get_service_model("securityhub")
    return model.operation_model("BatchImportFindings").input_shape


def pattern_errors(shape, value, path="Findings"):
    """botocore's validator skips `pattern`; Security Hub applies it (e.g. no blank strings)."""
    errors = []
    if shape.type_name == "string" and "pattern" in shape.metadata:
        if not re.fullmatch(shape.metadata["pattern"], value, re.S):
            errors.append("%s: %r does not match %s" % (path, value, shape.metadata["pattern"]))
    elif shape.type_name == "structure":
        for k, v in value.items():
            errors += pattern_errors(shape.members[k], v, path + "." + k)
    elif shape.type_name == "list":
        for i, v in enumerate(value):
            errors += pattern_errors(shape.member, v, "%s[%d]" % (path, i))
    elif shape.type_name == "map":
        for k, v in value.items():
            errors += pattern_errors(shape.key, k, path + " key")
            errors += pattern_errors(shape.value, v, "%s[%s]" % (path, k))
    return errors


def batches(findings):
    return [findings[i:i + 100] for i in range(0, len(findings), 100)]


class AsffShape(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="opf-asff-")
        cls.report, cls.findings = audit(cls.tmp, "2026-11-25T09:00:00Z")

    def test_botocore_validates_every_finding(self):
        from botocore.validate import ParamValidator
        shape = input_shape()
        self.assertGreater(len(self.findings), 100, "the example must need more than one import call")
        for batch in batches(self.findings):
            report = ParamValidator().validate({"Findings": batch}, shape)
            self.assertFalse(report.has_errors(), report.generate_report())
            for f in batch:
                self.assertEqual(pattern_errors(shape.members["Findings"].member, f, f["Id"]), [])

    def test_validator_catches_a_broken_finding(self):
        """The validation above can fail: a finding without its Resources or with a number for a string."""
        from botocore.validate import ParamValidator
        broken = dict(self.findings[0])
        del broken["Resources"]
        broken["AwsAccountId"] = 210987654321
        self.assertTrue(ParamValidator().validate({"Findings": [broken]}, input_shape()).has_errors())
        blank = dict(self.findings[0], Title=" ")
        self.assertTrue(pattern_errors(input_shape().members["Findings"].member, blank))

    def test_one_finding_per_result_mapped_as_documented(self):
        rows = self.report["results"]
        self.assertEqual(len(self.findings), len(rows))
        mgmt = self.report["organization"]["management_account_id"]
        for row, f in zip(rows, self.findings):
            with self.subTest(id=f["Id"]):
                self.assertEqual(f["Id"], "orgpreflight/%s/%s/%s" % (row["subject_type"], row["subject_id"],
                                                                    row["check"]))
                self.assertEqual(f["GeneratorId"], row["check"])
                self.assertEqual(f["ProductArn"], "arn:aws:securityhub:%s:%s:product/%s/default" % (REGION, mgmt, mgmt))
                self.assertEqual(f["Region"], REGION)
                self.assertEqual(f["SchemaVersion"], "2018-10-08")
                self.assertEqual(f["CreatedAt"], self.report["generated_at"])
                account = {"account": row["subject_id"],
                           "operator-session": (row["subject_id"].split(":") + [""] * 5)[4]
                           }.get(row["subject_type"], mgmt)
                self.assertEqual(f["AwsAccountId"], account)
                self.assertRegex(f["AwsAccountId"], r"^\d{12}$")
                for t in f["Types"] + f["FindingProviderFields"]["Types"]:
                    namespace, category, classifier = t.split("/")
                    self.assertEqual(namespace, "Software and Configuration Checks")
                    self.assertIn(category, TYPE_CATEGORIES)
                status = row["status"]
                problem = status in ("fail", "warn", "unknown")
                self.assertEqual(f["RecordState"], "ACTIVE" if problem else "ARCHIVED")
                original = row["waiver"]["original_status"] if status == "waived" else status
                self.assertEqual(f["Compliance"]["Status"], COMPLIANCE[original])
                label = "INFORMATIONAL" if status in ("pass", "skipped") else LABELS[row["severity"]]
                self.assertEqual(f["Severity"], {"Label": label, "Original": row["severity"]})
                self.assertEqual(f["FindingProviderFields"]["Severity"], f["Severity"])
                self.assertEqual(f["Title"], row["title"][:256])
                if row["remediation"]:
                    self.assertEqual(f["Remediation"]["Recommendation"]["Text"][:100], row["remediation"][:100])
                fields = f["ProductFields"]
                self.assertEqual((fields["orgpreflight/Check"], fields["orgpreflight/Status"]), (row["check"], status))
                self.assertEqual(fields["orgpreflight/Gating"], "true" if row["gating"] else "false")
                for e in row["evidence"]:
                    self.assertIn(e["item"], fields["orgpreflight/Evidence"])
                if row["waiver"]:
                    self.assertIn(row["waiver"]["reason"][:40], fields["orgpreflight/Waiver"])
                self.assertEqual(len(f["Resources"]), 1)
                if row["subject_type"] == "account":
                    self.assertEqual(f["Resources"][0]["Type"], "AwsAccount")
                    self.assertEqual(f["Resources"][0]["Id"], "AWS::::Account:" + row["subject_id"])
                for path, limit in LIMITS.items():
                    v = f
                    for k in path:
                        v = v.get(k) if isinstance(v, dict) else None
                    if v is not None:
                        self.assertLessEqual(len(v), limit, path)
                self.assertLessEqual(len(fields), 50)
                self.assertTrue(all(len(v) <= 2048 for v in fields.values()))
        self.assertEqual(len({f["Id"] for f in self.findings}), len(self.findings))

    def test_long_text_is_cut_within_the_limits(self):
        doc = opftest.load_json(os.path.join(EXAMPLE, "evidence.json"))
        doc["accounts"][1]["name"] = "é" * 200 + opftest.HOSTILE_NAME
        bundle = os.path.join(self.tmp, "long.json")
        with open(bundle, "w") as fh:
            import json
            json.dump(doc, fh)
        tmp = tempfile.mkdtemp(prefix="opf-asff-long-")
        _, findings = audit(tmp, "2026-11-25T09:00:00Z", bundle=bundle)
        named = [f for f in findings if f.get("AwsAccountName", "").startswith("é")]
        self.assertTrue(named)
        for f in named:
            self.assertLessEqual(len(f["AwsAccountName"]), 50)
            self.assertTrue(f["AwsAccountName"].endswith("..."))
        from botocore.validate import ParamValidator
        for batch in batches(findings):
            self.assertFalse(ParamValidator().validate({"Findings": batch}, input_shape()).has_errors())

    def test_region_sets_the_partition(self):
        tmp = tempfile.mkdtemp(prefix="opf-asff-cn-")
        _, findings = audit(tmp, "2026-11-25T09:00:00Z", region="cn-north-1")
        self.assertTrue(all(f["ProductArn"].startswith("arn:aws-cn:securityhub:cn-north-1:") for f in findings))
        self.assertTrue(all(f["Resources"][0]["Partition"] == "aws-cn" for f in findings))


class SecurityHubImport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = opftest.Moto()
        cls.tmp = tempfile.mkdtemp(prefix="opf-asff-import-")

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    def setUp(self):
        self.moto.reset()
        self.hub = self.moto.client("securityhub", region=REGION)

    def all_findings(self):
        out, token = [], None
        while True:
            page = self.hub.get_findings(MaxResults=100, **({"NextToken": token} if token else {}))
            out += page["Findings"]
            token = page.get("NextToken")
            if not token:
                return out

    def test_import_twice_updates_the_same_findings(self):
        _, first = audit(tempfile.mkdtemp(dir=self.tmp), "2026-11-25T09:00:00Z")
        for batch in batches(first):
            answer = self.hub.batch_import_findings(Findings=batch)
            self.assertEqual((answer["FailedCount"], answer["SuccessCount"]), (0, len(batch)), answer["FailedFindings"])
        stored = self.all_findings()
        self.assertEqual(sorted(f["Id"] for f in stored), sorted(f["Id"] for f in first))

        report, second = audit(tempfile.mkdtemp(dir=self.tmp), "2026-12-02T09:00:00Z")
        self.assertEqual([f["Id"] for f in second], [f["Id"] for f in first])
        for batch in batches(second):
            self.assertEqual(self.hub.batch_import_findings(Findings=batch)["FailedCount"], 0)
        stored = self.all_findings()
        self.assertEqual(len(stored), len(first), "a second run must update, not duplicate")
        self.assertEqual({f["UpdatedAt"] for f in stored}, {report["generated_at"]})

    def test_import_script_sends_100_per_call(self):
        _, findings = audit(tempfile.mkdtemp(dir=self.tmp), "2026-11-25T09:00:00Z")
        asff = os.path.join(self.tmp, "script.asff.json")
        import json
        with open(asff, "w") as fh:
            json.dump(findings, fh)
        # the aws CLI of tests/requirements.txt: beside this python (a virtual environment's), else on PATH
        bindir = os.path.dirname(sys.executable)
        aws = os.path.join(bindir, "aws") if os.path.exists(os.path.join(bindir, "aws")) else opftest.which("aws")
        opftest.require(aws and opftest.which("jq"), "the aws CLI (tests/requirements.txt) and jq are needed")
        env = self.moto.env()
        env.pop("AWS_REGION")
        env["PATH"] = os.path.dirname(aws) + os.pathsep + env["PATH"]
        r = subprocess.run(["bash", IMPORT_SCRIPT, asff, "--endpoint-url", self.moto.url, "--region", REGION],
                           env=env, capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        stored = self.all_findings()
        self.assertEqual(sorted(f["Id"] for f in stored), sorted(f["Id"] for f in findings))
        account = self.moto.client("sts").get_caller_identity()["Account"]
        product = "arn:aws:securityhub:%s:%s:product/%s/default" % (REGION, account, account)
        self.assertEqual({f["ProductArn"] for f in stored}, {product})
        self.assertIn("imported %d of %d" % (len(findings), len(findings)), r.stdout)
        calls = [line for line in self.moto.output().splitlines() if "POST /findings/import" in line]
        self.assertEqual(len(calls), (len(findings) + 99) // 100, calls)

    def test_import_script_refuses_bad_usage(self):
        r = subprocess.run(["bash", IMPORT_SCRIPT, os.path.join(self.tmp, "missing.json")],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage", r.stderr)


if __name__ == "__main__":
    unittest.main()
