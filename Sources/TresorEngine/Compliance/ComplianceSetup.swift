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

    public static func make(_ desired: DesiredState, store: StateStore?) -> ComplianceSetup {
        var profiles: [String: ComplianceProfile] = [:]
        for (name, vaultProfile) in desired.vaultProfiles {
            if let complianceName = vaultProfile.spec.complianceProfile, let profile = desired.complianceProfiles[complianceName] {
                profiles[name] = profile
            }
        }
        let needsFingerprints = profiles.values.contains { $0.spec.rules.contains { $0.check == .uniqueContent } }
        guard needsFingerprints, let store else { return ComplianceSetup(profiles: profiles) }
        let names = desired.secrets.keys.sorted()
        let fingerprints = latestFingerprints(names, store: store)
        var index: [String: [String]] = [:]
        for (name, fingerprint) in zip(names, fingerprints) {
            if let fingerprint { index[fingerprint, default: []].append(name) }
        }
        return ComplianceSetup(profiles: profiles, secretsByFingerprint: index)
    }

    /// Reads the status files on all cores (decoding them is most of the cost, and it
    /// happens before the pass starts). An unreadable status fails that secret's own
    /// pass; here it only has no fingerprint.
    static func latestFingerprints(_ names: [String], store: StateStore) -> [String?] {
        let chunk = 64
        let chunks = (names.count + chunk - 1) / chunk
        var fingerprints = [String?](repeating: nil, count: names.count)
        fingerprints.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes a disjoint range of the buffer.
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { index in
                for position in index * chunk..<min(names.count, (index + 1) * chunk) {
                    output[position] = (try? store.readStatus(names[position]))?.latestVersion?.fingerprint
                }
            }
        }
        return fingerprints
    }
}
