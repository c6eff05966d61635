import Foundation
import Synchronization
import Testing
import TresorTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `tresor` binary as a user would, in a temporary directory.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let directory: URL
    private let written = WrittenFiles()

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The `tresor` executable built beside this test bundle, or `TRESOR_TEST_BINARY` (to
    /// run these tests against another build, such as the commit before a fix).
    static let binary: String = {
        if let chosen = ProcessInfo.processInfo.environment["TRESOR_TEST_BINARY"] { return chosen }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tresor").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug/tresor").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }()

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func write(_ text: String, to relative: String) throws {
        let url = directory.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try TestStore.manifests(text, stateRoot: path("state")).write(to: url, atomically: true, encoding: .utf8)
    }

    /// The bytes of a state file (`status/Secret/db.yaml`, `audit.log`, …) of `stateDirectory`,
    /// from the store the tests run on (``TestStore``); nil when there is none.
    func stateFile(_ relative: String, stateDirectory: String = "state") throws -> [UInt8]? {
        try TestStore.read(relative, stateDirectory: stateDirectory, in: directory, run: directory.lastPathComponent)
    }

    /// The options that put a `tresor` started by the test itself (not by ``run(_:input:environment:executable:)``)
    /// on the store the tests run on.
    func storeFlags(_ arguments: [String]) -> [String] { TestStore.flags(arguments, run: directory.lastPathComponent) }

    /// Every status of `stateDirectory` by secret name, from the store the tests run on.
    func statusFiles(stateDirectory: String = "state") throws -> [String: [UInt8]] {
        try TestStore.statuses(stateDirectory: stateDirectory, in: directory, run: directory.lastPathComponent)
    }

    /// ``stateFile(_:stateDirectory:)`` as text, "" when there is none.
    func stateText(_ relative: String, stateDirectory: String = "state") throws -> String {
        String(decoding: try stateFile(relative, stateDirectory: stateDirectory) ?? [], as: UTF8.self)
    }

    func path(_ relative: String) -> String { directory.appendingPathComponent(relative).path }

    /// Runs `tresor` (with `input`, when given, on its standard input) to its end on a thread of its own (not one of the cooperative pool's,
    /// which every test shares). Then every status, inventory and approvals file it wrote
    /// in the state directory is read back with PyYAML and ruamel.yaml (`YAMLReaders`).
    @discardableResult
    /// - Parameter executable: another program than `tresor` (a shell that sets limits first).
    func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:], executable: String? = nil)
        async throws -> Result
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? Self.binary)
        process.arguments = arguments + (executable == nil ? TestStore.flags(arguments, run: directory.lastPathComponent) : [])
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let result: Result = try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Swift.Result {
                        let out = Pipe()
                        let err = Pipe()
                        process.standardOutput = out
                        process.standardError = err
                        let stdinFile = directory.appendingPathComponent("stdin-\(UUID().uuidString)")
                        defer { try? FileManager.default.removeItem(at: stdinFile) }
                        if let input {
                            try Data(TestStore.manifests(input, stateRoot: path("state")).utf8).write(to: stdinFile)
                            process.standardInput = try FileHandle(forReadingFrom: stdinFile)
                        } else {
                            process.standardInput = FileHandle.nullDevice
                        }
                        try process.run()
                        // Read before waiting, so a large output cannot fill the pipe and stall the child.
                        let stdout = out.fileHandleForReading.readDataToEndOfFile()
                        let stderr = err.fileHandleForReading.readDataToEndOfFile()
                        process.waitUntilExit()
                        return Result(
                            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                            stderr: String(decoding: stderr, as: UTF8.self))
                    })
            }.start()
        }
        if executable == nil, let flag = arguments.firstIndex(of: "--state-dir"), flag + 1 < arguments.count {
            try await checkWrittenFiles(in: path(arguments[flag + 1]))
            if arguments.first != "audit", TestStore.isEtcd || FileManager.default.fileExists(atPath: path(arguments[flag + 1]) + "/audit.log") {
                let verified = try await run(["audit", "verify", "--state-dir", arguments[flag + 1]])
                if verified.status != 0 { Issue.record("the audit log's chain breaks: \(verified.stderr)") }
            }
        }
        return result
    }

    /// The state files written since the last check, read by PyYAML and ruamel.yaml as
    /// tresor reads them.
    private func checkWrittenFiles(in state: String) async throws {
        let names = (FileManager.default.enumerator(atPath: state)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".yaml") }
        var changed: [(path: String, meaning: String)] = []
        for name in names.sorted() {
            let path = state + "/" + name
            guard let bytes = try? Array(Data(contentsOf: URL(fileURLWithPath: path))), written.isNew(path, bytes) else { continue }
            changed.append((path, try YAMLReaders.meaning(of: bytes)))
        }
        for difference in try await YAMLReaders.differences(changed) {
            Issue.record("a YAML reader reads a state file otherwise: \(difference)")
        }
    }

    /// Starts `tresor` and kills it with SIGKILL after `delay`; returns whether it was
    /// still running when killed.
    func runAndKill(_ arguments: [String], after delay: Duration) async throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments + TestStore.flags(arguments, run: directory.lastPathComponent)
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: delay)
        let running = process.isRunning
        if running { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return running
    }
}

/// The state files already checked, by content: each version of a file is read back once.
final class WrittenFiles: Sendable {
    private let checked = Mutex<[String: [UInt8]]>([:])

    func isNew(_ path: String, _ bytes: [UInt8]) -> Bool {
        checked.withLock { checked in
            guard checked[path] != bytes else { return false }
            checked[path] = bytes
            return true
        }
    }
}
