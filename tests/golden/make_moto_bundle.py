#!/usr/bin/env python3
"""Rewrites tests/golden/bundles/moto-org.json: the organization the live integration tests build in moto
(tests/integration/orgbuilder.py), collected by orgpreflight with signature checking and IAM enforcement on and
a real DNS server for the root mailboxes' domains, exactly as tests/integration/test_live_audit.py does.

usage: make_moto_bundle.py (with the built CLI in build/, or OPF_CLI set; see tests/integration/opftest.py)
"""
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

import opftest  # noqa: E402
from orgbuilder import Org  # noqa: E402
from test_live_audit import ZONES  # noqa: E402

BUNDLES = os.path.join(HERE, "bundles")


def main():
    with open(os.path.join(BUNDLES, "moto-config.json")) as f:
        audit_config = json.load(f)
    moto = opftest.Moto()
    dns = opftest.Dnsmasq(**ZONES)
    try:
        org = Org(moto)
        moto.enforce_auth()
        tmp = tempfile.mkdtemp(prefix="opf-golden-moto-")
        config = dict(audit_config, dns={"servers": [dns.server], "timeout_ms": 2000})
        config_path = os.path.join(tmp, "config.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        env = moto.env(access_key=org.access_key, secret_key=org.secret_key)
        out = os.path.join(BUNDLES, "moto-org.json")
        r = opftest.run_cli(["collect", "--config", config_path, "--quiet", "-o", out], env=env)
        if r.returncode != 0:
            raise SystemExit("collect exited %d: %s" % (r.returncode, r.stderr))
        print("wrote", out)
    finally:
        dns.stop()
        moto.stop()


if __name__ == "__main__":
    main()
