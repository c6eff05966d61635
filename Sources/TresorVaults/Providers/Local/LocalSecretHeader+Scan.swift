import Foundation
import TresorCore

extension LocalSecretHeader {
    /// The keys of ``OwnershipMark``'s JSON that ``scan(_:)`` knows.
    static let markKeys: Set<String> = ["secret", "type", "fingerprint", "generators", "generatedAt"]

    /// Reads a header line as ``LocalJSONScanner`` allows: the fast path of
    /// ``decode(_:path:)``. Nil for anything it does not know, such as a mark field
    /// added after this was written, so that `JSONDecoder` reads those (and nothing is lost).
    static func scan(_ line: Data) -> LocalSecretHeader? {
        line.withUnsafeBytes { bytes in
            var scanner = LocalJSONScanner(bytes)
            var format: Int?
            var mark: OwnershipMark?
            var version: Int?
            var updatedAt: Date?
            do {
                try scanner.readObject { scanner, key in
                    switch key {
                    case "format": format = try scanner.readInt()
                    case "version": version = try scanner.readInt()
                    case "updatedAt": updatedAt = Date(timeIntervalSinceReferenceDate: try scanner.readDouble())
                    case "mark": mark = scanner.readNull() ? nil : try scanMark(&scanner)
                    default: try scanner.skipValue()
                    }
                }
                try scanner.expectEnd()
            } catch {
                return nil
            }
            guard let format, let version, let updatedAt else { return nil }
            return LocalSecretHeader(format: format, mark: mark, version: version, updatedAt: updatedAt)
        }
    }

    private static func scanMark(_ scanner: inout LocalJSONScanner) throws -> OwnershipMark {
        var secret: String?
        var type: SecretType?
        var fingerprint: String?
        var generators: [String: String]?
        var generatedAt: Date?
        try scanner.readObject { scanner, key in
            switch key {
            case "secret": secret = try scanner.readString()
            case "type": type = SecretType(rawValue: try scanner.readString())
            case "fingerprint": fingerprint = try scanner.readString()
            case "generators":
                var map: [String: String] = [:]
                try scanner.readObject { scanner, field in map[field] = try scanner.readString() }
                generators = map
            case "generatedAt":
                generatedAt = scanner.readNull() ? nil : Date(timeIntervalSinceReferenceDate: try scanner.readDouble())
            default:
                throw LocalJSONScanner.Invalid()
            }
        }
        guard let secret, let type, let fingerprint, let generators else { throw LocalJSONScanner.Invalid() }
        return OwnershipMark(secret: secret, type: type, fingerprint: fingerprint, generators: generators, generatedAt: generatedAt)
    }
}
