"""The scheduled weekly audit: the systemd units pass `systemd-analyze verify` (which needs no running
systemd) with their man page found, the service is hardened as documented, the timer is weekly and persistent;
the cron example runs the same script; the script itself keeps the reports, the previous JSON and the diff
and publishes the metrics, run twice against the example organization."""
import datetime
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import opftest
from test_report_prometheus import parse_openmetrics

CONTRIB = os.path.join(opftest.SOURCE_DIR, "contrib")
SERVICE = os.path.join(CONTRIB, "systemd", "orgpreflight-audit.service")
TIMER = os.path.join(CONTRIB, "systemd", "orgpreflight-audit.timer")
CRON = os.path.join(CONTRIB, "cron", "orgpreflight")
SCRIPT = os.path.join(CONTRIB, "orgpreflight-weekly.sh")
INSTALLED_SCRIPT = "/usr/share/orgpreflight/orgpreflight-weekly.sh"
EXAMPLE = os.path.join(opftest.SOURCE_DIR, "examples")


def unit_settings(path):
    """{(section, key): [values]} of a unit file."""
    settings, section = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                section = line.strip("[]")
                continue
            key, value = line.split("=", 1)
            settings.setdefault((section, key), []).append(value)
    return settings


class SystemdUnits(unittest.TestCase):
    def setUp(self):
        self.analyze = opftest.which("systemd-analyze")
        opftest.require(self.analyze is not None, "systemd-analyze is not installed (Debian package systemd)")
        self.tmp = tempfile.mkdtemp(prefix="opf-systemd-")
        man = os.path.join(self.tmp, "man", "man1")
        os.makedirs(man)
        shutil.copy(os.path.join(opftest.SOURCE_DIR, "docs", "orgpreflight.1"), man)
        self.env = dict(os.environ, MANPATH=os.path.join(self.tmp, "man"))

    def verify(self, service_text, timer_text):
        """systemd-analyze verify on copies; the script's installed path points at the source tree's."""
        paths = []
        for name, text in (("orgpreflight-audit.service", service_text), ("orgpreflight-audit.timer", timer_text)):
            paths.append(os.path.join(self.tmp, name))
            with open(paths[-1], "w") as f:
                f.write(text.replace(INSTALLED_SCRIPT, SCRIPT))
        return subprocess.run([self.analyze, "verify"] + paths, env=self.env, capture_output=True, text=True,
                              timeout=60)

    def test_units_verify(self):
        with open(SERVICE) as f:
            service = f.read()
        with open(TIMER) as f:
            timer = f.read()
        r = self.verify(service, timer)
        self.assertEqual((r.returncode, r.stdout + r.stderr), (0, ""))
        # verify complains about a bad value (and only warns, so the output is what counts)
        r = self.verify(service, timer.replace("Persistent=true", "Persistent=sometimes"))
        self.assertIn("ignoring: sometimes", r.stdout + r.stderr)
        r = self.verify(service.replace("ProtectSystem=strict", "ProtectSystem=very"), timer)
        self.assertIn("very", r.stdout + r.stderr)

    def test_service_is_hardened_and_keeps_state(self):
        s = unit_settings(SERVICE)
        for key, value in (("DynamicUser", "yes"), ("ProtectSystem", "strict"), ("StateDirectory", "orgpreflight"),
                           ("Type", "oneshot"), ("ProtectHome", "yes"), ("NoNewPrivileges", "yes"),
                           ("SuccessExitStatus", "1 2")):
            self.assertEqual(s[("Service", key)], [value], key)
        self.assertEqual(s[("Service", "ExecStart")], [INSTALLED_SCRIPT + " ${STATE_DIRECTORY}"])
        self.assertIn("/var/lib/prometheus/node-exporter/orgpreflight.prom", s[("Service", "ExecStartPost")][0])
        r = subprocess.run([self.analyze, "security", "--offline=true", SERVICE], capture_output=True, text=True,
                           timeout=60)
        level = re.search(r"Overall exposure level for \S+: ([0-9.]+)", r.stdout)
        self.assertIsNotNone(level, r.stdout + r.stderr)
        self.assertLessEqual(float(level.group(1)), 2.0, r.stdout)

    def test_timer_is_weekly_and_persistent(self):
        t = unit_settings(TIMER)
        self.assertEqual(t[("Timer", "Persistent")], ["true"])
        self.assertEqual(t[("Install", "WantedBy")], ["timers.target"])
        [calendar] = t[("Timer", "OnCalendar")]
        r = subprocess.run([self.analyze, "calendar", "--iterations=3", calendar], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        elapses = re.findall(r"(?:Next elapse|Iter\. #\d): (\w{3}) (\d{4}-\d\d-\d\d)", r.stdout)
        self.assertEqual(len(elapses), 3, r.stdout)
        self.assertEqual({day for day, _ in elapses}, {"Mon"})
        days = [datetime.date.fromisoformat(d) for _, d in elapses]
        self.assertEqual({(b - a).days for a, b in zip(days, days[1:])}, {7})


class WeeklyScript(unittest.TestCase):
    def run_script(self, state, textfile, now):
        bindir = os.path.join(tempfile.mkdtemp(prefix="opf-bin-"))
        os.symlink(opftest.CLI, os.path.join(bindir, "orgpreflight"))
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"],
                   ORGPREFLIGHT_ARGS="--evidence %s --config %s --now %s" % (
                       os.path.join(EXAMPLE, "evidence.json"), os.path.join(EXAMPLE, "config.json"), now))
        return subprocess.run(["sh", SCRIPT, state, textfile], env=env, capture_output=True, text=True, timeout=120)

    def test_two_weekly_runs(self):
        tmp = tempfile.mkdtemp(prefix="opf-weekly-")
        state, textfile = os.path.join(tmp, "state"), os.path.join(tmp, "textfile")
        os.makedirs(state)
        os.makedirs(textfile)
        r = self.run_script(state, textfile, "2026-11-25T09:00:00Z")
        self.assertEqual(r.returncode, 1, r.stderr)  # the example is not ready: the audit's exit code
        self.assertEqual(sorted(os.listdir(state)), ["orgpreflight.prom", "report.html", "report.json"])
        first = opftest.load_json(os.path.join(state, "report.json"))
        r = self.run_script(state, textfile, "2026-12-02T09:00:00Z")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(sorted(os.listdir(state)),
                         ["diff.md", "orgpreflight.prom", "previous.json", "report.html", "report.json"])
        self.assertEqual(opftest.load_json(os.path.join(state, "previous.json")), first)
        self.assertEqual(opftest.load_json(os.path.join(state, "report.json"))["generated_at"], "2026-12-02T09:00:00Z")
        with open(os.path.join(state, "diff.md")) as f:
            self.assertIn("2026-11-25T09:00:00Z", f.read())
        self.assertEqual(os.listdir(textfile), ["orgpreflight.prom"])
        with open(os.path.join(textfile, "orgpreflight.prom")) as f:
            families = parse_openmetrics(f.read())
        self.assertIn("orgpreflight_verdict", families)

    def test_could_not_run_is_passed_on(self):
        tmp = tempfile.mkdtemp(prefix="opf-weekly-bad-")
        r = self.run_script(tmp, "", "not-a-time")
        self.assertEqual(r.returncode, 64, r.stderr)
        self.assertNotIn("report.json", os.listdir(tmp))

    def test_cron_example_runs_the_same_script_weekly(self):
        with open(CRON) as f:
            jobs = [line.split(None, 6) for line in f if re.match(r"^[0-9*]", line)]
        [(minute, hour, dom, month, dow, user, command)] = jobs
        self.assertEqual((dom, month), ("*", "*"))
        self.assertRegex(dow, r"^[0-6]$")
        self.assertEqual(user, "orgpreflight")
        self.assertTrue(command.startswith(INSTALLED_SCRIPT + " /var/lib/orgpreflight /var/lib/prometheus/node-exporter"))


if __name__ == "__main__":
    unittest.main()
