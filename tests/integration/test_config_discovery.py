"""Without --config the CLI uses ./orgpreflight.json, else $XDG_CONFIG_HOME/orgpreflight/config.json (default
~/.config), else /etc/orgpreflight/config.json, and says which on stderr; docs/config.schema.json validates the
example and fixture configurations and refuses what the loader refuses."""
import json
import os
import subprocess
import tempfile
import unittest

import opftest

EVIDENCE = os.path.join(opftest.SOURCE_DIR, "examples", "evidence.json")
SCHEMA = os.path.join(opftest.SOURCE_DIR, "docs", "config.schema.json")
FIXTURES = [os.path.join(opftest.SOURCE_DIR, "examples", "config.json"),
            os.path.join(opftest.SOURCE_DIR, "fuzz", "corpus", "config", "example.json"),
            os.path.join(opftest.SOURCE_DIR, "fuzz", "corpus", "config", "direct.json")]
SYSTEM_CONFIG = "/etc/orgpreflight/config.json"


def write(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(doc, f)


class Discovery(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="opf-config-")
        self.cwd = os.path.join(self.tmp, "work")
        self.home = os.path.join(self.tmp, "home")
        os.makedirs(self.cwd)
        os.makedirs(self.home)
        self.env = {k: v for k, v in os.environ.items() if k not in ("XDG_CONFIG_HOME",) and not k.startswith("AWS_")}
        self.env["HOME"] = self.home

    def audit(self, *extra, env=None):
        """The gate the audit used and its stderr."""
        out = os.path.join(self.tmp, "report.json")
        cmd = opftest.command(["audit", "--evidence", EVIDENCE, "--now", "2026-11-25T09:00:00Z",
                               "--format", "json", "-o", out] + list(extra))
        r = subprocess.run(cmd, cwd=self.cwd, env=env or self.env, capture_output=True, text=True,
                                   timeout=120)
        opftest.check_wrapper(r.returncode, r.stderr)
        self.assertIn(r.returncode, (0, 1, 2), r.stderr)
        return opftest.load_json(out)["migration"]["fail_on"], r.stderr

    def test_order_and_message(self):
        xdg = os.path.join(self.tmp, "xdg")
        write(os.path.join(self.home, ".config", "orgpreflight", "config.json"), {"gate": {"fail_on": "medium"}})
        self.assertEqual(self.audit(), ("medium", "orgpreflight: configuration %s/.config/orgpreflight/config.json\n"
                                        % self.home))
        write(os.path.join(xdg, "orgpreflight", "config.json"), {"gate": {"fail_on": "low"}})
        env = dict(self.env, XDG_CONFIG_HOME=xdg)
        self.assertEqual(self.audit(env=env), ("low", "orgpreflight: configuration %s/orgpreflight/config.json\n" % xdg))
        # a relative XDG_CONFIG_HOME is ignored, as the XDG Base Directory specification says
        self.assertEqual(self.audit(env=dict(self.env, XDG_CONFIG_HOME="xdg"))[0], "medium")
        write(os.path.join(self.cwd, "orgpreflight.json"), {"gate": {"fail_on": "blocker"}})
        self.assertEqual(self.audit(env=env), ("blocker", "orgpreflight: configuration orgpreflight.json\n"))
        self.assertEqual(self.audit("--quiet", env=env), ("blocker", ""))
        # an explicit --config wins and is not announced
        explicit = os.path.join(self.tmp, "explicit.json")
        write(explicit, {"gate": {"fail_on": "info"}})
        self.assertEqual(self.audit("--config", explicit, env=env), ("info", ""))

    def test_none_found(self):
        if os.path.exists(SYSTEM_CONFIG):
            self.skipTest("this machine has %s" % SYSTEM_CONFIG)
        self.assertEqual(self.audit(), ("high", ""))

    def test_a_broken_discovered_file_is_named(self):
        with open(os.path.join(self.cwd, "orgpreflight.json"), "w") as f:
            f.write('{"gate": {"fail_on": "sometimes"}}')
        r = subprocess.run(opftest.command(["audit", "--evidence", EVIDENCE]), cwd=self.cwd, env=self.env,
                                   capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 3)
        self.assertIn("orgpreflight.json: $.gate.fail_on", r.stderr)

    def test_attest_uses_the_discovered_file(self):
        write(os.path.join(self.cwd, "orgpreflight.json"), {"attestations": {"file": "attestations.json"}})
        r = subprocess.run(opftest.command(["attest", "123456789012", "payment-method", "true", "--by",
                                                    "finance@example.com"]),
                                   cwd=self.cwd, env=self.env, capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("configuration orgpreflight.json", r.stderr)
        doc = opftest.load_json(os.path.join(self.cwd, "attestations.json"))
        self.assertEqual(doc["attestations"][0]["account_id"], "123456789012")


class Schema(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import jsonschema
        cls.schema = opftest.load_json(SCHEMA)
        jsonschema.Draft202012Validator.check_schema(cls.schema)
        cls.validator = jsonschema.Draft202012Validator(cls.schema)

    def loader_accepts(self, doc):
        tmp = tempfile.mkdtemp(prefix="opf-config-schema-")
        path = os.path.join(tmp, "config.json")
        write(path, doc)
        r = opftest.run_cli(["audit", "--evidence", EVIDENCE, "--config", path, "--format", "json", "-o",
                             os.path.join(tmp, "r.json")])
        return r.returncode != 3

    def test_fixtures_validate(self):
        for path in FIXTURES:
            with self.subTest(path=path):
                self.validator.validate(opftest.load_json(path))

    def test_schema_and_loader_agree(self):
        cases = [({"$schema": "../docs/config.schema.json", "gate": {"fail_on": "low"}}, True),
                 ({"identity_center": {"current_portal_alias": ["old", "older"]}}, True),
                 ({"regions": ["eu-central-1", "us-gov-west-1"]}, True),
                 ({"gate": {"fail_on": "sometimes"}}, False),
                 ({"gate": {"fail_on_warn": True}}, False),
                 ({"access": {"concurrency": -1}}, False),
                 ({"access": {"concurrency": 0}}, False),
                 ({"aws": {"max_answer_bytes": 512}}, False),
                 ({"aws": {"call_budget_seconds": 600, "max_pages": 50}}, True),
                 ({"regions": ["EU-CENTRAL-1"]}, False),
                 ({"root_email": {"smtp_probe": "yes"}}, False),
                 ({"migration": {"path": "sideways"}}, False)]
        for doc, valid in cases:
            with self.subTest(doc=doc):
                self.assertEqual(self.validator.is_valid(doc), valid)
                self.assertEqual(self.loader_accepts(doc), valid)


if __name__ == "__main__":
    unittest.main()
