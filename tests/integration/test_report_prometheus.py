"""--format prometheus read by a strict OpenMetrics text parser (the spec's ABNF, written out below): families,
metadata order, escaping, unique label sets, values, the final # EOF; and the samples match the report."""
import calendar
import math
import re
import tempfile
import time
import unittest

import opftest

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL_NAME = r"[a-zA-Z_][a-zA-Z0-9_]*"
TYPES = {"counter", "gauge", "histogram", "gaugehistogram", "stateset", "info", "summary", "unknown"}
SAMPLE = re.compile(r"(%s)(?:\{(.*)\})? (\S+)(?: (\S+))?" % NAME)


def parse_labels(text):
    """name="value" pairs separated by commas; values use only the escapes \\\\, \\" and \\n."""
    labels, i = {}, 0
    while i < len(text):
        m = re.match(r'(%s)="' % LABEL_NAME, text[i:])
        if not m:
            raise ValueError("bad label at %r" % text[i:])
        name, i, value = m.group(1), i + m.end(), []
        while text[i] != '"':
            if text[i] == "\\":
                esc = {"\\": "\\", '"': '"', "n": "\n"}.get(text[i + 1])
                if esc is None:
                    raise ValueError("bad escape \\%s" % text[i + 1])
                value.append(esc)
                i += 2
            else:
                value.append(text[i])
                i += 1
        if name in labels or name.startswith("__"):
            raise ValueError("label %s repeated or reserved" % name)
        labels[name] = "".join(value)
        i += 1
        if i < len(text):
            if text[i] != ",":
                raise ValueError("expected , at %r" % text[i:])
            i += 1
    return labels


def parse_value(text):
    if text in ("+Inf", "-Inf", "NaN"):
        return float(text)
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        raise ValueError("bad number %r" % text)
    return float(text)


def parse_openmetrics(text):
    """{family: {"type", "help", "unit", "samples": [(labels, value)]}}, or ValueError naming the line."""
    if not text.endswith("# EOF\n") or "\n# EOF\n" in text[:-6]:
        raise ValueError("the exposition must end with a single # EOF")
    families, current, done = {}, None, set()
    for n, line in enumerate(text[:-len("# EOF\n")].split("\n")[:-1], 1):
        try:
            if line.startswith("#"):
                m = re.fullmatch(r"# (HELP|TYPE|UNIT) (%s) (.*)" % NAME, line) or \
                    re.fullmatch(r"# (HELP|UNIT) (%s)()" % NAME, line)
                if not m:
                    raise ValueError("not a HELP, TYPE or UNIT line")
                kind, name, rest = m.groups()
                if name != current:
                    if name in families:
                        raise ValueError("family %s is split" % name)
                    if current:
                        done.add(current)
                    current = name
                    families[name] = {"type": "unknown", "help": None, "unit": None, "samples": [], "meta": set()}
                f = families[name]
                if kind in f["meta"] or f["samples"]:
                    raise ValueError("%s repeated or after samples" % kind)
                f["meta"].add(kind)
                if kind == "TYPE":
                    if rest not in TYPES:
                        raise ValueError("unknown type " + rest)
                    f["type"] = rest
                elif kind == "UNIT":
                    if rest and not name.endswith("_" + rest):
                        raise ValueError("name does not end with its unit")
                    f["unit"] = rest
                else:
                    f["help"] = rest
                continue
            m = SAMPLE.fullmatch(line)
            if not m:
                raise ValueError("not a sample")
            name, labels, value, timestamp = m.groups()
            kind = families[current]["type"] if current else None
            if not (kind in ("gauge", "stateset") and name == current or kind == "info" and name == current + "_info"):
                raise ValueError("sample %s outside its gauge, stateset or info family" % name)
            if timestamp is not None:
                raise ValueError("a timestamp: the textfile collector refuses them")
            labels = parse_labels(labels or "")
            if kind == "stateset" and (current not in labels or value not in ("0", "1")):
                raise ValueError("a stateset sample needs the label %s and the value 0 or 1" % current)
            if kind == "info" and value != "1":
                raise ValueError("an info sample's value is 1")
            samples = families[current]["samples"]
            if any(other == labels for other, _ in samples):
                raise ValueError("duplicate label set")
            samples.append((labels, parse_value(value)))
        except (ValueError, IndexError) as e:
            raise ValueError("line %d %r: %s" % (n, line, e)) from None
    return families


class ParserIsStrict(unittest.TestCase):
    def test_rejects_what_the_spec_forbids(self):
        ok = '# HELP a_b x\n# TYPE a_b gauge\na_b{l="q\\"\\\\\\n"} 1\n# EOF\n'
        self.assertEqual(parse_openmetrics(ok)["a_b"]["samples"], [({"l": 'q"\\\n'}, 1.0)])
        for bad in ('# TYPE a gauge\na 1\n',                                  # no EOF
                    '# TYPE a gauge\na{l="x\\t"} 1\n# EOF\n',                 # bad escape
                    '# TYPE a gauge\na{l="x"} 1\na{l="x"} 2\n# EOF\n',        # duplicate label set
                    '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n# EOF\n',  # split family
                    '# TYPE a gauge\na 1\n# HELP a late\n# EOF\n',            # metadata after samples
                    '# TYPE a gauge\na one\n# EOF\n',                         # not a number
                    '# TYPE a_ms gauge\n# UNIT a_ms seconds\na_ms 1\n# EOF\n',  # unit not in the name
                    '# TYPE a gauge\na 1 1700000000\n# EOF\n'):               # timestamp
            with self.assertRaises(ValueError, msg=bad):
                parse_openmetrics(bad)


