"""Headless Chromium driven over the DevTools protocol, with the standard library only.

Chromium listens on a free loopback port; this module speaks just enough WebSocket (RFC 6455) to send
commands and collect events. Every host name resolves to nothing and background services are off, so a
page can load only what is on disk.
"""
import base64
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import urllib.request

import opftest

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--disable-domain-reliability", "--no-pings", "--metrics-recording-only",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--window-size=1280,1000",
]


def find():
    return opftest.which("chromium") or opftest.which("chromium-browser")


def screenshot(browser):
    """The page's first screen (the window's size) as PNG bytes."""
    return base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])


class WebSocket:
    """A client WebSocket: masked text frames out, reassembled messages in."""

    def __init__(self, url, timeout=60):
        assert url.startswith("ws://127.0.0.1:"), url
        hostport, path = url[len("ws://"):].split("/", 1)
        host, port = hostport.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET /%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, hostport, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("DevTools closed the connection during the handshake")
            head += chunk
        if not head.startswith(b"HTTP/1.1 101"):
            raise ConnectionError("DevTools refused the WebSocket: %r" % head)

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            data += chunk
        return data

    def _frame(self, opcode, payload):
        n = len(payload)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def send(self, text):
        self._frame(0x1, text.encode())

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            payload = self._exact(n)
            opcode = b0 & 0x0F
            if opcode == 0x9:
                self._frame(0xA, payload)
                continue
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the WebSocket")
            message += payload
            if b0 & 0x80:
                return message.decode()

    def close(self):
        self.sock.close()


class Chromium:
    """One headless browser with one page; `call` sends a command, `events` holds every event seen."""

    def __init__(self):
        binary = find()
        opftest.require(binary, "chromium is not installed (scripts/install-deps.sh --test)")
        self.port = None  # chromium picks a free one and names it in DevToolsActivePort: no race for a port
        self.profile = tempfile.mkdtemp(prefix="opf-chromium-")
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [binary] + FLAGS + ["--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                                "--user-data-dir=" + self.profile, "about:blank"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.ws, self.events, self._next = None, [], 0
        try:
            self.ws = WebSocket(self._page_url())
        except BaseException:
            self.close()
            raise

    def _page_url(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("chromium exited: " + self.output())
            try:
                if self.port is None:
                    with open(os.path.join(self.profile, "DevToolsActivePort")) as f:
                        port, complete, _ = f.read().partition("\n")  # "PORT\n/devtools/browser/ID"
                    if not complete:
                        raise ValueError("DevToolsActivePort is not written yet")
                    self.port = int(port)
                with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % self.port, timeout=2) as r:
                    pages = [t for t in json.load(r) if t["type"] == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            except (OSError, ValueError):  # not listening yet, or the port file half written
                pass
            time.sleep(0.2)
        raise RuntimeError("chromium's DevTools did not answer in %ds: %s" % (timeout, self.output()))

    def call(self, method, **params):
        self._next += 1
        ident = self._next
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            msg = self._receive()
            if msg.get("id") == ident:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg["result"]

    def _receive(self):
        """The next message; events are kept, and a dialog (a script that ran) is recorded and dismissed so
        that the page does not block."""
        msg = json.loads(self.ws.recv())
        if "method" in msg:
            self.events.append(msg)
            if msg["method"] == "Page.javascriptDialogOpening":
                self._next += 1
                self.ws.send(json.dumps({"id": self._next, "method": "Page.handleJavaScriptDialog",
                                         "params": {"accept": False}}))
        return msg

    def wait_event(self, method, timeout=30):
        deadline = time.time() + timeout
        while not any(e["method"] == method for e in self.events):
            if time.time() > deadline:
                raise TimeoutError("no %s within %ds" % (method, timeout))
            self._receive()

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page; a thrown exception fails."""
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError("%s: %s" % (expression, r["exceptionDetails"]))
        return r["result"].get("value")

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def close(self):
        try:
            if self.ws:
                self.ws.close()
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait()
            self.log.close()
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
