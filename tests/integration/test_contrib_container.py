"""The Dockerfile: multi-stage (built on Debian 12, run on Debian 12 slim), non-root, ENTRYPOINT
["orgpreflight"], and the runtime stage installs exactly the Debian packages of the shared libraries the built
binary and library link against (plus the CA certificates). With a working container engine and both base
images present the image is built and run; otherwise (no engine, or no network to pull the bases) the
Dockerfile is linted (hadolint is not packaged by Debian)."""
import os
import re
import shlex
import subprocess
import unittest

import opftest

DOCKERFILE = os.path.join(opftest.SOURCE_DIR, "Dockerfile")
BINARY_DIR = os.environ.get("OPF_BINARY_DIR", os.path.join(opftest.SOURCE_DIR, "build"))
# Essential in every Debian image, the slim one included.
BASE_PACKAGES = {"libc6"}


def instructions():
    """[(stage index, INSTRUCTION, argument text)], continuation lines joined, comments dropped."""
    with open(DOCKERFILE) as f:
        text = re.sub(r"\\\n", " ", "".join(line for line in f if not line.lstrip().startswith("#")))
    out, stage = [], -1
    for line in text.splitlines():
        if not line.strip():
            continue
        op, _, arg = line.strip().partition(" ")
        stage += op.upper() == "FROM"
        out.append((stage, op.upper(), arg.strip()))
    return out


def apt_installed(arg):
    """The packages an `apt-get install` in a RUN argument names."""
    packages = set()
    for command in re.split(r"&&|;", arg):
        words = shlex.split(command)
        if words[:2] == ["apt-get", "install"]:
            packages |= {w for w in words[2:] if not w.startswith("-")}
    return packages


def linked_packages():
    """The Debian packages of the libraries the built CLI and liborgpreflight need (DT_NEEDED)."""
    needed = set()
    for f in (os.path.join(BINARY_DIR, "orgpreflight"), os.path.join(BINARY_DIR, "liborgpreflight.so.0")):
        out = subprocess.run(["readelf", "-d", f], capture_output=True, text=True, check=True).stdout
        needed |= set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+)\]", out))
    # the image builds without sanitizers: their runtimes in a sanitizer build are not its dependencies
    needed = {n for n in needed if not re.match(r"lib(orgpreflight|asan|ubsan|lsan|tsan)\b", n)}
    cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    packages = set()
    for soname in needed:
        m = re.search(r"^\s*%s \(libc6,x86-64[^)]*\) => (\S+)$" % re.escape(soname), cache, re.M)
        assert m, "%s is not in the loader cache" % soname
        real = os.path.realpath(m.group(1))
        for path in (real, re.sub(r"^/usr", "", real)):  # dpkg knows merged-/usr files by either name
            r = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
            if r.returncode == 0:
                packages.add(r.stdout.split(":")[0])
                break
        else:
            raise AssertionError("no package owns " + real)
    return packages


def engine():
    """A container engine that answers and has both base images, else None."""
    for exe in ("docker", "podman"):
        path = opftest.which(exe)
        if path and subprocess.run([path, "info"], capture_output=True, timeout=30).returncode == 0 and all(
                subprocess.run([path, "image", "inspect", image], capture_output=True).returncode == 0
                for image in ("debian:12", "debian:12-slim")):
            return path
    return None


class Dockerfile(unittest.TestCase):
    def test_stages_user_and_entrypoint(self):
        ins = instructions()
        froms = [arg for _, op, arg in ins if op == "FROM"]
        self.assertEqual(froms, ["debian:12 AS build", "debian:12-slim"])
        runtime = [(op, arg) for stage, op, arg in ins if stage == 1]
        users = [arg for op, arg in runtime if op == "USER"]
        self.assertEqual(len(users), 1)
        self.assertNotIn(users[0].split(":")[0], ("root", "0"))
        self.assertEqual(runtime[-2:][0], ("ENTRYPOINT", '["orgpreflight"]'))
        after_user = [op for op, _ in runtime[[op for op, _ in runtime].index("USER"):]]
        self.assertNotIn("RUN", after_user, "nothing runs as root after USER")
        copies = [arg for op, arg in runtime if op == "COPY"]
        self.assertEqual(copies, ["--from=build /out/usr/ /usr/"])

    def test_lint(self):
        """What hadolint would say: apt without recommends and with its lists removed, pinned base images,
        exec-form ENTRYPOINT, WORKDIR instead of cd."""
        for stage, op, arg in instructions():
            with self.subTest(op=op, arg=arg[:60]):
                if op == "FROM":
                    self.assertNotIn(":latest", arg)
                    self.assertRegex(arg.split()[0], r":")
                if op == "RUN" and "apt-get install" in arg:
                    self.assertIn("--no-install-recommends", arg)
                    self.assertIn("-y", arg.split())
                    self.assertIn("rm -rf /var/lib/apt/lists/*", arg)
                    self.assertIn("apt-get update", arg)
                if op == "RUN":
                    self.assertNotRegex(arg, r"(^|&&|;)\s*cd\s")
                    self.assertNotIn("sudo", arg)
                if op in ("ENTRYPOINT", "CMD"):
                    self.assertTrue(arg.startswith("["), "exec form")
                self.assertNotEqual(op, "ADD", "COPY, not ADD")
        with open(os.path.join(opftest.SOURCE_DIR, ".dockerignore")) as f:
            self.assertIn("build*/", f.read().split())

    def test_runtime_packages_are_the_linked_libraries(self):
        runtime = set().union(*[apt_installed(arg) for stage, op, arg in instructions() if stage == 1 and op == "RUN"])
        self.assertEqual(runtime - {"ca-certificates"}, linked_packages() - BASE_PACKAGES)
        self.assertIn("ca-certificates", runtime)  # TLS to AWS verifies against the system store
        # and the Debian package's dependencies (cmake/package.cmake) name the same packages
        with open(os.path.join(opftest.SOURCE_DIR, "cmake", "package.cmake")) as f:
            depends = re.search(r'CPACK_DEBIAN_PACKAGE_DEPENDS\s+"([^"]*)"', f.read().replace("\\\n", "")).group(1)
        self.assertEqual({d.split()[0] for d in depends.split(",")} - BASE_PACKAGES, runtime)
        # the build stage has the development package of each
        build = set().union(*[apt_installed(arg) for stage, op, arg in instructions() if stage == 0 and op == "RUN"])
        for dev in ("libcurl4-openssl-dev", "libssl-dev", "libjansson-dev", "libexpat1-dev", "libc-ares-dev"):
            self.assertIn(dev, build)

    def test_image(self):
        """Builds and runs the image where an engine can; the lint above runs everywhere."""
        exe = engine()
        if exe is None:
            self.assertTrue(instructions())  # no engine here: the Dockerfile was linted instead
            return
        tag = "orgpreflight-test:latest"
        r = subprocess.run([exe, "build", "-t", tag, opftest.SOURCE_DIR], capture_output=True, text=True,
                           timeout=1800)
        self.assertEqual(r.returncode, 0, r.stderr[-4000:])
        r = subprocess.run([exe, "run", "--rm", tag, "version"], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("orgpreflight "))
        r = subprocess.run([exe, "run", "--rm", "--entrypoint", "id", tag, "-u"], capture_output=True, text=True)
        self.assertNotEqual(r.stdout.strip(), "0")


if __name__ == "__main__":
    unittest.main()
