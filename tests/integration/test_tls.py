"""The audit over HTTPS: stunnel (Debian's stunnel4) terminates TLS on loopback in front of moto, with a
throwaway CA and server certificate made here with the openssl CLI. The CA is trusted only when named
(AWS_CA_BUNDLE, or the profile's ca_bundle); otherwise, or for a certificate naming another host, the run
stops with one line about certificate verification that names the endpoint. Nothing turns verification off."""
import glob
import json
import os
import re
import subprocess
import tempfile
import unittest

import opftest
from opftest import run_cli
from orgbuilder import Org

# flags other tools use to skip certificate checks; none may exist here
INSECURE = re.compile(r"insecure|no-verify|verify-ssl|skip-tls|tls-skip|ssl-no|noverify|verify=false", re.I)


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True, capture_output=True)


def make_ca(d, name):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".pem",
            "-days", "2", "-subj", "/CN=orgpreflight test %s" % name,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    return os.path.join(d, name + ".pem")


def make_server_cert(d, ca, name, san):
    ext = os.path.join(d, name + ".ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n" % san)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
            "-subj", "/CN=%s" % name, cwd=d)
    openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
            "-out", name + ".pem", "-days", "2", "-extfile", ext, cwd=d)
    return os.path.join(d, name + ".pem"), os.path.join(d, name + ".key")


