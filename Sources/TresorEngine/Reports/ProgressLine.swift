import Foundation

/// The terminal progress line's text: count, rate and the time left at that rate.
public enum ProgressLine {
    public static func text(_ verb: String, done: Int, total: Int, elapsed: TimeInterval) -> String {
        var line = "[\(done)/\(total)] \(verb)…"
        guard done > 0, elapsed > 0 else { return line }
        let rate = Double(done) / elapsed
        let left = Double(total - done) / rate
        line += " \(rate >= 10 ? String(Int(rate.rounded())) : String(format: "%.1f", rate))/s, about \(duration(left)) left"
        return line + "\u{1B}[K"
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(String(format: "%02d", whole % 60))s" }
        return "\(whole / 3600)h\(String(format: "%02d", whole / 60 % 60))m"
    }
}
