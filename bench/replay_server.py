#!/usr/bin/env python3
"""An AWS-shaped replay server for benchmarks: answers every operation from moto's recorded answers
(bench/recorded/answers.json) for an organization of N synthesised member accounts.

* Keyed by operation (X-Amz-Target, Query Action or rest-JSON path), the profile of the account the call is
  about (AccountId / ChildId / TargetId / AssumeRole's RoleArn, else the caller, read from the access key of
  the Authorization header) and the other parameters. Member i mimics recorded profile i mod 3.
* ListAccounts is synthesised: the management account and N members, 20 per page as AWS pages it. Members
  joined long ago, except every 100th (member 0, 100, ...), created the day before the run: the collector asks
  GetAccountInformation only of accounts that recent (the waiting period).
* The organization-wide lists that name accounts are synthesised from their recording:
  ListAccountsForParent (an OU's or the root's accounts) and ListTargetsForPolicy (an SCP's targets) name every
  synthesised member of the profiles the recorded answer names, 20 per page.
* AssumeRole hands out an access key that names the account (ASIA<12 digits>BNCH), so that later calls made
  with it are answered for that account. Signatures are not checked.
* Every answer waits --latency-ms (default 50) without blocking other connections.
* --throttle KEY=RATE[:BURST[:account]] answers throttling in the protocol's own format beyond RATE
  requests per second: a token bucket per KEY (a signing name such as organizations, or one operation such
  as account:GetPrimaryEmail, which takes precedence), or with :account one per account the call is about.
* GET /bench/stats: requests, throttled answers and unrecorded operations, by operation, and the most requests
  in flight at once (received, answer not yet sent); POST /bench/reset.

    python3 bench/replay_server.py --accounts 1000 --latency-ms 50 --port 0
prints "listening on 127.0.0.1:PORT" once ready.
"""
import argparse
import asyncio
import json
import os
import re
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import wire  # noqa: E402

PAGE_SIZE = 20  # ListAccounts' page size in AWS
FIRST_MEMBER = 900000000000
JOINED_LONG_AGO = 1700000000.0  # 2023-11-14
RECENT_EVERY = 100
# organization-wide lists that name accounts: (list key, the id member of an entry)
EXPANDED = {"organizations:ListAccountsForParent": ("Accounts", "Id"),
            "organizations:ListTargetsForPolicy": ("Targets", "TargetId")}
_KEY = re.compile(r"^ASIA(\d{12})BNCH$")
_THROTTLE = {
    "json": (400, "application/x-amz-json-1.1", "",
             '{"__type":"TooManyRequestsException","Message":"You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later."}'),
    "query": (400, "text/xml", "",
              "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>%s</RequestId></ErrorResponse>"),
    "rest-json": (429, "application/json", "TooManyRequestsException", '{"message":"Rate exceeded"}'),
    "rest-xml": (503, "application/xml", "",
                 "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>%s</RequestId></Error>"),
}
_UNRECORDED = {
    "json": (400, "application/x-amz-json-1.1", "", '{"__type":"BenchNotRecorded","Message":"%s"}'),
    "query": (400, "text/xml", "", "<ErrorResponse><Error><Type>Sender</Type><Code>BenchNotRecorded</Code><Message>%s</Message></Error></ErrorResponse>"),
    "rest-json": (400, "application/json", "BenchNotRecorded", '{"message":"%s"}'),
    "rest-xml": (400, "application/xml", "", "<Error><Code>BenchNotRecorded</Code><Message>%s</Message></Error>"),
}


def access_key(account):
    return "ASIA%sBNCH" % account


