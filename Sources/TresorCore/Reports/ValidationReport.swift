import Foundation

/// Renders the outcome of loading manifests as text, JSON or GitHub Actions annotations.
public struct ValidationReport: Sendable {
    public var result: LoadResult

    public init(_ result: LoadResult) {
        self.result = result
    }

    /// `file:line:column: severity: message`, grouped by file with a blank line between
    /// files, then a summary line.
    ///
    /// A warning whose message repeats (the same inline-value warning on 2,000 secrets) is
    /// shown `repeatsShown` times, then counted in one line; `-o json` lists every one.
    /// - Parameter quiet: errors and the summary only.
    public func text(quiet: Bool = false, repeatsShown: Int = 3) -> String {
        var lines: [String] = []
        var currentFile: String?
        var seen: [String: Int] = [:]
        for diagnostic in result.diagnostics {
            if quiet, diagnostic.severity != .error { continue }
            if diagnostic.severity == .warning {
                seen[diagnostic.message, default: 0] += 1
                if seen[diagnostic.message, default: 0] > repeatsShown { continue }
            }
            if let currentFile, currentFile != diagnostic.location.file { lines.append("") }
            currentFile = diagnostic.location.file
            lines.append(diagnostic.description)
        }
        let repeats = seen.filter { $0.value > repeatsShown }.sorted { $0.key < $1.key }
        if !repeats.isEmpty { lines.append("") }
        for (message, count) in repeats {
            lines.append("warning: \(count - repeatsShown) more like \"\(message)\" (-o json lists every one)")
        }
        if !lines.isEmpty { lines.append("") }
        lines.append(summary())
        return lines.joined(separator: "\n") + "\n"
    }

    public func summary() -> String {
        let errors = result.errors.count
        let warnings = result.warnings.count
        if errors > 0 {
            let files = Set(result.errors.map(\.location.file)).count
            return "invalid: \(Self.count(errors, "error"))\(warnings > 0 ? " and \(Self.count(warnings, "warning"))" : "") "
                + "in \(Self.count(files, "file")); nothing was applied"
        }
        let counts = result.state.counts
        let kinds = Kind.allCases.compactMap { kind in counts[kind].flatMap { $0 > 0 ? Self.count($0, kind.rawValue) : nil } }
        let declared = kinds.isEmpty ? "no manifests" : kinds.joined(separator: ", ")
        let skipped = result.diagnostics.count { $0.severity == .notice }
        let notes = [warnings > 0 ? Self.count(warnings, "warning") : nil, skipped > 0 ? "\(Self.count(skipped, "other document")) skipped" : nil]
            .compactMap { $0 }
        return "valid: \(declared) in \(Self.count(result.fileCount, "file"))"
            + (notes.isEmpty ? "" : " (\(notes.joined(separator: ", ")))")
    }

    struct JSONReport: Encodable {
        struct Entry: Encodable {
            var file: String
            var line: Int
            var column: Int
            var severity: String
            var message: String
        }
        var valid: Bool
        var files: Int
        var errors: Int
        var warnings: Int
        var manifests: [String: Int]
        var diagnostics: [Entry]
    }

    public func json() -> String {
        let report = JSONReport(
            valid: result.isValid, files: result.fileCount, errors: result.errors.count, warnings: result.warnings.count,
            manifests: Dictionary(uniqueKeysWithValues: result.state.counts.map { ($0.key.rawValue, $0.value) }),
            diagnostics: result.diagnostics.map {
                JSONReport.Entry(
                    file: $0.location.file, line: $0.location.line, column: $0.location.column,
                    severity: $0.severity.rawValue, message: $0.message)
            })
        return JSONEncoder.prettyText(report)
    }

    /// GitHub Actions workflow commands: `::error file=…,line=…,col=…::message`.
    public func github() -> String {
        var output = ""
        for diagnostic in result.diagnostics {
            var properties = "file=\(GitHubAnnotation.escapeProperty(diagnostic.location.file))"
            if diagnostic.location.line > 0 {
                properties += ",line=\(diagnostic.location.line),col=\(diagnostic.location.column)"
            }
            output += "::\(diagnostic.severity.rawValue) \(properties)::\(GitHubAnnotation.escapeData(diagnostic.message))\n"
        }
        return output + summary() + "\n"
    }

    static func count(_ value: Int, _ noun: String) -> String {
        "\(value) \(noun)\(value == 1 ? "" : "s")"
    }
}
