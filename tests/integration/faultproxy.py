"""A fault-injecting HTTP proxy in front of moto: answers AWS-shaped faults for chosen operations.

Rules match "service:Operation" with shell wildcards ("iam:*", "organizations:ListAccounts", "*"; the service is
the SigV4 signing name) and fire either on the first N matching calls (`add`) or at random with given
probabilities (`add_random`, a seeded generator per rule and operation, so the number of faults an operation
gets for a number of calls is the same on every run whatever the threads' interleaving). Kinds:
  throttle   the protocol's own throttling error: Organizations TooManyRequestsException (JSON, HTTP 400),
             sso-admin / identitystore ThrottlingException (JSON, HTTP 400), IAM / STS Throttling (Query XML,
             HTTP 400), Account TooManyRequestsException (rest-JSON, HTTP 429 with x-amzn-ErrorType)
  error500   HTTP 500 in the protocol's shape (InternalFailure, ServiceException, InternalServerException)
  error503   HTTP 503 ServiceUnavailable
  expired    the protocol's expired-token error (ExpiredToken, ExpiredTokenException)
  delay      the real answer, `delay` seconds late
  hang       reads the request and answers nothing for `hang` seconds, then closes (past a client's timeout)
  reset      reads the request and resets the connection (TCP RST)
  truncate   the real answer's headers, half its body, then the connection closes (short of Content-Length)
  malformed  a complete HTTP answer whose body is the real one cut in half: unparseable JSON or XML
  endless    HTTP 200 with a chunked body that never ends (64 KiB chunks until the client gives up)
`expire_tokens(after=[N, ...])` models session credentials expiring mid-run: once N requests have been seen,
every session token seen so far is expired, and requests signed with one get `expired` until the client
refreshes its credentials (new tokens pass).

`answer(operation, fn)` stands in for moto where it lacks an operation or a field: the request still goes to
moto first (which checks its signature and IAM policy), then fn(request, status, headers, body) returns the
answer to send instead, or None to pass moto's on. rest-JSON operations are named after botocore's model
("controltower:ListEnabledBaselines").

Everything else is forwarded to moto unchanged. Counted: calls and faults per operation, faults per kind.
The server is threaded: requests are handled concurrently, as the client sends them.
"""
import collections
import fnmatch
import functools
import http.server
import random
import re
import socket
import socketserver
import struct
import threading
import urllib.error
import urllib.request
import uuid
import zlib

from opftest import free_port

KINDS = ("throttle", "error500", "error503", "expired", "delay", "hang", "reset", "truncate", "malformed", "endless")

JSON_TYPE = "application/x-amz-json-1.1"
# The throttling error each JSON service models (botocore service-2.json)
JSON_THROTTLE = {"organizations": ("TooManyRequestsException",
                                   "AWS Organizations can't complete your request because another request is already in progress. Try again later."),
                 "sso": ("ThrottlingException", "Rate exceeded"),
                 "identitystore": ("ThrottlingException", "Rate exceeded")}
JSON_500 = {"organizations": "ServiceException", "sso": "InternalServerException",
            "identitystore": "InternalServerException"}
EXPIRED_MESSAGE = "The security token included in the request is expired"


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


def _operation(headers, body, path):
    """(service, operation, protocol) of a request, as an AWS endpoint would route it."""
    m = re.search(r"Credential=[^/]+/\d+/[^/]+/([^/]+)/", headers.get("Authorization", ""))
    service = m.group(1) if m else "?"
    target = headers.get("X-Amz-Target", "")
    if target:
        return service, target.split(".")[-1], "json"
    m = re.search(r"(?:^|&)Action=([A-Za-z]+)", body.decode(errors="replace"))
    if m:
        return (service if service != "?" else "sts"), m.group(1), "query"  # unsigned: STS web identity
    if service == "s3":  # rest-XML, path-style: the bucket is the path, the operation a query flag
        bucket, _, query = path.lstrip("/").partition("?")
        flag = query.split("&")[0].split("=")[0]
        return service, ("Get" + flag[:1].upper() + flag[1:] if bucket and flag else "ListBuckets"), "rest-xml"
    op = path.strip("/").split("?")[0]
    return service, op[:1].upper() + op[1:], "rest-json"


