"""contrib/ci: the GitHub Actions workflow and the GitLab CI job. No linter for either is packaged by Debian,
so each is checked against a schema of the keys its service documents (a typo in a key fails), for the OIDC
web-identity wiring, the artifacts and the exit code; and each one's shell is run as the service would run
it, against the example organization, proving the job fails on "not ready" and still leaves its reports."""
import os
import shutil
import stat
import subprocess
import tempfile
import unittest

import jsonschema
import yaml

import opftest

CI = os.path.join(opftest.SOURCE_DIR, "contrib", "ci")
EXAMPLE = os.path.join(opftest.SOURCE_DIR, "examples")

STEP = {"type": "object", "additionalProperties": False,
        "properties": {k: {} for k in ("name", "id", "if", "uses", "run", "with", "env", "shell",
                                       "continue-on-error", "timeout-minutes", "working-directory")},
        "oneOf": [{"required": ["uses"]}, {"required": ["run"]}]}
GITHUB_WORKFLOW = {
    "type": "object", "additionalProperties": False, "required": ["on", "jobs"],
    "properties": {
        "name": {"type": "string"}, "run-name": {"type": "string"}, "on": {"type": "object"},
        "permissions": {"type": "object", "additionalProperties": {"enum": ["read", "write", "none"]}},
        "env": {"type": "object"}, "defaults": {"type": "object"}, "concurrency": {},
        "jobs": {"type": "object", "minProperties": 1, "additionalProperties": {
            "type": "object", "additionalProperties": False, "required": ["runs-on", "steps"],
            "properties": {**{k: {} for k in ("name", "needs", "if", "permissions", "environment", "concurrency",
                                              "outputs", "defaults", "timeout-minutes", "strategy",
                                              "continue-on-error", "services")},
                           "runs-on": {"type": "string"},
                           "container": {"type": "object", "required": ["image"], "additionalProperties": False,
                                         "properties": {k: {} for k in ("image", "credentials", "env", "ports",
                                                                        "volumes", "options")}},
                           "env": {"type": "object", "additionalProperties": {"type": "string"}},
                           "steps": {"type": "array", "minItems": 1, "items": STEP}}}}}}
GITLAB_JOB = {
    "type": "object", "additionalProperties": False, "required": ["script"],
    "properties": {**{k: {} for k in ("stage", "tags", "needs", "before_script", "after_script", "timeout",
                                      "retry", "allow_failure", "environment", "cache", "services", "when")},
                   "image": {"type": "object", "required": ["name"], "additionalProperties": False,
                             "properties": {"name": {"type": "string"}, "entrypoint": {"type": "array"}}},
                   "id_tokens": {"type": "object", "additionalProperties": {
                       "type": "object", "required": ["aud"], "additionalProperties": False,
                       "properties": {"aud": {}}}},
                   "variables": {"type": "object", "additionalProperties": {"type": "string"}},
                   "rules": {"type": "array", "items": {"type": "object", "additionalProperties": False,
                                                         "properties": {k: {} for k in ("if", "when", "changes",
                                                                                        "exists", "variables")}}},
                   "script": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                   "artifacts": {"type": "object", "additionalProperties": False,
                                 "properties": {"when": {"enum": ["on_success", "on_failure", "always"]},
                                                "expire_in": {"type": "string"},
                                                "paths": {"type": "array", "items": {"type": "string"}},
                                                "name": {"type": "string"},
                                                "reports": {"type": "object", "properties": {
                                                    "junit": {"type": ["string", "array"]}}}}}}}


def load(name):
    with open(os.path.join(CI, name)) as f:
        return yaml.safe_load(f)


def workspace():
    """A checkout with the example's configuration as orgpreflight.json, and a PATH whose orgpreflight audits
    the example bundle offline (the templates' audit is live)."""
    tmp = tempfile.mkdtemp(prefix="opf-ci-")
    work, bindir = os.path.join(tmp, "work"), os.path.join(tmp, "bin")
    os.makedirs(work)
    os.makedirs(bindir)
    shutil.copy(os.path.join(EXAMPLE, "config.json"), os.path.join(work, "orgpreflight.json"))
    for name in ("attestations.json", "waivers.json"):
        shutil.copy(os.path.join(EXAMPLE, name), work)
    wrapper = os.path.join(bindir, "orgpreflight")
    with open(wrapper, "w") as f:
        f.write('#!/bin/sh\nexec "%s" "$@" --evidence "%s" --now 2026-11-25T09:00:00Z\n'
                % (opftest.CLI, os.path.join(EXAMPLE, "evidence.json")))
    os.chmod(wrapper, stat.S_IRWXU)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PATH"] = bindir + os.pathsep + env["PATH"]
    return work, env


