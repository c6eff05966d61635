import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

// Shared by the test targets that start servers: Tests/TresorDaemonTests/Support links
// to this file.

/// The process of a server a suite starts (OpenBao, moto): a fresh directory of its own
/// for `HOME` and its output (`server.log`), stopped with SIGKILL by pid when the suite
/// ends, and the directory removed.
public final class ServerProcess: Sendable {
    public let pid: Int32
    public let directory: String
    private let process: Mutex<Process>

    /// Starts `binary` with the `arguments` made for the server's directory (made before,
    /// so they may point into it). `environment` changes the test process's own
    /// environment (nil removes a variable); `HOME` is always the server's directory.
    public init(
        binary: String, label: String, environment changes: [String: String?] = [:],
        arguments: (_ directory: String) throws -> [String]
    ) throws {
        directory = FileManager.default.temporaryDirectory.path + "/tresor-\(label)-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let log = directory + "/server.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = try arguments(directory)
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in changes { environment[name] = value }
        environment["HOME"] = directory
        process.environment = environment
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        pid = process.processIdentifier
        self.process = Mutex(process)
    }

    /// The first executable `name` in `PATH`.
    public static func onPath(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = String(directory) + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    public var isRunning: Bool { process.withLock { $0.isRunning } }

    public var log: String { (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? "" }

    /// SIGKILL by pid (a test process's children may inherit a mask that blocks SIGTERM),
    /// then the directory goes.
    public func stop() {
        process.withLock { process in
            if process.isRunning {
                kill(pid, SIGKILL)
                process.waitUntilExit()
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// ``stop()`` on a thread of its own, so that waiting for the exit never holds one of
    /// the few threads of the cooperative pool that every test shares.
    public func stopOffPool() async {
        _ = try? await offloaded { self.stop() }
    }
}

/// Runs `body` with a server started for a whole suite, and stops the server afterwards,
/// pass or fail.
public func withSuiteServer<Server: Sendable>(
    start: () async throws -> Server, stop: (Server) async -> Void, _ body: (Server) async throws -> Void
) async throws {
    let server = try await start()
    do {
        try await body(server)
    } catch {
        await stop(server)
        throw error
    }
    await stop(server)
}

/// What a process that ran to its end printed, and its exit status.
public struct ProcessOutput {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:]
    }
}

/// Runs `executable` to its end without blocking a thread of the cooperative pool. Its
/// output (and `stdin`, when given) goes through files in `directory`, removed after.
public func runToEnd(
    _ executable: String, _ arguments: [String], environment: [String: String], directory: String, stdin: String? = nil
) async throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = environment
    let id = UUID().uuidString
    let out = directory + "/run-\(id).out"
    let err = directory + "/run-\(id).err"
    let input = directory + "/run-\(id).in"
    _ = FileManager.default.createFile(atPath: out, contents: nil)
    _ = FileManager.default.createFile(atPath: err, contents: nil)
    defer {
        for file in [out, err, input] { try? FileManager.default.removeItem(atPath: file) }
    }
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
    if let stdin {
        _ = FileManager.default.createFile(atPath: input, contents: Data(stdin.utf8))
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: input))
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    return ProcessOutput(
        status: status, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
        stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
}
