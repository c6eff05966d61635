import Foundation
import TresorCore

/// What the compliance gate needs for a whole pass: each vault profile's compliance
/// profile, and (only when some profile has a `uniqueContent` rule) the latest recorded
/// fingerprint of every secret, read from the status files before the pass starts.
///
/// Two secrets created with the same content in the same pass do not see each other's
/// fingerprint until the next pass, which then reports both.
public struct ComplianceSetup: Sendable {
    /// Vault profile name → its compliance profile.
    public var profiles: [String: ComplianceProfile]
    /// Latest content fingerprint → the secrets that hold it; nil when no rule needs it.
    public var secretsByFingerprint: [String: [String]]?

    public init(profiles: [String: ComplianceProfile] = [:], secretsByFingerprint: [String: [String]]? = nil) {
        self.profiles = profiles
        self.secretsByFingerprint = secretsByFingerprint
    }

    public static func make(_ desired: DesiredState, store: StateStore?) -> ComplianceSetup {
        var profiles: [String: ComplianceProfile] = [:]
        for (name, vaultProfile) in desired.vaultProfiles {
            if let complianceName = vaultProfile.spec.complianceProfile, let profile = desired.complianceProfiles[complianceName] {
                profiles[name] = profile
            }
        }
        let needsFingerprints = profiles.values.contains { $0.spec.rules.contains { $0.check == .uniqueContent } }
        guard needsFingerprints, let store else { return ComplianceSetup(profiles: profiles) }
        var index: [String: [String]] = [:]
        for name in desired.secrets.keys.sorted() {
            // An unreadable status fails that secret's own pass; here it only has no fingerprint.
            if let fingerprint = (try? store.readStatus(name))?.latestVersion?.fingerprint { index[fingerprint, default: []].append(name) }
        }
        return ComplianceSetup(profiles: profiles, secretsByFingerprint: index)
    }
}
