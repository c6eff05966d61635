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

/// The log rotates by size without breaking the chain, and its head (kept beside it)
/// catches lines cut from its end.
@Suite struct AuditRotationTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-rotation-\(UUID().uuidString)").path
    var path: String { directory + "/audit.log" }

    init() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func write(_ count: Int, maxBytes: Int = 2_000, keep: Int = 3) throws {
        let log = try AuditLog(path: path, rotation: AuditRotation(maxBytes: maxBytes, keep: keep))
        for index in 0..<count {
            log.append([
                AuditEvent(
                    time: Date(timeIntervalSince1970: 1_900_000_000 + Double(index)), actor: "test", secret: "s\(index)",
                    vaultProfile: "main", operation: "create", outcome: "success")
            ])
        }
    }

    func lines(_ file: String) throws -> [String] {
        try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func rewrite(_ file: String, _ lines: [String]) throws {
        try (lines.map { $0 + "\n" }.joined()).write(toFile: file, atomically: true, encoding: .utf8)
    }

    @Test func rotatedFilesKeepOneChainAndTheOldestBeyondKeepIsRemoved() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write(61)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files.contains("audit.log.1") && files.contains("audit.log.3") && !files.contains("audit.log.4"))
        #expect(files.contains("audit.log.anchor"))
        for file in ["audit.log.1", "audit.log.2", "audit.log.3"] {
            let size = try FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.size] as? Int ?? 0
            #expect(size >= 2_000 && size < 2_400, "\(file): \(size) bytes")
        }
        let check = try AuditChain.verifyLog(at: path)
        #expect(check.problem == nil, "\(check.problem ?? "")")
        #expect(check.files.count == 4)
        // The chain crosses files: the new file's first line follows the rotated file's last.
        let first = try #require(try lines(path).first)
        let previousLast = try #require(try lines(path + ".1").last)
        #expect(first.contains("\"prev\":\"\(AuditChain.hash(Array(previousLast.utf8)))\""))
    }

    @Test func aLineDeletedInARotatedFileOrAWholeRotatedFileRemovedIsNamed() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write(60)
        var middle = try lines(path + ".2")
        middle.remove(at: 3)
        try rewrite(path + ".2", middle)
        #expect(try AuditChain.verifyLog(at: path).problem?.hasPrefix("audit.log.2: line 4 does not follow line 3") == true)
        try FileManager.default.removeItem(atPath: path + ".2")
        #expect(try AuditChain.verifyLog(at: path).problem?.hasPrefix("audit.log.1: line 1 does not follow the last line of audit.log.3") == true)
    }

    @Test func linesCutFromTheEndAreCaughtByTheHeadAndTheNextWriterReportsTheGap() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write(5, maxBytes: 1 << 20)
        #expect(try AuditChain.verifyLog(at: path).problem == nil)
        let whole = try lines(path)
        try rewrite(path, Array(whole.dropLast(2)))
        let cut = try AuditChain.verifyLog(at: path)
        #expect(cut.problem?.contains("does not reach its recorded head") == true)
        try write(1, maxBytes: 1 << 20)
        let after = try lines(path)
        #expect(after.count == 5)
        #expect(after[3].contains("\"operation\":\"audit-gap\""))
        // The gap line chains from the head, not from the line before it: the cut stays visible.
        #expect(try AuditChain.verifyLog(at: path).problem?.hasPrefix("audit.log: line 4 does not follow line 3") == true)
    }

    @Test func linesWrittenBeforeTheirHeadWasRecordedHoldTheChain() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write(3, maxBytes: 1 << 20)
        let head = try #require(AuditHead.read(path: path + ".head"))
        try write(2, maxBytes: 1 << 20)
        // A writer that stopped between its lines and its head.
        try (String(decoding: head.line, as: UTF8.self)).write(toFile: path + ".head", atomically: true, encoding: .utf8)
        let check = try AuditChain.verifyLog(at: path)
        #expect(check.problem == nil)
        #expect(check.note?.contains("follow the recorded head") == true)
        try write(1, maxBytes: 1 << 20)
        #expect(try !lines(path).contains { $0.contains("audit-gap") })
        #expect(try AuditChain.verifyLog(at: path).problem == nil)
    }

    /// A writer that stays open (a daemon) chains from what it last wrote only while the
    /// file is as it left it: lines another process appended, lines cut from the end, and
    /// a last line edited in place to the same length are each seen at its next append.
    @Test func aWriterThatStaysOpenSeesWhatOthersDidBetweenItsAppends() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = try AuditLog(path: path)
        func event(_ secret: String) -> [AuditEvent] {
            [AuditEvent(time: Date(timeIntervalSince1970: 1_900_000_000), actor: "test", secret: secret, vaultProfile: "main", operation: "create", outcome: "success")]
        }
        daemon.append(event("d1"))
        daemon.append(event("d2"))
        try AuditLog(path: path).append(event("other"))
        daemon.append(event("d3"))
        #expect(try lines(path).map { $0.contains("\"secret\":\"other\"") } == [false, false, true, false])
        #expect(try AuditChain.verifyLog(at: path).problem == nil)

        // Cut in place (same file): the next append reports the gap.
        let kept = try lines(path).prefix(2).map { $0 + "\n" }.joined().utf8.count
        #expect(truncate(path, off_t(kept)) == 0)
        daemon.append(event("d4"))
        #expect(try lines(path).last(where: { $0.contains("audit-gap") }) != nil)

        // The last line edited in place, same length: the next append reports the gap too.
        let before = try lines(path).filter { $0.contains("audit-gap") }.count
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(size - 4))
        try handle.write(contentsOf: Data("X".utf8))
        try handle.close()
        daemon.append(event("d5"))
        #expect(try lines(path).filter { $0.contains("audit-gap") }.count == before + 1)
    }
}
