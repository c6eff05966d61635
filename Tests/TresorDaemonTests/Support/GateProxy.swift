import Foundation
import TresorTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A proxy in front of a vault that forwards the first `passing` writes (POST, PUT) and
/// every request before them, then holds each later request until its client hangs up.
/// A pass that reaches the gate cannot finish: a signal sent once ``held()`` counts one
/// lands mid-pass by construction, not by timing. ``close()`` shuts the gate at once and
/// ``open()`` forwards what it holds.
struct GateProxy: Sendable {
    let address: String
    private let process: ServerProcess

    static func start(upstream: String, passing: Int) async throws -> GateProxy {
        guard let python = ServerProcess.onPath("python3") else { throw CommandFailed(description: "python3 is not on PATH") }
        let process = try ServerProcess(binary: python, label: "gate") { _ in ["-c", script, upstream, String(passing)] }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let line = process.log.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }), let port = Int(line.dropFirst(5)) {
                return GateProxy(address: "http://127.0.0.1:\(port)", process: process)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        await process.stopOffPool()
        throw CommandFailed(description: "the gate proxy did not start: \(process.log.suffix(2000))")
    }

    /// How many requests the gate holds now.
    func held() async throws -> Int {
        let output = try await runToEnd(
            "/usr/bin/env", ["curl", "-fsS", address + "/__gate"], environment: ProcessInfo.processInfo.environment,
            directory: FileManager.default.temporaryDirectory.path)
        guard output.status == 0, let count = Int(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CommandFailed(description: "the gate proxy did not answer: \(output.stderr)")
        }
        return count
    }

    /// Holds every request from now on.
    func close() async throws { try await control("/__close") }

    /// Forwards the held requests and every later one.
    func open() async throws { try await control("/__open") }

    private func control(_ path: String) async throws {
        let output = try await runToEnd(
            "/usr/bin/env", ["curl", "-fsS", address + path], environment: ProcessInfo.processInfo.environment,
            directory: FileManager.default.temporaryDirectory.path)
        guard output.status == 0 else { throw CommandFailed(description: "the gate proxy did not answer: \(output.stderr)") }
    }

    func stop() async { await process.stopOffPool() }

    static let script = #"""
import http.server, os, select, socket, socketserver, sys, threading, time, urllib.request, urllib.error
upstream, passing = sys.argv[1], int(sys.argv[2])
lock = threading.Lock()
state = {"writes": 0, "closed": False, "held": 0}

class Gate(http.server.BaseHTTPRequestHandler):
    def reply(self, status, payload):
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def hold(self):
        # Until the client hangs up (nothing is forwarded or answered), or the gate is
        # opened (forwarded then): True when it is to be forwarded.
        while True:
            with lock:
                if not state["closed"]:
                    state["held"] -= 1
                    return True
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            if readable and self.connection.recv(1, socket.MSG_PEEK) == b"":
                break
        with lock:
            state["held"] -= 1
        self.close_connection = True
        return False

    def forward(self):
        if self.path == "/__gate":
            with lock:
                return self.reply(200, str(state["held"]).encode())
        if self.path in ("/__close", "/__open"):
            with lock:
                state["closed"] = self.path == "/__close"
            return self.reply(200, b"ok")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
        with lock:
            if not state["closed"] and self.command in ("POST", "PUT"):
                state["writes"] += 1
                state["closed"] = state["writes"] > passing
            holding = state["closed"]
            if holding:
                state["held"] += 1
        if holding and not self.hold():
            return
        request = urllib.request.Request(upstream + self.path, data=body, method=self.command,
            headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
        try:
            response = urllib.request.urlopen(request)
        except urllib.error.HTTPError as error:
            response = error
        self.reply(response.status if hasattr(response, "status") else response.code, response.read())

    do_GET = do_POST = do_PUT = do_DELETE = do_LIST = forward

    def log_message(self, *args):
        pass

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

def watch_parent(parent):
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)

server = Server(("127.0.0.1", 0), Gate)
threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
print("PORT %d" % server.server_address[1], flush=True)
server.serve_forever()
"""#
}
