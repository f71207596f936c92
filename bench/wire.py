"""What the recorder and the replay server read from an AWS request: service, operation, parameters, the
access key, and the account the request is about. One definition, so that recording and replay agree."""
import json
import re
import urllib.parse

# Parameters that do not change the answer's content (pagination, protocol envelope).
IGNORED = {"Action", "Version", "NextToken", "Marker", "MaxItems", "MaxResults"}
# Parameters naming the account a call is about, in the order they are looked at.
ACCOUNT_PARAMS = ("AccountId", "ChildId", "TargetId")
_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d+/[^/]+/([^/]+)/")
_ACCOUNT = re.compile(r"^\d{12}$")


class Request:
    __slots__ = ("service", "operation", "protocol", "params", "access_key")

    def __init__(self, service, operation, protocol, params, access_key):
        self.service, self.operation, self.protocol = service, operation, protocol
        self.params, self.access_key = params, access_key


def parse_request(path, headers, body):
    """headers: lower-case names. operation is "service:Operation" (service = signing name)."""
    m = _SCOPE.search(headers.get("authorization", ""))
    access_key, service = (m.group(1), m.group(2)) if m else ("", "")
    target = headers.get("x-amz-target", "")
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if target:
        protocol, op = "json", target.rsplit(".", 1)[-1]
        params = json.loads(text) if text.strip() else {}
    elif text.startswith("Action=") or "&Action=" in text:
        protocol = "query"
        params = {k: v[0] for k, v in urllib.parse.parse_qs(text, keep_blank_values=True).items()}
        op = params.get("Action", "")
        if not service:  # unsigned (AssumeRoleWithWebIdentity)
            service = "sts"
    elif service == "s3":  # rest-xml, path style: GET / lists the buckets, GET /BUCKET?policy reads a policy
        protocol = "rest-xml"
        bucket = urllib.parse.unquote(path.split("?", 1)[0].strip("/"))
        op, params = ("GetBucketPolicy", {"Bucket": bucket}) if bucket else ("ListBuckets", {})
    else:
        protocol = "rest-json"
        name = path.split("?", 1)[0].strip("/")
        op = name[:1].upper() + name[1:]
        params = json.loads(text) if text.strip() else {}
    return Request(service, "%s:%s" % (service, op), protocol, params, access_key)


def subject_account(params, caller):
    """The account a call is about: a 12-digit AccountId / ChildId / TargetId, AssumeRole's role, else the caller."""
    for name in ACCOUNT_PARAMS:
        v = params.get(name)
        if isinstance(v, str) and _ACCOUNT.match(v):
            return v
    arn = params.get("RoleArn")
    if isinstance(arn, str) and arn.count(":") >= 5:
        return arn.split(":")[4]
    return caller


def answer_key(operation, profile, params, subject, management):
    """The replay key: operation, the profile of the subject account, and the parameters with the subject's id
    replaced by a placeholder (so that one recorded account stands for many synthesised ones)."""
    norm = {k: v for k, v in params.items() if k not in IGNORED}
    text = json.dumps(norm, sort_keys=True, separators=(",", ":"))
    if subject != management:
        text = text.replace(subject, "{{ACCOUNT}}")
    return "%s|%s|%s" % (operation, profile, text)


def replace_all(text, mapping):
    for old, new in mapping.items():
        text = text.replace(old, new)
    return text
