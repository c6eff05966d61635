/// The Python test server the HTTP tests start (given to `python3 -c`; kept in Swift so
/// the test target needs no resource rules).
///
/// Routes: `/echo...` answers JSON with the method, raw request path, headers, base64 body
/// and client port; `/sleep/<ms>`; `/status/<code>[?retry_after=S]`;
/// `/flaky/<key>?code=C&times=N[&retry_after=S]` answers C for the first N hits of key,
/// then 200; `/hits/<key>` counts them. `/gate/<key>?until=N` answers 200 once N requests
/// to key are in it at the same time (504 after 60 s); `/hold/<key>` answers only when the
/// client hangs up (200 after 60 s); `/count/<key>` shows how many arrived at the gate or
/// hold of key and how many of those the client hung up on; `/connections` counts the open
/// connections. Prints `PORT <n>` once listening; exits when its stdin closes or its
/// parent exits (so it never outlives the test process).
let httpTestServerScript = #"""
import base64, json, os, socket, ssl, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

hits = {}
hits_lock = threading.Lock()
# Gates, holds and connections: what the server saw, for tests to wait on.
seen = threading.Condition()
arrived = {}
hung_up = {}
connections = [0]

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        # Headers and body go out in two writes: without this, Nagle and delayed ACKs
        # hold every keep-alive answer for 40 ms.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with seen:
            connections[0] += 1
        super().setup()

    def finish(self):
        try:
            super().finish()
        finally:
            with seen:
                connections[0] -= 1

    def client_gone(self):
        try:
            return self.request.recv(1, socket.MSG_PEEK) == b""
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return True

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        segments = [s for s in parts.path.split("/") if s]
        route = segments[0] if segments else ""
        if route == "sleep":
            time.sleep(int(segments[1]) / 1000.0)
            return self.reply(200, b"slept")
        if route == "status":
            headers = [("Retry-After", query["retry_after"])] if "retry_after" in query else []
            return self.reply(int(segments[1]), b"status body", headers)
        if route == "flaky":
            key = segments[1]
            with hits_lock:
                hits[key] = hits.get(key, 0) + 1
                n = hits[key]
            if n <= int(query.get("times", "1")):
                headers = [("Retry-After", query["retry_after"])] if "retry_after" in query else []
                return self.reply(int(query.get("code", "429")), b"slow down", headers)
            return self.reply(200, ("ok after %d" % n).encode())
        if route == "gate":
            key, until = segments[1], int(query.get("until", "1"))
            with seen:
                arrived[key] = arrived.get(key, 0) + 1
                seen.notify_all()
                opened = seen.wait_for(lambda: arrived[key] >= until, timeout=60)
            return self.reply(200 if opened else 504, b"gate")
        if route == "hold":
            key = segments[1]
            with seen:
                arrived[key] = arrived.get(key, 0) + 1
            self.request.setblocking(False)
            deadline = time.monotonic() + 60
            try:
                while time.monotonic() < deadline:
                    if self.client_gone():
                        with seen:
                            hung_up[key] = hung_up.get(key, 0) + 1
                        self.close_connection = True
                        return
                    time.sleep(0.02)
            finally:
                self.request.setblocking(True)
            return self.reply(200, b"held")
        if route == "count":
            key = segments[1]
            with seen:
                counts = {"arrived": arrived.get(key, 0), "hungUp": hung_up.get(key, 0)}
            return self.reply(200, json.dumps(counts).encode())
        if route == "connections":
            with seen:
                n = connections[0]
            return self.reply(200, str(n).encode())
        if route == "hits":
            with hits_lock:
                n = hits.get(segments[1], 0)
            return self.reply(200, str(n).encode())
        payload = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": base64.b64encode(body).decode(),
            "clientPort": self.client_address[1],
        }
        return self.reply(200, json.dumps(payload).encode(), [("Content-Type", "application/json"), ("X-Echo", "yes")])

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_LIST = handle_any

class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        pass  # clients that time out or refuse the certificate hang up; that is the test

def watch_parent(parent):
    # Ends with the test process even when it dies without stopping us.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)

def watch_stdin():
    while sys.stdin.buffer.read(1024):
        pass
    os._exit(0)

def main():
    args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
    server = Server(("127.0.0.1", 0), Handler)
    if "--cert" in args:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args["--cert"], args["--key"])
        if "--client-ca" in args:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(args["--client-ca"])
        server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()

main()
"""#
