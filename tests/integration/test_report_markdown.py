"""--format markdown rendered by a real GFM renderer (cmark-gfm): the tables hold exactly the report's rows,
and hostile names come out as text, never as markup."""
import html.parser
import re
import subprocess
import tempfile
import unittest

import opftest


class Rendered(html.parser.HTMLParser):
    """What a reader sees: headings, tables (rows of cell texts, <br> as a line break), details, tags, links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings, self.tables, self.tags, self.details, self.links = [], [], [], [], []
        self._text = None
        self._in_details = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self.links.append(dict(attrs).get("href"))
        if tag == "table":
            self.tables.append({"rows": [], "in_details": self._in_details > 0})
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th", "h1", "h2", "h3", "summary"):
            self._text = []
        elif tag == "br" and self._text is not None:
            self._text.append("\n")
        elif tag == "details":
            self._in_details += 1

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1]["rows"][-1].append("".join(self._text))
        elif tag in ("h1", "h2", "h3"):
            self.headings.append((tag, "".join(self._text)))
        elif tag == "summary":
            self.details.append("".join(self._text))
        elif tag == "details":
            self._in_details -= 1
        if tag in ("td", "th", "h1", "h2", "h3", "summary"):
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def render(path):
    """GFM as GitHub renders it, with raw HTML let through so that any injected markup would show."""
    cmark = opftest.which("cmark-gfm")
    opftest.require(cmark, "cmark-gfm is not installed (scripts/install-deps.sh --test)")
    out = subprocess.run([cmark, "--unsafe", "-e", "table", "-e", "strikethrough", "-e", "autolink", path],
                         capture_output=True, text=True, check=True).stdout
    page = Rendered()
    page.feed(out)
    page.close()
    return page


def subject(row):
    text = "%s %s" % (row["subject_type"], row["subject_id"])
    return text + " " + row["subject_name"] if row["subject_type"] == "account" else text


class MarkdownReport(unittest.TestCase):
    def check_report(self, hostile):
        tmp = tempfile.mkdtemp(prefix="opf-md-")
        report, paths = opftest.render_example(tmp, "markdown", hostile=hostile)
        with open(paths["markdown"]) as f:
            raw = f.read()
        page = render(paths["markdown"])
        results = report["results"]
        verdict = report["summary"]["verdict"]

        self.assertEqual(page.headings[0], ("h1", "orgpreflight: " + verdict))
        self.assertIn("**Verdict: %s**" % verdict, raw)
        counts = {r[0]: int(r[1]) for r in page.tables[0]["rows"][1:] if r[0] != "total"}
        self.assertEqual(counts, report["summary"]["counts"])

        # problems: one heading and table per subject, exactly the fail/warn/unknown rows
        problems = [x for x in results if x["status"] in ("fail", "warn", "unknown")]
        subjects = [h for tag, h in page.headings if tag == "h3"]
        self.assertEqual([re.sub(r" \(.*\)$", "", s, flags=re.S) for s in subjects],
                         list(dict.fromkeys(subject(x) for x in problems)))
        got = []
        for table in page.tables:
            if table["rows"][0] == ["Status", "Severity", "Check", "Finding"]:
                self.assertTrue(all(len(r) == 4 for r in table["rows"]), table["rows"])
                got += table["rows"][1:]
        want = []
        gate = ["info", "low", "medium", "high", "blocker"].index(report["migration"]["fail_on"])
        for x in problems:
            status, severity = x["status"], x["severity"]
            if x["waiver"] and x["waiver"].get("expired"):
                status += " (waiver expired %s)" % x["waiver"]["expires"]
            above = ["info", "low", "medium", "high", "blocker"].index(severity) >= gate
            if x["status"] == "warn" and above:  # the reason it does not gate, next to its severity
                severity += " (does not gate: a warning asks for action but never blocks the move)"
            elif x["status"] != "warn" and not above:
                severity += " (does not gate: below the gate severity)"
            want.append([status, severity, x["check"], x["message"]])
        self.assertEqual(got, want)

        # the accounts first: one line per account with its readiness, blocking checks and wait-period end
        accounts = next(t["rows"] for t in page.tables if t["rows"][0][:4] == ["Account", "Name", "OU", "Readiness"])
        held = report["summary"]["holding_back_all_accounts"]
        for line, a in zip(accounts[1:], report["accounts"]):
            checks = ", ".join(a["blocking_checks"])
            if held and a["readiness"] not in ("ready", "cannot-move"):
                checks = checks + " + organization-wide" if checks else "organization-wide"
            self.assertEqual(line, [a["id"], a["name"], a["ou_path"], a["readiness"], checks, a["wait_until"] or ""])
        self.assertEqual(len(accounts) - 1, len(report["accounts"]))
        self.assertLess(page.headings.index(("h2", "Accounts")), page.headings.index(("h2", "Problems")))

        # each remediation once, with the subjects it applies to
        fixes = next(t["rows"] for t in page.tables if t["rows"][0] == ["Check", "Gates", "Subjects", "Remediation"])
        self.assertEqual(sorted(r[0] for r in fixes[1:]), sorted(set(x["check"] for x in problems)))
        for check, gates, applies, remediation in fixes[1:]:
            rows = [x for x in problems if x["check"] == check]
            self.assertEqual(remediation, rows[0]["remediation"])
            self.assertEqual(gates, "yes" if any(x["gating"] for x in rows) else "no")
            self.assertTrue(applies.startswith("%d: " % len(rows)), applies)

        # waived rows and expired waivers, each in its own table
        waived = [t["rows"] for t in page.tables if t["rows"][0][:3] == ["Subject", "Check", "Was"]]
        self.assertEqual(waived[0][1:], [[subject(x), x["check"], x["waiver"]["original_status"], x["severity"],
                                          x["waiver"]["reason"], x["waiver"]["owner"], x["waiver"]["expires"]]
                                         for x in results if x["status"] == "waived"])
        expired = [t["rows"] for t in page.tables if t["rows"][0][:2] == ["Account", "Check"]]
        self.assertEqual(expired[0][1:], [[w["account_id"], w["check"], w["reason"], w["owner"], w["expires"]]
                                          for w in report["waivers_expired"]])
        self.assertTrue(report["waivers_expired"] and waived[0][1:])

        # passes and skips folded in <details>
        folded = [t for t in page.tables if t["in_details"]]
        self.assertEqual(len(folded), 1)
        self.assertEqual(folded[0]["rows"][1:], [[subject(x), x["status"], x["check"], x["message"]]
                                                 for x in results if x["status"] in ("pass", "skipped")])
        self.assertIn("%d pass" % report["summary"]["counts"]["pass"], page.details[0])
        return raw, page, subjects

    def test_example(self):
        self.check_report(hostile=False)

    def test_hostile_names_stay_text(self):
        raw, page, subjects = self.check_report(hostile=True)
        name = opftest.HOSTILE_NAME
        self.assertIn("account %s %s" % (opftest.EXAMPLE_ACCOUNT_EXPIRED_WAIVER, name), "\n".join(subjects))
        self.assertNotIn("script", page.tags)
        self.assertNotIn("q", page.links)       # [z](q) is no link (addresses are autolinked: mailto)
        self.assertTrue(all(link.startswith("mailto:") for link in page.links), page.links)
        self.assertNotIn("code", page.tags)     # `x` is no code span
        self.assertNotIn("em", page.tags)       # *y* is no emphasis
        self.assertNotIn("<script", raw)
        # every table line is one row: the name's line break did not split it
        for line in raw.splitlines():
            if line.startswith("| account %s " % opftest.EXAMPLE_ACCOUNT_WAIVED):
                self.assertTrue(line.endswith(" |"), line)


if __name__ == "__main__":
    unittest.main()
