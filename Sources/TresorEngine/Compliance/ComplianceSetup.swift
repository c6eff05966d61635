import Dispatch
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
    /// Compliance profile name → `ComplianceEvaluator.rulesDigest`, computed once per pass.
    public var rulesDigests: [String: String]

    public init(profiles: [String: ComplianceProfile] = [:], secretsByFingerprint: [String: [String]]? = nil) {
        self.profiles = profiles
        self.secretsByFingerprint = secretsByFingerprint
        var digests: [String: String] = [:]
        for profile in profiles.values where digests[profile.name] == nil {
            digests[profile.name] = ComplianceEvaluator.rulesDigest(profile)
        }
        self.rulesDigests = digests
    }

    /// True when some rule needs every secret's latest fingerprint (`uniqueContent`).
    public static func needsStatuses(_ desired: DesiredState) -> Bool {
        profiles(of: desired).values.contains { $0.spec.rules.contains { $0.check == .uniqueContent } }
    }

    /// Reads the status files itself when a rule needs them (the daemon, once per desired
    /// state); nil store: offline, no index.
    public static func make(_ desired: DesiredState, store: StateStore?) -> ComplianceSetup {
        guard let store, needsStatuses(desired) else { return make(desired, statuses: nil) }
        return make(desired, statuses: StatusPrefetch.read(desired.secrets.keys.sorted(), store: store))
    }

    /// - Parameter statuses: the pass's status files, read up front (``needsStatuses(_:)``).
    public static func make(_ desired: DesiredState, statuses: StatusPrefetch?) -> ComplianceSetup {
        let profiles = profiles(of: desired)
        guard let statuses, needsStatuses(desired) else { return ComplianceSetup(profiles: profiles) }
        var index: [String: [String]] = [:]
        for (name, status) in statuses.statuses {
            if let fingerprint = status.latestVersion?.fingerprint { index[fingerprint, default: []].append(name) }
        }
        for key in index.keys { index[key]?.sort() }
        return ComplianceSetup(profiles: profiles, secretsByFingerprint: index)
    }

    /// Vault profile name → its compliance profile.
    static func profiles(of desired: DesiredState) -> [String: ComplianceProfile] {
        var profiles: [String: ComplianceProfile] = [:]
        for (name, vaultProfile) in desired.vaultProfiles {
            if let complianceName = vaultProfile.spec.complianceProfile, let profile = desired.complianceProfiles[complianceName] {
                profiles[name] = profile
            }
        }
        return profiles
    }
}