def _error(kind, service, proto):
    """(status, headers, body) of a fault answered in the protocol's own error format."""
    rid = str(uuid.uuid4())
    if proto == "rest-xml":  # S3: a bare <Error>; its throttling is SlowDown with HTTP 503
        code, status, msg = {"throttle": ("SlowDown", 503, "Please reduce your request rate."),
                             "error500": ("InternalError", 500, "We encountered an internal error. Please try again."),
                             "error503": ("ServiceUnavailable", 503, "Service is unavailable"),
                             "expired": ("ExpiredToken", 400, EXPIRED_MESSAGE)}[kind]
        body = "<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>" % (code, msg, rid)
        return status, {"Content-Type": "application/xml", "x-amz-request-id": rid}, body.encode()
    if proto == "query":
        code, status, msg = {"throttle": ("Throttling", 400, "Rate exceeded"),
                             "error500": ("InternalFailure", 500, "An internal error occurred"),
                             "error503": ("ServiceUnavailable", 503, "Service is unavailable"),
                             "expired": ("ExpiredToken", 403, EXPIRED_MESSAGE)}[kind]
        ns = "https://%s.amazonaws.com/doc/%s/" % (service, "2011-06-15" if service == "sts" else "2010-05-08")
        body = ('<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>'
                '<RequestId>%s</RequestId></ErrorResponse>' % (ns, "Sender" if status < 500 else "Receiver", code, msg, rid))
        return status, {"Content-Type": "text/xml", "x-amzn-RequestId": rid}, body.encode()
    if proto == "json":
        throttle = JSON_THROTTLE.get(service, ("ThrottlingException", "Rate exceeded"))
        code, status, msg = {"throttle": (throttle[0], 400, throttle[1]),
                             "error500": (JSON_500.get(service, "InternalFailure"), 500, "An internal error occurred"),
                             "error503": ("ServiceUnavailable", 503, "Service is unavailable"),
                             "expired": ("ExpiredTokenException", 400, EXPIRED_MESSAGE)}[kind]
        body = '{"__type":"%s","Message":"%s"}' % (code, msg)
        return status, {"Content-Type": JSON_TYPE, "x-amzn-RequestId": rid}, body.encode()
    # rest-JSON (Account): the error type is in the x-amzn-ErrorType header
    code, status, msg = {"throttle": ("TooManyRequestsException", 429, "Rate exceeded"),
                         "error500": ("InternalServerException", 500, "An internal error occurred"),
                         "error503": ("ServiceUnavailableException", 503, "Service is unavailable"),
                         "expired": ("ExpiredTokenException", 403, EXPIRED_MESSAGE)}[kind]
    return status, {"Content-Type": "application/json", "x-amzn-RequestId": rid,
                    "x-amzn-ErrorType": code + ":http://internal.amazon.com/coral/com.amazon.coral.service/"}, \
        ('{"message":"%s"}' % msg).encode()


class _Rule:
    def __init__(self, match, kinds, first=None, seed=0, where=None):
        self.match, self.kinds, self.first, self.seed, self.where = match, kinds, first, seed, where
        self.streams = {}   # operation -> random.Random

    def draw(self, name, body):
        """The kind to inject into this call of `name`, or None."""
        if not fnmatch.fnmatchcase(name, self.match) or (self.where and self.where.encode() not in body):
            return None
        if self.first is not None:
            if self.first <= 0:
                return None
            self.first -= 1
            return self.kinds
        rng = self.streams.get(name)
        if rng is None:
            rng = self.streams[name] = random.Random(zlib.crc32(("%d %s %s" % (self.seed, self.match, name)).encode()))
        u, acc = rng.random(), 0.0
        for kind, p in self.kinds.items():
            acc += p
            if u < acc:
                return kind
        return None


