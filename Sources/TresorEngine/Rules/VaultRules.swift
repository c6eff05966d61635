import Crypto
import Foundation
import TresorCore

/// The approval and compliance rules one vault profile's secrets are held to: what the
/// state directory records as in force, and what the manifests declare.
public struct VaultRules: Sendable, Hashable, Codable {
    public struct Approval: Sendable, Hashable, Codable {
        public var profile: String
        public var spec: ApprovalProfileSpec
    }

    public struct Compliance: Sendable, Hashable, Codable {
        public var profile: String
        public var spec: ComplianceProfileSpec
    }

    public var approval: Approval?
    public var compliance: Compliance?

    public init(approval: Approval? = nil, compliance: Compliance? = nil) {
        self.approval = approval
        self.compliance = compliance
    }

    /// The rules `desired` declares for each of its vault profiles.
    public static func declared(in desired: DesiredState) -> [String: VaultRules] {
        desired.vaultProfiles.mapValues { vaultProfile in
            VaultRules(
                approval: vaultProfile.spec.approvalProfile.flatMap { desired.approvalProfiles[$0] }.map {
                    Approval(profile: $0.name, spec: $0.spec)
                },
                compliance: vaultProfile.spec.complianceProfile.flatMap { desired.complianceProfiles[$0] }.map {
                    Compliance(profile: $0.name, spec: $0.spec)
                })
        }
    }

    /// A digest of the rules, for binding a request to exactly these rules.
    var digest: String {
        Hex.encode(SHA256.hash(data: Self.canonicalJSON(self)))
    }

    static func canonicalJSON<Value: Encodable>(_ value: Value) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every member is a string, number, bool, array or object of those: encoding cannot fail.
        return Array((try? encoder.encode(value)) ?? Data())
    }
}
