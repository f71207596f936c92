"""orgpreflight's AWS client against botocore, case by case: the same environment (variables, config and
credentials files, SSO token cache, loopback STS / Identity Center / container / instance-metadata servers)
resolved by both, comparing the access key id the credentials end up with, the region, the retry mode, and
each service's endpoint, signing region and signing name, or the error class when both refuse.

Every deliberate difference is a row of DELIBERATE (documented in docs/aws-client.md): those fields must
differ, everything else must match. Nothing leaves the machine: both sides' proxies point at a closed
loopback port, and botocore's requests are captured before they are sent."""
import hashlib
import http.server
import json
import os
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from urllib.parse import urlsplit

import opftest
from differential_cases import FAR, Fakes, cases

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(os.environ.get("OPF_BINARY_DIR", os.path.join(opftest.SOURCE_DIR, "build")), "tests", "opf-aws-call")

# error classes: botocore's exception names and orgpreflight's codes, each to one name
BOTOCORE_CLASSES = {
    "ProfileNotFound": "ProfileNotFound", "ConfigParseError": "ConfigParseError", "NoCredentialsError": "NoCredentials",
    "PartialCredentialsError": "PartialCredentials", "InvalidConfigError": "InvalidConfig",
    "UnknownCredentialError": "InvalidConfig", "InvalidSTSRegionalEndpointsConfigError": "InvalidConfig",
    "InvalidRetryModeError": "InvalidConfig", "InvalidRetryConfigurationError": "InvalidConfig",
    "InfiniteLoopConfigError": "InfiniteLoop", "CredentialRetrievalError": "CredentialRetrieval",
    "ValueError": "ContainerURIRefused", "RuntimeError": "ExpiredCredentials", "SSOTokenLoadError": "SSOToken",
    "UnauthorizedSSOTokenError": "SSOToken", "TokenRetrievalError": "SSOToken", "NoRegionError": "NoRegion",
    "InvalidRegionError": "InvalidRegion", "EndpointResolutionError": "EndpointResolution"}
OPF_CLASSES = {"SSOTokenError": "SSOToken", "EndpointResolutionError": "EndpointResolution",
               "CredentialsError": "CredentialRetrieval"}
OPF_OWN = {"ProfileNotFound", "ConfigParseError", "NoCredentials", "PartialCredentials", "InvalidConfig",
           "InfiniteLoop", "CredentialRetrieval", "ContainerURIRefused", "ExpiredCredentials", "InvalidRegion",
           "UnsupportedPartition"}


def botocore_class(code):
    return code if code.startswith("ClientError:") else BOTOCORE_CLASSES.get(code, "?" + code)


def opf_class(code):
    code = code.split(":", 1)[0]
    if code in OPF_CLASSES:
        return OPF_CLASSES[code]
    return code if code in OPF_OWN else "ClientError:" + code


