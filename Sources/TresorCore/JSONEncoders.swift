import Foundation

/// The JSON tresor writes, all through Foundation's `JSONEncoder`: keys sorted and `/` left
/// as it is, so that equal values give equal bytes; dates as ``StatusCoding/formatDate(_:)``
/// writes them.
extension JSONEncoder {
    /// One line, for machines: audit lines, request bodies.
    public static let canonical = tresor([])

    /// Indented, for people: `-o json` reports, saved plans.
    public static let pretty = tresor(.prettyPrinted)

    private static func tresor(_ formatting: JSONEncoder.OutputFormatting) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting.union([.sortedKeys, .withoutEscapingSlashes])
        encoder.dateEncodingStrategy = .tresor
        return encoder
    }

    /// `value` indented, with a final line break: what `-o json` prints.
    public static func prettyText(_ value: some Encodable) -> String {
        // The reports hold strings, numbers, dates and collections of them: encoding cannot fail.
        String(decoding: (try? pretty.encode(value)) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }
}