def check_reports(test, work):
    with open(os.path.join(work, "reports", "junit.xml")) as f:
        test.assertIn("<testsuites", f.read())
    with open(os.path.join(work, "reports", "report.html")) as f:
        test.assertIn("<html", f.read())
    test.assertEqual(opftest.load_json(os.path.join(work, "reports", "report.json"))["summary"]["verdict"],
                     "not-ready")


class GitHubActions(unittest.TestCase):
    def setUp(self):
        self.doc = load("github-actions.yml")
        self.doc["on"] = self.doc.pop(True, self.doc.get("on"))  # YAML 1.1 reads the key `on` as true
        self.job = self.doc["jobs"]["gate"]

    def test_schema(self):
        jsonschema.validate(self.doc, GITHUB_WORKFLOW)
        broken = dict(self.doc, jobs={"gate": dict(self.job, step=self.job["steps"])})
        with self.assertRaises(jsonschema.ValidationError):
            jsonschema.validate(broken, GITHUB_WORKFLOW)

    def test_oidc_web_identity(self):
        self.assertEqual(self.doc["permissions"]["id-token"], "write")
        self.assertIn("AWS_ROLE_ARN", self.job["env"])
        [token] = [s for s in self.job["steps"] if "getIDToken" in s.get("with", {}).get("script", "")]
        self.assertTrue(token["uses"].startswith("actions/github-script@"))
        self.assertIn("getIDToken('sts.amazonaws.com')", token["with"]["script"])
        self.assertIn("exportVariable('AWS_WEB_IDENTITY_TOKEN_FILE'", token["with"]["script"])
        self.assertEqual(self.doc["on"]["schedule"][0]["cron"].split()[4], "1")

    def test_reports_uploaded_whatever_the_verdict(self):
        [upload] = [s for s in self.job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
        self.assertEqual(upload["if"], "always()")
        paths = upload["with"]["path"].split()
        self.assertLessEqual({"reports/junit.xml", "reports/report.html"}, set(paths))

    def test_audit_step_fails_on_not_ready_and_keeps_reports(self):
        [step] = [s for s in self.job["steps"] if "orgpreflight audit" in s.get("run", "")]
        self.assertEqual(step["shell"], "bash")
        work, env = workspace()
        summary = os.path.join(work, "summary.md")
        env["GITHUB_STEP_SUMMARY"] = summary
        # GitHub runs a bash step as `bash --noprofile --norc -eo pipefail {0}`
        script = os.path.join(work, "step.sh")
        with open(script, "w") as f:
            f.write(step["run"])
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=work, env=env,
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("::error::not ready", r.stdout)
        check_reports(self, work)
        with open(summary) as f:
            self.assertTrue(f.read().startswith("# orgpreflight: not-ready\n"))


class GitLabCI(unittest.TestCase):
    def setUp(self):
        self.job = load("gitlab-ci.yml")["orgpreflight"]

    def test_schema(self):
        jsonschema.validate(self.job, GITLAB_JOB)
        with self.assertRaises(jsonschema.ValidationError):
            jsonschema.validate(dict(self.job, artifact=self.job["artifacts"]), GITLAB_JOB)

    def test_oidc_web_identity_and_artifacts(self):
        self.assertEqual(self.job["id_tokens"]["AWS_WEB_IDENTITY_TOKEN"]["aud"], "sts.amazonaws.com")
        self.assertIn("AWS_ROLE_ARN", self.job["variables"])
        self.assertIn("AWS_WEB_IDENTITY_TOKEN_FILE", " ".join(self.job["script"]))
        self.assertEqual(self.job["artifacts"]["when"], "always")
        self.assertEqual(self.job["artifacts"]["reports"]["junit"], "reports/junit.xml")
        self.assertIn("reports/report.html", self.job["artifacts"]["paths"])
        self.assertEqual(self.job["image"]["entrypoint"], [""])

    def test_script_fails_on_not_ready_and_keeps_reports(self):
        work, env = workspace()
        env["AWS_WEB_IDENTITY_TOKEN"] = "eyJ.test.token"
        # the runner runs the lines in one shell that stops at the first failing command
        r = subprocess.run(["bash", "-eo", "pipefail", "-c", "\n".join(self.job["script"])], cwd=work, env=env,
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 1, r.stderr)
        check_reports(self, work)
        for path in self.job["artifacts"]["paths"] + [self.job["artifacts"]["reports"]["junit"]]:
            self.assertTrue(os.path.exists(os.path.join(work, path)), path)


if __name__ == "__main__":
    unittest.main()
