import Foundation
import TresorCore

/// The observe stage: reads what each vault involved in one secret holds — its source,
/// its sync targets, and every place the inventory says it is still kept — metadata
/// first, content only when the metadata cannot answer (the target changed since tresor
/// recorded it, the declared inputs changed, a move needs the content to copy, or a
/// compliance rule needs the values and has no result to reuse). Also reads the secret's
/// approval requests when a profile it touches is gated.
struct Observer: Sendable {
    let registry: VaultRegistry
    let fingerprinter: Fingerprinter
    let compliance: ComplianceSetup
    let gatedProfiles: Set<String>
    let approvals: ApprovalStore

    /// Where a secret is wanted and where it was kept.
    struct Scope: Sendable {
        var name: String
        var secret: Secret?
        var inputs: DeclaredInputs?
        var previous: SecretStatus?
        /// Profile → path where the inventory keeps the secret for this pass.
        var managed: [String: String]
        /// Profile → path the inventory held before this pass registered anything.
        var registeredBefore: [String: String] = [:]
        /// Create without reading what tresor never recorded (apply only: a plan must see).
        var assumeAbsent: Bool
        var now: Date

        var path: String? { secret?.vaultPath }
        var sourceKey: TargetKey? { secret.map { TargetKey(profile: $0.spec.vaultProfile, path: $0.vaultPath) } }
        var wanted: [TargetKey] {
            guard let secret, let path else { return [] }
            return ([secret.spec.vaultProfile] + secret.spec.syncVaultProfiles).map { TargetKey(profile: $0, path: path) }
        }
        /// Kept places the manifests no longer ask for (dropped targets, an old path, a removed secret).
        var dropped: [TargetKey] {
            guard !managed.isEmpty else { return [] }
            // A secret has a few targets: a linear search costs less than hashing them into a set.
            let wanted = self.wanted
            return managed.map { TargetKey(profile: $0.key, path: $0.value) }.filter { !wanted.contains($0) }.sorted()
        }
        /// An unmarked secret where an earlier pass registered this one and never recorded a
        /// write: possibly tresor's own create, cut off between its content and its mark.
        func mayBeInterruptedCreate(_ key: TargetKey, _ metadata: VaultEntryMetadata) -> Bool {
            metadata.mark == nil && registeredBefore[key.profile] == key.path && previous?.targets[key.profile]?.fingerprint == nil
        }

        /// The source before this pass, when the manifests moved the secret to another profile.
        var movedFrom: TargetKey? {
            guard let secret, let previous, !previous.versions.isEmpty, !previous.state.isRemoved,
                previous.sourceProfile != secret.spec.vaultProfile
            else { return nil }
            let path = previous.targets[previous.sourceProfile]?.path ?? managed[previous.sourceProfile] ?? secret.vaultPath
            return TargetKey(profile: previous.sourceProfile, path: path)
        }
    }

    func observe(_ scope: Scope) async -> SecretObservation {
        var observation = SecretObservation()
        let source = scope.sourceKey
        let moved = scope.movedFrom
        for key in scope.wanted + scope.dropped where observation.targets[key] == nil {
            let role: Role = key == source ? .source : key == moved ? .oldSource : scope.wanted.contains(key) ? .sync : .dropped
            observation.targets[key] = await observe(key, role: role, scope: scope)
        }
        if let moved, observation[moved].entry?.content == nil, let latest = scope.previous?.latestVersion?.fingerprint {
            // The old source cannot give its content: any copy of the latest version can.
            for (key, target) in observation.targets.sorted(by: { $0.key < $1.key }) {
                guard var entry = target.entry, entry.content == nil, entry.fingerprint == latest, entry.mark?.secret == scope.name
                else { continue }
                await readContent(into: &entry, key: key, type: scope.secret?.spec.type ?? .generic)
                observation.targets[key] = .present(entry)
                if entry.content != nil { break }
            }
        }
        await readCopiesOfDriftedSource(into: &observation, scope: scope)
        let touched = Set(scope.wanted.map(\.profile) + scope.managed.keys + [scope.previous?.sourceProfile].compactMap { $0 })
        if scope.previous?.approval != nil || !touched.isDisjoint(with: gatedProfiles) {
            do {
                observation.approvals = try approvals.read(scope.name)
            } catch {
                observation.approvalsError = "\(error)"
            }
        }
        return observation
    }