class Stunnel:
    """stunnel in the foreground: one TLS service per (certificate, key) on free loopback ports, each
    forwarding to the upstream port."""

    def __init__(self, d, upstream_port, certs):
        exe = opftest.which("stunnel4") or opftest.which("stunnel")
        opftest.require(exe is not None, "stunnel is not installed (Debian package stunnel4)")
        self.ports = [opftest.free_port() for _ in certs]
        conf = os.path.join(d, "stunnel.conf")
        with open(conf, "w") as f:
            f.write("foreground = yes\npid =\ndebug = 4\n")
            for i, ((cert, key), port) in enumerate(zip(certs, self.ports)):
                f.write("[s%d]\naccept = 127.0.0.1:%d\nconnect = 127.0.0.1:%d\ncert = %s\nkey = %s\n"
                        % (i, port, upstream_port, cert, key))
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([exe, conf], stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        for port in self.ports:
            opftest.wait_for_port(port, proc=self.proc)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.log.close()


class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="opf-tls-")
        make_ca(cls.tmp, "ca")
        make_ca(cls.tmp, "other-ca")
        cls.ca = os.path.join(cls.tmp, "ca.pem")
        cls.other_ca = os.path.join(cls.tmp, "other-ca.pem")
        good = make_server_cert(cls.tmp, os.path.join(cls.tmp, "ca"), "loopback", "IP:127.0.0.1,DNS:localhost")
        wrong_name = make_server_cert(cls.tmp, os.path.join(cls.tmp, "ca"), "elsewhere", "DNS:elsewhere.test")
        cls.moto = opftest.Moto()
        cls.dns = opftest.Dnsmasq(mx=[("corp.test", "mx1.corp.test", 10)])
        cls.org = Org(cls.moto, members=5)
        cls.moto.enforce_auth()
        cls.stunnel = Stunnel(cls.tmp, cls.moto.port, [good, wrong_name])
        cls.https = "https://127.0.0.1:%d" % cls.stunnel.ports[0]
        cls.https_wrong_name = "https://127.0.0.1:%d" % cls.stunnel.ports[1]
        cls.config = os.path.join(cls.tmp, "config.json")
        with open(cls.config, "w") as f:
            json.dump({"dns": {"servers": [cls.dns.server]}}, f)

    @classmethod
    def tearDownClass(cls):
        cls.stunnel.stop()
        cls.dns.stop()
        cls.moto.stop()

    def env(self, endpoint=None, ca_bundle=None, profile_ca=None):
        env = self.moto.env(access_key=self.org.access_key, secret_key=self.org.secret_key)
        env.update({"AWS_ENDPOINT_URL": endpoint or self.https, "OPF_RETRY_BASE_MS": "20"})
        if ca_bundle:
            env["AWS_CA_BUNDLE"] = ca_bundle
        if profile_ca:
            with open(env["AWS_CONFIG_FILE"], "w") as f:
                f.write("[default]\nca_bundle = %s\n" % profile_ca)
        return env

    def audit(self, env):
        out = os.path.join(tempfile.mkdtemp(dir=self.tmp), "r.json")
        r = run_cli(["audit", "--config", self.config, "--quiet", "--format", "json", "-o", out], env=env, timeout=120)
        return r, (opftest.load_json(out) if os.path.exists(out) else None)

    def assert_complete_audit(self, r, report):
        self.assertEqual(r.returncode, 1, r.stderr[-1000:])
        self.assertEqual(len(report["accounts"]), 6)
        self.assertGreater(report["stats"]["api_calls"], 50)
        for row in report["results"]:
            self.assertNotRegex(row["message"], "TLSError|certificate|SSL", row)

    def assert_refused_in_one_line(self, r, endpoint, *words):
        self.assertEqual(r.returncode, 3, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn(endpoint, lines[0])
        for w in words:
            self.assertIn(w, lines[0])
        print("\n" + lines[0])

    def test_audit_over_https_with_aws_ca_bundle(self):
        self.assert_complete_audit(*self.audit(self.env(ca_bundle=self.ca)))

    def test_audit_over_https_with_the_profiles_ca_bundle(self):
        self.assert_complete_audit(*self.audit(self.env(profile_ca=self.ca)))
        # AWS_CA_BUNDLE wins over the profile's setting, as in the AWS CLI
        r, _ = self.audit(self.env(ca_bundle=self.other_ca, profile_ca=self.ca))
        self.assert_refused_in_one_line(r, self.https, "certificate verification failed")

    def test_untrusted_certificate_stops_the_run_with_one_line(self):
        r, report = self.audit(self.env())
        self.assertIsNone(report)
        self.assert_refused_in_one_line(r, self.https, "certificate verification failed", "AWS_CA_BUNDLE")
        r, _ = self.audit(self.env(ca_bundle=self.other_ca))
        self.assert_refused_in_one_line(r, self.https, "certificate verification failed")

    def test_certificate_for_another_host_is_refused(self):
        r, _ = self.audit(self.env(endpoint=self.https_wrong_name, ca_bundle=self.ca))
        self.assert_refused_in_one_line(r, self.https_wrong_name, "certificate verification failed", "127.0.0.1")

    def test_unreadable_ca_bundle_is_named(self):
        missing = os.path.join(self.tmp, "no-such-ca.pem")
        r, _ = self.audit(self.env(ca_bundle=missing))
        self.assert_refused_in_one_line(r, self.https, missing)

    def test_no_switch_disables_verification(self):
        for args in (["--help"], ["audit", "--help"], ["collect", "--help"]):
            r = run_cli(args)
            text = r.stdout + r.stderr
            self.assertIn("usage", text)
            self.assertNotRegex(text, INSECURE)
        # the AWS CLI's switch is a usage error here
        r = run_cli(["audit", "--no-verify-ssl"], env=self.env(ca_bundle=self.ca))
        self.assertEqual(r.returncode, 64, r.stderr)
        # and no source turns libcurl's peer or host verification off, nor names such a switch
        sources = [p for d in ("src", "include", "checks") for p in
                   glob.glob(os.path.join(opftest.SOURCE_DIR, d, "**", "*.[ch]"), recursive=True)]
        self.assertGreater(len(sources), 20)
        for path in sources:
            with open(path) as f:
                text = f.read()
            self.assertNotRegex(text, r"CURLOPT_SSL_VERIFY(PEER|HOST|STATUS)|CURLOPT_PROXY_SSL_VERIFY", path)
            self.assertNotRegex(text, INSECURE, path)


if __name__ == "__main__":
    unittest.main()
