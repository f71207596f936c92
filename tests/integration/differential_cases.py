"""The differential test's environments (test_aws_differential.py): the loopback servers that hand out
credentials, and the table of cases, each an environment both botocore and orgpreflight resolve."""
import http.server
import json
import socketserver
import threading
from urllib.parse import parse_qs, urlsplit

FAR = "2099-01-01T00:00:00Z"


class Fakes:
    """STS, the Identity Center portal, a container endpoint and IMDSv2 on one loopback port. Every access key
    id they hand out says how it was obtained: AR-role-signingregion-sourcekey, WI-role-token, SSO-account-role,
    CT-path-authorization, IMDS-role."""

    def __init__(self):
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _send(self, status, body, ctype="text/xml", error_type=None):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                if error_type:
                    self.send_header("x-amzn-ErrorType", error_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_PUT(self):
                if self.path == "/latest/api/token":
                    return self._send(200, "imds-token", "text/plain")
                self._send(404, "")

            def do_GET(self):
                u = urlsplit(self.path)
                if u.path == "/latest/meta-data/iam/security-credentials/":
                    return self._send(200, "imds-role", "text/plain")
                if u.path == "/latest/meta-data/iam/security-credentials/imds-role":
                    return self._json("IMDS-imds-role")
                if u.path.startswith("/container/"):
                    auth = self.headers.get("Authorization") or "none"
                    return self._json("CT-%s-%s" % (u.path.rsplit("/", 1)[1], auth))
                if u.path == "/federation/credentials":
                    q = parse_qs(u.query)
                    if self.headers.get("x-amz-sso_bearer_token") != "cached-token":
                        return self._send(401, json.dumps({"message": "Session token not found or invalid"}),
                                          "application/json", error_type="UnauthorizedException")
                    role = q["role_name"][0].replace("/", "_")  # a key id holds no '/'
                    body = {"roleCredentials": {"accessKeyId": "SSO-%s-%s" % (q["account_id"][0], role),
                                                "secretAccessKey": "s", "sessionToken": "t",
                                                "expiration": 4070908800000}}
                    return self._send(200, json.dumps(body), "application/json")
                self._send(404, "")

            def _json(self, akid):
                self._send(200, json.dumps({"Code": "Success", "AccessKeyId": akid, "SecretAccessKey": "s",
                                            "Token": "t", "Expiration": FAR}), "application/json")

            def do_POST(self):
                form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode())
                action = form.get("Action", [""])[0]
                role = form.get("RoleArn", ["/"])[0].rsplit("/", 1)[1]
                if role == "denied":
                    return self._send(403, "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                                           "<Message>not authorized</Message></Error><RequestId>r</RequestId>"
                                           "</ErrorResponse>")
                if action == "AssumeRole":
                    scope = self.headers.get("Authorization", "").split("Credential=")[1].split(",")[0].split("/")
                    akid = "AR-%s-%s-%s" % (role, scope[2], scope[0])
                elif action == "AssumeRoleWithWebIdentity":
                    akid = "WI-%s-%s" % (role, form["WebIdentityToken"][0])
                else:
                    return self._send(400, "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>")
                self._send(200, "<%sResponse><%sResult><Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>s"
                                "</SecretAccessKey><SessionToken>t</SessionToken><Expiration>%s</Expiration></Credentials>"
                                "<AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/%s/s</Arn><AssumedRoleId>A:s"
                                "</AssumedRoleId></AssumedRoleUser></%sResult><ResponseMetadata><RequestId>r</RequestId>"
                                "</ResponseMetadata></%sResponse>" % (action, action, akid, FAR, role, action, action))

        class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
        self.server = S(("127.0.0.1", 0), H)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def keys(akid, secret="s"):
    return "aws_access_key_id = %s\naws_secret_access_key = %s\n" % (akid, secret)


ALL_SERVICES = ["organizations", "iam", "account", "sts", "sso-admin", "ec2", "s3", "kms", "sns", "sqs", "ram",
                "cloudformation", "controltower"]
FEW_SERVICES = ["sts", "iam", "s3"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "af-south-1", "cn-north-1", "cn-northwest-1", "us-gov-west-1",
           "us-gov-east-1"]
