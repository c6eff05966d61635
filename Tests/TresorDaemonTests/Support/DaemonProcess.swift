import Foundation
import Synchronization
import TresorVaults
import TresorTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `tresor run` as a user starts it: the built binary, a manifest directory, a state
/// directory and a free port, its output in a log file. Stopped by pid when the test ends.
final class DaemonProcess: Sendable {
    let directory: String
    let port: Int
    let pid: Int32
    private let process: Mutex<Process>
    private static let http = CurlHTTPClient()

    /// The `tresor` executable built beside this test bundle, or `TRESOR_TEST_BINARY` (to
    /// run a suite against another build, e.g. the parent commit's).
    static let binary: String = {
        if let chosen = ProcessInfo.processInfo.environment["TRESOR_TEST_BINARY"] { return chosen }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tresor").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug/tresor").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }()

    var manifests: String { directory + "/manifests" }
    var state: String { directory + "/state" }
    var logPath: String { directory + "/daemon.log" }

    private init(directory: String, port: Int, process: Process) {
        self.directory = directory
        self.port = port
        self.pid = process.processIdentifier
        self.process = Mutex(process)
    }

    /// A fresh working directory with an empty `manifests/`.
    static func workspace() throws -> String {
        let directory = FileManager.default.temporaryDirectory.path + "/tresor-daemon-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/manifests", withIntermediateDirectories: true)
        return directory
    }

    static func start(in directory: String, environment: [String: String], arguments: [String] = []) throws -> DaemonProcess {
        let port = try unusedLocalPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments =
            ["run", "-f", directory + "/manifests", "--state-dir", directory + "/state", "--listen", "127.0.0.1:\(port)"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let log = directory + "/daemon.log"
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return DaemonProcess(directory: directory, port: port, process: process)
    }

    func write(_ text: String, to name: String) throws {
        // Like an editor's rename-on-save: a temporary file renamed over the manifest.
        try text.write(toFile: manifests + "/" + name, atomically: true, encoding: .utf8)
    }

    func remove(_ name: String) throws {
        try FileManager.default.removeItem(atPath: manifests + "/" + name)
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    var isRunning: Bool { process.withLock { $0.isRunning } }

    func get(_ path: String) async throws -> (status: Int, body: String) {
        let response = try await Self.http.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)\(path)"), tls: TLSOptions())
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    /// Scrapes `/metrics` and parses it strictly.
    func metrics() async throws -> PrometheusText {
        let (status, body) = try await get("/metrics")
        guard status == 200 else { throw CommandFailed(description: "/metrics answered \(status)") }
        return try PrometheusText(body)
    }

    func waitUntilReady(timeout: Duration = .seconds(120)) async throws {
        try await eventually("the daemon to be ready; log:\n\(log.suffix(3000))", timeout: timeout) {
            try await self.get("/readyz").status == 200
        }
    }

    /// Sends `signal` and waits (off the pool) for the exit; nil when it did not exit in time.
    func signal(_ signal: Int32, waitFor timeout: TimeInterval = 60) async throws -> Int32? {
        kill(pid, signal)
        return try await offloaded {
            self.process.withLock { process in
                let deadline = Date().addingTimeInterval(timeout)
                while process.isRunning, Date() < deadline { usleep(20_000) }
                return process.isRunning ? nil : process.terminationStatus
            }
        }
    }

    /// SIGKILL, whatever state it is in (test clean-up).
    func kill9() async {
        _ = try? await offloaded {
            self.process.withLock { process in
                if process.isRunning { kill(self.pid, SIGKILL) }
                process.waitUntilExit()
            }
        }
    }
}
