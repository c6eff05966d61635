import Foundation
import FuzzSupport
import TresorCore

@testable import TresorEngine

/// One line of `audit.log`: read as an ``AuditEvent`` (the JSON a log shipper or
/// `jq` reads, dates in RFC 3339), then written back as tresor writes its lines.
///
/// Properties: the written line is one line of JSON, and it reads back to the same event.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAuditLine(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzing(data, size) { input in
        guard let event = try? AuditLineReader.read(input.bytes) else { return }
        let line = event.jsonLine
        property(line.last == 0x0A && !line.dropLast().contains(0x0A), "an audit line was written over more than one line")
        property((try? JSONSerialization.jsonObject(with: Data(line))) is [String: Any], "an audit line is not a JSON object")
        guard let reread = try? AuditLineReader.read(Array(line.dropLast())) else {
            property(false, "an audit line tresor wrote does not read back")
            return
        }
        property(reread.fields == event.fields, "an audit line tresor wrote reads back with other fields")
        property(reread.jsonLine == line, "an audit line written, read and written again is not byte-identical")
    }
}

enum AuditLineReader {
    static func read(_ bytes: [UInt8]) throws -> AuditEvent {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .tresor
        return try decoder.decode(AuditEvent.self, from: Data(bytes))
    }
}

extension AuditEvent {
    /// Every member but the time, which the line keeps to the millisecond.
    var fields: [String?] {
        [actor, secret, vaultProfile, operation, outcome, fingerprint, previousFingerprint, vaultVersion, message]
    }
}
