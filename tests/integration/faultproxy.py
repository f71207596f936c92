"""A fault-injecting HTTP proxy in front of moto: answers AWS-shaped faults for chosen operations.

Rules match an operation ("organizations:ListAccounts", "iam:ListUsers", or "*") and act on its first N calls:
  throttle   the protocol's own throttling error (TooManyRequestsException for JSON services, Throttling
             for Query ones, HTTP 429 for rest-JSON)
  error500   HTTP 503 ServiceUnavailable
  truncate   the real answer, cut in half
  expired    ExpiredToken
  delay      the real answer, one second late
Everything else is forwarded to moto unchanged. Counts of calls and faults are kept per operation.

`answer(operation, fn)` stands in for moto where it lacks an operation or a field: the request still goes to
moto first (which checks its signature and IAM policy), then fn(request, status, headers, body) returns the
answer to send instead, or None to pass moto's on. rest-JSON operations are named after botocore's model
("controltower:ListEnabledBaselines").
"""
import functools
import http.server
import re
import socketserver
import threading
import urllib.error
import urllib.request

from opftest import free_port


@functools.lru_cache(maxsize=None)
def _rest_operations(service):
    """{(method, path): operation} of a rest-JSON service's botocore model (exact paths only)."""
    import botocore.session
    try:
        model = botocore.session.get_session().get_service_model(service)
    except Exception:
        return {}
    if model.metadata.get("protocol") != "rest-json":
        return {}
    return {(model.operation_model(n).http.get("method"), model.operation_model(n).http.get("requestUri")): n
            for n in model.operation_names}


def _rest_operation(service, method, path):
    return _rest_operations(service).get((method, path))


class Request:
    def __init__(self, method, path, headers, body, service, operation):
        self.method, self.path, self.headers, self.body = method, path, headers, body
        self.service, self.operation = service, operation
        m = re.search(r"Credential=([^/]+)/\d+/([^/]+)/", headers.get("Authorization", ""))
        self.access_key, self.region = (m.group(1), m.group(2)) if m else (None, None)


def _operation(headers, body):
    target = headers.get("X-Amz-Target", "")
    auth = headers.get("Authorization", "")
    m = re.search(r"Credential=[^/]+/\d+/[^/]+/([^/]+)/", auth)
    service = m.group(1) if m else "?"
    if target:
        return service, target.split(".")[-1], "json"
    m = re.search(r"(?:^|&)Action=([A-Za-z]+)", body.decode(errors="replace"))
    if m:
        return service, m.group(1), "query"
    return service, headers.get("X-Path", ""), "rest-json"


class FaultProxy:
    def __init__(self, upstream):
        self.upstream = upstream
        self.rules = []          # [op, kind, remaining]
        self.answers = {}        # op -> fn(request, status, headers, body)
        self.calls = {}
        self.faults = {}
        self.lock = threading.Lock()
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service, op, proto = _operation(self.headers, body)
                if proto == "rest-json":
                    op = _rest_operation(service, self.command, self.path.split("?")[0])
                    if not op:
                        op = self.path.strip("/")
                        op = op[0].upper() + op[1:] if op else op
                name = "%s:%s" % (service, op)
                kind = proxy._fault(name)
                if kind:
                    return self._fault(kind, proto, name, body)
                status, headers, data = proxy._forward(self.command, self.path, self.headers, body)
                fn = proxy.answers.get(name)
                answer = fn(Request(self.command, self.path, self.headers, body, service, op), status, headers, data) \
                    if fn else None
                self._send(*(answer or (status, headers, data)))

            do_GET = do_POST

            def _fault(self, kind, proto, name, body):
                if kind == "delay":
                    import time
                    time.sleep(1.0)
                    status, headers, data = proxy._forward(self.command, self.path, self.headers, body)
                    return self._send(status, headers, data)
                if kind == "truncate":
                    status, headers, data = proxy._forward(self.command, self.path, self.headers, body)
                    data = data[: len(data) // 2]
                    self._send(status, headers, data)
                    return
                if kind == "throttle":
                    if proto == "json":
                        return self._send(400, {"Content-Type": "application/x-amz-json-1.1"},
                                          b'{"__type":"TooManyRequestsException","Message":"AWS Organizations can\'t complete your request because another request is already in progress."}')
                    if proto == "query":
                        return self._send(400, {"Content-Type": "text/xml"},
                                          b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>f00</RequestId></ErrorResponse>")
                    return self._send(429, {"Content-Type": "application/json", "x-amzn-ErrorType": "TooManyRequestsException"},
                                      b'{"message":"Too many requests"}')
                if kind == "error500":
                    return self._send(503, {"Content-Type": "text/xml"},
                                      b"<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>Service is unavailable</Message></Error></ErrorResponse>")
                if kind == "expired":
                    return self._send(400, {"Content-Type": "text/xml"},
                                      b"<ErrorResponse><Error><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error></ErrorResponse>")

            def _send(self, status, headers, data):
                self.send_response(status)
                for k, v in headers.items():
                    if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add(self, operation, kind, first=1):
        with self.lock:
            self.rules.append([operation, kind, first])

    def answer(self, operation, fn):
        with self.lock:
            self.answers[operation] = fn

    def _fault(self, name):
        with self.lock:
            self.calls[name] = self.calls.get(name, 0) + 1
            for rule in self.rules:
                if (rule[0] == name or rule[0] == "*") and rule[2] > 0:
                    rule[2] -= 1
                    self.faults[name] = self.faults.get(name, 0) + 1
                    return rule[1]
        return None

    def _forward(self, method, path, headers, body):
        req = urllib.request.Request(self.upstream + path, data=body if method == "POST" else None, method=method)
        for k, v in headers.items():
            if k.lower() not in ("content-length", "connection"):  # Host is kept: it is signed
                req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def sigv4_valid(request, secret_key):
    """Checks a request's SigV4 signature with botocore's signer, as moto does for the services it serves:
    for answers given in moto's stead when moto does not route the service at all."""
    import hmac
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request, "
                 r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$", request.headers.get("Authorization", ""))
    if not m:
        return False
    access_key, region, service, signed, signature = m.groups()
    headers = {h: request.headers.get(h, "") for h in signed.split(";")}
    r = AWSRequest(method=request.method, url="http://%s%s" % (request.headers.get("Host"), request.path),
                   data=request.body, headers=headers)
    r.context["timestamp"] = request.headers.get("X-Amz-Date", "")
    signer = SigV4Auth(Credentials(access_key, secret_key, request.headers.get("X-Amz-Security-Token")), service, region)
    expected = signer.signature(signer.string_to_sign(r, signer.canonical_request(r)), r)
    return hmac.compare_digest(expected, signature)
