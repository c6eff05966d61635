import Foundation
import Testing
import TresorCore

@testable import TresorEngine

#if canImport(Glibc)
    import Glibc
#endif

/// `fromFile` reads regular files only, with a size cap; `fromEnv` has the same cap. Every
/// case ends at once with a reason, before a byte of the wrong thing is kept.
@Suite struct ValueFileTests {
    let resolver = ValueResolver(environment: ["HUGE": String(repeating: "x", count: ValueFile.limit + 1), "SMALL": "ok-value"])

    func problem(_ source: ValueSource) -> String? {
        do {
            _ = try resolver.resolve(source, secret: "s", field: "content", baseDirectory: "")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func devZeroAFIFOAndProcFilesAreRefused() throws {
        #expect(problem(.fromFile("/dev/zero"))?.contains("a character device, not a regular file") == true)
        #expect(problem(.fromFile("/proc/self/environ"))?.contains("kernel file") == true)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(problem(.fromFile(fifo))?.contains("a FIFO, not a regular file") == true)
    }

    @Test func filesAndVariablesOverTheCapAreRefused() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-big-\(UUID().uuidString)").path
        defer { unlink(file) }
        try Data(repeating: 0x61, count: ValueFile.limit + 1).write(to: URL(fileURLWithPath: file))
        #expect(problem(.fromFile(file))?.contains("more than the \(ValueFile.limit) bytes") == true)
        #expect(problem(.fromEnv("HUGE"))?.contains("more than the \(ValueFile.limit) bytes") == true)
        #expect(problem(.fromEnv("SMALL")) == nil)
    }
}
