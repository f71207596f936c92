"""An attestation with an unreadable attested_at does not stop the audit: the check cites the entry, says it was
ignored, and decides as without it."""
import json
import os
import tempfile
import unittest

import opftest
from opftest import run_cli

EXAMPLE = os.path.join(opftest.SOURCE_DIR, "examples")


class AttestationDates(unittest.TestCase):
    def test_malformed_date_is_cited_and_ignored(self):
        tmp = tempfile.mkdtemp(prefix="opf-attest-")
        path = os.path.join(tmp, "attestations.json")
        with open(path, "w") as f:
            json.dump({"attestations": [{"account_id": "418273645091", "fact": "payment-method", "value": True,
                                         "attested_by": "finance@kuzeylabs.io", "attested_at": "last tuesday"}]}, f)
        r = run_cli(["audit", "--evidence", os.path.join(EXAMPLE, "evidence.json"), "--config",
                     os.path.join(EXAMPLE, "config.json"), "--attestations", path, "--now", "2026-11-25T09:00:00Z",
                     "--format", "json"])
        self.assertEqual(r.returncode, 1, r.stderr)
        report = json.loads(r.stdout)
        row = [x for x in report["results"] if x["subject_id"] == "418273645091" and x["check"] == "payment-method"][0]
        self.assertEqual(row["status"], "fail", row["message"])
        self.assertIn("no readable value or date and was ignored", row["message"])
        self.assertIn("attestation.payment-method", [c["item"] for c in row["evidence"]])


if __name__ == "__main__":
    unittest.main()
