"""The tests' Python requirements (tests/requirements.txt): configuring the tests with a Python that lacks one
stops with one line naming the module and how to install it; scripts/test-python.sh uses the python3 on PATH
when it has them all, installing nothing, and otherwise says in one line why it could not install them."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

import opftest
from opftest import SOURCE_DIR

SCRIPT = os.path.join(SOURCE_DIR, "scripts", "test-python.sh")
INSTALL_HINT = "install the test requirements with `bash scripts/test-python.sh`"


class PythonRequirements(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="opf-python-")
        # a Python without any of the requirements: a fresh virtual environment of this one, without pip
        cls.bare = os.path.join(cls.tmp, "bare")
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", cls.bare], check=True)
        cls.bare_python = os.path.join(cls.bare, "bin", "python3")

    def script(self, python_dir, venv, **env):
        """Runs scripts/test-python.sh with python_dir's python3 first on PATH."""
        env = dict({k: v for k, v in os.environ.items() if not k.startswith("PIP_")},
                   PATH=python_dir + os.pathsep + os.environ["PATH"], OPF_VENV=venv, **env)
        return subprocess.run(["bash", SCRIPT], env=env, capture_output=True, text=True, timeout=300)

    def test_configure_names_the_missing_module(self):
        build = os.path.join(self.tmp, "build")
        r = subprocess.run(["cmake", "-S", SOURCE_DIR, "-B", build, "-DBUILD_TESTING=ON",
                            "-DOPF_PYTHON=" + self.bare_python], capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        # CMake's "CMake Error at ... (message):" header, then the one line of the message
        lines = r.stderr.split("(message):\n", 1)[1].strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("%s cannot import moto.server (No module named 'moto'" % self.bare_python, lines[0])
        self.assertIn(INSTALL_HINT, lines[0])
        self.assertIn("-DOPF_PYTHON=" + os.path.join(SOURCE_DIR, ".venv", "bin", "python3"), lines[0])

    def test_the_python_on_path_is_used_as_is(self):
        venv = os.path.join(self.tmp, "unused-venv")
        r = self.script(os.path.dirname(sys.executable), venv)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertEqual(os.path.realpath(r.stdout.strip()), os.path.realpath(sys.executable))
        self.assertFalse(os.path.exists(venv))  # nothing installed

    def test_an_install_that_fails_says_why_in_one_line(self):
        # no pip configuration, and the package index on a loopback port where nothing listens
        venv = os.path.join(self.tmp, "venv")
        r = self.script(os.path.join(self.bare, "bin"), venv, PIP_CONFIG_FILE=os.devnull, PIP_RETRIES="0",
                        PIP_INDEX_URL="http://127.0.0.1:%d/simple" % opftest.free_port())
        self.assertEqual((r.returncode, r.stdout), (1, ""))
        self.assertRegex(r.stderr, r"^cannot install tests/requirements\.txt into %s: No matching distribution found"
                         r" for moto\[server\]==\S+ \(pip's log: %s/pip\.log\)\n$" % (re.escape(venv), re.escape(venv)))

    def test_every_requirement_is_pinned(self):
        with open(os.path.join(SOURCE_DIR, "tests", "requirements.txt")) as f:
            reqs = [line.split("#")[0].strip() for line in f if line.split("#")[0].strip()]
        self.assertTrue(reqs)
        for req in reqs:
            self.assertRegex(req, r"^[A-Za-z0-9_.\[\]-]+==[0-9][0-9.]*$")


if __name__ == "__main__":
    unittest.main()
