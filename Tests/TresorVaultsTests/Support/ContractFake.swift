import Foundation
import Testing
import TresorTestSupport

@testable import TresorVaults

/// One contract fake (a Python standard-library server in `Tests/TresorVaultsTests/Fakes`)
/// on 127.0.0.1 and a port it picks and prints; stopped with SIGKILL by pid.
final class ContractFake: Sendable {
    let baseURL: String
    private let server: ServerProcess

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fakes").path

    /// Starts `script` with `arguments`; `tls` serves HTTPS with that PKI's server certificate.
    static func start(_ script: String, _ arguments: [String], tls: TestPKI? = nil) async throws -> ContractFake {
        var all = ["python3", directory + "/" + script] + arguments
        if let tls { all += ["--cert", tls.serverCert, "--key", tls.serverKey] }
        let process = try ServerProcess(binary: "/usr/bin/env", label: "fake", arguments: { _ in all })
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let line = process.log.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }), let port = Int(line.dropFirst(5)) {
                return ContractFake(baseURL: (tls == nil ? "http" : "https") + "://127.0.0.1:\(port)", server: process)
            }
            guard process.isRunning else {
                let log = process.log
                process.stop()
                throw Failure(description: "\(script) exited at start: \(log.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.stop()
        throw Failure(description: "\(script) did not listen within 30 s")
    }

    private init(baseURL: String, server: ServerProcess) {
        self.baseURL = baseURL
        self.server = server
    }

    func stop() async { await server.stopOffPool() }

    /// The fake's server log (its stderr: Python tracebacks, if any).
    var log: String { server.log }

    static let http = CurlHTTPClient(configuration: .init(retry: .none))

    /// A request straight to the fake, as any client of the service would send it.
    func request(
        _ method: String, _ path: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil
    ) async throws -> HTTPResponse {
        try await Self.http.send(HTTPRequest(method: method, url: baseURL + path, headers: headers, body: body), tls: TLSOptions())
    }

    /// A JSON request; returns the status and the decoded body.
    func json(_ method: String, _ path: String, token: String? = nil, body: Any? = nil) async throws -> (status: Int, body: Any?) {
        var headers: [(name: String, value: String)] = []
        if let token { headers.append((name: "Authorization", value: "Bearer " + token)) }
        var bytes: [UInt8]?
        if let body {
            headers.append((name: "Content-Type", value: "application/json"))
            bytes = Array(try JSONSerialization.data(withJSONObject: body))
        }
        let response = try await request(method, path, headers: headers, body: bytes)
        return (response.status, response.body.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(response.body)))
    }

    /// `/_fake/throttle`: the next `count` API requests get 429 with `Retry-After: retryAfter`.
    func throttle(count: Int, retryAfter: Int) async throws {
        _ = try await json("POST", "/_fake/throttle", body: ["count": count, "retryAfter": retryAfter])
    }

    func expireTokens() async throws { _ = try await json("POST", "/_fake/expire-tokens", body: [String: Any]()) }

    func deny(_ operations: [String]) async throws { _ = try await json("POST", "/_fake/deny", body: ["operations": operations]) }

    struct Stats {
        var tokensIssued: Int
        /// Method, path, status and time (epoch seconds) of every request, in order.
        var requests: [(method: String, path: String, status: Int, time: Double)]
    }

    func stats() async throws -> Stats {
        let object = try await json("GET", "/_fake/stats").body as? [String: Any] ?? [:]
        let requests = (object["requests"] as? [[Any]] ?? []).map { row in
            (method: row[0] as? String ?? "", path: row[1] as? String ?? "", status: row[2] as? Int ?? 0, time: row[3] as? Double ?? 0)
        }
        return Stats(tokensIssued: object["tokensIssued"] as? Int ?? 0, requests: requests)
    }
}
