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
final class ServerProcess: Sendable {
    let pid: Int32
    let directory: String
    private let process: Mutex<Process>

    /// Starts `binary` with the `arguments` made for the server's directory (made before,
    /// so they may point into it). `environment` changes the test process's own
    /// environment (nil removes a variable); `HOME` is always the server's directory.
    init(
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
    static func onPath(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = String(directory) + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    var isRunning: Bool { process.withLock { $0.isRunning } }

    var log: String { (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? "" }

    /// SIGKILL by pid (a test process's children may inherit a mask that blocks SIGTERM),
    /// then the directory goes.
    func stop() {
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
    func stopOffPool() async {
        _ = try? await offloaded { self.stop() }
    }
}
