"""contrib/grafana/orgpreflight.json and contrib/prometheus/alerts.yml: promtool (Debian's prometheus package)
checks the rules and the syntax of every dashboard query; every metric and label they name is one the exporter
writes, offline for the example organization or live against a small organization in moto; promtool's rule
unit tests prove each alert fires when it should and stays quiet otherwise."""
import json
import os
import re
import subprocess
import tempfile
import unittest

import yaml

import opftest
from test_report_prometheus import parse_openmetrics

CONTRIB = os.path.join(opftest.SOURCE_DIR, "contrib")
DASHBOARD = os.path.join(CONTRIB, "grafana", "orgpreflight.json")
ALERTS = os.path.join(CONTRIB, "prometheus", "alerts.yml")
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "offset", "bool", "group_left",
            "group_right", "inf", "nan"}
# Labels Prometheus adds to every scraped series.
TARGET_LABELS = {"instance", "job", "__name__"}


def promtool():
    exe = opftest.which("promtool")
    opftest.require(exe is not None, "promtool is not installed (Debian package prometheus)")
    return exe


def dashboard_exprs():
    with open(DASHBOARD) as f:
        doc = json.load(f)
    return [t["expr"] for p in doc["panels"] for t in p.get("targets", [])]


def dashboard_targets():
    with open(DASHBOARD) as f:
        doc = json.load(f)
    return [t for p in doc["panels"] for t in p.get("targets", [])]


def alert_rules():
    with open(ALERTS) as f:
        return [r for g in yaml.safe_load(f)["groups"] for r in g["rules"]]


