#!/usr/bin/env python3
"""The performance benchmark: orgpreflight collect, an aws CLI bash loop and a boto3 script gather the same
evidence from the replay server (bench/replay_server.py) for organizations of N member accounts.

    python3 bench/run.py [--sizes 100,1000,5000] [--latency-ms 50] [--concurrency 8]
                         [--clients opf,boto3,cli] [--cli-sizes 100] [--throttled-sizes 100] [-o results.json]

Each run is measured with /usr/bin/time -v (wall, user+sys CPU, peak RSS); the server counts the requests.
See bench/README.md for what the figures mean.
"""
import argparse
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import opftest  # noqa: E402
import plan  # noqa: E402

# AWS's published Account Management quotas, and assumptions where AWS publishes none (bench/README.md).
AWS_LIKE = ["account:GetAccountInformation=3:3", "account:GetPrimaryEmail=3:3",
            "account:GetAlternateContact=10:15:account", "account:GetContactInformation=10:15:account",
            "organizations=10:20", "iam=20:20:account", "sts=50:50"]
THROTTLING = ("Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded")


class Replay:
    def __init__(self, accounts, latency_ms, throttles=(), answers=plan.ANSWERS):
        args = [sys.executable, os.path.join(HERE, "replay_server.py"), "--accounts", str(accounts),
                "--latency-ms", str(latency_ms), "--answers", answers]
        for t in throttles:
            args += ["--throttle", t]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, start_new_session=True)
        line = self.proc.stdout.readline()
        m = re.match(r"listening on (\S+)", line)
        if not m:
            raise RuntimeError("replay server did not start: " + line)
        self.url = "http://" + m.group(1)

    def stats(self):
        return json.load(urllib.request.urlopen(self.url + "/bench/stats", timeout=10))

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.url + "/bench/reset", data=b"", method="POST"), timeout=10)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def timed(cmd, env, timeout=7200):
    """Runs cmd under /usr/bin/time -v: (returncode, stdout, {wall_s, cpu_s, rss_mb})."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        r = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name] + cmd, env=env, capture_output=True, text=True,
                           timeout=timeout)
        t = tf.read()
    def field(name):
        return re.search(re.escape(name) + r": (.+)", t).group(1).strip()
    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    wall_s = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
    return r.returncode, r.stdout, r.stderr, {
        "wall_s": round(wall_s, 2), "cpu_s": round(float(field("User time (seconds)")) + float(field("System time (seconds)")), 2),
        "rss_mb": round(int(field("Maximum resident set size (kbytes)")) / 1024, 1),
        "context_switches": int(field("Voluntary context switches")) + int(field("Involuntary context switches"))}


def aws_env(url, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and not k.startswith("OPF_")}
    env.update({"HOME": home, "AWS_CONFIG_FILE": os.path.join(home, "config"),
                "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
                "AWS_ACCESS_KEY_ID": opftest.TEST_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": opftest.TEST_SECRET_KEY,
                "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": url,
                "AWS_EC2_METADATA_DISABLED": "true", "NO_COLOR": "1"})
    return env


def bundle_errors(path):
    """(evidence items with an error, of which throttling) in an orgpreflight bundle."""
    b = json.load(open(path))
    errs = [v["error"]["code"] for a in b["accounts"] for v in a["evidence"].values() if "error" in v]
    errs += [v["error"]["code"] for v in b["organization"]["evidence"].values() if "error" in v]
    return len(errs), sum(c in THROTTLING for c in errs)


def run_opf(cli, url, work, concurrency, dns, default_audit=False):
    config = os.path.join(work, "config.json")
    with open(config, "w") as f:
        json.dump({"dns": {"servers": [dns], "timeout_ms": 2000}, "access": {"concurrency": concurrency}}, f)
    env = aws_env(url, work)  # the client's pacing as users get it (aws_env drops OPF_*)
    out = os.path.join(work, "bundle.json")
    checks = [] if default_audit else ["--checks", ",".join(plan.BENCH_CHECKS)]
    rc, _, err, m = timed([cli, "collect", "--config", config, "--quiet"] + checks + ["-o", out], env)
    if rc != 0:
        raise RuntimeError("orgpreflight collect failed: " + err)
    m["errors"], m["throttling_errors"] = bundle_errors(out)
    return m


def run_boto3(url, work, concurrency):
    rc, out, err, m = timed([sys.executable, os.path.join(HERE, "boto3_audit.py"), "--concurrency", str(concurrency),
                             "-o", os.path.join(work, "boto3.json")], aws_env(url, work))
    if rc != 0:
        raise RuntimeError("boto3 script failed: " + err[-2000:])
    s = json.loads(out.strip().splitlines()[-1])
    m.update(errors=s["errors"], throttling_errors=s["throttling_errors"], client_retries=s["retries"])
    return m


def run_cli(url, work):
    env = aws_env(url, work)
    rc, out, err, m = timed(["bash", os.path.join(HERE, "aws_cli_audit.sh"), os.path.join(work, "cli")], env)
    m["errors"] = json.loads(out.strip().splitlines()[-1])["errors"]
    errors = open(os.path.join(work, "cli", "errors")).read()
    m["throttling_errors"] = sum(any(t in line for t in THROTTLING) for line in errors.splitlines())
    return m


def bounds(stats, expected, latency_ms, concurrency, throttles):
    """The latency bound (requests x latency / concurrency) and, with throttling, the bound each rate sets."""
    out = {"latency_bound_s": round(sum(expected.values()) * latency_ms / 1000.0 / concurrency, 2)}
    if throttles:
        worst = 0.0
        for t in throttles:
            key, _, spec = t.partition("=")
            parts = spec.split(":")
            rate, burst = float(parts[0]), float(parts[1])
            if len(parts) > 2:
                continue  # per-account buckets: a few calls per account, never binding here
            n = sum(v for k, v in expected.items() if k == key or k.startswith(key + ":"))
            worst = max(worst, max(0.0, n - burst) / rate)
        out["rate_bound_s"] = round(worst, 2)
    return out


def measure(args, size, client, throttled, default=False):
    """One run; default: orgpreflight collects every check's evidence (the default audit) instead of the blockers'."""
    throttles = AWS_LIKE if throttled else []
    expected = plan.expected(size, default)
    server = Replay(size, args.latency_ms, throttles, plan.ANSWERS_DEFAULT if default else plan.ANSWERS)
    dns = opftest.Dnsmasq(mx=[("corp.test", "mx1.corp.test", 10)], a=[("mx1.corp.test", "127.0.0.10")])
    work = tempfile.mkdtemp(prefix="opf-bench-")
    try:
        if client == "opf":
            m = run_opf(args.cli, server.url, work, args.concurrency, dns.server, default_audit=default)
        elif client == "boto3":
            m = run_boto3(server.url, work, args.concurrency)
        else:
            m = run_cli(server.url, work)
        s = server.stats()
    finally:
        dns.stop()
        server.stop()
    m.update(client=client, accounts=size, throttled=throttled, latency_ms=args.latency_ms, default_audit=default,
             concurrency=1 if client == "cli" else args.concurrency, requests=s["total"],
             expected_requests=sum(expected.values()), throttled_answers=s["total_throttled"],
             unrecorded=s["total_unrecorded"], max_in_flight=s["max_in_flight"], retries=s["total"] - sum(expected.values()),
             throttled_by_operation=s["throttled"], extra_by_operation={
                 op: n - expected.get(op, 0) for op, n in s["requests"].items() if n != expected.get(op, 0)})
    conc = m["concurrency"]
    m.update(bounds(s, expected, args.latency_ms, conc, throttles))
    m["wall_over_latency_bound"] = round(m["wall_s"] / m["latency_bound_s"], 2)
    m["context_switches_per_request"] = round(m["context_switches"] / max(m["requests"], 1), 2)
    m["cpu_ms_per_request"] = round(1000.0 * m["cpu_s"] / max(m["requests"], 1), 3)
    if "rate_bound_s" in m:
        m["wall_over_rate_bound"] = round(m["wall_s"] / max(m["rate_bound_s"], m["latency_bound_s"]), 2)
    if m["unrecorded"]:
        print("warning: %d requests had no recorded answer: %s" % (m["unrecorded"], s["unrecorded"]), file=sys.stderr)
    return m


def machine():
    cpu = re.search(r"model name\s*:\s*(.+)", open("/proc/cpuinfo").read())
    mem = re.search(r"MemTotal:\s*(\d+)", open("/proc/meminfo").read())
    return {"nproc": os.cpu_count(), "cpu": cpu.group(1) if cpu else platform.processor(),
            "ram_gb": round(int(mem.group(1)) / 1024 / 1024, 1), "load_average": os.getloadavg()}


def table(results):
    rows = ["| N | client | checks | throttled | wall s | CPU s | peak RSS MB | requests (plan) | retries | errors (throttling) | latency bound s | wall / bound |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        bound = r["latency_bound_s"] if "rate_bound_s" not in r else "%s (rate %s)" % (r["latency_bound_s"], r["rate_bound_s"])
        ratio = r["wall_over_latency_bound"] if "rate_bound_s" not in r else r["wall_over_rate_bound"]
        rows.append("| %d | %s | %s | %s | %.2f | %.2f | %.1f | %d (%d) | %d | %d (%d) | %s | %s |" % (
            r["accounts"], r["client"], "default" if r.get("default_audit") else "blocker", "yes" if r["throttled"] else "no", r["wall_s"], r["cpu_s"], r["rss_mb"],
            r["requests"], r["expected_requests"], r["retries"], r["errors"], r["throttling_errors"], bound, ratio))
    return "\n".join(rows)


def ratios(results):
    out = []
    for size in sorted({r["accounts"] for r in results}):
        for throttled in (False, True):
            runs = [r for r in results if r["accounts"] == size and r["throttled"] == throttled]
            by = {r["client"]: r for r in runs if not r.get("default_audit")}
            full = [r for r in runs if r.get("default_audit")]
            if "opf" in by and full:
                out.append("N=%d%s: default audit / blocker audit wall %.2f×, requests %.2f×" % (
                    size, " throttled" if throttled else "", full[0]["wall_s"] / by["opf"]["wall_s"],
                    full[0]["requests"] / max(by["opf"]["requests"], 1)))
            if "opf" not in by:
                continue
            for other in ("boto3", "cli"):
                if other in by:
                    out.append("N=%d%s: %s/orgpreflight wall %.1f×, CPU %.1f×, RSS %.1f×" % (
                        size, " throttled" if throttled else "", other, by[other]["wall_s"] / by["opf"]["wall_s"],
                        by[other]["cpu_s"] / max(by["opf"]["cpu_s"], 0.01), by[other]["rss_mb"] / by["opf"]["rss_mb"]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,5000", help="member accounts, comma-separated")
    ap.add_argument("--latency-ms", type=float, default=50.0)
    ap.add_argument("--concurrency", type=int, default=8, help="orgpreflight's access.concurrency and boto3's threads")
    ap.add_argument("--clients", default="opf,boto3,cli")
    ap.add_argument("--cli-sizes", default="100", help="sizes at which the aws CLI loop runs")
    ap.add_argument("--boto3-sizes", default="100,1000,5000", help="sizes at which the boto3 script runs")
    ap.add_argument("--throttled-sizes", default="100,1000", help="sizes also run with AWS-like throttling")
    ap.add_argument("--plain-sizes", help="sizes run without throttling (default: all of --sizes)")
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "orgpreflight"))
    ap.add_argument("--audits", default="blocker",
                    help="blocker (the blocker checks' evidence) and/or default (every check's, 17 regions, from "
                         "answers-default.json; orgpreflight only: the peers' scripts do not scan regions), "
                         "comma-separated: both run side by side at each size")
    ap.add_argument("-o", "--output", default=os.path.join(HERE, "results", "latest.json"))
    ap.add_argument("--append", action="store_true",
                    help="keep the output file's other results (a run replaces the one of the same N, client, throttling)")
    args = ap.parse_args()
    audits = [a for a in args.audits.split(",") if a]
    if not audits or set(audits) - {"blocker", "default"}:
        ap.error("--audits %s: give blocker, default or both" % args.audits)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    clients = args.clients.split(",")
    wanted = {"cli": {int(x) for x in args.cli_sizes.split(",") if x},
              "boto3": {int(x) for x in args.boto3_sizes.split(",") if x}}
    throttled_sizes = {int(x) for x in args.throttled_sizes.split(",") if x}
    plain = None if args.plain_sizes is None else {int(x) for x in args.plain_sizes.split(",") if x}
    results = []
    for size in sizes:
        modes = ([False] if plain is None or size in plain else []) + ([True] if size in throttled_sizes else [])
        for throttled in modes:
            for audit in audits:
                for client in clients:
                    if client in wanted and size not in wanted[client]:
                        continue
                    if (client == "cli" and throttled) or (client != "opf" and audit == "default"):
                        continue
                    r = measure(args, size, client, throttled, audit == "default")
                    print(json.dumps(r), flush=True)
                    results.append(r)
    if args.append and os.path.exists(args.output):
        def run_key(r):
            return r["client"], r["accounts"], r["throttled"], r.get("default_audit", False)
        fresh = {run_key(r) for r in results}
        kept = [r for r in json.load(open(args.output))["results"] if run_key(r) not in fresh]
        results = sorted(kept + results, key=lambda r: (r["accounts"], r["throttled"], r.get("default_audit", False),
                                                        r["client"] != "opf", r["client"]))
    doc = {"machine": machine(), "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "results": results,
           "throttles": AWS_LIKE}
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as f:
        json.dump(doc, f, indent=1)
    print(table(results))
    print("\n".join(ratios(results)))
    print(json.dumps(doc["machine"]))


if __name__ == "__main__":
    main()