    private enum Role { case source, oldSource, sync, dropped }

    private func observe(_ key: TargetKey, role: Role, scope: Scope) async -> TargetObservation {
        if registry.isDisabled(key.profile) { return .disabled }
        let adapter: any VaultAdapter
        do {
            adapter = try registry.adapter(for: key.profile)
        } catch {
            return .unavailable("\(error)")
        }
        let recorded = scope.previous?.targets[key.profile].flatMap { $0.path == key.path ? $0 : nil }
        let external = scope.secret?.spec.isExternal ?? false
        if scope.assumeAbsent, recorded == nil, role == .source || role == .sync, !(external && role == .source),
            adapter.capabilities.contains(.compareAndSet)
        {
            return .assumedAbsent
        }
        let metadata: VaultEntryMetadata?
        do {
            metadata = try await adapter.readMetadata(at: key.path)
        } catch {
            return .unreachable("cannot read '\(key.path)' in \(key.profile): \(error)")
        }
        guard let metadata else { return .absent }
        var entry = ObservedEntry(metadata: metadata)
        if let recorded, recorded.vaultVersion != nil, recorded.vaultVersion == metadata.vaultVersion {
            if let mark = metadata.mark, mark.fingerprint == recorded.fingerprint {
                entry.fingerprint = mark.fingerprint
            } else if external, role == .source {
                entry.fingerprint = recorded.fingerprint
            }
        }
        let ownedHere = metadata.mark?.secret == scope.name || (external && role == .source)
        let needsContent: Bool
        switch role {
        case .source: needsContent = entry.fingerprint == nil || !sourceIsSettled(entry, scope: scope)
        case .oldSource: needsContent = ownedHere
        case .sync: needsContent = (ownedHere && entry.fingerprint == nil) || scope.mayBeInterruptedCreate(key, entry.metadata)
        case .dropped: needsContent = false
        }
        if needsContent, let type = scope.secret?.spec.type { await readContent(into: &entry, key: key, type: type) }
        return .present(entry)
    }

    /// True when the source, as recorded, needs no content read: nothing declared changed,
    /// no rotation is due, it is not new to this profile, and no compliance rule needs the values.
    private func sourceIsSettled(_ entry: ObservedEntry, scope: Scope) -> Bool {
        guard let secret = scope.secret, let previous = scope.previous, previous.sourceProfile == secret.spec.vaultProfile else {
            return false
        }
        if !secret.spec.isExternal {
            guard let inputs = scope.inputs, let mark = entry.mark, previous.appliedInputs == inputs.digest,
                mark.generators == inputs.generatorDigests, !inputs.isRotationDue(secret, mark: mark, now: scope.now)
            else { return false }
        }
        for profile in [secret.spec.vaultProfile] + secret.spec.syncVaultProfiles {
            guard let rules = compliance.profiles[profile], rules.spec.rules.contains(where: \.readsContent) else { continue }
            let recorded = profile == secret.spec.vaultProfile ? previous.compliance : previous.targets[profile]?.compliance
            if !ComplianceEvaluator.canReuse(
                recorded, profile: rules, fingerprint: entry.fingerprint, rulesDigest: compliance.rulesDigests[rules.name])
            {
                return false
            }
        }
        return true
    }

    func readContent(into entry: inout ObservedEntry, key: TargetKey, type: SecretType) async {
        do {
            let adapter = try registry.adapter(for: key.profile)
            guard let read = try await adapter.read(at: key.path, version: nil) else {
                entry.readError = "'\(key.path)' disappeared from \(key.profile) while it was read"
                return
            }
            entry.content = read.content
            entry.fingerprint = fingerprinter.fingerprint(type: type, content: read.content)
            // The version read is the one described; the mark comes from the metadata read
            // (some vaults return it only there).
            entry.metadata.vaultVersion = read.metadata.vaultVersion ?? entry.metadata.vaultVersion
            if entry.metadata.mark == nil { entry.metadata.mark = read.metadata.mark }
        } catch {
            entry.readError = "cannot read '\(key.path)' in \(key.profile): \(error)"
        }
    }
}
