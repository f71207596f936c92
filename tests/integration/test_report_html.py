"""--format html in headless Chromium: it renders without a console error or a network request, its status
filter and search box show exactly the matching rows, and hostile names are text, never markup or script."""
import base64
import collections
import os
import re
import tempfile
import unittest

import chromium
import opftest

VISIBLE_ROWS = """Array.from(document.querySelectorAll("tr.row")).filter(function (r) {
    return r.offsetParent !== null; }).map(function (r) { return r.getAttribute("data-status"); })"""

VISIBLE_SUBJECTS_AND_TEXT = """Array.from(document.querySelectorAll("tr.row")).filter(function (r) {
    return r.offsetParent !== null; }).map(function (r) {
    return [r.closest("section").querySelector(".sid").textContent, r.textContent]; })"""


def show_only(statuses):
    """Clicks the status checkboxes so that exactly these statuses are ticked."""
    return """Array.from(document.querySelectorAll("#filters input[type=checkbox]")).forEach(function (b) {
        if (b.checked !== (%s.indexOf(b.value) >= 0)) b.click(); }); true""" % list(statuses)


def subject_of(row):
    return (row["subject_type"], row["subject_id"])


class HtmlReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        opftest.require(chromium.find(), "chromium is not installed (scripts/install-deps.sh --test)")
        cls.browser = chromium.Chromium()
        for domain in ("Page", "Runtime", "Log", "Network"):
            cls.browser.call(domain + ".enable")

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()

    def open(self, hostile):
        self.tmp = tempfile.mkdtemp(prefix="opf-html-")
        report, paths = opftest.render_example(self.tmp, "html", hostile=hostile)
        with open(paths["html"], encoding="utf-8") as f:
            self.source = f.read()
        b = self.browser
        b.events.clear()
        url = "file://" + paths["html"]
        b.call("Page.navigate", url=url)
        b.wait_event("Page.loadEventFired")
        self.assertEqual(b.evaluate("document.readyState"), "complete")
        return report, url

    def assert_quiet(self, url):
        """No console error, no exception, no dialog, and nothing fetched but the page itself."""
        b = self.browser
        b.evaluate("1")  # drain events queued so far
        problems = [e for e in b.events if e["method"] in ("Runtime.exceptionThrown", "Page.javascriptDialogOpening")
                    or (e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "warning"))
                    or (e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] in ("error", "warning"))]
        self.assertEqual(problems, [])
        requests = [e["params"]["request"]["url"] for e in b.events if e["method"] == "Network.requestWillBeSent"]
        self.assertEqual(requests, [url])

    def assert_self_contained(self):
        csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', self.source)
        self.assertIsNotNone(csp)
        self.assertTrue(csp.group(1).startswith("default-src 'none';"), csp.group(1))
        self.assertNotIn("unsafe", csp.group(1))
        for needle in ("src=", "href=", "url(", "@import", "<link", "<img", "<iframe", "<object"):
            self.assertNotIn(needle, self.source)
        self.assertEqual(self.source.count("<script"), 1)

    def test_example_renders_filters_and_searches(self):
        report, url = self.open(hostile=False)
        b = self.browser
        self.assert_self_contained()
        counts = report["summary"]["counts"]
        verdict = report["summary"]["verdict"]
        self.assertEqual(b.evaluate('document.getElementById("verdict").className'), "verdict v-" + verdict)
        self.assertIn("Verdict: " + verdict, b.evaluate('document.querySelector("h1").textContent'))
        # one bar per status with rows, one label per check in the chart
        self.assertEqual(b.evaluate('document.querySelectorAll("#chart-status rect").length'),
                         sum(1 for n in counts.values() if n))
        checks = list(dict.fromkeys(x["check"] for x in report["results"]))
        self.assertEqual(b.evaluate('Array.from(document.querySelectorAll("#chart-check text")).filter(function (t) {'
                                    ' return t.getAttribute("x") === "0"; }).map(function (t) { return t.textContent; })'),
                         checks)

        shot = b.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        png = base64.b64decode(shot["data"])
        path = os.path.join(self.tmp, "report.png")
        with open(path, "wb") as f:
            f.write(png)
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(path), 50000)

        # by default: everything but pass and skipped
        visible = collections.Counter(b.evaluate(VISIBLE_ROWS))
        self.assertEqual(visible, collections.Counter({s: n for s, n in counts.items()
                                                       if n and s not in ("pass", "skipped")}))
        for status in ("fail", "pass", "waived"):
            b.evaluate(show_only([status]))
            self.assertEqual(b.evaluate(VISIBLE_ROWS), [status] * counts[status], status)
        b.evaluate('document.getElementById("f-all").click()')
        self.assertEqual(len(b.evaluate(VISIBLE_ROWS)), len(report["results"]))
        self.assertEqual(b.evaluate('document.getElementById("shown").textContent'),
                         "%d of %d results shown" % (len(report["results"]), len(report["results"])))

        # the search box, typed into: an account name keeps that account's rows, a message keeps its rows
        account = next(a for a in report["accounts"] if a["name"] == "data-platform")
        b.evaluate('document.getElementById("q").focus()')
        b.call("Input.insertText", text="DATA-platform")
        shown = b.evaluate(VISIBLE_SUBJECTS_AND_TEXT)
        self.assertEqual(sum(1 for sid, _ in shown if sid == account["id"]),
                         sum(1 for x in report["results"] if x["subject_id"] == account["id"]))
        others = [text for sid, text in shown if sid != account["id"]]
        self.assertTrue(all("data-platform" in text for text in others), others)  # mentioned in their evidence
        b.evaluate('document.getElementById("q").select()')
        b.call("Input.insertText", text="delegated administrator for 2 services")
        self.assertEqual(b.evaluate(VISIBLE_ROWS), ["fail"])
        b.evaluate(show_only(["pass"]))
        self.assertEqual(b.evaluate(VISIBLE_ROWS), [])
        self.assertEqual(b.evaluate('document.querySelectorAll("section.subject:not([hidden])").length'), 0)
        self.assert_quiet(url)

    def test_waivers_and_hostile_names(self):
        report, url = self.open(hostile=True)
        b = self.browser
        self.assert_self_contained()
        name = opftest.HOSTILE_NAME
        self.assertNotIn("<script>alert", self.source)
        self.assertEqual(b.evaluate('document.scripts.length'), 1)
        names = b.evaluate('Array.from(document.querySelectorAll("h3 .sname")).map(function (e) {'
                           ' return e.textContent; })')
        self.assertIn(name, names)
        self.assertIn(name + " 2", names)

        b.evaluate('document.getElementById("f-all").click()')
        rows = b.evaluate("""Array.from(document.querySelectorAll("tr.row")).map(function (r) {
            return [r.className, r.getAttribute("data-status"), r.cells[0].textContent, r.cells[2].textContent]; })""")
        self.assertEqual(len(rows), len(report["results"]))
        for (cls, status, cell, check), x in zip(rows, report["results"]):
            self.assertEqual(status, x["status"])
            self.assertTrue(check.startswith(x["check"]), (check, x["check"]))
            w = x["waiver"]
            if status == "waived":
                self.assertEqual(cls, "row waived")
                self.assertIn("waived (was %s) until %s: %s" % (w["original_status"], w["expires"], w["reason"]), cell)
            elif w and w.get("expired"):
                self.assertEqual(cls, "row expired")
                self.assertIn("waiver expired %s, not applied: %s" % (w["expires"], w["reason"]), cell)
            else:
                self.assertEqual(cls, "row")
        self.assertEqual(b.evaluate('document.querySelectorAll("#waivers-expired tbody tr").length'),
                         len(report["waivers_expired"]))
        self.assertTrue(any(c == "row waived" for c, *_ in rows) and any(c == "row expired" for c, *_ in rows))

        # evidence citations and remediation of a failing row of the hostile account
        fail = next(x for x in report["results"] if x["subject_name"] == name and x["status"] == "fail")
        index = report["results"].index(fail)
        cells = b.evaluate('Array.from(document.querySelectorAll("tr.row")[%d].cells).map(function (c) {'
                           ' return c.textContent; })' % index)
        self.assertEqual(cells[3], fail["message"])
        self.assertEqual(cells[5], fail["remediation"])
        for e in fail["evidence"]:
            self.assertIn(e["item"], cells[4])

        # searching for the hostile name finds its account's rows, and the rows that name the account (the
        # target organization's expired invitation)
        b.evaluate('document.getElementById("q").focus()')
        b.call("Input.insertText", text="<script>alert(1)</script>&\"' | `x`")
        self.assertEqual(len(b.evaluate(VISIBLE_ROWS)),
                         sum(1 for x in report["results"] if name in x["subject_name"] or name in x["message"]))
        self.assert_quiet(url)

    def test_account_overview_sorts_jumps_and_charts_follow_the_filters(self):
        report, url = self.open(hostile=False)
        b = self.browser
        # one line per account, in the report's order, with its readiness coloured and its blocking checks
        lines = b.evaluate("""Array.from(document.querySelectorAll("#accounts .chunk > .tr")).map(function (r) {
            return [r.getAttribute("data-id"), r.children[3].textContent, r.children[3].firstChild.className,
                    r.children[4].textContent, r.children[5].textContent]; })""")
        self.assertEqual([x[0] for x in lines], [a["id"] for a in report["accounts"]])
        held = report["summary"]["holding_back_all_accounts"]
        for (ident, readiness, cls, checks, wait), a in zip(lines, report["accounts"]):
            self.assertEqual(readiness, a["readiness"])
            self.assertEqual(cls, "badge r-" + a["readiness"])
            want = ", ".join(a["blocking_checks"])
            if held and a["readiness"] not in ("ready", "cannot-move"):
                want = want + " + organization-wide" if want else "organization-wide"
            self.assertEqual(checks, want)
            self.assertEqual(wait, a["wait_until"] or "")
        colours = set(b.evaluate("""Array.from(document.querySelectorAll("#accounts .badge")).map(function (e) {
            return getComputedStyle(e).backgroundColor; })"""))
        self.assertGreaterEqual(len(colours), 2)  # blocked and cannot-move differ
        self.assertIn(b.evaluate('document.querySelector("#accounts .chunk .badge.r-blocked") && '
                                 'getComputedStyle(document.querySelector("#accounts .chunk .badge.r-blocked"))'
                                 '.backgroundColor'), colours)
        # a check id never wraps inside itself
        self.assertEqual(set(b.evaluate("""Array.from(document.querySelectorAll("code.check")).map(function (e) {
            return getComputedStyle(e).whiteSpace; })""")), {"nowrap"})

        # sorting by name, then by readiness (blocked first)
        b.evaluate('document.querySelectorAll("#accounts .th > span")[1].click()')
        names = b.evaluate('Array.from(document.querySelectorAll("#accounts .chunk > .tr")).map(function (r) {'
                           ' return r.children[1].textContent; })')
        self.assertEqual(names, sorted(names, key=str.lower))
        b.evaluate('document.querySelectorAll("#accounts .th > span")[3].click()')
        order = b.evaluate('Array.from(document.querySelectorAll("#accounts .chunk > .tr")).map(function (r) {'
                           ' return r.children[3].textContent; })')
        rank = ["blocked", "cannot-move", "undetermined", "ready"]
        self.assertEqual(order, sorted(order, key=rank.index))

        # a click on an account brings its details into view
        target = next(a for a in report["accounts"] if a["name"] == "security")
        b.evaluate('window.scrollTo(0, 0); document.querySelector(\'#accounts .tr[data-id="%s"] span\').click()'
                   % target["id"])
        top = b.evaluate('document.getElementById("a-%s").getBoundingClientRect().top' % target["id"])
        self.assertLess(abs(top), 5)

        # the charts count what the filters show
        def bar(chart, label):
            return b.evaluate('document.querySelector(\'#%s g.bar[data-label="%s"] text.total\').textContent'
                              % (chart, label))
        b.evaluate(show_only(["fail"]))
        self.assertEqual(bar("chart-status", "fail"), str(report["summary"]["counts"]["fail"]))
        self.assertEqual(bar("chart-status", "pass"), "0")
        fails = sum(1 for x in report["results"] if x["check"] == "payment-method" and x["status"] == "fail")
        self.assertEqual(bar("chart-check", "payment-method"), str(fails))
        b.evaluate('document.getElementById("q").focus()')
        b.call("Input.insertText", text="data-platform")
        shown = len(b.evaluate(VISIBLE_ROWS))
        self.assertEqual(sum(int(bar("chart-status", s)) for s in report["summary"]["counts"]), shown)
        self.assert_quiet(url)


if __name__ == "__main__":
    unittest.main()
