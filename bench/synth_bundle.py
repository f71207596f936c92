#!/usr/bin/env python3
"""Writes an evidence bundle of N member accounts for the offline audit's benchmark.

    python3 bench/synth_bundle.py N OUTPUT

It grows examples/evidence.json: the management account stays as it is, and member i is a copy of example
member i mod 8 with its own id (900000000000 + i, also inside its ARNs and evidence), name and root address,
in a child OU of its example OU (one child OU per 100 members, so the tree grows with the organization too).
Every evidence item keeps the shape and content of the example, so every check has its usual work to do.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(os.path.dirname(HERE), "examples", "evidence.json")
PER_OU = 100


def synthesise(n):
    with open(EXAMPLE) as f:
        bundle = json.load(f)
    mgmt_id = bundle["organization"]["management_account_id"]
    mgmt = [a for a in bundle["accounts"] if a["id"] == mgmt_id]
    members = [a for a in bundle["accounts"] if a["id"] != mgmt_id]
    # Serialised once per template: a copy is a text substitution of the account id and a parse.
    templates = [(m["id"], m["name"], json.dumps(m)) for m in members]
    accounts = list(mgmt)
    for i in range(n):
        old_id, old_name, text = templates[i % len(templates)]
        new_id = "%012d" % (900000000000 + i)
        a = json.loads(text.replace(old_id, new_id))
        a["name"] = "%s-%d" % (old_name, i)
        a["email"] = "aws-%s@kuzeylabs.io" % new_id
        parent = a["ou_path"][-1]["id"]
        suffix = parent.split("-")[-1] if parent.startswith("ou-") else "root0000"
        child = "ou-k3x9-%s%04d" % (suffix[:4], i // PER_OU)
        a["ou_path"].append({"id": child, "name": "Team%d" % (i // PER_OU), "type": "ORGANIZATIONAL_UNIT"})
        accounts.append(a)
    bundle["accounts"] = accounts
    return bundle


def main():
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        sys.exit("usage: synth_bundle.py N OUTPUT")
    with open(sys.argv[2], "w") as f:
        json.dump(synthesise(int(sys.argv[1])), f)


if __name__ == "__main__":
    main()
