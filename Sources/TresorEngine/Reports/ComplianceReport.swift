import Foundation
import TresorCore

/// `tresor compliance`: every recorded evaluation, from status files only, as a table,
/// JSON, GitHub Actions annotations or JUnit XML (one test case per secret and rule).
public struct ComplianceReport: Sendable {
    public struct Entry: Sendable {
        public var secret: String
        public var type: SecretType
        public var origin: ManifestOrigin?
        public var compliance: ComplianceStatus
    }

    public var entries: [Entry]
    /// Secrets recorded without an evaluation (their source profile has no compliance profile).
    public var unchecked: Int

    public init(_ statuses: [SecretStatus]) {
        entries = statuses.compactMap { status in
            status.compliance.map { Entry(secret: status.name, type: status.type, origin: status.origin, compliance: $0) }
        }.sorted { $0.secret < $1.secret }
        unchecked = statuses.count - entries.count
    }

    /// Secrets per overall result, every result present (for dashboards and the daemon's
    /// `secrets by compliance status` gauge).
    public var counts: [ComplianceOverall: Int] {
        Dictionary(uniqueKeysWithValues: ComplianceOverall.allCases.map { overall in
            (overall, entries.filter { $0.compliance.overall == overall }.count)
        })
    }

    /// True when some secret is `nok` or could not be evaluated: CI fails on it.
    public var hasViolations: Bool { entries.contains { $0.compliance.overall == .nok || $0.compliance.overall == .failed } }

    public func summary() -> String {
        let counts = ComplianceOverall.allCases.compactMap { overall -> String? in
            let count = entries.filter { $0.compliance.overall == overall }.count
            return count > 0 ? "\(count) \(overall.rawValue)" : nil
        }
        let evaluated = entries.isEmpty ? "no secret has a compliance profile" : counts.joined(separator: ", ")
        return "compliance: \(evaluated)" + (unchecked > 0 ? " (\(unchecked) without a profile)" : "")
    }

    /// The `Compliance:` section of `tresor describe secret`.
    public static func describeLines(_ compliance: ComplianceStatus?) -> [String] {
        guard let compliance else { return [] }
        var lines = [
            "",
            "Compliance:    \(compliance.overall.rawValue)  (profile \(compliance.profile), \(compliance.enforcement), "
                + "checked \(StatusCoding.formatDate(compliance.checkedAt)))",
        ]
        if let message = compliance.message { lines.append("  \(message)") }
        lines += compliance.rules.map { "  \($0.name) (\($0.kind))  \($0.result.rawValue): \($0.message)" }
        return lines
    }

    // MARK: Table

    public func table() -> String {
        guard !entries.isEmpty else { return summary() + "\n" }
        var rows: [[String]] = []
        for entry in entries {
            for rule in entry.compliance.rules {
                rows.append([
                    entry.secret, entry.compliance.profile, entry.compliance.overall.rawValue, rule.name, rule.result.rawValue, rule.message,
                ])
            }
            if entry.compliance.rules.isEmpty {
                rows.append([
                    entry.secret, entry.compliance.profile, entry.compliance.overall.rawValue, "-", "-", entry.compliance.message ?? "",
                ])
            }
        }
        return StatusTables.table(["SECRET", "PROFILE", "OVERALL", "RULE", "RESULT", "MESSAGE"], rows) + "\n" + summary() + "\n"
    }

    // MARK: JSON

    struct JSONEntry: Encodable {
        var secret: String
        var type: String
        var file: String?
        var line: Int?
        var profile: String
        var enforcement: String
        var overall: String
        var checkedAt: String
        var message: String?
        var rules: [JSONRule]
    }

    struct JSONRule: Encodable {
        var name: String
        var kind: String
        var result: String
        var message: String
        var field: String?
    }

    struct JSONDocument: Encodable {
        var summary: [String: Int]
        var secrets: [JSONEntry]
    }

