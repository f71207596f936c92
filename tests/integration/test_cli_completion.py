"""`orgpreflight completion bash|zsh`: every command and every option each command's --help names completes,
every completed option is one the command accepts, values complete from the CLI's own tables; bash runs the
completion function itself, zsh checks the script and runs it with the completion builtins stubbed."""
import os
import re
import json
import subprocess
import tempfile
import unittest

import opftest

SHELLS_NEEDED = "bash and zsh (Debian packages bash, zsh)"


def cli(*args):
    return opftest.run_cli(list(args))


def commands():
    """The commands `orgpreflight help` lists."""
    out = cli("help").stdout
    block = out.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines()]


def help_options(cmd):
    """The options a command's --help names (long ones, and short ones written "-x,")."""
    if cmd in ("version", "help"):
        return set()
    text = cli(cmd, "--help").stdout
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", text)) | set(re.findall(r"(?<![\w-])(-[a-z]),", text))


def report_formats():
    """The report formats docs/report.md's format table lists."""
    with open(os.path.join(opftest.SOURCE_DIR, "docs", "report.md")) as f:
        return set(re.findall(r"^\| `([a-z]+)` \| [a-z.]+ \|", f.read(), re.M))


def bash_complete(script, *words):
    """COMPREPLY for the command line `orgpreflight WORDS...` with the cursor on the last word."""
    line = ["orgpreflight"] + list(words)
    prog = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _orgpreflight; '
            'printf "%s\\n" "${COMPREPLY[@]}"')
    r = subprocess.run(["bash", "-c", prog, "bash", script] + line, capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise AssertionError(r.stderr)
    return set(filter(None, r.stdout.splitlines()))


class Completion(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="opf-completion-")
        cls.scripts = {}
        for shell in ("bash", "zsh"):
            r = cli("completion", shell)
            assert r.returncode == 0, r.stderr
            cls.scripts[shell] = os.path.join(cls.tmp, "orgpreflight." + shell)
            with open(cls.scripts[shell], "w") as f:
                f.write(r.stdout)
        cls.commands = commands()
        cls.checks = [c["id"] for c in json.loads(cli("checks", "--format", "json").stdout)["checks"]]

    def test_usage(self):
        r = cli("completion", "fish")
        self.assertEqual(r.returncode, 64)
        self.assertIn("bash or zsh", r.stderr)
        r = cli("completion", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith("usage: orgpreflight completion bash|zsh"))

    def test_bash_completes_every_command_and_documented_option(self):
        self.assertIn("completion", self.commands)
        self.assertEqual(bash_complete(self.scripts["bash"], ""), set(self.commands))
        self.assertEqual(bash_complete(self.scripts["bash"], "au"), {"audit"})
        for cmd in self.commands:
            with self.subTest(cmd=cmd):
                offered = {w for w in bash_complete(self.scripts["bash"], cmd, "-") if w.startswith("-")}
                self.assertLessEqual(help_options(cmd), offered)
                for opt in offered:  # every option offered is one the command's parser accepts
                    r = cli(cmd, opt, "--help") if opt not in ("-h", "--help") else cli(cmd, opt)
                    self.assertNotIn("unknown option", r.stderr, (cmd, opt))

    def test_bash_completes_values(self):
        script = self.scripts["bash"]
        formats = report_formats()
        self.assertLessEqual({"text", "json", "prometheus", "asff", "ocsf"}, formats)
        self.assertEqual(bash_complete(script, "audit", "--format", ""), formats)
        # --output is -o's long form where the option table says so (diff), else a format, as in the AWS CLI
        self.assertEqual(bash_complete(script, "audit", "--output", ""), formats)
        self.assertEqual(bash_complete(script, "plan", "--format", ""), {"markdown", "json"})
        self.assertEqual(bash_complete(script, "diff", "--format", ""), {"text", "markdown", "json"})
        self.assertEqual(bash_complete(script, "checks", "--format", ""), {"text", "json"})
        self.assertEqual(bash_complete(script, "audit", "--fail-on", "b"), {"blocker"})
        self.assertEqual(bash_complete(script, "audit", "--path", ""), {"leave", "direct"})
        self.assertEqual(bash_complete(script, "audit", "--skip-checks", ""), set(self.checks))
        self.assertEqual(bash_complete(script, "explain", "payment"), {"payment-method"})
        self.assertEqual(bash_complete(script, "completion", ""), {"bash", "zsh", "-h"})
        # a file option completes file names
        open(os.path.join(self.tmp, "bundle-for-completion.json"), "w").close()
        self.assertEqual(bash_complete(script, "audit", "--evidence", os.path.join(self.tmp, "bundle-for-c")),
                         {os.path.join(self.tmp, "bundle-for-completion.json")})
        self.assertEqual(bash_complete(script, "audit", "-o", os.path.join(self.tmp, "bundle-for-c")),
                         {os.path.join(self.tmp, "bundle-for-completion.json")})

    def zsh(self, *words):
        """The specs the script hands _arguments (or _describe) for `orgpreflight WORDS...`."""
        zsh = opftest.which("zsh")
        opftest.require(zsh is not None, SHELLS_NEEDED)
        prog = ('_arguments() { print -rl -- "$@" }; _describe() { print -rl -- "$@" "${(@P)2}" }; '
                'words=(orgpreflight "$@[2,-1]"); CURRENT=$#words; source "$1"')
        r = subprocess.run([zsh, "-f", "-c", prog, "zsh", self.scripts["zsh"]] + list(words),
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.splitlines()

    def test_zsh_script(self):
        zsh = opftest.which("zsh")
        opftest.require(zsh is not None, SHELLS_NEEDED)
        r = subprocess.run([zsh, "-n", self.scripts["zsh"]], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        described = self.zsh("")
        for cmd in self.commands:
            self.assertTrue(any(line.startswith(cmd + ":") for line in described), cmd)
        for cmd in self.commands:
            with self.subTest(cmd=cmd):
                specs = self.zsh(cmd, "")
                offered = {re.match(r"\*?(-[-\w]+)", s).group(1) for s in specs if re.match(r"\*?-", s)}
                self.assertLessEqual(help_options(cmd), offered)
        specs = self.zsh("audit", "--format", "")
        [fmt] = [s for s in specs if s.startswith("*--format=:format:(")]
        self.assertEqual(set(fmt[len("*--format=:format:("):-1].split()), report_formats())
        self.assertIn("*--evidence=:evidence:_files", specs)
        self.assertTrue(any(s.startswith("1:check:(") and "payment-method" in s for s in self.zsh("explain", "")))


class CompletionInstalled(unittest.TestCase):
    def test_cmake_install_places_both_scripts(self):
        binary_dir = os.environ.get("OPF_BINARY_DIR", os.path.join(opftest.SOURCE_DIR, "build"))
        prefix = os.path.join(tempfile.mkdtemp(prefix="opf-completion-install-"), "prefix")
        subprocess.run(["cmake", "--install", binary_dir, "--prefix", prefix], check=True, capture_output=True)
        bash = os.path.join(prefix, "share", "bash-completion", "completions", "orgpreflight")
        zsh = os.path.join(prefix, "share", "zsh", "site-functions", "_orgpreflight")
        with open(bash) as f:
            self.assertEqual(f.read(), cli("completion", "bash").stdout)
        with open(zsh) as f:
            self.assertEqual(f.read(), cli("completion", "zsh").stdout)


if __name__ == "__main__":
    unittest.main()
