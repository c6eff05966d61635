import Foundation
import FuzzSupport
import TresorCore

@testable import TresorVaults

/// A local vault's secret file (JSON lines: a header, then the versions), as
/// `LocalAdapter` reads it: the header through its hand-written scanner, with
/// `JSONDecoder` behind it for what the scanner does not know.
///
/// Property: a header the scanner reads, `JSONDecoder` reads the same.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLocalVaultFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzing(data, size) { input in
        let bytes = Data(input.bytes)
        let firstLine = bytes.prefix { $0 != UInt8(ascii: "\n") }
        if let scanned = LocalSecretHeader.scan(firstLine) {
            let decoded = try? JSONDecoder().decode(LocalSecretHeader.self, from: firstLine)
            let differing = decoded.map { decoded in
                [
                    ("format", decoded.format == scanned.format), ("version", decoded.version == scanned.version),
                    ("updatedAt", decoded.updatedAt == scanned.updatedAt), ("mark", decoded.mark == scanned.mark),
                ].filter { !$0.1 }.map(\.0)
            }
            property(differing == [], "the header scanner and JSONDecoder read a header line differently: \(differing ?? ["JSONDecoder fails"])")
        }
        guard let file = try? LocalSecretFile(bytes, path: "fuzz/secret") else { return }
        for number in Set([file.header.version, file.oldestVersion, file.header.version - 1, 1]) {
            _ = try? file.version(number, path: "fuzz/secret")
        }
    }
}
