import Foundation
import TresorCore

extension SecretReconciler {
    /// Brings one sync target to the source's content. Returns a problem to report, or nil.
    /// - Parameter assumeAbsent: as for the source, a target never synced is created
    ///   without a metadata read; a conflict means something is there, and it is observed.
    mutating func reconcileSync(profile: String, source: SourceState, assumeAbsent: Bool = true) async -> String? {
        var source = source
        let recorded = previous?.targets[profile]
        func failTarget(_ problem: String, action: TargetAction? = nil) -> String {
            if applying {
                var target = status.targets[profile] ?? TargetStatus(role: .sync, path: path)
                target.lastError = problem
                status.targets[profile] = target
                if recorded != nil { managedTargets[profile] = managedTargets[profile] ?? path }
            }
            if let action { plan.targets.append(PlannedTarget(profile: profile, role: .sync, path: path, action: action, note: problem)) }
            return "\(profile): \(problem)"
        }
        if context.registry.isDisabled(profile) {
            plan.targets.append(
                PlannedTarget(profile: profile, role: .sync, path: path, action: .noop, note: "vault profile disabled; skipped"))
            return nil
        }
        let adapter: any VaultAdapter
        let metadata: VaultEntryMetadata?
        var optimistic = false
        do {
            adapter = try context.registry.adapter(for: profile)
            optimistic = assumeAbsent && applying && recorded == nil && adapter.capabilities.contains(.compareAndSet)
            metadata = optimistic ? nil : try await adapter.readMetadata(at: path)
        } catch {
            return failTarget("cannot read '\(path)': \(error)", action: .blocked("\(error)"))
        }
        if let metadata, let problem = ownershipProblem(metadata, profile: profile) {
            return failTarget(problem, action: .blocked(problem))
        }
        var actual: String?
        if let metadata, let mark = metadata.mark, recorded?.vaultVersion == metadata.vaultVersion, recorded?.fingerprint == mark.fingerprint {
            actual = mark.fingerprint
        } else if metadata != nil {
            do {
                actual = try await adapter.read(at: path, version: nil).map {
                    context.fingerprinter.fingerprint(type: spec.type, content: $0.content)
                }
            } catch {
                return failTarget("cannot read '\(path)': \(error)", action: .blocked("\(error)"))
            }
        }
        let owned = metadata?.mark != nil
        let action: TargetAction
        if metadata == nil {
            action = .create
        } else if !owned {
            action = .adopt
        } else if actual == source.fingerprint {
            action = .noop
        } else {
            action = .update
        }
        let drifted = owned && recorded != nil && recorded?.vaultVersion != metadata?.vaultVersion && actual != recorded?.fingerprint
        plan.targets.append(
            PlannedTarget(
                profile: profile, role: .sync, path: path, action: action, fromFingerprint: actual, toFingerprint: source.fingerprint,
                note: drifted ? "changed outside tresor; restoring" : nil))
        guard applying else { return nil }
        managedTargets[profile] = path
        guard action.changesVault else {
            status.targets[profile] = TargetStatus(
                role: .sync, path: path, fingerprint: actual, vaultVersion: metadata?.vaultVersion,
                lastSyncedAt: recorded?.lastSyncedAt ?? now)
            return nil
        }
        if drifted {
            record("drift", profile: profile, fingerprint: actual, previous: recorded?.fingerprint, vaultVersion: metadata?.vaultVersion,
                message: "sync target changed outside tresor; restoring the source's version")
        }
        do {
            let content = try await sourceContent(&source)
            let expected: ExpectedVersion = metadata.map { .version($0.vaultVersion) } ?? .absent
            let written = try await adapter.write(at: path, content: content, mark: source.mark, expected: expected)
            writes += 1
            record(action.description, profile: profile, fingerprint: source.fingerprint, previous: actual, vaultVersion: written.vaultVersion)
            status.targets[profile] = TargetStatus(
                role: .sync, path: path, fingerprint: source.fingerprint, vaultVersion: written.vaultVersion, lastSyncedAt: now)
            return nil
        } catch let error as VaultError where error.kind == .conflict && optimistic {
            plan.targets.removeLast()
            return await reconcileSync(profile: profile, source: source, assumeAbsent: false)
        } catch {
            record(action.description, profile: profile, outcome: "failure", fingerprint: source.fingerprint, message: "\(error)")
            return failTarget("cannot write '\(path)': \(error)")
        }
    }

    /// The source's values, read on demand when the fast path skipped reading them.
    func sourceContent(_ source: inout SourceState) async throws -> [String: SecretValue] {
        if let content = source.content { return content }
        guard let entry = try await source.adapter.read(at: path, version: nil) else {
            throw VaultError(.conflict, "'\(path)' disappeared from \(spec.vaultProfile) during the pass")
        }
        guard context.fingerprinter.fingerprint(type: spec.type, content: entry.content) == source.fingerprint else {
            throw VaultError(.conflict, "'\(path)' in \(spec.vaultProfile) changed during the pass")
        }
        source.content = entry.content
        return entry.content
    }

    /// Targets the secret no longer uses (dropped sync profiles, an old source after a
    /// move, an old path): deleted under `deletionPolicy: Delete`, else released. An old
    /// source is always released: a move never deletes.
    mutating func releaseDroppedTargets() async {
        let wanted = Set([spec.vaultProfile] + spec.syncVaultProfiles)
        for (profile, oldPath) in previousTargets.sorted(by: { $0.key < $1.key })
        where (!wanted.contains(profile) || oldPath != path) && !context.registry.isDisabled(profile) {
            let wasSource = previous?.sourceProfile == profile
            let delete = spec.deletionPolicy == .delete && !wasSource
            let role: TargetRole = wasSource ? .source : .sync
            plan.targets.append(
                PlannedTarget(
                    profile: profile, role: role, path: oldPath, action: delete ? .delete : .release,
                    note: wasSource ? "old source after a move" : "no longer a target"))
            guard applying else { continue }
            if delete {
                do {
                    let adapter = try context.registry.adapter(for: profile)
                    if let metadata = try await adapter.readMetadata(at: oldPath), metadata.mark?.secret == secret.name {
                        try await adapter.delete(at: oldPath)
                        writes += 1
                        record("delete", profile: profile, fingerprint: metadata.mark?.fingerprint, vaultVersion: metadata.vaultVersion)
                    }
                } catch {
                    failed = true
                    record("delete", profile: profile, outcome: "failure", message: "\(error)")
                    continue
                }
            } else {
                record("release", profile: profile, message: wasSource ? "old source after a move" : "no longer a target")
            }
            if managedTargets[profile] == oldPath { managedTargets.removeValue(forKey: profile) }
            if !wanted.contains(profile) { status.targets.removeValue(forKey: profile) }
        }
    }
}
