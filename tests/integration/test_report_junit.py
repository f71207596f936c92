"""--format junit validates against the Jenkins xUnit plugin's junit-10.xsd (xmllint --schema), hostile names
included, and its counts match the report: fail is a failure, unknown an error, skipped and waived skipped."""
import os
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

import opftest

XSD = os.path.join(opftest.SOURCE_DIR, "tests", "data", "junit", "junit-10.xsd")


class JunitReport(unittest.TestCase):
    def check(self, hostile):
        xmllint = opftest.which("xmllint")
        opftest.require(xmllint, "xmllint is not installed (libxml2-utils, scripts/install-deps.sh --test)")
        tmp = tempfile.mkdtemp(prefix="opf-junit-")
        report, paths = opftest.render_example(tmp, "junit", hostile=hostile)
        r = subprocess.run([xmllint, "--noout", "--schema", XSD, paths["junit"]], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        root = ET.parse(paths["junit"]).getroot()
        counts = report["summary"]["counts"]
        self.assertEqual(root.tag, "testsuites")
        self.assertEqual((int(root.get("tests")), int(root.get("failures")), int(root.get("errors"))),
                         (len(report["results"]), counts["fail"], counts["unknown"]))
        suites = root.findall("testsuite")
        self.assertEqual(sum(int(s.get("skipped")) for s in suites), counts["skipped"] + counts["waived"])
        cases = root.findall("testsuite/testcase")
        self.assertEqual(len(cases), len(report["results"]))
        self.assertEqual(sum(1 for c in cases if c.find("skipped") is not None), counts["skipped"] + counts["waived"])
        return root

    def test_example_validates(self):
        self.check(hostile=False)

    def test_hostile_names_validate(self):
        root = self.check(hostile=True)
        names = [s.get("name") for s in root.findall("testsuite")]
        # an attribute value's line break reads back as a space (XML attribute-value normalization)
        hostile = opftest.HOSTILE_NAME.replace("\n", " ")
        self.assertIn("account %s %s" % (opftest.EXAMPLE_ACCOUNT_EXPIRED_WAIVER, hostile), names)


if __name__ == "__main__":
    unittest.main()
