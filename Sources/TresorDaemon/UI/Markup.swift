/// HTML text in which every interpolated `String` is escaped: names, labels, messages
/// and comments are user input, so raw text can only enter through another `Markup`.
///
/// ```swift
/// let row: Markup = "<td>\(secret.name)</td>"      // the name is escaped
/// let page: Markup = "<main>\(row)</main>"         // markup is kept as is
/// ```
public struct Markup: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var description: String

    public init(stringLiteral value: String) { description = value }

    public init(stringInterpolation: Interpolation) { description = stringInterpolation.text }

    init(raw: String) { description = raw }

    public struct Interpolation: StringInterpolationProtocol {
        var text = ""

        public init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity * 2) }

        public mutating func appendLiteral(_ literal: String) { text += literal }

        public mutating func appendInterpolation(_ value: String) { text += Markup.escape(value) }

        public mutating func appendInterpolation(_ value: Int) { text += String(value) }

        public mutating func appendInterpolation(_ markup: Markup) { text += markup.description }

        public mutating func appendInterpolation(_ parts: [Markup]) {
            for part in parts { text += part.description }
        }
    }

    /// Escapes the five characters that can end a text node or a quoted attribute.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
