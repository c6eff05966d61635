"""Plumbing shared by the contract fakes (Python standard library only).

Each fake is a ThreadingHTTPServer on 127.0.0.1 and a port the OS picks, printed as
`PORT <n>` on stdout once it listens; `--cert`/`--key` serve HTTPS instead. Besides the
service's own API, every fake answers a few test-only requests under `/_fake/`, which
no real service has: they inject faults and expose counters, never secret state
(tests read state through the service's API like any client):

  POST /_fake/throttle      {"count": n, "retryAfter": s}  the next n API requests get 429
  POST /_fake/expire-tokens                                every issued token stops working
  POST /_fake/deny          {"operations": [...]}          those operations get 403
  GET  /_fake/stats         {"tokensIssued": n, "requests": [[method, path, status, time]]}
"""

import argparse
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeState:
    """Fault injection and counters shared by a fake's handlers."""

    def __init__(self):
        self.lock = threading.RLock()
        self.throttle_count = 0
        self.retry_after = 1
        self.denied = set()
        self.tokens = {}  # token -> expiry (epoch seconds)
        self.tokens_issued = 0
        self.requests = []

    def issue_token(self, token, lifetime):
        with self.lock:
            self.tokens[token] = time.time() + lifetime
            self.tokens_issued += 1

    def token_valid(self, token):
        with self.lock:
            expiry = self.tokens.get(token)
            return expiry is not None and expiry > time.time()

    def take_throttle(self):
        with self.lock:
            if self.throttle_count > 0:
                self.throttle_count -= 1
                return self.retry_after
            return None


class FakeHandler(BaseHTTPRequestHandler):
    """Routes `/_fake/` itself and everything else to `handle_api(method, path, query, body)`."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY a keep-alive client
    # waits for its delayed ACK (40 ms) on every request.
    disable_nagle_algorithm = True
    state = None  # set by serve()

    def log_message(self, format, *args):
        pass

    def _dispatch(self, method):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.status_sent = None
        if parts.path.startswith("/_fake/"):
            self.handle_fake(method, parts.path, body)
        else:
            self.handle_api(method, parts.path, parse_qs(parts.query, keep_blank_values=True), body)
        with self.state.lock:
            self.state.requests.append([method, parts.path, self.status_sent, time.time()])

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def send(self, status, payload=None, headers=None, content_type="application/json"):
        data = b"" if payload is None else (payload if isinstance(payload, bytes) else json.dumps(payload).encode())
        self.status_sent = status
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 204:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def bearer(self):
        header = self.headers.get("Authorization") or ""
        return header[7:] if header.startswith("Bearer ") else None

    def handle_fake(self, method, path, body):
        request = json.loads(body or b"{}")
        state = self.state
        with state.lock:
            if path == "/_fake/throttle":
                state.throttle_count = int(request.get("count", 1))
                state.retry_after = int(request.get("retryAfter", 1))
            elif path == "/_fake/expire-tokens":
                state.tokens = {token: 0 for token in state.tokens}
            elif path == "/_fake/deny":
                state.denied = set(request.get("operations", []))
            elif path == "/_fake/stats":
                return self.send(200, {"tokensIssued": state.tokens_issued, "requests": state.requests})
            else:
                return self.send(404, {"error": "no such fake control"})
        self.send(204)


def serve(handler_class, state_class, arguments_parser):
    """Reads the command line, then binds 127.0.0.1:0, prints the port and serves
    `state_class(arguments)` until killed."""
    arguments = arguments_parser.parse_args()
    handler_class.state = state_class(arguments)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    server.daemon_threads = True
    if arguments.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(arguments.cert, arguments.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    sys.stdout.write("PORT %d\n" % server.server_address[1])
    sys.stdout.flush()
    server.serve_forever()


def parser(description, issues_tokens=False):
    """The options every fake takes; `issues_tokens`: and how long the tokens it issues last."""
    result = argparse.ArgumentParser(description=description)
    result.add_argument("--cert")
    result.add_argument("--key")
    if issues_tokens:
        result.add_argument("--token-lifetime", type=int, default=3599)
    return result
