/// How a provider whose vault restricts secret names turns a tresor path into a name.
/// Each rule is injective: two different paths never make the same name, because the
/// separator it puts between segments cannot occur inside a segment.
///
/// | provider | separator | a segment | whole name |
/// |---|---|---|---|
/// | `azure` | `--` | `[0-9a-z-]`, no `--`, not starting or ending with `-` | ≤ 127 |
/// | `gcp` | `__` | `[A-Za-z0-9_-]`, no `__`, not starting or ending with `_` | ≤ 255 |
/// | `kubernetes` | `.` | a DNS-1123 label: `[a-z0-9]`, `-` inside, ≤ 63 | ≤ 253 |
///
/// Key Vault compares names without regard to case, so Azure paths must be lowercase.
public enum VaultNameRule: Sendable, Hashable {
    case azure, gcp, kubernetes

    /// A path's name in the vault, or why the path cannot have one.
    public func name(for path: String) -> Result<String, VaultNameProblem> {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !path.isEmpty, !segments.contains(where: \.isEmpty) else {
            return .failure(VaultNameProblem(rule: self, path: path, reason: "it has an empty segment"))
        }
        for segment in segments {
            if let reason = problem(in: segment) {
                return .failure(VaultNameProblem(rule: self, path: path, reason: "its segment '\(segment)' \(reason)"))
            }
        }
        let name = segments.joined(separator: separator)
        guard name.utf8.count <= maxLength else {
            return .failure(
                VaultNameProblem(rule: self, path: path, reason: "it makes a name of \(name.utf8.count) characters (at most \(maxLength))"))
        }
        return .success(name)
    }

    public var separator: String {
        switch self {
        case .azure: "--"
        case .gcp: "__"
        case .kubernetes: "."
        }
    }

    public var maxLength: Int {
        switch self {
        case .azure: 127
        case .gcp: 255
        case .kubernetes: 253
        }
    }

    /// How messages name the vault's names.
    public var what: String {
        switch self {
        case .azure: "an Azure Key Vault secret name"
        case .gcp: "a GCP Secret Manager secret id"
        case .kubernetes: "a Kubernetes Secret name"
        }
    }

    private func problem(in segment: String) -> String? {
        let bytes = Array(segment.utf8)
        func isDigitOrLower(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
        }
        switch self {
        case .azure:
            if bytes.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) {
                return "has uppercase letters (Key Vault names ignore case, so tresor takes lowercase only)"
            }
            guard bytes.allSatisfy({ isDigitOrLower($0) || $0 == UInt8(ascii: "-") }) else { return "may hold only 0-9, a-z and '-'" }
            if segment.contains("--") || segment.hasPrefix("-") || segment.hasSuffix("-") {
                return "may not hold '--' or start or end with '-' ('/' becomes '--')"
            }
        case .gcp:
            let allowed = bytes.allSatisfy {
                isDigitOrLower($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
            }
            guard allowed else { return "may hold only letters, digits, '-' and '_'" }
            if segment.contains("__") || segment.hasPrefix("_") || segment.hasSuffix("_") {
                return "may not hold '__' or start or end with '_' ('/' becomes '__')"
            }
        case .kubernetes:
            guard bytes.allSatisfy({ isDigitOrLower($0) || $0 == UInt8(ascii: "-") }) else {
                return "may hold only 0-9, a-z and '-' ('/' becomes '.')"
            }
            if segment.hasPrefix("-") || segment.hasSuffix("-") { return "may not start or end with '-'" }
            if bytes.count > 63 { return "is longer than 63 characters" }
        }
        return nil
    }
}

/// A path that a provider's ``VaultNameRule`` cannot turn into a name.
public struct VaultNameProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var rule: VaultNameRule
    public var path: String
    public var reason: String

    public var description: String {
        "the path '\(path)' cannot be \(rule.what): \(reason); choose a spec.path that fits"
    }
}

extension Provider {
    /// The rule that maps paths to names, for the providers whose vaults restrict them.
    public var nameRule: VaultNameRule? {
        switch self {
        case .azure: .azure
        case .gcp: .gcp
        case .kubernetes: .kubernetes
        case .local, .hashicorp, .aws: nil
        }
    }
}
