import Foundation
import Synchronization
import TresorCore
import TresorDaemon
import TresorEngine
import TresorVaults

/// The web page of `tresor run` (in process, on a free port) over the 10,000 secrets the
/// apply benchmark applied: each page timed from request to last byte, signed in, 20
/// times after one cold load. The first load of the secrets list decodes every status file.
func webUIBenchmark(root: URL) async throws {
    let state = root.appendingPathComponent("state").path
    let made = ApprovalTokens.make(identity: "bench")
    let tokens = try ApprovalTokens(text: made.line)
    let port = Mutex<Int?>(nil)
    let daemon = Daemon(
        configuration: DaemonConfiguration(paths: [root.appendingPathComponent("apply").path], stateDirectory: state),
        host: "127.0.0.1", port: 0, approvalTokens: tokens, logger: DaemonLogging.logger("bench", format: .text, level: .critical))
    let running = Task { try await daemon.run(onRunning: { bound in port.withLock { $0 = bound } }) }
    defer { running.cancel() }
    let http = CurlHTTPClient()
    var base = ""
    while base.isEmpty {
        try await Task.sleep(for: .milliseconds(20))
        if let bound = port.withLock({ $0 }) { base = "http://127.0.0.1:\(bound)" }
    }
    while try await http.send(HTTPRequest(method: "GET", url: base + "/readyz"), tls: TLSOptions()).status != 200 {
        try await Task.sleep(for: .milliseconds(50))
    }

    // Sign in as a browser does: the form's CSRF cookie and field, then the session cookie.
    let form = try await http.send(HTTPRequest(method: "GET", url: base + "/ui/sign-in"), tls: TLSOptions())
    let signInCookie = (form.headers["set-cookie"] ?? "").split(separator: ";")[0]
    let csrf = String(decoding: form.body, as: UTF8.self).components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.prefix(64) ?? ""
    let signedIn = try await http.send(
        HTTPRequest(
            method: "POST", url: base + "/ui/sign-in",
            headers: [(name: "Cookie", value: String(signInCookie)), (name: "Content-Type", value: "application/x-www-form-urlencoded")],
            body: Array("token=\(made.token)&csrf=\(csrf)".utf8)),
        tls: TLSOptions())
    guard signedIn.status == 303, let session = signedIn.headers["set-cookie"]?.split(separator: ";").first else {
        print("web page sign-in answered \(signedIn.status)")
        exit(1)
    }

    func load(_ path: String) async throws -> Double {
        let start = ContinuousClock.now
        let response = try await http.send(
            HTTPRequest(method: "GET", url: base + path, headers: [(name: "Cookie", value: String(session))]), tls: TLSOptions())
        let elapsed = (ContinuousClock.now - start).seconds * 1000
        guard response.status == 200, response.body.count > 500 else {
            print("GET \(path) answered \(response.status) with \(response.body.count) bytes")
            exit(1)
        }
        return elapsed
    }

    let cold = try await load("/ui/secrets")
    print("web page: secrets list, first load".padded(to: 52) + String(format: " %8.1f ms   (reported: decodes 10,000 status files once)", cold))
    for (name, path) in [
        ("secrets list, page 1 of 200", "/ui/secrets"), ("secrets list, page 200 of 200", "/ui/secrets?page=200"),
        ("secrets list, label filter", "/ui/secrets?label=team%3Dteam-7"), ("secrets list, name filter", "/ui/secrets?q=secret-99"),
        ("one secret's page", "/ui/secrets/secret-42"), ("approvals list", "/ui/approvals"),
    ] {
        var times: [Double] = []
        for _ in 0..<20 { times.append(try await load(path)) }
        times.sort()
        printTimes("web page: " + name + ", 10,000 Secrets", times)
    }
    // A status file replaced (as every pass that changes something does) before each load:
    // the directory is listed and every file stat'ed again, the changed one decoded.
    let status = URL(fileURLWithPath: state + "/status/Secret/secret-0.yaml")
    let bytes = try Data(contentsOf: status)
    var times: [Double] = []
    for round in 0..<20 {
        let temporary = URL(fileURLWithPath: state + "/status/Secret/.bench-\(round).tmp")
        try bytes.write(to: temporary)
        _ = rename(temporary.path, status.path)
        times.append(try await load("/ui/secrets"))
    }
    printTimes("web page: secrets list after a status write, 10,000", times)
}

func printTimes(_ name: String, _ unsorted: [Double]) {
    let times = unsorted.sorted()
    print(name.padded(to: 52) + String(format: " p50 %6.1f ms  max %6.1f ms   target < 100 ms", times[times.count / 2], times[times.count - 1]))
}
