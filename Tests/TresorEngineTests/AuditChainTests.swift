import Foundation
import Testing
import TresorCore

@testable import TresorEngine

/// The audit log is a hash chain: `AuditChain.verify` passes on what tresor writes and
/// names the first line of each kind of tampering.
@Suite struct AuditChainTests {
    func log(_ count: Int) throws -> (path: String, lines: [String]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-audit-\(UUID().uuidString).log").path
        let log = try AuditLog(path: path)
        for index in 0..<count {
            log.append([
                AuditEvent(
                    time: Date(timeIntervalSince1970: 1_900_000_000 + Double(index)), actor: "test", secret: "s\(index)",
                    vaultProfile: "main", operation: "create", outcome: "success")
            ])
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return (path, text.split(separator: "\n").map(String.init))
    }

    func verify(_ lines: [String]) -> Int? {
        AuditChain.verify(Array((lines.joined(separator: "\n") + "\n").utf8)).problem?.line
    }

    @Test func whatTresorWritesVerifies() throws {
        let (path, lines) = try log(5)
        defer { unlink(path) }
        #expect(lines.count == 5)
        #expect(lines[0].contains("\"prev\":\"\(AuditChain.genesis)\""))
        #expect(verify(lines) == nil)
    }

    @Test func anEditedDeletedReorderedOrInsertedLineIsNamed() throws {
        let (path, lines) = try log(5)
        defer { unlink(path) }
        var edited = lines
        edited[2] = edited[2].replacingOccurrences(of: "\"outcome\":\"success\"", with: "\"outcome\":\"failure\"")
        #expect(verify(edited) == 4)
        var deleted = lines
        deleted.remove(at: 1)
        #expect(verify(deleted) == 2)
        var reordered = lines
        reordered.swapAt(2, 3)
        #expect(verify(reordered) == 3)
        var inserted = lines
        inserted.insert(lines[1], at: 3)
        #expect(verify(inserted) == 4)
        #expect(verify(Array(lines.dropFirst())) == 1)
    }

    @Test func aTornLastLineIsCutOffAndReportedBeforeTheNextAppend() throws {
        let (path, _) = try log(2)
        defer { unlink(path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"actor":"half a li"#.utf8))
        try handle.close()
        try AuditLog(path: path).append([
            AuditEvent(time: Date(), actor: "test", secret: "after", vaultProfile: nil, operation: "read", outcome: "success")
        ])
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[2].contains("audit-repair"))
        #expect(verify(lines) == nil)
    }
}
