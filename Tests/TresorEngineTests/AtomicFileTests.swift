import Foundation
import Testing

@testable import TresorEngine

@Suite struct AtomicFileTests {
    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-atomic-\(UUID().uuidString)").path
        try AtomicFile.makeDirectory(path)
        return path
    }

    @Test func aFileIsReadWholeWhateverItsSize() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for size in [0, 1, 4095, 4096, 65536, 65537, 300_000] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let path = directory + "/file-\(size)"
            try AtomicFile.write(bytes, to: path)
            #expect(try AtomicFile.readBytes(path) == bytes, "\(size) bytes")
        }
    }

    /// fstat(2) gives a size of 0 for files the kernel makes as they are read.
    @Test func aFileLongerThanItsStatedSizeIsReadToItsEnd() throws {
        let read = try AtomicFile.readBytes("/proc/self/status")
        let text = String(decoding: read, as: UTF8.self)
        #expect(text.hasPrefix("Name:"))
        #expect(text.contains("\nPid:"))
        #expect(text.hasSuffix("\n"))
    }

    @Test func aMissingFileReadsAsNil() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try AtomicFile.read(directory + "/absent") == nil)
    }
}
