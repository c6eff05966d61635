/// Helpers for quoting user input in messages without flooding the terminal.
public enum Text {
    /// The text itself when short, else its start and its length.
    static func short(_ text: String, limit: Int = 60) -> String {
        guard text.utf8.count > limit else { return printable(text) }
        return printable(String(text.prefix(limit))) + "… (\(text.utf8.count) bytes)"
    }

    /// The text with terminal control characters (C0, DEL, C1) written as `\u{1B}`, so
    /// that a name or value quoted in a message cannot move the cursor, clear the screen
    /// or retitle the terminal of whoever reads it.
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// "a, b or c"
    static func list(_ items: [String], conjunction: String = "or") -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items[items.count - 1]
        }
    }

    /// The closest candidate within a small edit distance, for "did you mean" hints.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        var best: (String, Int)?
        for candidate in candidates {
            // Lengths that differ by more than the allowed distance cannot match; skipping them
            // also keeps a megabyte-long typo from costing a megabyte-wide edit distance.
            guard abs(word.utf8.count - candidate.utf8.count) <= max(1, candidate.count / 3) else { continue }
            let distance = editDistance(lowered, candidate.lowercased())
            if distance <= max(1, candidate.count / 3), distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        return best?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
