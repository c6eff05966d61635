import Foundation
import TresorCore

/// Tables and documents for `get`, `describe` and `versions`, from status files only.
public enum StatusTables {
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "   ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    public static func secrets(_ statuses: [SecretStatus]) -> String {
        guard !statuses.isEmpty else { return "No secrets recorded; run `tresor apply -f DIR` first.\n" }
        return table(
            ["NAME", "TYPE", "STATE", "SOURCE", "VERSION", "SYNCED", "READY"],
            statuses.map { status in
                let synced = status.targets.values.filter { $0.role == .sync }
                let ok = synced.filter { $0.lastError == nil && $0.fingerprint == status.latestVersion?.fingerprint }.count
                return [
                    status.name, status.type.rawValue, status.state.rawValue, status.sourceProfile,
                    status.latestVersion.map { String($0.number) } ?? "-",
                    synced.isEmpty ? "-" : "\(ok)/\(synced.count)",
                    status.condition(.ready)?.status.rawValue ?? "Unknown",
                ]
            })
    }

    public struct ProfileUsage: Codable, Sendable {
        public var name: String
        public var sourceOf: Int
        public var syncTargetOf: Int
        public var failing: Int
    }

    public static func profileUsage(_ statuses: [SecretStatus]) -> [ProfileUsage] {
        var usage: [String: ProfileUsage] = [:]
        for status in statuses {
            for (profile, target) in status.targets {
                var row = usage[profile] ?? ProfileUsage(name: profile, sourceOf: 0, syncTargetOf: 0, failing: 0)
                if target.role == .source { row.sourceOf += 1 } else { row.syncTargetOf += 1 }
                if target.lastError != nil { row.failing += 1 }
                usage[profile] = row
            }
        }
        return usage.values.sorted { $0.name < $1.name }
    }

    public static func profiles(_ rows: [ProfileUsage]) -> String {
        guard !rows.isEmpty else { return "No vault profiles in use; run `tresor apply -f DIR` first.\n" }
        return table(
            ["NAME", "SOURCE OF", "SYNC TARGET OF", "FAILING"],
            rows.map { [$0.name, String($0.sourceOf), String($0.syncTargetOf), String($0.failing)] })
    }

    public static func versions(_ versions: [SecretVersion]) -> String {
        guard !versions.isEmpty else { return "No versions yet.\n" }
        return table(
            ["VERSION", "FINGERPRINT", "VAULT PROFILE", "VAULT VERSION", "CREATED"],
            versions.map {
                [String($0.number), $0.fingerprint, $0.vaultProfile, $0.vaultVersion ?? "-", StatusCoding.formatDate($0.createdAt)]
            })
    }

    public static func describe(_ status: SecretStatus) -> String {
        var lines = [
            "Name:          \(status.name)",
            "Type:          \(status.type.rawValue)",
            "State:         \(status.state.rawValue)",
            "Source:        \(status.sourceProfile)",
            "Generation:    \(status.observedGeneration)",
            "Reconciled:    \(status.lastReconciledAt.map(StatusCoding.formatDate) ?? "never")",
            "",
            "Conditions:",
        ]
        lines += status.conditions.map { "  \($0.type.rawValue)=\($0.status.rawValue)  \($0.reason.rawValue): \($0.message)" }
        lines += ["", "Targets:"]
        for (profile, target) in status.targets.sorted(by: { $0.key < $1.key }) {
            var line = "  \(profile) (\(target.role.rawValue))  \(target.path)  vault version \(target.vaultVersion ?? "-")"
            line += "  \(target.fingerprint ?? "no content")"
            if let error = target.lastError { line += "\n    error: \(error)" }
            lines.append(line)
        }
        lines += ["", "Versions:"]
        lines += status.versions.suffix(10).map {
            "  \($0.number)  \($0.fingerprint)  \($0.vaultProfile)@\($0.vaultVersion ?? "-")  \(StatusCoding.formatDate($0.createdAt))"
        }
        if status.versions.count > 10 { lines.append("  (\(status.versions.count - 10) earlier; `tresor versions \(status.name)`)") }
        lines += ComplianceReport.describeLines(status.compliance)
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder.pretty.encode(value), as: UTF8.self)
    }
}
