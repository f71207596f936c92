"""The optional SMTP probe, live: a real SMTP server refuses one root address; that account fails, and an
accepted address never turns root-email-reachable into a pass. A probe that gets no answer is named so in the
evidence."""
import json
import os
import subprocess
import tempfile
import unittest

import opftest
from opftest import run_cli
from orgbuilder import Org

PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "smtp_peer.py")
DEBIAN_PYTHON = "/usr/bin/python3"


def has_aiosmtpd():
    return subprocess.run([DEBIAN_PYTHON, "-c", "import aiosmtpd"], capture_output=True).returncode == 0


class LiveSmtp(unittest.TestCase):
    def test_rcpt_rejection_fails_and_acceptance_never_passes(self):
        opftest.require(os.path.exists(DEBIAN_PYTHON) and has_aiosmtpd(), "python3-aiosmtpd is not installed")
        with opftest.Moto() as moto:
            org = Org(moto, members=8)
            moto.enforce_auth()
            refused = "aws-00@corp.test"  # org.prod's root address
            port = opftest.free_port()
            peer = subprocess.Popen([DEBIAN_PYTHON, PEER, str(port), refused], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)
            try:
                self.assertEqual(peer.stdout.readline().strip(), str(port))
                with opftest.Dnsmasq(mx=[("corp.test", "mx1.corp.test", 10)], a=[("mx1.corp.test", "127.0.0.1")]) as dns:
                    cfg = os.path.join(tempfile.mkdtemp(), "config.json")
                    with open(cfg, "w") as f:
                        json.dump({"dns": {"servers": [dns.server]},
                                   "root_email": {"smtp_probe": True, "smtp_port": port}}, f)
                    env = moto.env(access_key=org.access_key, secret_key=org.secret_key)
                    r = run_cli(["audit", "--config", cfg, "--quiet", "--checks", "root-email-reachable",
                                 "--format", "json"], env=env)
                    report = json.loads(r.stdout)
            finally:
                peer.stdin.close()
                peer.wait(timeout=10)
                peer.stdout.close()
            rows = {x["subject_id"]: x for x in report["results"]}
            self.assertEqual(rows[org.prod]["status"], "fail")
            self.assertIn("550", rows[org.prod]["message"])
            accepted = rows[org.sandbox]
            self.assertEqual(accepted["status"], "warn")
            self.assertIn("probe.smtp", [e["item"] for e in accepted["evidence"]])  # the probe ran and was cited

    def test_unanswered_probes_are_named_in_the_evidence(self):
        closed = opftest.free_port()  # nothing listens there, over UDP or TCP
        with opftest.Moto() as moto:
            org = Org(moto, members=5)
            moto.enforce_auth()
            env = moto.env(access_key=org.access_key, secret_key=org.secret_key)
            tmp = tempfile.mkdtemp()

            def probe_errors(config, item):
                cfg, bundle = os.path.join(tmp, "config.json"), os.path.join(tmp, "bundle.json")
                with open(cfg, "w") as f:
                    json.dump(config, f)
                r = run_cli(["collect", "--config", cfg, "--quiet", "--checks", "root-email-reachable", "-o", bundle],
                            env=env)
                self.assertEqual(r.returncode, 0, r.stderr)
                return {a["id"]: a["evidence"][item].get("error") for a in opftest.load_json(bundle)["accounts"]}

            dns = probe_errors({"dns": {"servers": ["127.0.0.1:%d" % closed], "timeout_ms": 300}}, "probe.dns")
            self.assertEqual({e["code"] for e in dns.values()}, {"DnsTimeout"}, dns)
            with opftest.Dnsmasq(mx=[("corp.test", "mx1.corp.test", 10)], a=[("mx1.corp.test", "127.0.0.1")]) as server:
                smtp = probe_errors({"dns": {"servers": [server.server]},
                                     "root_email": {"smtp_probe": True, "smtp_port": closed}}, "probe.smtp")
            self.assertEqual([smtp[a]["code"] for a in (org.prod, org.sandbox)], ["SmtpUnreachable"] * 2, smtp)  # corp.test
            self.assertIn("cannot connect to 127.0.0.1 port %d" % closed, smtp[org.prod]["message"])


if __name__ == "__main__":
    unittest.main()
