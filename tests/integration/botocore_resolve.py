"""What botocore resolves an environment to, in the shape opf-aws-call --resolve prints: one JSON case per
line on stdin ({"env", "profile", "region", "endpoint_url", "services"}), one JSON answer per line on stdout. Every client's first request
is captured before it is sent (botocore's before-send event), so nothing leaves the process except the
credential fetches the case's environment points at loopback servers."""
import json
import os
import sys
from urllib.parse import urlsplit

import botocore.config
import botocore.exceptions
import botocore.session

OPS = {"organizations": ("describe_organization", {}), "iam": ("get_account_summary", {}),
       "account": ("get_account_information", {}), "sts": ("get_caller_identity", {}),
       "sso-admin": ("list_instances", {}), "ec2": ("describe_regions", {}),
       "s3": ("get_bucket_policy", {"Bucket": "b"}), "kms": ("list_keys", {}), "sns": ("list_topics", {}),
       "sqs": ("list_queues", {}), "ram": ("get_resource_shares", {"resourceOwner": "SELF"}),
       "cloudformation": ("list_stack_sets", {}), "controltower": ("list_landing_zones", {})}
RETRY_DEFAULTS = {"legacy": 5, "standard": 3, "adaptive": 3}
LOADER = None


class Captured(Exception):
    pass


def error(e):
    code = type(e).__name__
    if isinstance(e, botocore.exceptions.ClientError):
        code = "ClientError:" + e.response.get("Error", {}).get("Code", "")
    return {"error": {"code": code, "message": str(e)[:300]}}


def resolve(case):
    global LOADER
    session = botocore.session.Session(profile=case.get("profile"))
    if LOADER is None:
        LOADER = session.get_component("data_loader")
    session.register_component("data_loader", LOADER)  # the service models, parsed once
    config = botocore.config.Config(s3={"addressing_style": "path"})
    out = {"endpoints": {}}
    for service in case["services"]:
        op, args = OPS[service]
        try:
            client = session.create_client(service, region_name=case.get("region"), endpoint_url=case.get("endpoint_url"),
                                           config=config)
        except Exception as e:  # the session's own errors: the whole case fails
            return error(e)
        if service == "sts":  # the region a regional client gets
            out["region"] = client.meta.region_name
            retries = client.meta.config.retries or {}
            out["retry_mode"] = retries.get("mode", "legacy")
            out["max_attempts"] = retries.get("total_max_attempts", RETRY_DEFAULTS.get(out["retry_mode"]))
        seen = {}

        def grab(request, **kw):
            seen["url"], seen["auth"] = request.url, request.headers.get("Authorization", b"")
            raise Captured()
        client.meta.events.register("before-send", grab)
        try:
            getattr(client, op)(**args)
        except Captured:
            pass
        except (botocore.exceptions.EndpointResolutionError, botocore.exceptions.NoRegionError) as e:
            out["endpoints"][service] = {"error": error(e)["error"]["code"]}
            continue
        except Exception as e:  # credentials fail at the first signature
            return error(e)
        auth = seen["auth"].decode() if isinstance(seen["auth"], bytes) else seen["auth"]
        scope = auth.split("Credential=")[1].split(",")[0].split("/")
        u = urlsplit(seen["url"])
        out["access_key_id"] = scope[0]
        out["endpoints"][service] = {"url": "%s://%s" % (u.scheme, u.netloc), "signing_region": scope[2],
                                     "signing_name": scope[3]}
    return out


def main():
    for line in sys.stdin:
        case = json.loads(line)
        os.environ.clear()
        os.environ.update(case["env"])
        try:
            answer = resolve(case)
        except Exception as e:
            answer = error(e)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
