import Foundation
import Testing
import TresorCore
import TresorVaults

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh temp directory with a local vault in `<temp>/vault` and its key in
/// `<temp>/local.key`; removed when the test's body returns.
struct LocalVaultFixture {
    let root: String
    var directory: String { root + "/vault" }
    var keyFile: String { root + "/local.key" }

    static func with(_ body: (LocalVaultFixture) async throws -> Void) async throws {
        let template = FileManager.default.temporaryDirectory.path + "/tresor-local-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard mkdtemp(&bytes) != nil else { throw CocoaError(.fileWriteUnknown) }
        let fixture = LocalVaultFixture(root: String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        defer { try? FileManager.default.removeItem(atPath: fixture.root) }
        try await body(fixture)
    }

    func adapter(keyFile: String? = nil) throws -> LocalAdapter {
        try LocalAdapter(directory: directory, keyFile: keyFile ?? self.keyFile)
    }

    /// The mode bits (permissions) of a file or directory.
    func mode(_ relative: String) throws -> Int {
        try Self.mode(ofPath: relative.hasPrefix("/") ? relative : directory + "/" + relative)
    }

    static func mode(ofPath path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw CocoaError(.fileNoSuchFile) }
        return Int(info.st_mode & 0o777)
    }

    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/" + relative)
    }

    /// The JSON objects of a secret file's lines (the header, then each version), for
    /// tests that look into or alter files.
    func lines(_ relative: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: directory + "/" + relative, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    func writeLines(_ lines: [[String: Any]], to relative: String) throws {
        var data = Data()
        for line in lines {
            data.append(try JSONSerialization.data(withJSONObject: line))
            data.append(UInt8(ascii: "\n"))
        }
        try data.write(to: URL(fileURLWithPath: directory + "/" + relative))
    }
}

func secretContent(_ pairs: [String: String]) -> [String: SecretValue] {
    pairs.mapValues(SecretValue.init)
}

func revealed(_ content: [String: SecretValue]?) -> [String: String]? {
    content?.mapValues { $0.reveal() }
}

func sampleMark(_ secret: String = "payments-db") -> OwnershipMark {
    OwnershipMark(
        secret: secret, type: .basicAuth, fingerprint: "hmac-sha256:" + String(repeating: "ab", count: 32),
        generators: ["password": "sha256:1f2e", "pin": "sha256:9a8b"],
        generatedAt: Date(timeIntervalSince1970: 1_700_000_000.123_456))
}
