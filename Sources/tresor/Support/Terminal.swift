import Foundation

/// Colour for plan and apply output on a terminal: off when standard output is not a
/// terminal (piped, redirected) or when `NO_COLOR` is set (no-color.org), so scripts and
/// logs only ever see plain text.
enum Terminal {
    static let colours: Bool = {
        guard ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true else { return false }
        return isatty(1) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }()

    /// Colours each target line by its action symbol: create green, update yellow,
    /// delete and errors red.
    static func colour(_ text: String) -> String {
        guard colours else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.drop { $0 == " " }
            let code: String? = switch trimmed.first {
            case "+": "32"
            case "~", ">", "^": "33"
            case "-", "!": "31"
            case "<": "36"
            default: nil
            }
            guard let code, line.hasPrefix("  ") else { return String(line) }
            return "\u{1B}[\(code)m\(line)\u{1B}[0m"
        }.joined(separator: "\n")
    }
}
