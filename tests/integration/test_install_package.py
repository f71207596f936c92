"""The installed project: another C program finds the library with find_package() and with pkg-config; the
installed CLI runs from its prefix and names the installed documentation, with the source and build trees out
of reach and no LD_LIBRARY_PATH; the Debian package holds it all, depends on the runtime libraries the binaries
link, and dpkg installs it into an empty root, where it runs."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import opftest
from opftest import SOURCE_DIR

BINARY_DIR = os.environ.get("OPF_BINARY_DIR", os.path.join(SOURCE_DIR, "build"))

APP = r"""
#include <orgpreflight/orgpreflight.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    struct opf_error err;
    struct opf_registry *r = opf_registry_new();
    json_t *bundle = opf_bundle_load(argv[1], &err);
    if (!bundle) { fprintf(stderr, "%s\n", err.message); return 3; }
    struct opf_audit_options o = {0};
    json_t *report = opf_audit(r, bundle, &o, &err);
    int code = opf_report_exit_code(report, OPF_SEV_HIGH);
    printf("%s %d\n", opf_version(), code);
    json_decref(report); json_decref(bundle); opf_registry_free(r);
    return 0;
}
"""

# In a private mount namespace, empty tmpfs over the source and build trees (exit 125: could not mount).
HIDE = 'for d in $OPF_HIDE; do mount -t tmpfs tmpfs "$d" || exit 125; done; exec "$@"'


def can_hide():
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-m", "--propagation", "private", "true"], capture_output=True).returncode == 0


def run_hidden(args):
    """Runs args with SOURCE_DIR and BINARY_DIR covered by empty folders and without LD_LIBRARY_PATH."""
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    trees = {os.path.realpath(SOURCE_DIR), os.path.realpath(BINARY_DIR)}
    env["OPF_HIDE"] = " ".join(t for t in trees if not any(t.startswith(o + "/") for o in trees))  # outermost
    r = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", HIDE, "sh"] + args,
                       env=env, capture_output=True, text=True, cwd="/")
    assert r.returncode != 125, "cannot hide the source tree: " + r.stderr
    return r


class InstallPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="opf-install-")
        cls.prefix = os.path.join(cls.tmp, "prefix")
        subprocess.run(["cmake", "--install", BINARY_DIR, "--prefix", cls.prefix], check=True, capture_output=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def assert_runs_from(self, root, prefix="/"):
        """The CLI under root+prefix runs on its own (it carries the library's code; liborgpreflight.so is for
        programs that embed it) and names its documentation there, nothing else."""
        opftest.require(can_hide(), "unshare -m (util-linux) cannot make a mount namespace here")
        home = os.path.normpath(os.path.join(root, prefix.lstrip("/")))
        cli = os.path.join(home, "bin", "orgpreflight")
        ldd = subprocess.run(["ldd", cli], capture_output=True, text=True).stdout
        self.assertNotIn("not found", ldd)
        self.assertNotIn("liborgpreflight", ldd)
        r = run_hidden([cli, "explain", "payment-method"])
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = os.path.join(home, "share", "doc", "orgpreflight", "checks.md")
        self.assertIn("Every verdict branch: %s#payment-method\n" % doc, r.stdout)
        with open(doc) as f:
            self.assertIn("\n## payment-method\n", f.read())
        r = run_hidden([cli, "audit", "--help"])
        self.assertIn("configuration (%s/share/doc/orgpreflight/config.md)" % home, r.stdout)
        # the installed example organization: not ready to move (exit 1), and nothing on stderr
        examples = os.path.join(home, "share", "orgpreflight", "examples")
        r = run_hidden([cli, "audit", "--evidence", os.path.join(examples, "evidence.json"),
                        "--config", os.path.join(examples, "config.json"), "--now", "2026-11-25T09:00:00Z"])
        self.assertEqual((r.returncode, r.stderr), (1, ""))
        self.assertIn("Verdict: not-ready", r.stdout)
        for data in ("report.schema.json", "diff.schema.json", "runbook.schema.json", "iam-policy-member.json"):
            self.assertTrue(os.path.isfile(os.path.join(home, "share", "orgpreflight", data)), data)
        self.assertTrue(os.path.isfile(os.path.join(home, "share", "man", "man1", "orgpreflight.1")))

    def test_find_package_and_pkg_config(self):
        prefix = self.prefix
        app = os.path.join(self.tmp, "app")
        os.makedirs(app)
        with open(os.path.join(app, "app.c"), "w") as f:
            f.write(APP)
        with open(os.path.join(app, "CMakeLists.txt"), "w") as f:
            f.write("cmake_minimum_required(VERSION 3.25)\nproject(app C)\nfind_package(orgpreflight 0.1 REQUIRED)\n"
                    "add_executable(app app.c)\ntarget_link_libraries(app PRIVATE orgpreflight::orgpreflight)\n")
        subprocess.run(["cmake", "-S", app, "-B", os.path.join(app, "b"), "-DCMAKE_PREFIX_PATH=" + prefix],
                       check=True, capture_output=True)
        subprocess.run(["cmake", "--build", os.path.join(app, "b")], check=True, capture_output=True)
        env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(prefix, "lib"))
        example = os.path.join(SOURCE_DIR, "examples", "evidence.json")
        out = subprocess.run([os.path.join(app, "b", "app"), example], env=env, capture_output=True, text=True)
        self.assertEqual(out.stdout.strip(), "0.1.0 1", out.stderr)
        # pkg-config names the library and its public dependency
        pc = subprocess.run(["pkg-config", "--libs", "orgpreflight"], capture_output=True, text=True,
                            env=dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix, "lib", "pkgconfig")))
        self.assertIn("-lorgpreflight", pc.stdout)
        self.assertIn("-ljansson", pc.stdout)

    def test_installed_cli_runs_without_the_source_tree(self):
        self.assert_runs_from(self.prefix)

    def test_debian_package(self):
        out = os.path.join(self.tmp, "deb")
        subprocess.run(["cpack", "-G", "DEB", "-B", out, "--config", os.path.join(BINARY_DIR, "CPackConfig.cmake")],
                       cwd=BINARY_DIR, check=True, capture_output=True)
        (deb,) = [os.path.join(out, f) for f in os.listdir(out) if f.endswith(".deb")]
        listing = subprocess.run(["dpkg-deb", "-c", deb], check=True, capture_output=True, text=True).stdout
        files = {line.split()[5] for line in listing.splitlines()}
        for f in ("./usr/bin/orgpreflight", "./usr/lib/liborgpreflight.so.0", "./usr/share/man/man1/orgpreflight.1",
                  "./usr/share/doc/orgpreflight/checks.md", "./usr/share/orgpreflight/report.schema.json",
                  "./usr/share/orgpreflight/examples/config.json", "./usr/include/orgpreflight/orgpreflight.h",
                  "./usr/share/bash-completion/completions/orgpreflight",
                  "./usr/share/zsh/vendor-completions/_orgpreflight"):
            self.assertIn(f, files)
        depends = self.depends(deb)
        root = os.path.join(self.tmp, "root")
        self.dpkg_install(deb, root, depends)
        usr = os.path.join(root, "usr")
        self.assert_depends_name_the_linked_libraries(depends, [os.path.join(usr, "bin", "orgpreflight"),
                                                                os.path.join(usr, "lib", "liborgpreflight.so.0")])
        self.assert_runs_from(root, "/usr")

    @staticmethod
    def depends(deb):
        """The package names in the .deb's Depends."""
        field = subprocess.run(["dpkg-deb", "-f", deb, "Depends"], check=True, capture_output=True, text=True).stdout
        return {re.fullmatch(r"\s*([a-z0-9.+-]+)(?: \([^)]*\))?\s*", d).group(1) for d in field.split(",")}

    def dpkg_install(self, deb, root, depends):
        """dpkg installs the package into an empty root whose package database holds this system's records of
        the packages it depends on, so dpkg itself checks that they satisfy Depends (versions included)."""
        admin = os.path.join(root, "var", "lib", "dpkg")
        for d in ("info", "updates", "triggers"):
            os.makedirs(os.path.join(admin, d))
        open(os.path.join(admin, "available"), "w").close()
        with open(os.path.join(admin, "status"), "w") as status:
            for name in sorted(depends):
                record = subprocess.run(["dpkg-query", "-s", name], capture_output=True, text=True)
                self.assertEqual(record.returncode, 0, name + " is not a package of this system")
                status.write(record.stdout.rstrip("\n") + "\n\n")
                arch = re.search(r"^Architecture: (\S+)", record.stdout, re.M).group(1)
                suffix = ":" + arch if re.search(r"^Multi-Arch: same", record.stdout, re.M) else ""
                open(os.path.join(admin, "info", name + suffix + ".list"), "w").close()
        r = subprocess.run(["dpkg", "--root=" + root, "--install", deb], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stderr, "")

    def assert_depends_name_the_linked_libraries(self, depends, binaries):
        """Depends names the package of every library the binaries link, and ca-certificates (live audits
        verify TLS with it), nothing else."""
        owners = set()
        for binary in binaries:
            dyn = subprocess.run(["readelf", "-d", binary], check=True, capture_output=True, text=True).stdout
            listing = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
            paths = dict(re.findall(r"^\s*(\S+) => (/\S+)", listing, re.M))
            # the dynamic loader is listed by its path alone (NEEDED where thread-local storage is used)
            paths.update((os.path.basename(p), p) for p in re.findall(r"^\s*(/\S+) \(0x", listing, re.M))
            for lib in re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dyn):
                if not lib.startswith("liborgpreflight."):
                    owners.add(self.owner(paths[lib]))
        self.assertEqual(owners | {"ca-certificates"}, depends)

    @staticmethod
    def owner(path):
        """The Debian package that holds the library at path (with or without the /usr of merged-usr)."""
        real = os.path.realpath(path)
        for p in (path, real, "/usr" + real if not real.startswith("/usr/") else real[4:]):
            r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
            if r.returncode == 0:
                return r.stdout.split(":")[0]
        raise AssertionError("no package holds " + path)


if __name__ == "__main__":
    unittest.main()
