"""The bundled example organization and the check fixtures keep to docs/evidence.md.

Every evidence key is one the document lists for that subject, every item has its source, time and exactly
one of data or error, credential reports are base64 CSV with IAM's columns and the <root_account> row, and
examples/generate.py reproduces examples/evidence.json exactly.
"""
import base64
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opftest import SOURCE_DIR  # noqa: E402

BUNDLES = [os.path.join(SOURCE_DIR, "examples", "evidence.json"),
           os.path.join(SOURCE_DIR, "tests", "data", "evidence", "org.json")]
REPORT_COLUMNS = ["user", "arn", "user_creation_time", "password_enabled", "password_last_used",
                  "password_last_changed", "password_next_rotation", "mfa_active", "access_key_1_active",
                  "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region",
                  "access_key_1_last_used_service", "access_key_2_active", "access_key_2_last_rotated",
                  "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service",
                  "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated"]


def documented_keys():
    """Evidence keys per subject section of docs/evidence.md ("### Account subject" → account)."""
    keys, section = {}, None
    with open(os.path.join(SOURCE_DIR, "docs", "evidence.md")) as f:
        for line in f:
            m = re.match(r"### (\w+)", line)
            if m:
                section = m.group(1).lower()
                continue
            m = re.match(r"\| `([a-z0-9_]+\.[A-Za-z0-9_.\-]+)` \|", line)
            if m and section:
                keys.setdefault(section, set()).add(m.group(1))
    return keys


def subjects(bundle):
    yield "organization", bundle["organization"]
    for account in bundle["accounts"]:
        yield "account", account
    yield "operator", bundle["operator_session"]
    if "target_organization" in bundle:
        yield "target", bundle["target_organization"]


class ExampleBundleTest(unittest.TestCase):
    def setUp(self):
        self.keys = documented_keys()
        self.assertIn("account", self.keys)
        self.assertIn("iam.credential_report", self.keys["account"])

    def test_keys_and_items_follow_the_contract(self):
        for path in BUNDLES:
            with open(path) as f:
                bundle = json.load(f)
            self.assertEqual(bundle["schema"], "orgpreflight/evidence/v1")
            for kind, record in subjects(bundle):
                for key, item in record["evidence"].items():
                    where = "%s: %s %s: %s" % (os.path.basename(path), kind, record.get("id", record.get("arn")), key)
                    self.assertIn(key, self.keys[kind], where + " is not in docs/evidence.md")
                    self.assertTrue(item["source"], where)
                    self.assertRegex(item["collected_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", where)
                    self.assertEqual(("data" in item) + ("error" in item), 1, where + ": data xor error")
                    if "error" in item:
                        self.assertTrue(item["error"]["code"], where)

    def test_credential_reports_are_iam_csv(self):
        with open(BUNDLES[0]) as f:
            bundle = json.load(f)
        seen = 0
        for account in bundle["accounts"]:
            item = account["evidence"].get("iam.credential_report", {})
            if "data" not in item:
                continue
            rows = list(csv.reader(io.StringIO(base64.b64decode(item["data"]["Content"]).decode())))
            self.assertEqual(rows[0], REPORT_COLUMNS)
            self.assertEqual(rows[1][0], "<root_account>")
            self.assertEqual(rows[1][1], "arn:aws:iam::%s:root" % account["id"])
            self.assertTrue(all(len(r) == len(REPORT_COLUMNS) for r in rows))
            seen += 1
        self.assertGreaterEqual(seen, 8)

    def test_attestations_and_waivers_name_real_accounts(self):
        with open(BUNDLES[0]) as f:
            ids = {a["id"] for a in json.load(f)["accounts"]}
        with open(os.path.join(SOURCE_DIR, "examples", "attestations.json")) as f:
            for a in json.load(f)["attestations"]:
                self.assertIn(a["account_id"], ids)
                self.assertIn(a["fact"], ("payment-method", "phone-verified", "root-mailbox-confirmed",
                                          "support-plan", "billing-access-for-iam"))
                self.assertIsInstance(a["value"], bool)
        with open(os.path.join(SOURCE_DIR, "examples", "waivers.json")) as f:
            for w in json.load(f)["waivers"]:
                self.assertIn(w["account_id"], ids | {"*"})

    def test_policies_are_decoded_and_regional_items_name_their_regions(self):
        with open(BUNDLES[0]) as f:
            bundle = json.load(f)
        with open(os.path.join(SOURCE_DIR, "examples", "config.json")) as f:
            regions = json.load(f)["regions"]
        lists = {"s3.bucket_policies": "Buckets", "kms.key_policies": "Keys", "sns.topic_policies": "Topics",
                 "sqs.queue_policies": "Queues", "ram.resource_shares": "ResourceShares"}
        seen = 0
        for account in bundle["accounts"]:
            for key, name in lists.items():
                data = account["evidence"][key].get("data")
                if data is None:
                    continue
                seen += 1
                for entry in data[name]:
                    if key != "ram.resource_shares":
                        self.assertIsInstance(entry["Policy"], (dict, type(None)), key)
                    if key != "s3.bucket_policies":
                        self.assertIn(entry["Region"], regions, key)
                if key != "s3.bucket_policies":
                    self.assertEqual(data["Regions"], regions, key)
                for e in data["Errors"]:
                    self.assertTrue({"Operation", "Code", "Message"} <= set(e), e)
            for role in account["evidence"]["iam.roles"].get("data", {}).get("Roles", []):
                self.assertIsInstance(role["AssumeRolePolicyDocument"], dict)
        self.assertGreaterEqual(seen, 40)

    def test_generator_reproduces_the_example(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "evidence.json")
            run = subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "examples", "generate.py"), out],
                                 capture_output=True, timeout=60)
            self.assertEqual(run.returncode, 0, run.stderr)
            with open(out, "rb") as f, open(BUNDLES[0], "rb") as g:
                self.assertEqual(f.read(), g.read(), "examples/evidence.json differs from what generate.py writes")

if __name__ == "__main__":
    unittest.main()
