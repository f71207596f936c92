"""Another C program finds the installed library with find_package() and with pkg-config, and runs an audit."""
import os
import subprocess
import tempfile
import unittest

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


class InstallPackage(unittest.TestCase):
    def test_find_package_and_pkg_config(self):
        tmp = tempfile.mkdtemp(prefix="opf-install-")
        prefix = os.path.join(tmp, "prefix")
        subprocess.run(["cmake", "--install", BINARY_DIR, "--prefix", prefix], check=True, capture_output=True)
        app = os.path.join(tmp, "app")
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
        self.assertTrue(os.path.exists(os.path.join(prefix, "share", "man", "man1", "orgpreflight.1")))


if __name__ == "__main__":
    unittest.main()
