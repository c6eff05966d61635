import Foundation
import TresorCore

/// One pass over one secret: observe the source, work out the desired content, write
/// the source if it differs, propagate to each sync target, release or delete targets
/// that were dropped, and record versions and status.
///
/// Versions are derived from what the source is seen to hold: whenever it holds content
/// (or sits in a profile) that the last recorded version does not describe, a version
/// is recorded. A crash between a vault write and the status write is therefore
/// repaired by the next pass, with neither a lost nor a duplicated version.
struct SecretReconciler {
    let secret: Secret
    let previous: SecretStatus?
    /// Profile → path where the inventory says the secret is managed.
    let previousTargets: [String: String]
    let context: ReconcileContext

    var status: SecretStatus
    var plan: SecretPlan
    var audit: [AuditEvent] = []
    var writes = 0
    var failed = false
    var managedTargets: [String: String] = [:]

    init(secret: Secret, previous: SecretStatus?, previousTargets: [String: String], context: ReconcileContext) {
        self.secret = secret
        self.previous = previous
        self.previousTargets = previousTargets
        self.context = context
        var status = previous ?? SecretStatus(name: secret.name, type: secret.spec.type, sourceProfile: secret.spec.vaultProfile)
        status.type = secret.spec.type
        self.status = status
        self.plan = SecretPlan(secret: secret.name, state: status.state)
        self.managedTargets = previousTargets
    }

    var spec: SecretSpec { secret.spec }
    var path: String { spec.path ?? secret.name }
    var now: Date { context.now }
    var applying: Bool { context.mode == .apply }

    mutating func run() async -> SecretOutcome {
        status.observedGeneration = Generation.digest(of: secret, fingerprinter: context.fingerprinter)
        status.lastReconciledAt = now
        status.origin = ManifestOrigin(secret.origin.location)
        if !spec.enabled {
            finish(.disabled, ready: (.false, .disabled, "enabled is false: tresor leaves this secret untouched"))
        } else if context.registry.isDisabled(spec.vaultProfile) {
            finish(.disabled, ready: (.false, .disabled, "vault profile '\(spec.vaultProfile)' is disabled (spec.enabled: false)"))
        } else if let expiresAt = spec.expiresAt, expiresAt.date <= now {
            finish(.expired, ready: (.false, .expired, "expired at \(expiresAt.text); set a later expiresAt to manage it again"))
        } else {
            do {
                try await reconcile()
            } catch let hold as ApprovalHold {
                holdForApproval(hold)
            } catch let failure as ReconcileFailure {
                fail(failure)
            } catch {
                fail(ReconcileFailure(reason: .sourceFailed, message: "\(error)"))
            }
        }
        plan.state = status.state
        plan.compliance = status.compliance?.overall
        return SecretOutcome(
            plan: plan, status: applying ? status : nil, audit: audit, writes: writes, failed: failed, managedTargets: managedTargets)
    }

    private mutating func reconcile() async throws {
        let source = try await reconcileSource()
        var syncFailures: [String] = []
        for profile in spec.syncVaultProfiles {
            if let problem = await reconcileSync(profile: profile, source: source) { syncFailures.append(problem) }
        }
        await releaseDroppedTargets()
        guard applying else { return }
        status.sourceProfile = spec.vaultProfile
        status.targets = status.targets.filter { managedTargets[$0.key] != nil }
        if spec.syncVaultProfiles.isEmpty {
            status.setCondition(.synced, .true, .noSyncTargets, "no sync targets", now: now)
        } else if syncFailures.isEmpty {
            status.setCondition(.synced, .true, .synced, "all \(spec.syncVaultProfiles.count) sync targets hold the current version", now: now)
        } else {
            failed = true
            status.setCondition(.synced, .false, .syncFailed, syncFailures.joined(separator: "; "), now: now)
        }
        settleApprovals()
        let version = status.latestVersion.map { "version \($0.number)" } ?? "no version"
        finish(.active, ready: (.true, .reconciled, "\(spec.vaultProfile) holds \(version)"))
    }

    mutating func finish(_ state: SecretState, ready: (ConditionStatus, ConditionReason, String)) {
        status.state = state
        status.setCondition(.ready, ready.0, ready.1, ready.2, now: now)
    }

    mutating func fail(_ failure: ReconcileFailure) {
        if failure.reason == .nonCompliant { return holdForCompliance(failure) }
        noteComplianceUnchecked(failure)
        failed = true
        plan.error = failure.message
        // A secret never written stays inactive in a plan; a failed apply is failed.
        if applying || status.state != .inactive { status.state = .failed }
        status.setCondition(.ready, .false, failure.reason, failure.message, now: now)
    }

    mutating func record(_ operation: String, profile: String?, outcome: String = "success", fingerprint: String? = nil,
        previous: String? = nil, vaultVersion: String? = nil, message: String? = nil)
    {
        guard applying else { return }
        audit.append(
            AuditEvent(
                time: now, actor: context.actor, secret: secret.name, vaultProfile: profile, operation: operation, outcome: outcome,
                fingerprint: fingerprint, previousFingerprint: previous, vaultVersion: vaultVersion, message: message))
    }

    /// The mark check shared by source and sync targets: nil when tresor may write.
    func ownershipProblem(_ metadata: VaultEntryMetadata, profile: String) -> String? {
        if let mark = metadata.mark {
            guard mark.secret != secret.name else { return nil }
            return "\(profile) already holds '\(path)' for Secret '\(mark.secret)'; give this secret another spec.path"
        }
        guard spec.adopt else {
            return "\(profile) holds an unmarked secret at '\(path)' that tresor did not write; "
                + "set spec.adopt: true to take it over, or choose another spec.path"
        }
        return nil
    }
}

/// `observedGeneration`: a keyed digest of everything in the spec, so a changed
/// literal changes it without the digest revealing the literal.
enum Generation {
    static func digest(of secret: Secret, fingerprinter: Fingerprinter) -> String {
        let spec = secret.spec
        var fields: [String: SecretValue] = [
            "type": SecretValue(spec.type.rawValue),
            "vaultProfile": SecretValue(spec.vaultProfile),
            "syncVaultProfiles": SecretValue(spec.syncVaultProfiles.joined(separator: ",")),
            "path": SecretValue(spec.path ?? ""),
            "allowInlineValues": SecretValue(String(spec.allowInlineValues)),
            "adopt": SecretValue(String(spec.adopt)),
            "deletionPolicy": SecretValue(spec.deletionPolicy.rawValue),
            "refreshInterval": SecretValue(String(spec.refreshInterval.seconds)),
            "rotation": SecretValue(spec.rotation.map { String($0.every.seconds) } ?? ""),
            "expiresAt": SecretValue(spec.expiresAt?.text ?? ""),
            "enabled": SecretValue(String(spec.enabled)),
            "labels": SecretValue(secret.metadata.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")),
        ]
        for (field, source) in spec.content?.fields ?? [:] {
            let described: String
            switch source {
            case .literal(let value): described = "literal:" + value.reveal()
            case .fromEnv(let name): described = "env:" + name
            case .fromFile(let path): described = "file:" + path
            case .generate(let generator): described = "generate:" + GeneratorDigest.digest(generator)
            case .sealed(let text): described = "sealed:" + text
            }
            fields["content." + field] = SecretValue(described)
        }
        let full = fingerprinter.fingerprint(type: spec.type, content: fields)
        return String(full.suffix(16))
    }
}
