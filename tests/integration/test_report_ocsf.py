"""--format ocsf: every event is an OCSF 1.1.0 Compliance Finding carrying each attribute the schema makes
required, typed as the OCSF dictionary says, and the values map the report's rows as docs/report.md says."""
import json
import os
import tempfile
import unittest

import opftest

# OCSF 1.1.0, written out from the schema's documentation: the required attributes of the Compliance Finding
# class (2003, with those it inherits from Finding and the base event), of the cloud profile it declares,
# and of the objects they hold. Types are the dictionary's: integer_t and long_t are integers,
# timestamp_t is milliseconds since the epoch (long_t), string_t a string, an object a JSON object.
INTEGER, LONG, STRING, OBJECT, STRINGS = "integer_t", "long_t", "string_t", "object", "string_t[]"
REQUIRED = {
    "": {"activity_id": INTEGER, "category_uid": INTEGER, "class_uid": INTEGER, "compliance": OBJECT,
         "finding_info": OBJECT, "metadata": OBJECT, "severity_id": INTEGER, "time": LONG,
         "type_uid": LONG, "cloud": OBJECT},
    "metadata": {"product": OBJECT, "version": STRING},
    "metadata.product": {"vendor_name": STRING},
    "finding_info": {"uid": STRING, "title": STRING},
    "compliance": {"standards": STRINGS},
    "cloud": {"provider": STRING},
    "remediation": {"desc": STRING},
}
# Recommended attributes the mapping fills, with their types.
RECOMMENDED = {
    "": {"activity_name": STRING, "category_name": STRING, "class_name": STRING, "message": STRING,
         "severity": STRING, "status": STRING, "status_id": INTEGER, "type_name": STRING,
         "resource": OBJECT, "remediation": OBJECT},
    "metadata.product": {"name": STRING, "version": STRING},
    "compliance": {"requirements": STRINGS, "control": STRING, "status": STRING, "status_id": INTEGER},
    "resource": {"uid": STRING, "type": STRING, "name": STRING, "region": STRING},
    "cloud": {"region": STRING, "account": OBJECT},
}
# The enumerations of OCSF 1.1.0 the events use.
SEVERITY_ID = {0: "Unknown", 1: "Informational", 2: "Low", 3: "Medium", 4: "High", 5: "Critical", 6: "Fatal",
               99: "Other"}
FINDING_STATUS_ID = {0: "Unknown", 1: "New", 2: "In Progress", 3: "Suppressed", 4: "Resolved", 99: "Other"}
COMPLIANCE_STATUS_ID = {0: "Unknown", 1: "Pass", 2: "Warning", 3: "Fail", 99: "Other"}

SEVERITY = {"blocker": 5, "high": 4, "medium": 3, "low": 2, "info": 1}
OUTCOME = {"pass": 1, "warn": 2, "fail": 3, "unknown": 0, "skipped": 99}


def typed(value, kind):
    if kind in (INTEGER, LONG):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == STRING:
        return isinstance(value, str)
    if kind == STRINGS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, dict)


def at(event, path):
    for key in filter(None, path.split(".")):
        event = event.get(key) if isinstance(event, dict) else None
    return event


def missing(event, table, optional_objects=("remediation",)):
    """The attributes of table absent from event or of the wrong type, as "path: why"."""
    errors = []
    for path, attrs in table.items():
        obj = at(event, path)
        if obj is None and path in optional_objects:
            continue
        if not isinstance(obj, dict):
            errors.append("%s: not an object" % (path or "event"))
            continue
        for name, kind in attrs.items():
            if name not in obj:
                errors.append("%s.%s: missing" % (path, name))
            elif not typed(obj[name], kind):
                errors.append("%s.%s: %r is not %s" % (path, name, obj[name], kind))
    return errors


