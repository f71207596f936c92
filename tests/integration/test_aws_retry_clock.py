"""Retry modes (AWS_RETRY_MODE and their attempts), STS's IDPCommunicationError retried, and the signing clock
corrected once when AWS answers that a request's time is skewed, against a loopback STS that plays each fault."""
import email.utils
import http.server
import os
import socketserver
import threading
import time
import unittest
from calendar import timegm

import opftest

DRIVER = os.path.join(os.environ.get("OPF_BINARY_DIR", os.path.join(opftest.SOURCE_DIR, "build")), "tests", "opf-aws-call")
IDENTITY = ("<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/audit</Arn>"
            "<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
            "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>")


def error_xml(code, message):
    return ("<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>"
            "<RequestId>r</RequestId></ErrorResponse>" % (code, message))


class FaultySts:
    """Answers GetCallerIdentity after `faults` error answers (status, code); `skew` seconds added to its clock
    (Date header); a request signed more than five minutes away from that clock is refused as skewed. `jump`
    seconds are added to that clock once each answer is decided, before it is sent: the client cannot see the
    answer before the jump."""

    def __init__(self, faults=(), skew=0, jump=0):
        self.faults, self.skew, self.jump, self.dates = list(faults), skew, jump, []
        owner = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                now = time.time() + owner.skew
                signed = timegm(time.strptime(self.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ"))
                owner.dates.append(signed - time.time())
                if abs(signed - now) > 300:
                    status, body = 403, error_xml("SignatureDoesNotMatch", "Signature not yet current")
                elif owner.faults:
                    status, code = owner.faults.pop(0)
                    body = error_xml(code, "injected")
                else:
                    status, body = 200, IDENTITY
                data = body.encode()
                owner.skew += owner.jump
                self.send_response(status)
                self.send_header("Date", email.utils.formatdate(now, usegmt=True))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
        self.server = S(("127.0.0.1", 0), H)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class RetryAndClock(unittest.TestCase):
    def _call(self, sts, **env):
        base = {"PATH": os.environ.get("PATH", ""), "HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY": "secret", "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": sts.url,
                "AWS_EC2_METADATA_DISABLED": "true", "OPF_RETRY_BASE_MS": "5"}
        base.update(env)
        r = opftest.run(["sts", "GetCallerIdentity"], program=DRIVER, env=base, timeout=120)
        return r.returncode, r.stderr

    def test_retry_modes_and_their_attempts(self):
        for env, attempts in (({}, 3), ({"AWS_RETRY_MODE": "standard"}, 3), ({"AWS_RETRY_MODE": "adaptive"}, 3),
                              ({"AWS_RETRY_MODE": "legacy"}, 5), ({"AWS_RETRY_MODE": "legacy", "AWS_MAX_ATTEMPTS": "2"}, 2)):
            sts = FaultySts(faults=[(500, "InternalError")] * 10)
            try:
                rc, err = self._call(sts, **env)
            finally:
                sts.stop()
            self.assertEqual(rc, 1, err)
            self.assertEqual(len(sts.dates), attempts, (env, err))
        sts = FaultySts()
        try:
            rc, err = self._call(sts, AWS_RETRY_MODE="sometimes")
        finally:
            sts.stop()
        self.assertEqual(rc, 3)
        self.assertIn("retry mode sometimes", err)
        self.assertEqual(sts.dates, [])

    def test_idp_communication_error_is_retried(self):
        sts = FaultySts(faults=[(400, "IDPCommunicationError")] * 2)
        try:
            rc, err = self._call(sts)
        finally:
            sts.stop()
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(sts.dates), 3)

    def test_skewed_clock_is_corrected_once(self):
        sts = FaultySts(skew=3600)  # the local clock is an hour slow
        try:
            rc, err = self._call(sts)
        finally:
            sts.stop()
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(sts.dates), 2)
        self.assertLess(abs(sts.dates[0]), 60)           # first signed with the local clock
        self.assertLess(abs(sts.dates[1] - 3600), 60)    # then with the server's

    def test_signature_errors_without_skew_are_not_retried(self):
        sts = FaultySts(faults=[(403, "SignatureDoesNotMatch")])
        try:
            rc, err = self._call(sts)
        finally:
            sts.stop()
        self.assertEqual(rc, 1)
        self.assertIn("SignatureDoesNotMatch", err)
        self.assertEqual(len(sts.dates), 1)

    def test_a_clock_that_stays_wrong_is_corrected_only_once(self):
        # the server's clock jumps again after each answer: the second refusal is final
        sts = FaultySts(skew=3600, jump=3600)
        try:
            rc, err = self._call(sts)
        finally:
            sts.stop()
        self.assertEqual(rc, 1, err)
        self.assertIn("SignatureDoesNotMatch", err)
        self.assertEqual(len(sts.dates), 2)


if __name__ == "__main__":
    unittest.main()
