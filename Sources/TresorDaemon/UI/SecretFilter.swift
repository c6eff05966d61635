import Foundation

/// The list filters: name, state, profile and label (`key` or `key=value`).
struct SecretFilter {
    var name: String?
    var state: String?
    var profile: String?
    var label: String?

    init(query: UIForm) {
        name = query.nonEmpty("q")?.lowercased()
        state = query.nonEmpty("state")
        profile = query.nonEmpty("profile")
        label = query.nonEmpty("label")
        labelParts = label.map { label in
            let parts = label.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return (parts.first ?? "", parts.count == 2 ? parts[1] : nil)
        }
    }

    /// `label` split once into its key and, for `key=value`, the value.
    private let labelParts: (key: String, value: String?)?

    var isEmpty: Bool { name == nil && state == nil && profile == nil && label == nil }

    /// `profiles` and `labels` are worked out only when their filter is set: the secrets
    /// list runs this over every secret on each load.
    func matches(
        name secret: String, state secretState: String? = nil, profiles: @autoclosure () -> [String],
        labels: @autoclosure () -> [String: String]
    ) -> Bool {
        // Names are lower case (DNS names); the query was lowered once.
        if let name, !secret.contains(name) { return false }
        if let state, let secretState, state != secretState { return false }
        if let profile, !profiles().contains(profile) { return false }
        if let (key, wanted) = labelParts {
            guard let value = labels()[key] else { return false }
            if let wanted, value != wanted { return false }
        }
        return true
    }
}