class OcsfEvents(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        tmp = tempfile.mkdtemp(prefix="opf-ocsf-")
        cls.report, paths = opftest.render_example(tmp, "ocsf", hostile=True)
        with open(paths["ocsf"], encoding="utf-8") as f:
            cls.text = f.read()
        cls.events = json.loads(cls.text)

    def test_one_event_per_line(self):
        lines = self.text.splitlines()
        self.assertEqual((lines[0], lines[-1]), ("[", "]"))
        self.assertEqual([json.loads(line.rstrip(",")) for line in lines[1:-1]], self.events)

    def test_every_required_attribute_present_and_typed(self):
        self.assertEqual(len(self.events), len(self.report["results"]))
        for e in self.events:
            self.assertEqual(missing(e, REQUIRED), [], e["finding_info"]["uid"])
            self.assertEqual(missing(e, RECOMMENDED), [], e["finding_info"]["uid"])

    def test_the_table_catches_a_missing_or_mistyped_attribute(self):
        e = json.loads(json.dumps(self.events[0]))
        del e["finding_info"]["uid"]
        e["time"] = "2026-11-25T09:00:00Z"
        self.assertEqual(sorted(missing(e, REQUIRED)), [".time: '2026-11-25T09:00:00Z' is not long_t",
                                                        "finding_info.uid: missing"])

    def test_classification_and_enumerations(self):
        for e in self.events:
            self.assertEqual((e["class_uid"], e["category_uid"], e["activity_id"]), (2003, 2, 1))
            self.assertEqual(e["type_uid"], e["class_uid"] * 100 + e["activity_id"])
            self.assertEqual((e["class_name"], e["category_name"], e["activity_name"]),
                             ("Compliance Finding", "Findings", "Create"))
            self.assertEqual(e["metadata"]["version"], "1.1.0")
            self.assertIn("cloud", e["metadata"]["profiles"])
            self.assertEqual(SEVERITY_ID[e["severity_id"]], e["severity"])
            # 99 (Other): the caption is the source's own word
            for obj, enum in ((e, FINDING_STATUS_ID), (e["compliance"], COMPLIANCE_STATUS_ID)):
                self.assertIn(obj["status_id"], enum)
                self.assertEqual(obj["status"], "Skipped" if obj["status_id"] == 99 else enum[obj["status_id"]])

    def test_rows_map_as_documented(self):
        mgmt = self.report["organization"]["management_account_id"]
        for row, e in zip(self.report["results"], self.events):
            with self.subTest(check=row["check"], subject=row["subject_id"]):
                status = row["status"]
                self.assertEqual(e["finding_info"]["uid"], "orgpreflight/%s/%s/%s" % (
                    row["subject_type"], row["subject_id"], row["check"]))
                self.assertEqual(e["finding_info"]["title"], row["title"])
                self.assertEqual(e["message"], row["message"])
                self.assertEqual(e["compliance"]["control"], row["check"])
                self.assertEqual(e["compliance"]["requirements"], [row["check"]])
                outcome = row["waiver"]["original_status"] if status == "waived" else status
                self.assertEqual(e["compliance"]["status_id"], OUTCOME[outcome])
                self.assertEqual(e["severity_id"], 1 if status in ("pass", "skipped") else SEVERITY[row["severity"]])
                self.assertEqual(e["status_id"], {"pass": 4, "waived": 3, "skipped": 99}.get(status, 1))
                self.assertEqual(e["resource"]["uid"], row["subject_id"])
                self.assertEqual(e["resource"]["name"], row["subject_name"])
                self.assertEqual(e.get("remediation", {}).get("desc", ""), row["remediation"])
                self.assertEqual(e["unmapped"]["evidence"], row["evidence"])
                self.assertIs(e["unmapped"]["gating"], row["gating"])
                self.assertEqual(e["finding_info"]["data_sources"],
                                 list(dict.fromkeys(x["source"] for x in row["evidence"] if x.get("source"))))
                account = row["subject_id"] if row["subject_type"] == "account" else \
                    row["subject_id"].split(":")[4] if row["subject_type"] == "operator-session" else mgmt
                self.assertEqual(e["cloud"]["account"]["uid"], account)
                self.assertEqual(e["cloud"]["org"]["uid"], self.report["organization"]["id"])
                self.assertEqual(e["time"] // 1000, e["finding_info"]["created_time"] // 1000)
        names = {e["resource"]["name"] for e in self.events}
        self.assertIn(opftest.HOSTILE_NAME, names)


if __name__ == "__main__":
    unittest.main()
