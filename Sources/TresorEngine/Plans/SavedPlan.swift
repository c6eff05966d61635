import Crypto
import Foundation
import TresorCore

/// `plan --out FILE`: a redacted plan bound to what it was made from — the manifest
/// files, the state (inventory and each planned secret's status) and what each secret's
/// plan says, which holds the fingerprints observed in the vaults. `apply --plan FILE`
/// applies it only when all of that is still the same, and otherwise names what moved.
/// No values: digests, fingerprints and field names only.
public struct SavedPlan: Codable, Sendable, Equatable {
    public static let format = "tresor.dev/saved-plan/v1"

    public var format: String
    public var createdAt: Date
    /// The `-f` paths the plan was made from.
    public var manifests: [String]
    /// Manifest file → SHA-256 of its bytes.
    public var manifestDigests: [String: String]
    /// `inventory` and `status/<secret>` → SHA-256 of the file, or `absent`.
    public var stateDigests: [String: String]
    /// Secret → SHA-256 of its redacted plan.
    public var planDigests: [String: String]
    /// The secrets `-l`/`--target` chose; nil when the plan covers every secret.
    public var scope: [String]?
    public var allowMassDelete: Bool
    /// The plan as `tresor plan` printed it, for review.
    public var text: String

    public init(
        createdAt: Date, manifests: [String], manifestDigests: [String: String], stateDigests: [String: String],
        planDigests: [String: String], scope: [String]?, allowMassDelete: Bool, text: String
    ) {
        self.format = Self.format
        self.createdAt = createdAt
        self.manifests = manifests
        self.manifestDigests = manifestDigests
        self.stateDigests = stateDigests
        self.planDigests = planDigests
        self.scope = scope
        self.allowMassDelete = allowMassDelete
        self.text = text
    }

    public static func digest(_ bytes: some DataProtocol) -> String {
        "sha256:" + Hex.encode(SHA256.hash(data: bytes))
    }

    public static func manifestDigests(_ files: [ManifestFile]) -> [String: String] {
        Dictionary(files.map { ($0.path, digest($0.bytes)) }, uniquingKeysWith: { first, _ in first })
    }

    /// The state a plan over `secrets` depends on.
    public static func stateDigests(_ store: StateStore, secrets: [String]) -> [String: String] {
        var digests = ["inventory": stateDigest { try store.inventoryBytes() }]
        for name in secrets { digests["status/" + name] = stateDigest { try store.statusBytes(name) } }
        return digests
    }

    public static func planDigests(_ report: Engine.Report) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Dictionary(
            report.plans.map { plan in (plan.secret, digest((try? encoder.encode(PlanReport.jsonSecret(plan))) ?? Data())) },
            uniquingKeysWith: { first, _ in first })
    }

    /// The digest of a status or the inventory, read where the store keeps it (a file, or etcd).
    private static func stateDigest(_ read: () throws -> [UInt8]?) -> String {
        ((try? read()) ?? nil).map { digest($0) } ?? "absent"
    }

    /// What differs between this plan's bindings and `current`'s, one line each; empty
    /// when the plan may be applied.
    public func differences(from current: SavedPlan) -> [String] {
        var lines: [String] = []
        for (file, change) in Self.changes(manifestDigests, current.manifestDigests) {
            lines.append("manifest file \(file) \(change)")
        }
        for (key, change) in Self.changes(stateDigests, current.stateDigests) {
            let what = key == "inventory" ? "the inventory" : "the status of Secret \(key.dropFirst("status/".count))"
            lines.append("\(what) \(change == "was added" ? "was recorded" : "changed")")
        }
        for (secret, change) in Self.changes(planDigests, current.planDigests) {
            switch change {
            case "was added": lines.append("Secret \(secret) now has a plan it did not have")
            case "was removed": lines.append("Secret \(secret) no longer has the plan it had")
            default: lines.append("Secret \(secret): the plan differs now (its vaults, approvals or state moved)")
            }
        }
        return lines
    }

    private static func changes(_ old: [String: String], _ new: [String: String]) -> [(String, String)] {
        Set(old.keys).union(new.keys).sorted().compactMap { key in
            switch (old[key], new[key]) {
            case (nil, _?): (key, "was added")
            case (_?, nil): (key, "was removed")
            case (let before?, let after?) where before != after: (key, "changed")
            default: nil
            }
        }
    }

    public func encoded() throws -> Data {
        try JSONEncoder.pretty.encode(self)
    }

    public static func decode(_ data: Data) throws -> SavedPlan {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .tresor
        let plan = try decoder.decode(SavedPlan.self, from: data)
        guard plan.format == format else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "format '\(plan.format)' is not \(format)"))
        }
        return plan
    }
}
