/// A short listing of what the manifests declare, one line per object.
public enum DeclarationList {
    public static func text(_ state: DesiredState) -> String {
        var lines: [String] = []
        for profile in state.vaultProfiles.values.sorted(by: { $0.name < $1.name }) {
            var line = "VaultProfile  \(profile.name)  provider=\(profile.spec.provider.technology.rawValue)"
            if let approval = profile.spec.approvalProfile { line += " approval=\(approval)" }
            if let compliance = profile.spec.complianceProfile { line += " compliance=\(compliance)" }
            lines.append(line)
        }
        for secret in state.secrets.values.sorted(by: { $0.name < $1.name }) {
            var line = "Secret        \(secret.name)  type=\(secret.spec.type.rawValue) source=\(secret.spec.vaultProfile)"
            if !secret.spec.syncVaultProfiles.isEmpty { line += " sync=\(secret.spec.syncVaultProfiles.joined(separator: ","))" }
            if secret.spec.isExternal { line += " external" }
            lines.append(line)
        }
        for profile in state.approvalProfiles.values.sorted(by: { $0.name < $1.name }) {
            lines.append(
                "ApprovalProfile  \(profile.name)  requires \(profile.spec.requiredApprovals) of \(profile.spec.approvers.count) approvers")
        }
        for profile in state.complianceProfiles.values.sorted(by: { $0.name < $1.name }) {
            lines.append(
                "ComplianceProfile  \(profile.name)  \(profile.spec.rules.count) rule\(profile.spec.rules.count == 1 ? "" : "s"), enforcement=\(profile.spec.enforcement.rawValue)")
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }
}
