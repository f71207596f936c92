"""The human reports of a 5,000-account organization: the text report's first screen is the account table, the
summary is that table alone, the Markdown report fits a pull-request comment, and the HTML page loads in headless
Chromium in under 3 s with the account overview in view. Also takes the HTML screenshots the README shows (at 9 and
at 500 accounts); OPF_UPDATE_SCREENSHOTS=1 writes them into docs/."""
import os
import re
import shutil
import tempfile
import time
import unittest

import chromium
import opftest
import scaled

ACCOUNTS = 5000
SCREEN = 24  # lines of a terminal's first screen


def audit(tmp, bundle, *formats):
    args = ["audit", "--evidence", bundle, "--config", scaled.CONFIG, "--now", scaled.NOW]
    paths = {}
    for fmt in formats:
        paths[fmt] = os.path.join(tmp, "report." + fmt)
        args += ["--format", fmt, "-o", paths[fmt]]
    r = opftest.run_cli(args, timeout=600)
    if r.returncode not in (0, 1, 2) or r.stderr:
        raise AssertionError("audit failed (%d): %s" % (r.returncode, r.stderr))
    return paths


def load(browser, path):
    """Seconds from navigation to the load event."""
    browser.events.clear()
    started = time.monotonic()
    browser.call("Page.navigate", url="file://" + path)
    browser.wait_event("Page.loadEventFired", timeout=120)
    return time.monotonic() - started


class FiveThousandAccounts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="opf-scale-")
        bundle = scaled.bundle(os.path.join(cls.tmp, "bundle.json"), ACCOUNTS)
        cls.paths = audit(cls.tmp, bundle, "json", "text", "summary", "markdown", "html")
        cls.report = opftest.load_json(cls.paths["json"])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def read(self, fmt):
        with open(self.paths[fmt], encoding="utf-8") as f:
            return f.read()

    def test_text_opens_with_the_account_table(self):
        lines = self.read("text").splitlines()
        header = next(i for i, line in enumerate(lines) if line.startswith("ACCOUNT "))
        self.assertLess(header, 6, lines[:header + 1])
        self.assertIn("Verdict: not-ready", "\n".join(lines[:header]))
        ids = [a["id"] for a in self.report["accounts"]]
        first = lines[header + 1:SCREEN]
        self.assertEqual([line[:12] for line in first], ids[:len(first)])
        for line, a in zip(first, self.report["accounts"]):
            self.assertIn(" %s " % a["readiness"], line)
        # details only for the subjects with problems, each remediation once
        self.assertEqual(sum(1 for line in lines if re.match(r"\d{12} ", line)), ACCOUNTS)
        self.assertEqual(sum(1 for line in lines if line.startswith("  payment-method ")), 1)
        self.assertNotIn("fix:", "\n".join(lines))

    def test_summary_is_the_table_alone(self):
        lines = self.read("summary").splitlines()
        header = next(i for i, line in enumerate(lines) if line.startswith("ACCOUNT "))
        self.assertEqual(len(lines), header + 1 + ACCOUNTS)

    def test_markdown_fits_a_pull_request_comment(self):
        text = self.read("markdown")
        self.assertLess(len(text), 65536)
        self.assertLessEqual(len(text.encode()), 60000)
        self.assertLess(text.index("## Problems"), 60000)  # the accounts and what to fix come first, whole
        self.assertIn("## Accounts", text)
        self.assertIn("## What to fix, once per check", text)
        self.assertRegex(text, r"Left out to stay within a comment's size:\*\* the problems of \d+ more subjects")
        counts = self.report["summary"]["readiness"]
        self.assertIn("%d ready, %d blocked, %d cannot move, %d undetermined, of %d." % (
            counts["ready"], counts["blocked"], counts["cannot-move"], counts["undetermined"], ACCOUNTS), text)

    def test_html_loads_quickly_with_the_overview_in_view(self):
        opftest.require(chromium.find(), "chromium is not installed (scripts/install-deps.sh)")
        with chromium.Chromium() as b:
            for domain in ("Page", "Runtime"):
                b.call(domain + ".enable")
            seconds = load(b, self.paths["html"])
            self.assertLess(seconds, 3.0)
            box = b.evaluate('(function () { var r = document.getElementById("accounts").getBoundingClientRect();'
                             ' return [r.top, r.height, window.innerHeight]; })()')
            self.assertLess(box[0], box[2])  # in the first screen
            self.assertGreater(box[1], 0)
            self.assertEqual(b.evaluate('document.querySelectorAll("#accounts .chunk > .tr").length'), ACCOUNTS)
            self.assertIsNotNone(b.evaluate('document.getElementById("left-out") && '
                                            'document.getElementById("left-out").textContent'))


class Screenshots(unittest.TestCase):
    """The HTML report as a reader first sees it, at 9 and at 500 accounts (docs/report-html-*.png)."""

    def test_screenshots(self):
        opftest.require(chromium.find(), "chromium is not installed (scripts/install-deps.sh)")
        tmp = tempfile.mkdtemp(prefix="opf-shots-")
        try:
            with chromium.Chromium() as b:
                for domain in ("Page", "Runtime"):
                    b.call(domain + ".enable")
                for n in (9, 500):
                    bundle = scaled.bundle(os.path.join(tmp, "bundle-%d.json" % n), n)
                    html = audit(tmp, bundle, "html")["html"]
                    load(b, html)
                    png = chromium.screenshot(b)
                    self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
                    self.assertGreater(len(png), 30000)
                    if os.environ.get("OPF_UPDATE_SCREENSHOTS") == "1":
                        with open(os.path.join(opftest.SOURCE_DIR, "docs", "report-html-%d.png" % n), "wb") as f:
                            f.write(png)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
