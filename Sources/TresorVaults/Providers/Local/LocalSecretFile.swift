import Foundation
import TresorCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One secret file, as JSON lines: the ``LocalSecretHeader`` on the first line, then one
/// ``LocalSecretVersion`` per line, oldest first, the last being the current one.
///
/// The header comes first and alone so that metadata reads decode a few hundred bytes
/// whatever the number of versions; version lines are kept as encoded and decoded only
/// when that version is read, so a write re-encodes nothing but the header and the new
/// version. JSON text never holds a raw newline, so lines split unambiguously.
struct LocalSecretFile: Sendable {
    /// How many versions a file keeps; older ones are dropped on write.
    static let keptVersions = 100
    static let newline = UInt8(ascii: "\n")

    var header: LocalSecretHeader
    /// The encoded versions, oldest first, without their newlines.
    private(set) var versionLines: [Data]

    /// A file with no versions yet; ``append(_:)`` adds the first.
    init(mark: OwnershipMark?, now: Date) {
        header = LocalSecretHeader(format: LocalSecretHeader.currentFormat, mark: mark, version: 0, updatedAt: now)
        versionLines = []
    }

    /// Splits a file's content into its header and version lines; anything that is not a
    /// secret file is ``VaultError/Kind/corrupted``.
    init(_ data: Data, path: String) throws {
        var lines = Self.lines(of: data)
        guard !lines.isEmpty else { throw Self.unreadable(path) }
        header = try LocalSecretHeader.decode(lines.removeFirst(), path: path)
        guard !lines.isEmpty, lines.count <= header.version else { throw Self.unreadable(path) }
        versionLines = lines
    }

    /// The non-empty lines of `data`, as slices of it.
    private static func lines(of data: Data) -> [Data] {
        var ranges: [Range<Int>] = []
        data.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while start < buffer.count {
                var end = buffer.count
                if let found = memchr(base + start, Int32(newline), buffer.count - start) {
                    end = UnsafeRawPointer(found) - base
                }
                if end > start { ranges.append(start..<end) }
                start = end + 1
            }
        }
        let offset = data.startIndex
        return ranges.map { data[(offset + $0.lowerBound)..<(offset + $0.upperBound)] }
    }

    /// The number of the oldest version kept.
    var oldestVersion: Int { header.version - versionLines.count + 1 }

    /// The given version, nil when it is not kept.
    func version(_ number: Int, path: String) throws -> LocalSecretVersion? {
        guard number >= oldestVersion, number <= header.version else { return nil }
        let line = versionLines[versionLines.count - 1 - (header.version - number)]
        guard let version = try? JSONDecoder().decodeBounded(LocalSecretVersion.self, from: line, maxDepth: 32),
            version.version == number
        else {
            throw Self.unreadable(path)
        }
        return version
    }

    /// Adds the next version, drops versions beyond ``keptVersions``.
    mutating func append(_ version: LocalSecretVersion) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        guard let line = try? encoder.encode(version) else {
            throw VaultError(.unavailable, "local vault: cannot encode a secret version")
        }
        versionLines.append(line)
        if versionLines.count > Self.keptVersions {
            versionLines.removeFirst(versionLines.count - Self.keptVersions)
        }
        header.version = version.version
        header.updatedAt = version.createdAt
    }

    /// The file's content: the header line, then the version lines.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        guard let headerLine = try? encoder.encode(header) else {
            throw VaultError(.unavailable, "local vault: cannot encode a secret file header")
        }
        var data = Data(capacity: headerLine.count + versionLines.reduce(0) { $0 + $1.count + 1 } + 1)
        data.append(headerLine)
        data.append(Self.newline)
        for line in versionLines {
            data.append(line)
            data.append(Self.newline)
        }
        return data
    }

    /// The error for a file that is not a valid secret file.
    static func unreadable(_ path: String) -> VaultError {
        VaultError(
            .corrupted,
            "local vault: the file of \(path) is not a valid secret file; it was altered or written by a newer tresor")
    }
}
