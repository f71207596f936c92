"""A large organization for report tests: the example organization's members cloned, with fresh ids and names,
until it has the number of accounts asked for. Every clone keeps its original's evidence (ids rewritten), so the
clones meet the same findings as the example's accounts."""
import json
import os

from opftest import SOURCE_DIR, load_json

EXAMPLE = os.path.join(SOURCE_DIR, "examples", "evidence.json")
CONFIG = os.path.join(SOURCE_DIR, "examples", "config.json")
NOW = "2026-11-25T09:00:00Z"


def bundle(path, accounts):
    """Writes a bundle of `accounts` accounts (the example's, then clones of its members) to path."""
    doc = load_json(EXAMPLE)
    mgmt = doc["organization"]["management_account_id"]
    members = [a for a in doc["accounts"] if a["id"] != mgmt]
    templates = [json.dumps(a) for a in members]
    inventory = doc["organization"]["evidence"]["organizations.accounts"]["data"]["Accounts"]
    rows = {row["Id"]: json.dumps(row) for row in inventory}
    for i in range(len(doc["accounts"]), accounts):
        k = i % len(members)
        new_id = "%012d" % (100000000000 + i)
        clone = json.loads(templates[k].replace(members[k]["id"], new_id))
        clone["name"] = "%s-%04d" % (members[k]["name"], i)
        doc["accounts"].append(clone)
        # the organization's inventory (ListAccounts) lists the clone too
        row = json.loads(rows[members[k]["id"]].replace(members[k]["id"], new_id))
        row["Name"] = clone["name"]
        inventory.append(row)
    with open(path, "w") as f:
        json.dump(doc, f)
    return path