def names_in(expr):
    """(metric names, label names) a PromQL expression refers to."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    labels = set()
    for m in re.finditer(r"\{([^}]*)\}", expr):
        labels |= set(re.findall(r"([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)", m.group(1)))
    expr = re.sub(r"\{[^}]*\}", " ", expr)
    for m in re.finditer(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", expr):
        labels |= set(re.findall(r"[a-zA-Z_]\w*", m.group(1)))
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    metrics = {name for name in re.findall(r"(?<![\w.:$])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()", expr)
               if name not in KEYWORDS}
    return metrics, labels


class Monitoring(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        tmp = tempfile.mkdtemp(prefix="opf-monitoring-")
        _, paths = opftest.render_example(tmp, "prometheus")
        with open(paths["prometheus"], encoding="utf-8") as f:
            families = parse_openmetrics(f.read())
        cls.live_report, live = cls.live_metrics(tmp)
        cls.exported = {}
        for name, f in list(families.items()) + list(live.items()):
            labels = set().union(*[set(labels) for labels, _ in f["samples"]]) | TARGET_LABELS
            cls.exported[name] = cls.exported.get(name, set()) | labels
        cls.live = live
        cls.tmp = tmp

    @staticmethod
    def live_metrics(tmp):
        """A live audit of a one-member organization in moto (only checks that need no DNS); its report and
        metrics."""
        with opftest.Moto() as moto:
            org = moto.client("organizations")
            org.create_organization(FeatureSet="ALL")
            org.create_account(Email="member@corp.test", AccountName="member")
            report, prom = os.path.join(tmp, "live.json"), os.path.join(tmp, "live.prom")
            r = opftest.run_cli(["audit", "--quiet", "--checks", "account-state,delegated-administrator",
                                 "--format", "json", "-o", report, "--format", "prometheus", "-o", prom],
                                env=moto.env())
            assert r.returncode in (0, 1, 2), r.stderr
        with open(prom, encoding="utf-8") as f:
            return opftest.load_json(report), parse_openmetrics(f.read())

    def test_live_runs_export_evidence_errors(self):
        self.assertEqual(self.live["orgpreflight_evidence_errors"]["samples"],
                         [({}, float(self.live_report["stats"]["errors"]))])
        self.assertEqual(self.live["orgpreflight_evidence_errors"]["help"],
                         "Evidence items the live collection could not collect")

    def test_promtool_checks_the_rules(self):
        r = subprocess.run([promtool(), "check", "rules", ALERTS], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("SUCCESS: 4 rules found", r.stdout)

    def test_promtool_parses_every_dashboard_query(self):
        exprs = dashboard_exprs()
        self.assertGreaterEqual(len(exprs), 8)
        rules = {"groups": [{"name": "dashboard", "rules": [
            {"record": "orgpreflight:dashboard_query_%d" % i, "expr": e} for i, e in enumerate(exprs)]}]}
        path = os.path.join(self.tmp, "dashboard-rules.yml")
        with open(path, "w") as f:
            yaml.safe_dump(rules, f)
        r = subprocess.run([promtool(), "check", "rules", path], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(path, "w") as f:  # the check can fail
            yaml.safe_dump({"groups": [{"name": "x", "rules": [{"record": "x:y", "expr": "sum(orgpreflight_results"}]}]}, f)
        self.assertNotEqual(subprocess.run([promtool(), "check", "rules", path], capture_output=True).returncode, 0)

    def test_only_exported_metrics_and_labels(self):
        exprs = dashboard_exprs() + [r["expr"] for r in alert_rules()]
        seen = set()
        for expr in exprs:
            with self.subTest(expr=expr):
                metrics, labels = names_in(expr)
                self.assertTrue(metrics, "no metric found")
                for m in metrics:
                    self.assertIn(m, self.exported, "not a metric the exporter writes")
                known = set().union(*(self.exported[m] for m in metrics))
                self.assertLessEqual(labels, known)
                seen |= metrics
        # the panels the dashboard promises
        self.assertLessEqual({"orgpreflight_verdict", "orgpreflight_check_status", "orgpreflight_results",
                              "orgpreflight_run_duration_seconds", "orgpreflight_evidence_complete",
                              "orgpreflight_audit_timestamp_seconds", "orgpreflight_accounts",
                              "orgpreflight_account_ready", "orgpreflight_account_blocking_findings",
                              "orgpreflight_evidence_errors"}, seen)

    def test_legends_name_labels_the_query_keeps(self):
        """A legend's {{label}} must be a label of the query's metrics that an aggregation keeps."""
        for t in dashboard_targets():
            with self.subTest(expr=t["expr"]):
                metrics, _ = names_in(t["expr"])
                kept = set().union(*(self.exported[m] for m in metrics))
                by = re.findall(r"\bby\s*\(([^)]*)\)", t["expr"])
                if by:
                    kept = set(re.findall(r"[a-zA-Z_]\w*", by[-1]))
                self.assertLessEqual(set(re.findall(r"\{\{\s*(\w+)\s*\}\}", t.get("legendFormat", ""))), kept)

    def test_the_cross_check_can_fail(self):
        self.assertEqual(names_in('sum by (check) (orgpreflight_checks_failed{severity="x"}) > 0'),
                         ({"orgpreflight_checks_failed"}, {"check", "severity"}))
        self.assertNotIn("orgpreflight_checks_failed", self.exported)

    def test_dashboard_panels(self):
        with open(DASHBOARD) as f:
            doc = json.load(f)
        titles = {p["title"] for p in doc["panels"]}
        self.assertLessEqual({"Verdict", "Accounts ready vs blocked", "Failures per check", "Evidence errors",
                              "Run duration", "Accounts not ready"}, titles)
        self.assertEqual(len({p["id"] for p in doc["panels"]}), len(doc["panels"]))
        for p in doc["panels"]:
            self.assertEqual(p["datasource"], {"type": "prometheus", "uid": "${datasource}"})

    def test_alerts_fire_when_they_should(self):
        """promtool's rule unit tests: each alert fires on the situation it names and not before."""
        series = 'orgpreflight_check_status{subject_type="account", account_id="418273645091", ' \
                 'account_name="data-platform", check="payment-method", status="fail", severity="blocker", gating="true"}'
        blocker_labels = {"alertname": "OrgpreflightNewBlocker", "subject_type": "account",
                          "account_id": "418273645091", "account_name": "data-platform", "check": "payment-method",
                          "status": "fail", "severity": "critical", "gating": "true"}
        notes = {r["alert"]: r["annotations"] for r in alert_rules()}

        def fired(labels, **values):
            """The alert as promtool renders it: labels, and the annotations with {{ $value }} filled in."""
            return {"exp_labels": labels, "exp_annotations": {
                k: v.replace("{{ $value }}", values.get("value", "")) for k, v in notes[labels["alertname"]].items()}}
        blocker = {"exp_labels": blocker_labels, "exp_annotations": {
            "summary": "New migration blocker: payment-method on account 418273645091 data-platform",
            "description": "orgpreflight found a new blocker; `orgpreflight explain payment-method` says what to do."}}
        tests = {"rule_files": [ALERTS], "evaluation_interval": "1m", "tests": [
            {"interval": "1h",
             "input_series": [
                 # absent for two days, then failing
                 {"series": series, "values": "_x48 1x96"},
                 # failing all along, only its gating label changes after two days: not a new blocker
                 {"series": series.replace("payment-method", "scp-denies-leave").replace('"true"', '"false"'),
                  "values": "1x48 _x96"},
                 {"series": series.replace("payment-method", "scp-denies-leave"), "values": "_x48 1x96"},
                 # the audit ran at time 0 and never again
                 {"series": "orgpreflight_audit_timestamp_seconds", "values": "0x240"},
                 # 1 unknown for a week, then 3
                 {"series": 'orgpreflight_results{status="unknown"}', "values": "1x168 3x24"},
                 {"series": "orgpreflight_evidence_complete", "values": "1x100 0x10"}],
             "alert_rule_test": [
                 {"eval_time": "47h", "alertname": "OrgpreflightNewBlocker", "exp_alerts": []},
                 {"eval_time": "49h", "alertname": "OrgpreflightNewBlocker",
                  "exp_alerts": [blocker]},
                 {"eval_time": "74h", "alertname": "OrgpreflightNewBlocker", "exp_alerts": []},
                 {"eval_time": "7d", "alertname": "OrgpreflightAuditNotRun", "exp_alerts": []},
                 {"eval_time": "8d2h", "alertname": "OrgpreflightAuditNotRun",
                  "exp_alerts": [fired({"alertname": "OrgpreflightAuditNotRun", "severity": "warning"})]},
                 {"eval_time": "6d", "alertname": "OrgpreflightUnknownsRising", "exp_alerts": []},
                 {"eval_time": "7d2h", "alertname": "OrgpreflightUnknownsRising",
                  "exp_alerts": [fired({"alertname": "OrgpreflightUnknownsRising", "status": "unknown",
                                        "severity": "warning"}, value="3")]},
                 {"eval_time": "99h", "alertname": "OrgpreflightEvidenceIncomplete", "exp_alerts": []},
                 {"eval_time": "102h", "alertname": "OrgpreflightEvidenceIncomplete",
                  "exp_alerts": [fired({"alertname": "OrgpreflightEvidenceIncomplete", "severity": "warning"})]},
             ]}]}
        path = os.path.join(self.tmp, "alerts-test.yml")
        with open(path, "w") as f:
            yaml.safe_dump(tests, f)
        r = subprocess.run([promtool(), "test", "rules", path], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
