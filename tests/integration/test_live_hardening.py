"""A live audit keeps secrets out of every output, an interrupted run keeps what it collected, and accounts are
collected while the listing of the organization's accounts is still read."""
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

import opftest
from faultproxy import FaultProxy
from opftest import run_cli
from orgbuilder import Org


def _read(path):
    with open(path) as f:
        return f.read()


class LiveHardening(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = opftest.Moto()
        cls.dns = opftest.Dnsmasq(mx=[("corp.test", "mx1.corp.test", 10)])
        cls.org = Org(cls.moto, members=6)
        cls.moto.enforce_auth()
        cls.tmp = tempfile.mkdtemp(prefix="opf-hard-")
        cls.config = os.path.join(cls.tmp, "config.json")
        with open(cls.config, "w") as f:
            json.dump({"dns": {"servers": [cls.dns.server]}}, f)
        cls.env = cls.moto.env(access_key=cls.org.access_key, secret_key=cls.org.secret_key)
        cls.env["OPF_RETRY_BASE_MS"] = "20"

    @classmethod
    def tearDownClass(cls):
        cls.dns.stop()
        cls.moto.stop()

    def test_no_secret_in_any_output(self):
        out_dir = tempfile.mkdtemp(dir=self.tmp)
        report, bundle = os.path.join(out_dir, "r.json"), os.path.join(out_dir, "b.json")
        r = run_cli(["audit", "--config", self.config, "--debug", "--format", "json", "-o", report, "--format", "text"],
                    env=self.env)
        self.assertIn(r.returncode, (1, 2), r.stderr[-500:])
        c = run_cli(["collect", "--config", self.config, "--debug", "-o", bundle], env=self.env)
        self.assertEqual(c.returncode, 0, c.stderr[-500:])
        self.assertIn("AssumeRole", r.stderr)  # the trace did show the role assumptions
        outputs = [r.stdout, r.stderr, c.stdout, c.stderr, _read(report), _read(bundle)]
        for text in outputs:
            self.assertNotIn(self.org.secret_key, text)
            # temporary credentials of the member sessions appear only redacted
            self.assertNotRegex(text, r"<SecretAccessKey>[^*<]")
            self.assertNotRegex(text, r"<SessionToken>[^*<]")
            self.assertNotIn("FQoGZXIvYXdz", text)  # moto's session tokens start like AWS's

    def test_interrupted_collection_writes_an_incomplete_bundle_and_exits_3(self):
        proxy = FaultProxy(self.moto.url)
        try:
            proxy.add("iam:GetAccountSummary", "delay", first=100)
            env = dict(self.env, AWS_ENDPOINT_URL=proxy.url)
            out_dir = tempfile.mkdtemp(dir=self.tmp)
            bundle = os.path.join(out_dir, "partial.json")
            p = subprocess.Popen(opftest.command(["collect", "--config", self.config, "--concurrency", "1", "--quiet",
                                                  "-o", bundle]),
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(3.0)
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=60)
            opftest.check_wrapper(p.returncode, err)
            self.assertEqual(p.returncode, 3, err)
            self.assertIn("incomplete", err)
            doc = opftest.load_json(bundle)
            self.assertFalse(doc["complete"])
            self.assertEqual(len(doc["accounts"]), 7)  # nothing dropped: every account is listed
            skipped = [a for a in doc["accounts"] if "collection.interrupted" in a["evidence"]]
            self.assertTrue(skipped)
            self.assertEqual(os.listdir(out_dir), ["partial.json"])  # no temporary files left
            # auditing it can never say ready
            r = run_cli(["audit", "--evidence", bundle, "--config", self.config])
            self.assertIn("incomplete", r.stdout)
            self.assertIn(r.returncode, (1, 2))
        finally:
            proxy.stop()

    def test_accounts_are_collected_while_the_listing_is_still_read(self):
        """The accounts of ListAccounts' first page are collected while the next page is still being read: the
        proxy answers the second (last, empty) page only once a member's role was assumed, or after 20 s."""
        proxy = FaultProxy(self.moto.url)
        overlapped = []

        def pages(request, status, headers, body):
            if b"NextToken" not in request.body:  # moto's page, with one more to come
                return status, headers, json.dumps(dict(json.loads(body), NextToken="page-2")).encode()
            deadline = time.time() + 20
            while proxy.calls["sts:AssumeRole"] == 0 and time.time() < deadline:
                time.sleep(0.05)
            overlapped.append(proxy.calls["sts:AssumeRole"] > 0)
            return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps({"Accounts": []}).encode()
        try:
            proxy.answer("organizations:ListAccounts", pages)
            bundle = os.path.join(tempfile.mkdtemp(dir=self.tmp), "b.json")
            r = run_cli(["collect", "--config", self.config, "--quiet", "-o", bundle],
                        env=dict(self.env, AWS_ENDPOINT_URL=proxy.url))
            self.assertEqual(r.returncode, 0, r.stderr[-500:])
            self.assertEqual(overlapped, [True])
            doc = opftest.load_json(bundle)
            self.assertTrue(doc["complete"])
            self.assertEqual(len(doc["accounts"]), 7)
            self.assertEqual(len(doc["organization"]["evidence"]["organizations.accounts"]["data"]["Accounts"]), 7)
        finally:
            proxy.stop()


if __name__ == "__main__":
    unittest.main()