class PrometheusReport(unittest.TestCase):
    def check(self, hostile, fmt="prometheus"):
        """--format prometheus: gauges only, for the Prometheus text parser (the textfile collector, promtool);
        --format openmetrics: the same samples, the verdict typed as a stateset and the run as an info metric."""
        tmp = tempfile.mkdtemp(prefix="opf-prom-")
        report, paths = opftest.render_example(tmp, fmt, hostile=hostile)
        with open(paths[fmt], encoding="utf-8") as f:
            text = f.read()
        families = parse_openmetrics(text)
        typed = {"orgpreflight_verdict": "stateset", "orgpreflight_audit": "info"} if fmt == "openmetrics" else {}
        for name, f in families.items():
            self.assertTrue(name.startswith("orgpreflight_"), name)
            self.assertEqual(f["type"], typed.get(name, "gauge"), name)
            self.assertTrue(f["help"], name)
        promtool = opftest.which("promtool")
        if fmt == "prometheus" and promtool:
            r = opftest.run(["check", "metrics"], program=promtool, input=text)
            self.assertNotIn("error", (r.stdout + r.stderr).lower())

        status = families["orgpreflight_check_status"]["samples"]
        want = [{"subject_type": x["subject_type"],
                 "account_id": x["subject_id"] if x["subject_type"] == "account" else "",
                 "account_name": x["subject_name"] if x["subject_type"] == "account" else "",
                 "check": x["check"], "status": x["status"], "severity": x["severity"],
                 "gating": "true" if x["gating"] else "false"} for x in report["results"]]
        self.assertEqual([labels for labels, _ in status], want)
        self.assertTrue(all(v == 1 for _, v in status))

        # per account, bounded: ready 0/1 and the count of its own blocking findings
        ready = {l["account_id"]: v for l, v in families["orgpreflight_account_ready"]["samples"]}
        self.assertEqual(ready, {a["id"]: float(a["readiness"] == "ready") for a in report["accounts"]})
        blocking = {l["account_id"]: v for l, v in families["orgpreflight_account_blocking_findings"]["samples"]}
        own = {a["id"]: len(a["blocking_checks"]) for a in report["accounts"]}
        self.assertEqual(blocking, own)
        per = {l["readiness"]: v for l, v in families["orgpreflight_accounts"]["samples"]}
        self.assertEqual(per, report["summary"]["readiness"])

        counts = {l["status"]: v for l, v in families["orgpreflight_results"]["samples"]}
        self.assertEqual(counts, report["summary"]["counts"])
        verdict = {l["orgpreflight_verdict"]: v for l, v in families["orgpreflight_verdict"]["samples"]}
        self.assertEqual(verdict, {v: float(v == report["summary"]["verdict"])
                                   for v in ("ready", "not-ready", "undetermined")})
        self.assertEqual(families["orgpreflight_evidence_complete"]["samples"], [({}, 1.0)])
        family = "orgpreflight_audit" if fmt == "openmetrics" else "orgpreflight_audit_info"
        [(audit, one)] = families[family]["samples"]
        self.assertEqual((audit["organization_id"], audit["path"], audit["fail_on"], one),
                         (report["organization"]["id"], report["migration"]["path"], report["migration"]["fail_on"], 1))

        def unix(iso):
            return calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))
        for name, key in (("orgpreflight_audit_timestamp_seconds", "generated_at"),
                          ("orgpreflight_evidence_timestamp_seconds", "evidence_collected_at")):
            self.assertEqual(families[name]["unit"], "seconds")
            self.assertEqual(families[name]["samples"], [({}, unix(report[key]))])
        [(_, seconds)] = families["orgpreflight_run_duration_seconds"]["samples"]
        self.assertTrue(math.isclose(seconds, report["duration_ms"] / 1000.0), (seconds, report["duration_ms"]))
        return status

    def test_example(self):
        self.check(hostile=False)

    def test_openmetrics_types(self):
        self.check(hostile=False, fmt="openmetrics")

    def test_hostile_names_are_escaped_labels(self):
        status = self.check(hostile=True)
        names = {labels["account_name"] for labels, _ in status}
        self.assertIn(opftest.HOSTILE_NAME, names)
        self.assertIn(opftest.HOSTILE_NAME + " 2", names)

    def test_terminal_escapes_in_names_are_shown_not_sent(self):
        tmp = tempfile.mkdtemp(prefix="opf-prom-")
        _, paths = opftest.render_example(tmp, "prometheus", hostile=opftest.TERMINAL_NAME)
        with open(paths["prometheus"], encoding="utf-8") as f:
            text = f.read()
        self.assertEqual([c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) < 0xa0], [])
        names = {labels["account_name"] for labels, _ in parse_openmetrics(text)["orgpreflight_check_status"]["samples"]}
        # a line feed keeps the label syntax's own escape
        self.assertIn(opftest.TERMINAL_NAME_SHOWN.replace("\\x0a", "\n"), names)


if __name__ == "__main__":
    unittest.main()
