import Foundation

/// Reads and writes the state directory's documents as YAML: values are turned into a
/// tree (by hand for the secret status, which has no Codable conformance,
/// ``EncodedTreeConvertible``; through Codable for the inventory, approval and rules
/// files), then written as block YAML with keys in a readable order; reading parses the
/// YAML with the manifest parser and reads straight from its node tree (by hand for the
/// secret status and the inventory, ``NodeReadable``; through Codable for the rest).
public enum StatusCoding {
    public struct DecodeError: Error, CustomStringConvertible {
        public var description: String

        init(description: String) {
            self.description = description
        }

        /// `.versions[0].number: expected an integer, got a string`
        init(_ path: String, _ message: String) {
            description = path + ": " + message
        }
    }

    public static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encodeBytes(value), as: UTF8.self)
    }

    /// The document as UTF-8, the form files are written in.
    public static func encodeBytes<T: Encodable>(_ value: T) throws -> [UInt8] {
        let tree = try (value as? any EncodedTreeConvertible)?.encodedTree ?? TreeEncoder.encode(value)
        var writer = BlockYAMLWriter()
        writer.write(tree, indent: 0, inline: false)
        return writer.output
    }

    /// A secret's status, through its hand-written reader.
    public static func decode(_ type: SecretStatus.Type, from bytes: [UInt8]) throws -> SecretStatus {
        try SecretStatus(reading: try root(of: bytes), at: "")
    }

    /// The inventory, through its hand-written reader: it is read before any secret's pass.
    public static func decode(_ type: Inventory.Type, from bytes: [UInt8]) throws -> Inventory {
        try Inventory(reading: try root(of: bytes), at: "")
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let root = try root(of: bytes)
        do {
            return try YAMLNodeDecoder.decode(T.self, from: root)
        } catch let error as DecodingError {
            throw DecodeError(description: describe(error))
        }
    }

    private static func root(of bytes: [UInt8]) throws -> YAMLNode {
        let parsed = YAMLParser.parse(bytes)
        if let error = parsed.error { throw DecodeError(description: "\(error.mark.line):\(error.mark.column): \(error.message)") }
        guard let root = parsed.documents.first?.root else { throw DecodeError(description: "empty document") }
        return root
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)): missing '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// RFC 3339 in UTC with milliseconds. RFC 3339 has four-digit years: a time outside
    /// 0000-01-01…9999-12-31 (an expiry 10,000 years ahead, a zone offset past year 0)
    /// is written as the nearest one inside, so that every file written reads back.
    public static func formatDate(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let millis = seconds.isNaN ? 0 : Int64((min(max(seconds, firstTime), lastTime) * 1000).rounded())
        // Floored: a time before 1970 is a second earlier plus a positive millisecond.
        let wholeSeconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        var time = time_t(wholeSeconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        // Digits by hand: String(format:) costs a locale lookup per call.
        var bytes = [UInt8]()
        bytes.reserveCapacity(24)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(48 + (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        bytes.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        bytes.append(UInt8(ascii: "."))
        digits(Int(millis - wholeSeconds * 1000), 3)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z, in seconds since 1970.
    static let firstTime: Double = -62_167_219_200
    static let lastTime: Double = 253_402_300_799.999

    /// Keys written first, in this order; the others follow alphabetically.
    static let keyOrder = [
        "apiVersion", "kind", "name", "number", "type", "role", "path", "state", "observedGeneration", "sourceProfile",
        "status", "reason", "message", "fingerprint", "vaultProfile", "vaultVersion", "createdAt", "lastTransitionTime",
        "lastSyncedAt", "lastError", "appliedInputs", "lastReconciledAt", "conditions", "targets", "versions",
    ]
    static let keyRank: [String: Int] = Dictionary(uniqueKeysWithValues: keyOrder.enumerated().map { ($1, $0) })

    /// Plain when every YAML reader reads it back as the same string, double-quoted (JSON
    /// escapes are valid YAML) otherwise.
    public static func quoteIfNeeded(_ text: String) -> String {
        isPlainSafe(text) ? text : quoted(text)
    }

    /// Whether YAML 1.2 and YAML 1.1 readers alike (PyYAML, yq 3, Ruby) read the text,
    /// written plain, as this string. Conservative: text that merely might be read as
    /// something else is quoted too.
    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.utf8.first, first != UInt8(ascii: "-"),
            text.utf8.allSatisfy({ byte in
                (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
            })
        else { return false }
        // A leading digit, dot or sign may make a number, and in YAML 1.1 also a date
        // (2027-01-15), an octal (0755) or a number with underscores (1_000).
        if (first >= 48 && first <= 57) || first == UInt8(ascii: ".") || first == UInt8(ascii: "+") { return false }
        // Only these words, in any case, are a null or a boolean in YAML 1.2 or 1.1.
        return text.utf8.count > 5 || !reservedWords.contains(text.lowercased())
    }

    private static let reservedWords: Set<String> = ["null", "true", "false", "yes", "no", "on", "off", "y", "n"]

    static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        BlockYAMLWriter.appendDoubleQuoted(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
