import Foundation
import TresorCore

/// `rules.yaml` in the state directory: the approval and compliance rules in force for
/// each vault profile, as the last pass that wrote anything left them. A vault profile
/// that leaves the manifests keeps its entry, so declaring it again later is compared
/// with the rules it had. The record carries a MAC with the approvals key: a hand-edited
/// record (rules loosened to let a loosening through unasked) is refused.
struct RulesRecord: Sendable, Codable, Equatable {
    static let purpose = "tresor-rules-in-force-v1"

    var vaultProfiles: [String: VaultRules]
    var mac: String?

    init(vaultProfiles: [String: VaultRules], seal: ApprovalSeal) {
        self.vaultProfiles = vaultProfiles
        mac = seal.mac(of: VaultRules.canonicalJSON(vaultProfiles), purpose: Self.purpose)
    }
}

/// The record cannot be used; the message names the file and what to do.
public struct RulesRecordError: Error, CustomStringConvertible {
    public var description: String
}

extension StateStore {
    public var rulesPath: String { root + "/rules.yaml" }

    /// The rules in force by vault profile; nil when none were recorded yet (a new state
    /// directory, or one from before the rules were recorded).
    func readRulesInForce(seal: ApprovalSeal) throws -> [String: VaultRules]? {
        guard let bytes = try rulesBytes() else { return nil }
        let record: RulesRecord
        do {
            record = try StatusCoding.decode(RulesRecord.self, from: bytes)
        } catch {
            throw RulesRecordError(
                description: "the rules in force \(rulesLocation) cannot be read (\(error)); restore it from backup. Nothing was changed")
        }
        guard let mac = record.mac, seal.verifies(mac, of: VaultRules.canonicalJSON(record.vaultProfiles), purpose: RulesRecord.purpose)
        else {
            throw RulesRecordError(
                description: "the rules in force \(rulesLocation) fail their integrity check (the file was edited, or approvals.key "
                    + "is not the key it was written with); restore both from backup. Nothing was changed")
        }
        return record.vaultProfiles
    }

    func writeRulesInForce(_ rules: [String: VaultRules], seal: ApprovalSeal) throws {
        let bytes = try StatusCoding.encodeBytes(RulesRecord(vaultProfiles: rules, seal: seal))
        if let etcd { return try etcd.write(etcd.rulesKey, bytes, what: "the rules in force") }
        try AtomicFile.write(bytes, to: rulesPath)
    }
}

extension StateStore {
    /// Where the rules in force are kept, for messages.
    public var rulesLocation: String { etcd.map { "\($0.rulesKey) in etcd" } ?? rulesPath }

    /// Whether rules in force were ever recorded.
    func rulesRecorded() throws -> Bool {
        guard let etcd else { return FileManager.default.fileExists(atPath: rulesPath) }
        return try etcd.client.get(etcd.rulesKey) != nil
    }

    func rulesBytes() throws -> [UInt8]? {
        guard let etcd else { return try AtomicFile.read(rulesPath) }
        return try etcd.read(etcd.rulesKey)
    }
}