class BotocoreWorker:
    """botocore_resolve.py, kept running across cases (the service models are parsed once)."""

    def __init__(self, home):
        env = {"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "botocore_resolve.py")], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)

    def resolve(self, case):
        self.proc.stdin.write(json.dumps(case) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


PROC_SCRIPT = """#!/bin/sh
case "$1" in
  --fail) echo "no credentials for you" >&2; exit 1;;
  --v2) echo '{"Version": 2, "AccessKeyId": "AK-v2", "SecretAccessKey": "s"}'; exit 0;;
esac
if [ -n "$2" ]; then
  echo "{\\"Version\\": 1, \\"AccessKeyId\\": \\"$1\\", \\"SecretAccessKey\\": \\"s\\", \\"SessionToken\\": \\"t\\", \\"Expiration\\": \\"$2\\"}"
else
  echo "{\\"Version\\": 1, \\"AccessKeyId\\": \\"$1\\", \\"SecretAccessKey\\": \\"s\\"}"
fi
"""


def host(url):
    u = urlsplit(url)
    return "%s://%s" % (u.scheme, u.netloc)


def normalise_opf(doc, services):
    if "error" in doc:
        return {"error": opf_class(doc["error"]["code"])}
    eps = {}
    for svc in services:
        ep = doc["endpoints"][svc]
        eps[svc] = {"error": opf_class(ep["error"])} if "error" in ep else \
            {"url": host(ep["url"]), "signing_region": ep["signing_region"], "signing_name": ep["signing_name"]}
    return {"access_key_id": doc["access_key_id"], "region": doc["region"], "retry_mode": doc["retry_mode"],
            "max_attempts": doc["max_attempts"], "endpoints": eps}


def normalise_botocore(doc):
    if "error" in doc:
        return {"error": botocore_class(doc["error"]["code"])}
    eps = {svc: ({"error": botocore_class(ep["error"])} if "error" in ep else ep) for svc, ep in doc["endpoints"].items()}
    return dict(doc, endpoints=eps)


def differences(opf, boto, retry):
    """The fields in which the two resolutions differ."""
    if "error" in opf or "error" in boto:
        return [] if opf.get("error") == boto.get("error") else ["error"]
    diff = [k for k in ("access_key_id", "region") if opf[k] != boto[k]]
    if retry:
        diff += [k for k in ("retry_mode", "max_attempts") if opf[k] != boto[k]]
    diff += ["endpoints.%s" % s for s in sorted(set(opf["endpoints"]) | set(boto["endpoints"]))
             if opf["endpoints"].get(s) != boto["endpoints"].get(s)]
    return diff


class Differential(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fakes = Fakes()
        cls.home = tempfile.mkdtemp(prefix="opf-diff-")
        cls.worker = BotocoreWorker(cls.home)

    @classmethod
    def tearDownClass(cls):
        cls.worker.stop()
        cls.fakes.stop()

    def _lay_out(self, case):
        """Writes the case's files into the shared home and returns the case's environment."""
        h = self.home
        aws = os.path.join(h, ".aws")
        subprocess.run(["rm", "-rf", aws], check=True)
        os.makedirs(os.path.join(aws, "sso", "cache"))
        for name in ("config", "credentials"):
            with open(os.path.join(aws, name), "w", newline="") as f:
                f.write(case[name].replace("{home}", h))
        with open(os.path.join(h, "token"), "w") as f:
            f.write("webtoken")
        with open(os.path.join(h, "ctoken"), "w") as f:
            f.write("Bearer fromfile")
        with open(os.path.join(h, "proc.sh"), "w") as f:
            f.write(PROC_SCRIPT)
        os.chmod(os.path.join(h, "proc.sh"), 0o755)
        if case.get("sso"):
            key, expires = case["sso"][0], case["sso"][1]
            token = "cached-token" if len(case["sso"]) == 2 else "stale-token"
            with open(os.path.join(aws, "sso", "cache", hashlib.sha1(key.encode()).hexdigest() + ".json"), "w") as f:
                json.dump({"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": token,
                           "expiresAt": expires}, f)
        env = {"HOME": h, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AWS_CONFIG_FILE": os.path.join(aws, "config"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(aws, "credentials"), "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_DEFAULT_REGION": "us-west-2", "AWS_METADATA_SERVICE_TIMEOUT": "2",
               # a request meant for anywhere but loopback would reach this closed port and fail
               "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
               "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
               "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
        for k, v in case["env"].items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v.replace("{home}", h)
        return env

    def _opf(self, case, env):
        args = ["--resolve"]
        for flag in ("profile", "region", "endpoint_url"):
            if case.get(flag):
                args += ["--" + flag.replace("_", "-"), case[flag]]
        r = opftest.run(args, program=DRIVER, env=env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_orgpreflight_resolves_as_botocore(self):
        table = cases(self.fakes.url)
        matched, deliberate, mismatches = 0, 0, []
        started = time.time()
        timings = []
        for case in table:
            t0 = time.time()
            env = self._lay_out(case)
            opf_raw = self._opf(case, env)
            boto_raw = self.worker.resolve({"env": env, "profile": case.get("profile"), "region": case.get("region"),
                                            "endpoint_url": case.get("endpoint_url"), "services": case["services"]})
            opf, boto = normalise_opf(opf_raw, case["services"]), normalise_botocore(boto_raw)
            diff = differences(opf, boto, case["retry"])
            why = case["deliberate"]
            if why:
                if not self._deliberate_holds(why[0], opf, boto, diff):
                    mismatches.append((case["name"], "deliberate difference (%s) not as documented" % why[1], opf, boto))
                else:
                    deliberate += 1
            elif diff:
                mismatches.append((case["name"], diff, opf, boto))
            else:
                matched += 1
            timings.append((time.time() - t0, case["name"]))
        report = "\n".join("%s: %s\n  orgpreflight %s\n  botocore     %s" % (n, d, json.dumps(o)[:1500], json.dumps(b)[:1500])
                           for n, d, o, b in mismatches)
        print("differential: %d cases, %d matched, %d deliberate differences, %d mismatches, %.1f s" % (
            len(table), matched, deliberate, len(mismatches), time.time() - started), file=sys.stderr)
        print("slowest: " + ", ".join("%s %.1f s" % (n, t) for t, n in sorted(timings, reverse=True)[:5]), file=sys.stderr)
        self.assertGreaterEqual(len(table), 200)
        self.assertEqual(mismatches, [], "\n" + report)

    def _deliberate_holds(self, kind, opf, boto, diff):
        if kind == "region+endpoints":  # orgpreflight follows AWS_REGION where botocore has another region or none
            if "error" in opf:
                return False
            return boto.get("error") == "NoRegion" or ("region" in diff and "access_key_id" not in diff)
        if kind == "no-region":  # botocore: NoRegionError for a regional client, the global STS endpoint for sts
            return opf.get("region") == "us-east-1" and (boto.get("error") == "NoRegion" or boto.get("region") == "aws-global")
        if kind == "iso":
            return opf.get("error") == "UnsupportedPartition" and "error" not in boto
        if kind == "retry":
            return diff == ["retry_mode", "max_attempts"] and opf["retry_mode"] == "standard" and opf["max_attempts"] == 3
        return False


class ContainerUriRule(unittest.TestCase):
    """Plain http container credentials only from loopback or the ECS/EKS hosts: anything else is refused before
    a name is resolved or a connection made. A recording proxy stands in for the network: every request libcurl
    would make goes to it (it also resolves nothing), so an empty log proves nothing was attempted."""

    def setUp(self):
        self.requests = []
        owner = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                owner.requests.append(self.path)
                data = json.dumps({"AccessKeyId": "AK-proxied", "SecretAccessKey": "s", "Token": "t",
                                   "Expiration": FAR}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
        self.proxy = socketserver.TCPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.proxy.serve_forever, daemon=True).start()
        p = "http://127.0.0.1:%d" % self.proxy.server_address[1]
        self.env = {"PATH": os.environ.get("PATH", ""), "HOME": tempfile.mkdtemp(), "AWS_EC2_METADATA_DISABLED": "true",
                    "http_proxy": p, "HTTP_PROXY": p, "https_proxy": p, "HTTPS_PROXY": p, "ALL_PROXY": p}

    def tearDown(self):
        self.proxy.shutdown()
        self.proxy.server_close()

    def _resolve(self, uri):
        r = opftest.run(["--resolve"], program=DRIVER, env=dict(self.env, AWS_CONTAINER_CREDENTIALS_FULL_URI=uri), timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_refused_before_any_connection(self):
        for uri in ("http://credentials.example.com/v2/credentials", "http://169.254.170.3/creds",
                    "http://10.0.0.1/creds", "http://[fd00:ec2::24]/creds", "ftp://127.0.0.1/creds",
                    "http://127.0.0.1.example.com/creds"):
            out = self._resolve(uri)
            self.assertEqual(out.get("error", {}).get("code"), "ContainerURIRefused", uri)
            self.assertIn("use https", out["error"]["message"])
        self.assertEqual(self.requests, [])

    def test_allowed_hosts_are_fetched(self):
        # the proxy answers for the link-local ECS host: proof that a fetch would have shown in its log
        out = self._resolve("http://169.254.170.2/v2/credentials/abc")
        self.assertEqual(out.get("access_key_id"), "AK-proxied", out)
        self.assertEqual(self.requests, ["http://169.254.170.2/v2/credentials/abc"])


if __name__ == "__main__":
    unittest.main()