VARIANTS = [("plain", {}), ("fips", {"AWS_USE_FIPS_ENDPOINT": "true"}), ("dualstack", {"AWS_USE_DUALSTACK_ENDPOINT": "true"}),
            ("fips-dualstack", {"AWS_USE_FIPS_ENDPOINT": "true", "AWS_USE_DUALSTACK_ENDPOINT": "true"}),
            ("sts-legacy", {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"}), ("sts-regional", {"AWS_STS_REGIONAL_ENDPOINTS": "regional"})]

# Deliberate differences: the fields that must differ, and why (docs/aws-client.md).
AWS_REGION_HONOURED = ("region+endpoints", "orgpreflight reads AWS_REGION (the other SDKs and the CLI v2 do); botocore only AWS_DEFAULT_REGION")
NO_REGION_DEFAULT = ("no-region", "orgpreflight defaults to us-east-1 where botocore raises NoRegionError "
                                  "(or, for STS, takes its global endpoint)")
ISO_REFUSED = ("iso", "isolated partitions are refused in one line; botocore resolves them")
RETRY_DEFAULT = ("retry", "orgpreflight's default retry mode is standard (3 attempts, as the AWS CLI v2); botocore's is legacy (5)")


def cases(fake):
    sts = {"AWS_ENDPOINT_URL_STS": fake}
    out = []

    def case(name, config="", credentials="", env=None, deliberate=None, retry=False, **kw):
        # every service's endpoint where endpoints are the point; elsewhere a global, a regional and S3
        services = ALL_SERVICES if name.split("/")[0] in ("endpoints", "override") else FEW_SERVICES
        out.append(dict(name=name, config=config, credentials=credentials, env=dict(env or {}), deliberate=deliberate,
                        retry=retry, services=services, **kw))

    # region precedence: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's, under each way to name a profile
    for how in ("default", "AWS_PROFILE", "--profile"):
        for flag in (None, "eu-west-1"):
            for aws_region in (None, "ap-south-1"):
                for default_region in (None, "us-west-2"):
                    for profile_region in (None, "eu-central-1"):
                        name = "dev" if how != "default" else "default"
                        section = "[default]" if name == "default" else "[profile dev]"
                        config = section + "\n" + ("region = %s\n" % profile_region if profile_region else "")
                        env = {"AWS_DEFAULT_REGION": default_region, "AWS_REGION": aws_region}
                        if how == "AWS_PROFILE":
                            env["AWS_PROFILE"] = "dev"
                        deliberate = None
                        if not flag and aws_region:
                            deliberate = AWS_REGION_HONOURED
                        elif not (flag or aws_region or default_region or profile_region):
                            deliberate = NO_REGION_DEFAULT
                        case("region/%s/flag=%s/AWS_REGION=%s/AWS_DEFAULT_REGION=%s/profile=%s" % (
                            how, flag, aws_region, default_region, profile_region), config=config,
                            credentials="[%s]\n%s" % (name, keys("AK-" + name)), env=env, region=flag,
                            profile="dev" if how == "--profile" else None, deliberate=deliberate)

    # partitions and endpoint variants
    for region in REGIONS:
        for vname, venv in VARIANTS:
            case("endpoints/%s/%s" % (region, vname), credentials="[default]\n" + keys("AK1"), env=venv, region=region)
    for region in ("us-west-2", "us-gov-west-1"):
        for setting in ("use_fips_endpoint = true", "use_dualstack_endpoint = true", "sts_regional_endpoints = legacy"):
            case("endpoints/profile-setting/%s/%s" % (region, setting.split()[0]), config="[profile dev]\n%s\n" % setting,
                 credentials="[dev]\n" + keys("AK1"), env={"AWS_PROFILE": "dev"}, region=region)
    case("endpoints/fips-TRUE-uppercase", credentials="[default]\n" + keys("AK1"), env={"AWS_USE_FIPS_ENDPOINT": "TRUE"},
         region="us-west-2")
    case("endpoints/fips-1-is-false", credentials="[default]\n" + keys("AK1"), env={"AWS_USE_FIPS_ENDPOINT": "1"},
         region="us-west-2")
    for region in ("us-iso-east-1", "us-isob-east-1"):
        case("endpoints/isolated/" + region, credentials="[default]\n" + keys("AK1"), region=region, deliberate=ISO_REFUSED)
    case("endpoints/invalid-region-name", credentials="[default]\n" + keys("AK1"), region="not_a_region")
    case("endpoints/sts-regional-endpoints-bogus", credentials="[default]\n" + keys("AK1"),
         env={"AWS_STS_REGIONAL_ENDPOINTS": "sideways"}, region="us-west-2")

    # endpoint overrides
    base = "[default]\n" + keys("AK1")
    case("override/flag", credentials=base, region="us-west-2", endpoint_url="http://127.0.0.1:1")
    case("override/flag-in-china", credentials=base, region="cn-north-1", endpoint_url="http://127.0.0.1:1")
    case("override/AWS_ENDPOINT_URL", credentials=base, region="us-gov-west-1", env={"AWS_ENDPOINT_URL": "http://127.0.0.1:2"})
    case("override/AWS_ENDPOINT_URL_STS", credentials=base, region="eu-west-1", env={"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:3"})
    case("override/AWS_ENDPOINT_URL_SSO_ADMIN", credentials=base, region="eu-west-1",
         env={"AWS_ENDPOINT_URL_SSO_ADMIN": "http://127.0.0.1:4"})
    case("override/service-env-beats-global", credentials=base, region="eu-west-1",
         env={"AWS_ENDPOINT_URL_IAM": "http://127.0.0.1:5", "AWS_ENDPOINT_URL": "http://127.0.0.1:6"})
    svc_cfg = "[default]\nservices = local\n[services local]\nsso_admin =\n  endpoint_url = http://127.0.0.1:7\n" \
              "iam =\n  endpoint_url = http://127.0.0.1:8\norganizations =\n  endpoint_url = http://127.0.0.1:9\n"
    case("override/services-section", config=svc_cfg, credentials=base, region="us-west-2")
    case("override/services-section-hyphen-is-not-the-key",
         config="[default]\nservices = local\n[services local]\nsso-admin =\n  endpoint_url = http://127.0.0.1:7\n",
         credentials=base, region="us-west-2")
    case("override/services-section-upper-case-key",
         config="[default]\nservices = local\n[services local]\nSSO_ADMIN =\n  endpoint_url = http://127.0.0.1:7\n",
         credentials=base, region="us-west-2")
    case("override/services-section-missing", config="[default]\nservices = nowhere\n", credentials=base, region="us-west-2")
    case("override/services-and-env", config=svc_cfg, credentials=base, region="us-west-2",
         env={"AWS_ENDPOINT_URL": "http://127.0.0.1:10"})
    case("override/profile-endpoint_url", config="[default]\nendpoint_url = http://127.0.0.1:11\n", credentials=base,
         region="us-west-2")
    case("override/env-beats-profile", config="[default]\nendpoint_url = http://127.0.0.1:11\n", credentials=base,
         region="us-west-2", env={"AWS_ENDPOINT_URL": "http://127.0.0.1:12"})
    case("override/ignored-by-env", config=svc_cfg, credentials=base, region="us-west-2",
         env={"AWS_ENDPOINT_URL": "http://127.0.0.1:12", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"})
    case("override/ignored-by-profile", config="[default]\nignore_configured_endpoint_urls = true\n"
         "endpoint_url = http://127.0.0.1:11\n", credentials=base, region="us-west-2",
         env={"AWS_ENDPOINT_URL_KMS": "http://127.0.0.1:13"})
    case("override/flag-beats-ignore", credentials=base, region="us-west-2", endpoint_url="http://127.0.0.1:14",
         env={"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"})
    case("override/beats-fips", credentials=base, region="us-west-2",
         env={"AWS_ENDPOINT_URL": "http://127.0.0.1:15", "AWS_USE_FIPS_ENDPOINT": "true"})

    # credentials: the chain's order and every provider
    dev = "[dev]\n" + keys("AK-dev")
    env_keys = {"AWS_ACCESS_KEY_ID": "AK-env", "AWS_SECRET_ACCESS_KEY": "s"}
    case("creds/env", env=env_keys)
    case("creds/env-with-token", env=dict(env_keys, AWS_SESSION_TOKEN="tok"))
    case("creds/env-beats-AWS_PROFILE", credentials=dev, env=dict(env_keys, AWS_PROFILE="dev"))
    case("creds/--profile-beats-env", credentials=dev, env=env_keys, profile="dev")
    case("creds/env-key-without-secret", env={"AWS_ACCESS_KEY_ID": "AK-env"})
    case("creds/AWS_DEFAULT_PROFILE", credentials=dev + "[default]\n" + keys("AK-default"), env={"AWS_DEFAULT_PROFILE": "dev"})
    case("creds/AWS_DEFAULT_PROFILE-beats-AWS_PROFILE", credentials=dev + "[other]\n" + keys("AK-other"),
         env={"AWS_DEFAULT_PROFILE": "dev", "AWS_PROFILE": "other"})
    case("creds/profile-default-section", config="[profile default]\n" + keys("AK-pd"))
    case("creds/default-then-profile-default", config="[default]\n%s[profile default]\n%s" % (keys("AK-d"), keys("AK-pd")))
    case("creds/profile-default-then-default", config="[profile default]\n%s[default]\n%s" % (keys("AK-pd"), keys("AK-d")))
    case("creds/credentials-file-default", credentials="[default]\n" + keys("AK-d"))
    case("creds/credentials-file-beats-config", config="[default]\n" + keys("AK-config"),
         credentials="[default]\n" + keys("AK-creds"))
    case("creds/config-keys-only", config="[profile dev]\n" + keys("AK-config"), env={"AWS_PROFILE": "dev"})
    case("creds/config-key-without-secret", config="[profile dev]\naws_access_key_id = AK\n", env={"AWS_PROFILE": "dev"})
    case("creds/credentials-key-without-secret", credentials="[dev]\naws_access_key_id = AK\n", env={"AWS_PROFILE": "dev"})
    case("creds/aws_security_token", credentials="[dev]\n%saws_security_token = tok\n" % keys("AK-dev"),
         env={"AWS_PROFILE": "dev"})
    case("creds/AWS_PROFILE-missing", credentials=dev, env={"AWS_PROFILE": "nope"})
    case("creds/--profile-missing", credentials=dev, profile="nope")
    case("creds/AWS_PROFILE-missing-with-env-keys", env=dict(env_keys, AWS_PROFILE="nope"))
    case("creds/credentials-section-named-profile-dev", credentials="[profile dev]\n" + keys("AK-x"), env={"AWS_PROFILE": "dev"})
    case("creds/nothing", env={})
    chain = "[profile a]\nrole_arn = arn:aws:iam::1:role/ra\nsource_profile = b\n"
    case("chain/a-b-keys", config=chain, credentials="[b]\n" + keys("AK-b"), env=dict(sts, AWS_PROFILE="a"))
    case("chain/source-with-role-and-keys", config=chain + "[profile b]\nrole_arn = arn:aws:iam::1:role/rb\nsource_profile = c\n",
         credentials="[b]\n%s[c]\n%s" % (keys("AK-b"), keys("AK-c")), env=dict(sts, AWS_PROFILE="a"))
    case("chain/three-hops", config=chain + "[profile b]\nrole_arn = arn:aws:iam::1:role/rb\nsource_profile = c\n",
         credentials="[c]\n" + keys("AK-c"), env=dict(sts, AWS_PROFILE="a"))
    case("chain/regions-differ", config="[profile a]\nregion = eu-west-1\nrole_arn = arn:aws:iam::1:role/ra\n"
         "source_profile = b\n[profile b]\nregion = ap-south-1\n", credentials="[b]\n" + keys("AK-b"),
         env=dict(sts, AWS_PROFILE="a", AWS_DEFAULT_REGION=None))
    case("chain/--region-for-sts", config=chain, credentials="[b]\n" + keys("AK-b"), env=dict(sts, AWS_PROFILE="a"),
         region="ca-central-1")
    case("chain/--profile", config=chain, credentials="[b]\n" + keys("AK-b"), env=dict(sts, **env_keys), profile="a")
    case("chain/env-keys-win-over-AWS_PROFILE-role", config=chain, credentials="[b]\n" + keys("AK-b"),
         env=dict(sts, AWS_PROFILE="a", **env_keys))
    case("chain/role-beats-own-keys", config=chain, credentials="[a]\n%s[b]\n%s" % (keys("AK-a"), keys("AK-b")),
         env=dict(sts, AWS_PROFILE="a"))
    case("chain/source-and-credential-source", config=chain + "credential_source = Environment\n",
         credentials="[b]\n" + keys("AK-b"), env=dict(sts, AWS_PROFILE="a"))
    case("chain/role-without-source", config="[profile a]\nrole_arn = arn:aws:iam::1:role/ra\n", env=dict(sts, AWS_PROFILE="a"))
    case("chain/source-missing", config=chain, env=dict(sts, AWS_PROFILE="a"))
    case("chain/source-without-credentials", config=chain + "[profile b]\nregion = us-west-2\n", env=dict(sts, AWS_PROFILE="a"))
    case("chain/loop", config=chain + "[profile b]\nrole_arn = arn:aws:iam::1:role/rb\nsource_profile = a\n",
         env=dict(sts, AWS_PROFILE="a"))
    case("chain/self-with-keys", config="[profile a]\nrole_arn = arn:aws:iam::1:role/ra\nsource_profile = a\n",
         credentials="[a]\n" + keys("AK-a"), env=dict(sts, AWS_PROFILE="a"))
    case("chain/self-without-keys", config="[profile a]\nrole_arn = arn:aws:iam::1:role/ra\nsource_profile = a\n",
         env=dict(sts, AWS_PROFILE="a"))
    case("chain/denied", config="[profile a]\nrole_arn = arn:aws:iam::1:role/denied\nsource_profile = b\n",
         credentials="[b]\n" + keys("AK-b"), env=dict(sts, AWS_PROFILE="a"))
    case("chain/external-id-and-duration", config=chain + "external_id = ext-1\nduration_seconds = 1800\nrole_session_name = me\n",
         credentials="[b]\n" + keys("AK-b"), env=dict(sts, AWS_PROFILE="a"))
    cs = "[profile a]\nrole_arn = arn:aws:iam::1:role/ra\ncredential_source = %s\n"
    # --profile: the chain itself skips the environment's keys, credential_source = Environment still reads them
    case("chain/credential_source-Environment", config=cs % "Environment", env=dict(sts, **env_keys), profile="a")
    case("chain/credential_source-Environment-empty", config=cs % "Environment", env=dict(sts, AWS_PROFILE="a"))
    case("chain/credential_source-EcsContainer", config=cs % "EcsContainer",
         env=dict(sts, AWS_PROFILE="a", AWS_CONTAINER_CREDENTIALS_FULL_URI=fake + "/container/ecs"))
    case("chain/credential_source-Ec2InstanceMetadata", config=cs % "Ec2InstanceMetadata",
         env=dict(sts, AWS_PROFILE="a", AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_SERVICE_ENDPOINT=fake))
    case("chain/credential_source-bogus", config=cs % "Bogus", env=dict(sts, AWS_PROFILE="a"))
    case("chain/credential_source-lower-case", config=cs % "environment", env=dict(sts, **env_keys), profile="a")
    case("chain/source-is-sso", config=chain + "[profile b]\nsso_session = corp\nsso_account_id = 111\n"
         "sso_role_name = Admin\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
         env=dict(sts, AWS_PROFILE="a", AWS_ENDPOINT_URL_SSO=fake), sso=("corp", FAR))
    wi = {"AWS_WEB_IDENTITY_TOKEN_FILE": "{home}/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/wi"}
    case("web-identity/env", env=dict(sts, **wi))
    case("web-identity/env-session-name", env=dict(sts, AWS_ROLE_SESSION_NAME="me", **wi))
    case("web-identity/profile", config="[profile w]\nrole_arn = arn:aws:iam::1:role/pw\n"
         "web_identity_token_file = {home}/token\n", env=dict(sts, AWS_PROFILE="w"))
    case("web-identity/env-beats-AWS_PROFILE-keys", credentials=dev, env=dict(sts, AWS_PROFILE="dev", **wi))
    case("web-identity/--profile-skips-env", credentials=dev, env=dict(sts, **wi), profile="dev")
    case("web-identity/env-keys-first", env=dict(sts, **dict(wi, **env_keys)))
    case("web-identity/file-without-role", env=dict(sts, AWS_WEB_IDENTITY_TOKEN_FILE="{home}/token"))
    case("web-identity/env-role-beats-profile-role", config="[profile w]\nrole_arn = arn:aws:iam::1:role/pw\n"
         "web_identity_token_file = {home}/token\n", env=dict(sts, AWS_PROFILE="w", AWS_ROLE_ARN="arn:aws:iam::1:role/envrole"))
    proc = "[profile p]\ncredential_process = {home}/proc.sh %s\n"
    case("process/plain", config=proc % "AK-proc", env={"AWS_PROFILE": "p"})
    case("process/expiring", config=proc % "AK-proc " + FAR, env={"AWS_PROFILE": "p"})
    case("process/already-expired", config=proc % "AK-proc 2020-01-01T00:00:00Z", env={"AWS_PROFILE": "p"})
    case("process/fails", config="[profile p]\ncredential_process = {home}/proc.sh --fail\n", env={"AWS_PROFILE": "p"})
    case("process/version-2", config="[profile p]\ncredential_process = {home}/proc.sh --v2\n", env={"AWS_PROFILE": "p"})
    case("process/beats-config-keys", config="[profile p]\n%scredential_process = {home}/proc.sh AK-proc\n" % keys("AK-config"),
         env={"AWS_PROFILE": "p"})
    case("process/loses-to-credentials-file-keys", config=proc % "AK-proc", credentials="[p]\n" + keys("AK-creds"),
         env={"AWS_PROFILE": "p"})
    sso_session = "[profile s]\nsso_session = corp\nsso_account_id = 111\nsso_role_name = %s\n" \
                  "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
    sso_env = {"AWS_PROFILE": "s", "AWS_ENDPOINT_URL_SSO": fake}
    legacy = "[profile s]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-1\n" \
             "sso_account_id = 222\nsso_role_name = Admin\n"
    case("sso/session", config=sso_session % "Admin", env=sso_env, sso=("corp", FAR))
    case("sso/legacy", config=legacy, env=sso_env, sso=("https://legacy.awsapps.com/start", FAR))
    case("sso/beats-credentials-file-keys", config=sso_session % "Admin", credentials="[s]\n" + keys("AK-creds"),
         env=sso_env, sso=("corp", FAR))
    case("sso/expiresAt-UTC", config=sso_session % "Admin", env=sso_env, sso=("corp", "2099-01-01T00:00:00UTC"))
    case("sso/role-name-plus", config=sso_session % "Read+Only", env=sso_env, sso=("corp", FAR))
    case("sso/role-name-space-and-slash", config=sso_session % "Read Only/x", env=sso_env, sso=("corp", FAR))
    case("sso/no-cached-token", config=sso_session % "Admin", env=sso_env)
    case("sso/legacy-rejected-token", config=legacy, env=sso_env, sso=("https://legacy.awsapps.com/start", FAR, "stale"))
    case("sso/missing-region", config="[profile s]\nsso_start_url = https://x.awsapps.com/start\nsso_account_id = 1\n"
         "sso_role_name = A\n", env=sso_env)
    case("sso/session-section-missing", config="[profile s]\nsso_session = gone\nsso_account_id = 1\nsso_role_name = A\n",
         env=sso_env)
    case("sso/profile-and-session-disagree", config="[profile s]\nsso_session = corp\nsso_region = us-west-2\n"
         "sso_account_id = 1\nsso_role_name = A\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
         "sso_region = eu-west-1\n", env=sso_env, sso=("corp", FAR))
    case("container/loopback", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": fake + "/container/full"})
    case("container/localhost", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": fake.replace("127.0.0.1", "localhost") + "/container/lh"})
    case("container/authorization-token", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": fake + "/container/tok",
                                               "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Basic abc"})
    case("container/authorization-token-file", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": fake + "/container/tokfile",
                                                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{home}/ctoken"})
    case("container/http-elsewhere-refused", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://creds.example.com/x"})
    case("container/http-link-local-other-refused", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.3/x"})
    case("container/after-profile-keys", credentials="[default]\n" + keys("AK-d"),
         env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": fake + "/container/full"})
    case("imds/fake", env={"AWS_EC2_METADATA_DISABLED": None, "AWS_EC2_METADATA_SERVICE_ENDPOINT": fake})
    case("imds/disabled", env={"AWS_EC2_METADATA_SERVICE_ENDPOINT": fake})
    case("imds/endpoint-from-profile", config="[default]\nec2_metadata_service_endpoint = %s\n" % fake,
         env={"AWS_EC2_METADATA_DISABLED": None})

    # the files' syntax
    ini = [("upper-case-keys", "", "[dev]\nAWS_ACCESS_KEY_ID=AK-up\nAWS_Secret_Access_Key=s\n"),
           ("colon", "", "[dev]\naws_access_key_id: AK-colon\naws_secret_access_key: s\n"),
           ("header-comment", "", "[dev] # the dev account\n" + keys("AK-hc")),
           ("quoted-profile", "[profile \"dev\"]\n" + keys("AK-q"), ""),
           ("single-quoted-profile", "[profile 'dev']\n" + keys("AK-sq"), ""),
           ("spaces-in-header", "[profile   dev]\n" + keys("AK-sp"), ""),
           ("tab-in-header", "[profile\tdev]\n" + keys("AK-tab"), ""),
           ("spaces-around-name", "[ profile dev ]\n" + keys("AK-x"), ""),
           ("no-space", "[profiledev]\n" + keys("AK-x"), ""),
           ("three-words", "[profile dev extra]\n" + keys("AK-x"), ""),
           ("duplicate-section", "[profile dev]\n%s[profile dev]\nregion = x\n" % keys("AK-d1"), ""),
           ("duplicate-key", "[profile dev]\n%saws_access_key_id = AK-2\n" % keys("AK-d1"), ""),
           ("duplicate-across-files", "[profile dev]\n" + keys("AK-config"), "[dev]\n" + keys("AK-creds")),
           ("long-value", "", "[dev]\n" + keys("AK-long", "x" * 5000)),
           ("long-key-id", "", "[dev]\n" + keys("AK" + "L" * 4200)),
           ("DEFAULT-section", "[DEFAULT]\nregion = eu-north-1\n[profile dev]\n" + keys("AK-D"), ""),
           ("semicolon-in-value", "", "[dev]\naws_access_key_id = AK;x\naws_secret_access_key = s\n"),
           ("continuation", "[profile dev]\nregion = eu-west-1\n  more\n" + keys("AK-c"), ""),
           ("indented-comment", "", "[dev]\n   # comment\n\t; another\n" + keys("AK-ic")),
           ("crlf", "", "[dev]\r\naws_access_key_id = AK-crlf\r\naws_secret_access_key = s\r\n"),
           ("line-without-equals", "[profile dev]\nregion\n", "[dev]\n" + keys("AK-x")),
           ("setting-before-section", "region = x\n[profile dev]\n", "[dev]\n" + keys("AK-x")),
           ("nested", "[profile dev]\ns3 =\n  addressing_style = path\nregion = eu-west-3\n", "[dev]\n" + keys("AK-n")),
           ("nested-without-equals", "[profile dev]\ns3 =\n  not a setting\n", "[dev]\n" + keys("AK-x")),
           ("capitalised-region", "[profile dev]\nRegion = eu-west-3\n", "[dev]\n" + keys("AK-r")),
           ("empty-files", "", ""),
           ("blank-lines-in-value", "[profile dev]\nregion = eu-west-1\n\n" + keys("AK-bl"), ""),
           ("bom-less-unicode-comment", "# caf\u00e9\n[profile dev]\n" + keys("AK-u"), "")]
    for name, config, credentials in ini:
        env = {"AWS_PROFILE": "dev"}
        if "region" in config.lower():  # the file's own region is the one to compare
            env["AWS_DEFAULT_REGION"] = None
        case("ini/" + name, config=config, credentials=credentials, env=env)

    # retry modes and attempts
    for mode in ("legacy", "standard", "adaptive"):
        case("retry/%s" % mode, credentials=base, env={"AWS_RETRY_MODE": mode}, retry=True)
        case("retry/%s-7-attempts" % mode, credentials=base, env={"AWS_RETRY_MODE": mode, "AWS_MAX_ATTEMPTS": "7"}, retry=True)
    case("retry/profile-mode", config="[default]\nretry_mode = adaptive\nmax_attempts = 4\n", credentials=base, retry=True)
    case("retry/env-beats-profile", config="[default]\nretry_mode = adaptive\n", credentials=base,
         env={"AWS_RETRY_MODE": "legacy"}, retry=True)
    case("retry/bogus-mode", credentials=base, env={"AWS_RETRY_MODE": "eventually"}, retry=True)
    case("retry/default", credentials=base, retry=True, deliberate=RETRY_DEFAULT)
    return out
