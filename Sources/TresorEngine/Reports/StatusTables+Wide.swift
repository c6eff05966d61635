import Foundation
import TresorCore

/// `get -o wide`, `get -o name` and `describe vaultprofile`, from status files only.
extension StatusTables {
    public static func secretsWide(_ statuses: [SecretStatus]) -> String {
        guard !statuses.isEmpty else { return secrets(statuses) }
        return table(
            ["NAME", "TYPE", "STATE", "SOURCE", "VERSION", "SYNC TARGETS", "READY", "RECONCILED", "LABELS"],
            statuses.map { status in
                let synced = status.targets.filter { $0.value.role == .sync }.keys.sorted()
                return [
                    status.name, status.type.rawValue, status.state.rawValue, status.sourceProfile,
                    status.latestVersion.map { String($0.number) } ?? "-",
                    synced.isEmpty ? "-" : synced.joined(separator: ","),
                    status.condition(.ready)?.status.rawValue ?? "Unknown",
                    status.lastReconciledAt.map(StatusCoding.formatDate) ?? "never",
                    labelText(status.labels),
                ]
            })
    }

    /// `secret/NAME` lines, as `kubectl get -o name` prints them.
    public static func names(kind: String, _ names: [String]) -> String {
        names.map { "\(kind)/\($0)\n" }.joined()
    }

    static func labelText(_ labels: [String: String]?) -> String {
        guard let labels, !labels.isEmpty else { return "-" }
        return labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// One vault profile as the secrets recorded in the state directory use it.
    public struct ProfileDescription: Codable, Sendable {
        public var name: String
        public var sourceOf: [String]
        public var syncTargetOf: [String]
        public var failing: [String: String]
    }

    /// nil when no recorded secret uses `name`.
    public static func profileDescription(_ name: String, statuses: [SecretStatus]) -> ProfileDescription? {
        var description = ProfileDescription(name: name, sourceOf: [], syncTargetOf: [], failing: [:])
        for status in statuses.sorted(by: { $0.name < $1.name }) {
            guard let target = status.targets[name] else { continue }
            if target.role == .source { description.sourceOf.append(status.name) } else { description.syncTargetOf.append(status.name) }
            if let error = target.lastError { description.failing[status.name] = error }
        }
        return description.sourceOf.isEmpty && description.syncTargetOf.isEmpty ? nil : description
    }

    public static func describe(_ profile: ProfileDescription) -> String {
        var lines = [
            "Name:             \(profile.name)",
            "Source of:        \(profile.sourceOf.count)",
            "Sync target of:   \(profile.syncTargetOf.count)",
            "Failing:          \(profile.failing.count)",
            "",
            "Secrets:",
        ]
        lines += profile.sourceOf.map { "  \($0) (source)" }
        lines += profile.syncTargetOf.map { "  \($0) (sync)" }
        if !profile.failing.isEmpty {
            lines += ["", "Errors:"]
            lines += profile.failing.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The last `count` events of a secret, for the end of `describe secret`.
    public static func recentEvents(_ events: [AuditEvent], count: Int = 10) -> String {
        let recent = events.suffix(count)
        guard !recent.isEmpty else { return "\nEvents:\n  none recorded\n" }
        let lines = recent.map { event in
            "  \(StatusCoding.formatDate(event.time))  \(event.operation)  \(event.vaultProfile ?? "-")  \(event.outcome)"
                + (event.message.map { "  \($0)" } ?? "")
        }
        return "\nEvents:\n" + lines.joined(separator: "\n") + "\n"
    }
}
