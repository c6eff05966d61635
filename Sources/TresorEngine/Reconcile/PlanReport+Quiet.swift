/// `--quiet`: the summary and the errors of a rendered plan, nothing else.
extension PlanReport {
    public static func quiet(_ text: String) -> String {
        var kept: [String] = []
        var header: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("Secret ") {
                header = line
            } else if line.contains("! error ") || line.contains("FAILED: ") {
                if let shown = header {
                    kept.append(shown)
                    header = nil
                }
                kept.append(line)
            } else if line.hasPrefix("refused: ") || line.hasPrefix("Plan: ") || line.hasPrefix("Applied: ") || line.hasPrefix("Apply will refuse") {
                kept.append(line)
            }
        }
        return kept.joined(separator: "\n") + "\n"
    }
}