    public func json() -> String {
        var summary = Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
        summary["withoutProfile"] = unchecked
        let document = JSONDocument(
            summary: summary,
            secrets: entries.map { entry in
                JSONEntry(
                    secret: entry.secret, type: entry.type.rawValue, file: entry.origin?.file, line: entry.origin?.line,
                    profile: entry.compliance.profile, enforcement: entry.compliance.enforcement,
                    overall: entry.compliance.overall.rawValue, checkedAt: StatusCoding.formatDate(entry.compliance.checkedAt),
                    message: entry.compliance.message,
                    rules: entry.compliance.rules.map {
                        JSONRule(name: $0.name, kind: $0.kind, result: $0.result.rawValue, message: $0.message, field: $0.field)
                    })
            })
        return JSONEncoder.prettyText(document)
    }

    // MARK: GitHub

    /// `::error file=…,line=…,col=…,title=…::message` per failing rule: an error under
    /// `deny`, a warning under `audit`; the position is the Secret's `metadata.name`.
    public func github() -> String {
        var output = ""
        for entry in entries {
            let failing = entry.compliance.rules.filter { $0.result == .nok || $0.result == .notAvailable }
            let severity = entry.compliance.enforcement == Enforcement.deny.rawValue ? "error" : "warning"
            var properties: [String] = []
            if let origin = entry.origin {
                properties.append("file=\(GitHubAnnotation.escapeProperty(origin.file))")
                if origin.line > 0 { properties += ["line=\(origin.line)", "col=\(origin.column)"] }
            }
            for rule in failing {
                let title = "compliance: \(entry.secret) / \(rule.name)"
                output += "::\(severity) \((properties + ["title=\(GitHubAnnotation.escapeProperty(title))"]).joined(separator: ","))::"
                    + GitHubAnnotation.escapeData("Secret '\(entry.secret)' rule '\(rule.name)' (\(rule.kind)) \(rule.result.rawValue): \(rule.message)") + "\n"
            }
            if entry.compliance.overall == .failed {
                output += "::error \((properties + ["title=\(GitHubAnnotation.escapeProperty("compliance: \(entry.secret)"))"]).joined(separator: ","))::"
                    + GitHubAnnotation.escapeData("Secret '\(entry.secret)': \(entry.compliance.message ?? "evaluation failed")") + "\n"
            }
        }
        return output + summary() + "\n"
    }

    // MARK: JUnit

    /// One `<testsuite>` per compliance profile, one `<testcase>` per secret and rule:
    /// `nok` is a `<failure>`, `notAvailable` an `<error>`, `na` `<skipped>`.
    public func junit() -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let profiles = Dictionary(grouping: entries, by: \.compliance.profile).sorted { $0.key < $1.key }
        let all = entries.flatMap(\.compliance.rules)
        xml += "<testsuites name=\"tresor compliance\" tests=\"\(all.count)\" failures=\"\(all.filter { $0.result == .nok }.count)\" "
            + "errors=\"\(all.filter { $0.result == .notAvailable }.count)\" skipped=\"\(all.filter { $0.result == .na }.count)\">\n"
        for (profile, members) in profiles {
            let rules = members.flatMap(\.compliance.rules)
            xml += "  <testsuite name=\"\(escapeXML(profile))\" tests=\"\(rules.count)\" "
                + "failures=\"\(rules.filter { $0.result == .nok }.count)\" errors=\"\(rules.filter { $0.result == .notAvailable }.count)\" "
                + "skipped=\"\(rules.filter { $0.result == .na }.count)\">\n"
            for entry in members {
                let file = entry.origin.map { " file=\"\(escapeXML($0.file))\" line=\"\($0.line)\"" } ?? ""
                for rule in entry.compliance.rules {
                    xml += "    <testcase classname=\"\(escapeXML("Secret." + entry.secret))\" name=\"\(escapeXML(rule.name))\"\(file)>"
                    let message = escapeXML(rule.message)
                    switch rule.result {
                    case .ok: xml += "<system-out>\(message)</system-out>"
                    case .nok: xml += "<failure type=\"\(rule.kind)\" message=\"\(message)\">\(message)</failure>"
                    case .notAvailable: xml += "<error type=\"notAvailable\" message=\"\(message)\">\(message)</error>"
                    case .na: xml += "<skipped message=\"\(message)\"/>"
                    }
                    xml += "</testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    /// XML text and attribute escaping; control characters XML 1.0 cannot carry are dropped.
    func escapeXML(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r": escaped += "&#\(scalar.value);"
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