class Bucket:
    def __init__(self, rate, burst):
        self.rate, self.burst, self.tokens, self.at = rate, burst, burst, time.monotonic()

    def take(self):
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Org:
    """The recorded answers and the synthesised organization."""

    def __init__(self, answers_path, members):
        doc = json.load(open(answers_path))
        self.answers = doc["answers"]
        self.management = doc["management_account"]
        self.profiles = sorted(p for p in doc["profiles"] if p != "management")
        self.templates = doc["accounts"]
        self.recorded_ids = doc["profiles"]
        self.ids = ["%012d" % (FIRST_MEMBER + i) for i in range(members)]
        self.profile_of = {a: self.profiles[i % len(self.profiles)] for i, a in enumerate(self.ids)}
        self.profile_of[self.management] = "management"
        self.by_profile = {p: [a for a in self.ids if self.profile_of[a] == p] for p in self.profiles}
        started = time.time()
        self.listed = [self._entry(self.management, "management", 0, started)] + \
                      [self._entry(a, self.profile_of[a], i, started) for i, a in enumerate(self.ids)]
        self.listed_by_id = {e["Id"]: e for e in self.listed}

    def _entry(self, account, profile, i, started):
        e = json.loads(json.dumps(self.templates[profile]).replace(self.recorded_ids[profile], account))
        recent = profile != "management" and i % RECENT_EVERY == 0
        e["JoinedTimestamp"] = started - 86400 if recent else JOINED_LONG_AGO
        if profile != "management":
            e["Name"] = "member-%s-%d" % (profile, i)
        return e

    def _expand(self, operation, body, params):
        """A recorded organization-wide list with each recorded member replaced by every synthesised member of
        its profile, paged."""
        key, id_key = EXPANDED[operation]
        doc = json.loads(body)
        recorded = {v: p for p, v in self.recorded_ids.items() if p != "management"}
        entries = []
        for e in doc.get(key) or []:
            profile = recorded.get(e.get(id_key))
            if not profile:
                entries.append(e)
            elif key == "Accounts":
                entries += [self.listed_by_id[a] for a in self.by_profile[profile]]
            else:
                text = json.dumps(e)
                entries += [json.loads(text.replace(e[id_key], a)) for a in self.by_profile[profile]]
        start = int(params.get("NextToken") or 0)
        out = {key: entries[start:start + PAGE_SIZE]}
        if start + PAGE_SIZE < len(entries):
            out["NextToken"] = str(start + PAGE_SIZE)
        return json.dumps(out)

    def list_accounts(self, params):
        start = int(params.get("NextToken") or 0)
        out = {"Accounts": self.listed[start:start + PAGE_SIZE]}
        if start + PAGE_SIZE < len(self.listed):
            out["NextToken"] = str(start + PAGE_SIZE)
        return 200, "application/x-amz-json-1.1", "", json.dumps(out)

    def answer(self, req):
        """(status, content type, x-amzn-ErrorType, body) or None when nothing was recorded."""
        m = _KEY.match(req.access_key)
        caller = m.group(1) if m else self.management
        subject = wire.subject_account(req.params, caller)
        if req.operation == "organizations:ListAccounts":
            return self.list_accounts(req.params)
        profile = self.profile_of.get(subject)
        a = self.answers.get(wire.answer_key(req.operation, profile, req.params, subject, self.management)) if profile else None
        if a is None:
            return None
        body = a["body"].replace("{{ACCOUNT}}", subject)
        if req.operation in EXPANDED and a["status"] == 200:
            body = self._expand(req.operation, body, req.params)
        if "{{ACCESS_KEY}}" in body:
            body = body.replace("{{ACCESS_KEY}}", access_key(subject)).replace(
                "{{EXPIRATION}}", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600)))
        return a["status"], a["content_type"], a["error_type"], body