class FaultProxy:
    def __init__(self, upstream, delay=1.0, hang=5.0):
        self.upstream = upstream
        self.delay, self.hang = delay, hang
        self.rules = []
        self.calls = collections.Counter()      # "service:Operation" -> requests seen
        self.faults = collections.Counter()     # "service:Operation" -> faults injected
        self.injected = collections.Counter()   # kind -> faults injected
        self.by_operation = collections.Counter()  # ("service:Operation", kind) -> faults injected
        self.requests = 0
        self.expiry_points = []
        self.live_tokens, self.expired_tokens = set(), set()
        self.answers = {}        # operation -> fn(request, status, headers, body)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service, op, proto = _operation(self.headers, body, self.path)
                if proto == "rest-json":
                    op = _rest_operation(service, self.command, self.path.split("?")[0]) or op
                name = "%s:%s" % (service, op)
                kind = proxy._decide(name, body, self.headers.get("X-Amz-Security-Token"))
                if kind in ("throttle", "error500", "error503", "expired"):
                    return self._send(*_error(kind, service, proto))
                if kind == "reset":
                    return self._reset()
                if kind == "hang":
                    proxy.stopping.wait(proxy.hang)
                    return self._reset()
                if kind == "endless":
                    return self._endless()
                if kind == "delay":
                    proxy.stopping.wait(proxy.delay)
                status, headers, data = proxy._forward(self.command, self.path, self.headers, body)
                if kind == "truncate":
                    return self._send(status, headers, data[: len(data) // 2], length=len(data))
                if kind == "malformed":
                    data = data[: len(data) // 2]
                fn = proxy.answers.get(name)
                answer = fn(Request(self.command, self.path, self.headers, body, service, op), status, headers, data) \
                    if fn and kind is None else None
                self._send(*(answer or (status, headers, data)))

            do_GET = do_POST

            def _send(self, status, headers, data, length=None):
                self.send_response(status)
                for k, v in headers.items():
                    if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data) if length is None else length))
                if length is not None:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(data)

            def _endless(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"%x\r\n%s\r\n" % (65536, b'{"Accounts":[' + b" " * (65536 - 13))
                self.close_connection = True
                try:
                    while not proxy.stopping.is_set():
                        self.wfile.write(chunk)
                except OSError:
                    pass  # the client gave up: what it should do

            def _reset(self):
                # SO_LINGER 0: close() sends RST instead of FIN
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()

            def finish(self):
                try:
                    super().finish()
                except OSError:
                    pass  # the socket was reset on purpose

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 128

            def handle_error(self, request, client_address):
                pass  # a client that gave up on a hung or reset request

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add(self, operation, kind, first=1, where=None):
        """Answers `kind` to the first `first` calls matching `operation` (and whose body contains `where`,
        e.g. an account id)."""
        assert kind in KINDS, kind
        with self.lock:
            self.rules.append(_Rule(operation, kind, first=first, where=where))

    def answer(self, operation, fn):
        """Answers `operation` with fn(request, status, headers, body) after moto has seen it (see above)."""
        with self.lock:
            self.answers[operation] = fn

    def add_random(self, operation, probabilities, seed=0):
        """Answers each call matching `operation` with kind k with probability probabilities[k] (one draw
        per call, so the kinds are exclusive and their rates exact)."""
        assert set(probabilities) <= set(KINDS) and sum(probabilities.values()) <= 1.0, probabilities
        with self.lock:
            self.rules.append(_Rule(operation, dict(probabilities), seed=seed))

    def expire_tokens(self, after):
        """After each count in `after` of requests, every session token seen so far expires."""
        with self.lock:
            self.expiry_points = sorted(after)

    def clear(self):
        with self.lock:
            self.rules, self.expiry_points = [], []
            self.live_tokens, self.expired_tokens = set(), set()
            for counter in (self.calls, self.faults, self.injected, self.by_operation):
                counter.clear()
            self.requests = 0

    def _decide(self, name, body, token):
        with self.lock:
            self.requests += 1
            self.calls[name] += 1
            while self.expiry_points and self.requests > self.expiry_points[0]:
                self.expiry_points.pop(0)
                self.expired_tokens |= self.live_tokens
                self.live_tokens = set()
            kind = None
            if token and token in self.expired_tokens:
                kind = "expired"
            elif token:
                self.live_tokens.add(token)
            for rule in self.rules:
                if kind:
                    break
                kind = rule.draw(name, body)
            if kind:
                self.faults[name] += 1
                self.injected[kind] += 1
                self.by_operation[(name, kind)] += 1
            return kind

    def _forward(self, method, path, headers, body):
        req = urllib.request.Request(self.upstream + path, data=body if method == "POST" else None, method=method)
        for k, v in headers.items():
            if k.lower() not in ("content-length", "connection"):  # Host is kept: it is signed
                req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def stop(self):
        self.stopping.set()
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
