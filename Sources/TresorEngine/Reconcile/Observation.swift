import Foundation
import TresorCore

/// One place a secret is, or was, kept: a vault profile and the path in it.
struct TargetKey: Hashable, Sendable, Comparable {
    var profile: String
    var path: String

    static func < (lhs: TargetKey, rhs: TargetKey) -> Bool { (lhs.profile, lhs.path) < (rhs.profile, rhs.path) }
}

/// What one target held when the Observer looked.
enum TargetObservation: Sendable {
    /// The profile's adapter cannot be had: not declared, or its provider cannot be built.
    case unavailable(String)
    /// The profile has `enabled: false`: left untouched.
    case disabled
    /// The metadata read failed.
    case unreachable(String)
    /// Not read: tresor never recorded the secret here, so the create's compare-and-set
    /// proves the path empty (one request saved per new secret).
    case assumedAbsent
    case absent
    case present(ObservedEntry)

    var entry: ObservedEntry? {
        if case .present(let entry) = self { return entry }
        return nil
    }
}

/// A secret found at a target: metadata always, content when the pass needs it.
struct ObservedEntry: Sendable {
    var metadata: VaultEntryMetadata
    /// Nil when the metadata was enough.
    var content: [String: SecretValue]?
    /// The content's keyed fingerprint: computed from the content when read, else the
    /// mark's when the target still holds the version tresor recorded; nil when unknown.
    var fingerprint: String?
    /// The content read failed (the metadata read succeeded).
    var readError: String?

    var mark: OwnershipMark? { metadata.mark }
}

/// Everything the planner and the gate need from outside for one secret.
struct SecretObservation: Sendable {
    var targets: [TargetKey: TargetObservation] = [:]
    /// The secret's approval requests; nil when no profile it touches is gated.
    var approvals: ApprovalFile?
    /// The approval file could not be read.
    var approvalsError: String?

    subscript(key: TargetKey) -> TargetObservation { targets[key] ?? .absent }
}

/// The declared content of a secret after its value sources were read.
struct DeclaredInputs: Sendable {
    var resolved: [String: SecretValue] = [:]
    var generators: [String: Generator] = [:]
    var generatorDigests: [String: String] = [:]
    /// Keyed digest of everything declared; nil for external secrets.
    var digest: String?

    /// Reads every `fromEnv`, `fromFile` and `sealed` value of the secret.
    static func resolve(
        _ secret: Secret, resolver: ValueResolver, fingerprinter: Fingerprinter, limit: ValueLimit? = nil
    ) throws -> DeclaredInputs {
        var inputs = DeclaredInputs()
        guard let content = secret.spec.content else { return inputs }
        let baseDirectory = (secret.origin.location.file as NSString).deletingLastPathComponent
        for (field, source) in content.fields {
            if case .generate(let generator) = source {
                inputs.generators[field] = generator
                inputs.generatorDigests[field] = GeneratorDigest.digest(generator)
                continue
            }
            let value = try resolver.resolve(source, secret: secret.name, field: field, baseDirectory: baseDirectory)
            if let limit, case let bytes = value.reveal().utf8.count, bytes > limit.bytes {
                throw ResolutionError(secret: secret.name, field: field, reason: .tooLargeForVault(bytes: bytes, limit: limit))
            }
            inputs.resolved[field] = value
        }
        var described = inputs.resolved
        for (field, digest) in inputs.generatorDigests { described[field] = SecretValue("generate:" + digest) }
        inputs.digest = fingerprinter.fingerprint(type: secret.spec.type, content: described)
        return inputs
    }

    /// True when rotation (`spec.rotation`) asks for new generated values.
    func isRotationDue(_ secret: Secret, mark: OwnershipMark?, now: Date) -> Bool {
        guard let rotation = secret.spec.rotation, !generators.isEmpty, let generatedAt = mark?.generatedAt else { return false }
        return generatedAt.addingTimeInterval(TimeInterval(rotation.every.seconds)) <= now
    }
}