class Server:
    def __init__(self, org, latency, throttles):
        self.org, self.latency, self.throttles = org, latency, throttles
        self.buckets = {}
        self.reset()

    def reset(self):
        self.requests, self.throttled, self.unrecorded = {}, {}, {}
        self.first = self.last = None
        self.in_flight = self.max_in_flight = 0

    def stats(self):
        return {"requests": self.requests, "throttled": self.throttled, "unrecorded": self.unrecorded,
                "total": sum(self.requests.values()), "total_throttled": sum(self.throttled.values()),
                "total_unrecorded": sum(self.unrecorded.values()),
                "first_request_at": self.first, "last_request_at": self.last, "max_in_flight": self.max_in_flight}

    def _throttle(self, req):
        key = req.operation if req.operation in self.throttles else req.service
        spec = self.throttles.get(key)
        if not spec:
            return False
        rate, burst, per_account = spec
        if per_account:
            m = _KEY.match(req.access_key)
            key += "/" + wire.subject_account(req.params, m.group(1) if m else self.org.management)
        b = self.buckets.get(key)
        if b is None:
            b = self.buckets[key] = Bucket(rate, burst)
        return not b.take()

    def handle(self, method, path, headers, body):
        """(status, content type, x-amzn-ErrorType, body, delayed)."""
        if path.startswith("/bench/"):
            if path == "/bench/reset" and method == "POST":
                self.reset()
            return 200, "application/json", "", json.dumps(self.stats()), False
        req = wire.parse_request(path, headers, body)
        op = req.operation
        now = time.time()
        self.first = self.first or now
        self.last = now
        self.requests[op] = self.requests.get(op, 0) + 1
        if self._throttle(req):
            self.throttled[op] = self.throttled.get(op, 0) + 1
            status, ctype, etype, text = _THROTTLE[req.protocol]
            if req.service == "sso" and req.protocol == "json":
                text = text.replace("TooManyRequestsException", "ThrottlingException")
            return status, ctype, etype, text.replace("%s", str(uuid.uuid4())), True
        a = self.org.answer(req)
        if a is None:
            self.unrecorded[op] = self.unrecorded.get(op, 0) + 1
            status, ctype, etype, text = _UNRECORDED[req.protocol]
            return status, ctype, etype, text % ("no recorded answer for " + op), True
        return a + (True,)


class Http(asyncio.Protocol):
    """HTTP/1.1 with keep-alive; answers leave after the latency through the event loop's timers."""

    def __init__(self, server):
        self.server, self.buf, self.transport = server, b"", None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buf[:end].decode("latin-1").split("\r\n")
            headers = {}
            for line in head[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            length = int(headers.get("content-length", 0))
            if len(self.buf) < end + 4 + length:
                if headers.get("expect", "").lower() == "100-continue" and len(self.buf) == end + 4:
                    self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                return
            body = self.buf[end + 4:end + 4 + length]
            self.buf = self.buf[end + 4 + length:]
            method, path = head[0].split(" ")[:2]
            status, ctype, etype, text, delayed = self.server.handle(method, path, headers, body)
            data = text.encode()
            out = ["HTTP/1.1 %d %s" % (status, "OK" if status < 300 else "Error"), "Content-Type: " + ctype,
                   "Content-Length: %d" % len(data), "x-amzn-RequestId: " + str(uuid.uuid4())]
            if etype:
                out.append("x-amzn-ErrorType: " + etype)
            close = headers.get("connection", "").lower() == "close"
            if close:
                out.append("Connection: close")
            raw = ("\r\n".join(out) + "\r\n\r\n").encode() + data
            if delayed and self.server.latency > 0:
                self.server.in_flight += 1  # requests received and not yet answered
                self.server.max_in_flight = max(self.server.max_in_flight, self.server.in_flight)
                asyncio.get_running_loop().call_later(self.server.latency, self._send, raw, close, True)
            else:
                self._send(raw, close)

    def _send(self, raw, close, delayed=False):
        self.server.in_flight -= delayed
        if self.transport.is_closing():
            return
        self.transport.write(raw)
        if close:
            self.transport.close()


def parse_throttle(text):
    service, _, spec = text.partition("=")
    parts = spec.split(":")
    rate = float(parts[0])
    burst = float(parts[1]) if len(parts) > 1 and parts[1] else max(1.0, rate)
    return service, (rate, burst, len(parts) > 2 and parts[2] == "account")


def main():
    ap = argparse.ArgumentParser(description="AWS-shaped replay server for benchmarks")
    ap.add_argument("--answers", default=os.path.join(HERE, "recorded", "answers.json"))
    ap.add_argument("--accounts", type=int, default=100, help="member accounts to synthesise")
    ap.add_argument("--latency-ms", type=float, default=50.0)
    ap.add_argument("--throttle", action="append", default=[], metavar="KEY=RATE[:BURST[:account]]",
                    help="KEY: a signing name (organizations, account, iam, sts, sso) or service:Operation; repeatable")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    server = Server(Org(args.answers, args.accounts), args.latency_ms / 1000.0,
                    dict(parse_throttle(t) for t in args.throttle))

    async def run():
        loop = asyncio.get_running_loop()
        srv = await loop.create_server(lambda: Http(server), "127.0.0.1", args.port, backlog=1024)
        print("listening on 127.0.0.1:%d" % srv.sockets[0].getsockname()[1], flush=True)
        await srv.serve_forever()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
