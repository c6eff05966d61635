import Foundation
import TresorCore

/// What the source holds (or will hold) after its step, for the sync targets.
struct SourceState {
    var adapter: any VaultAdapter
    /// Nil in a plan whose source write would generate new values.
    var fingerprint: String?
    /// Nil on the fast path until a sync target needs the values.
    var content: [String: SecretValue]?
    var mark: OwnershipMark
}

extension SecretReconciler {
    /// - Parameter assumeAbsent: skip the metadata read for a secret tresor has never
    ///   recorded and create it with `ExpectedVersion.absent`: the vault's own
    ///   compare-and-set proves the path empty. If anything is there, the create fails
    ///   with a conflict and the source is observed as usual.
    mutating func reconcileSource(assumeAbsent: Bool = true) async throws -> SourceState {
        let profile = spec.vaultProfile
        let adapter: any VaultAdapter
        do {
            adapter = try context.registry.adapter(for: profile)
        } catch {
            throw ReconcileFailure(reason: .sourceFailed, message: "\(error)")
        }
        let optimistic = assumeAbsent && applying && previous == nil && !spec.isExternal
            && adapter.capabilities.contains(.compareAndSet)
        let metadata: VaultEntryMetadata?
        do {
            metadata = optimistic ? nil : try await adapter.readMetadata(at: path)
        } catch {
            throw ReconcileFailure(reason: .sourceFailed, message: "cannot read '\(path)' in \(profile): \(error)")
        }
        // An external secret's source is the vault's own: tresor only reads it, so it
        // needs no mark there and never writes one.
        if let metadata, !spec.isExternal, let problem = ownershipProblem(metadata, profile: profile) {
            plan.targets.append(PlannedTarget(profile: profile, role: .source, path: path, action: .blocked(problem)))
            throw ReconcileFailure(reason: .notOwned, message: problem)
        }
        let inputs = try resolveInputs()
        let owned = metadata?.mark != nil || spec.isExternal
        let rotationDue = isRotationDue(metadata?.mark, generators: inputs.generators)

        if let metadata, let mark = metadata.mark, let digest = inputs.digest, !rotationDue,
            previous?.appliedInputs == digest, previous?.sourceProfile == profile, mark.generators == inputs.generatorDigests,
            let recorded = previous?.targets[profile], recorded.vaultVersion == metadata.vaultVersion,
            recorded.fingerprint == mark.fingerprint
        {
            // Nothing declared changed and nobody wrote the source since tresor did.
            plan.targets.append(
                PlannedTarget(
                    profile: profile, role: .source, path: path, action: .noop, fromFingerprint: mark.fingerprint,
                    toFingerprint: mark.fingerprint))
            if applying { managedTargets[profile] = path }
            try await checkUnchangedCompliance(adapter: adapter, fingerprint: mark.fingerprint)
            return SourceState(adapter: adapter, fingerprint: mark.fingerprint, content: nil, mark: mark)
        }

        if spec.isExternal, let metadata, let recorded = previous?.targets[profile], let fingerprint = recorded.fingerprint,
            previous?.sourceProfile == profile, recorded.vaultVersion != nil, recorded.vaultVersion == metadata.vaultVersion
        {
            // The source's version is the one last read: its content is unchanged.
            plan.targets.append(
                PlannedTarget(profile: profile, role: .source, path: path, action: .noop, fromFingerprint: fingerprint, toFingerprint: fingerprint))
            if applying { managedTargets[profile] = path }
            let mark = OwnershipMark(secret: secret.name, type: spec.type, fingerprint: fingerprint)
            try await checkUnchangedCompliance(adapter: adapter, fingerprint: fingerprint)
            return SourceState(adapter: adapter, fingerprint: fingerprint, content: nil, mark: mark)
        }

        var current: VaultEntry?
        if metadata != nil {
            do {
                current = try await adapter.read(at: path, version: nil)
            } catch {
                throw ReconcileFailure(reason: .sourceFailed, message: "cannot read '\(path)' in \(profile): \(error)")
            }
        }
        let currentFingerprint = current.map { context.fingerprinter.fingerprint(type: spec.type, content: $0.content) }
        if let current, let currentFingerprint, owned {
            noteSourceContent(fingerprint: currentFingerprint, metadata: current.metadata, profile: profile)
        }

        var desired = inputs.resolved
        var generatedFields: [String] = []
        var generatedAt = metadata?.mark?.generatedAt
        if spec.isExternal {
            guard let current else {
                throw ReconcileFailure(
                    reason: .externalMissing,
                    message: "external secret: nothing is at '\(path)' in \(profile); create it there, or declare spec.content")
            }
            desired = current.content
        } else {
            for (field, generator) in inputs.generators.sorted(by: { $0.key < $1.key }) {
                let existing = current?.content[field]
                let existingDigest = metadata?.mark?.generators[field]
                if let existing, !rotationDue, existingDigest == nil || existingDigest == inputs.generatorDigests[field] {
                    desired[field] = existing
                } else {
                    generatedFields.append(field)
                    if applying {
                        do {
                            desired[field] = try ValueGenerator.generate(generator)
                        } catch {
                            throw ReconcileFailure(reason: .resolveFailed, message: "Secret '\(secret.name)' field '\(field)': \(error)")
                        }
                    }
                }
            }
            if !generatedFields.isEmpty { generatedAt = now }
        }
        plan.generatedFields = generatedFields
        let pendingGeneration = !applying && !generatedFields.isEmpty
        let desiredFingerprint = pendingGeneration ? nil : context.fingerprinter.fingerprint(type: spec.type, content: desired)

        let action: TargetAction
        if current == nil {
            action = .create
        } else if !owned {
            action = .adopt
        } else if desiredFingerprint == currentFingerprint {
            action = .noop
        } else {
            action = .update
        }
        let changed = Array(Set(changedFields(from: current?.content ?? [:], to: desired) + generatedFields)).sorted()
        plan.targets.append(
            PlannedTarget(
                profile: profile, role: .source, path: path, action: action, fromFingerprint: currentFingerprint,
                toFingerprint: desiredFingerprint, changedFields: action == .noop ? [] : changed,
                note: generatedFields.isEmpty ? nil : "generates \(generatedFields.joined(separator: ", "))"))
        try checkCompliance(
            desired: desired, generators: inputs.generators, fingerprint: desiredFingerprint,
            writes: action.changesVault || (spec.isExternal && !spec.syncVaultProfiles.isEmpty))
        let approved = try gateApproval(
            action: action, inputs: inputs, desiredFingerprint: desiredFingerprint, currentFingerprint: currentFingerprint,
            generatedFields: generatedFields, rotationDue: rotationDue)
        let mark = OwnershipMark(
            secret: secret.name, type: spec.type, fingerprint: desiredFingerprint ?? "", generators: inputs.generatorDigests,
            generatedAt: generatedAt)
        guard applying, let desiredFingerprint else {
            return SourceState(adapter: adapter, fingerprint: desiredFingerprint, content: desired, mark: mark)
        }

        if action.changesVault {
            managedTargets[profile] = path
            let expected: ExpectedVersion = current.map { .version($0.metadata.vaultVersion) } ?? .absent
            let written: VaultEntryMetadata
            do {
                written = try await adapter.write(at: path, content: desired, mark: mark, expected: expected)
                writes += 1
            } catch let error as VaultError where error.kind == .conflict && optimistic {
                // Something is at the path after all: observe it and decide again.
                plan.targets.removeLast()
                return try await reconcileSource(assumeAbsent: false)
            } catch let error as VaultError where error.kind == .conflict {
                record(action.description, profile: profile, outcome: "conflict", fingerprint: desiredFingerprint, message: error.message)
                throw ReconcileFailure(
                    reason: .sourceFailed,
                    message: "'\(path)' in \(profile) changed while tresor was writing it; the next pass observes it again")
            } catch {
                record(action.description, profile: profile, outcome: "failure", fingerprint: desiredFingerprint, message: "\(error)")
                throw ReconcileFailure(reason: .sourceFailed, message: "cannot write '\(path)' to \(profile): \(error)")
            }
            status.appendVersion(fingerprint: desiredFingerprint, vaultProfile: profile, vaultVersion: written.vaultVersion, at: now)
            record(
                action.description, profile: profile, fingerprint: desiredFingerprint, previous: currentFingerprint,
                vaultVersion: written.vaultVersion, message: generatedFields.isEmpty ? nil : "generated \(generatedFields.joined(separator: ", "))")
            status.targets[profile] = TargetStatus(
                role: .source, path: path, fingerprint: desiredFingerprint, vaultVersion: written.vaultVersion, lastSyncedAt: now)
        } else if let current {
            managedTargets[profile] = path
            status.targets[profile] = TargetStatus(
                role: .source, path: path, fingerprint: currentFingerprint, vaultVersion: current.metadata.vaultVersion,
                lastSyncedAt: previous?.targets[profile]?.lastSyncedAt ?? now)
        }
        completeApproval(approved)
        status.appliedInputs = inputs.digest
        return SourceState(adapter: adapter, fingerprint: desiredFingerprint, content: desired, mark: mark)
    }

    /// Records a version for source content that the history does not describe: an
    /// outside write (drift), a write whose status an interrupted run never recorded, or
    /// content found in a new source profile.
    mutating func noteSourceContent(fingerprint: String, metadata: VaultEntryMetadata, profile: String) {
        guard applying else { return }
        let latest = status.latestVersion
        guard latest?.fingerprint != fingerprint || latest?.vaultProfile != profile else { return }
        status.appendVersion(fingerprint: fingerprint, vaultProfile: profile, vaultVersion: metadata.vaultVersion, at: now)
        let cause: String
        if latest == nil {
            cause = "first seen"
        } else if latest?.vaultProfile != profile {
            cause = "source moved from \(latest?.vaultProfile ?? "?") to \(profile)"
        } else if metadata.mark?.fingerprint == fingerprint {
            cause = "written by an interrupted run; recorded now"
        } else {
            cause = "changed outside tresor (drift)"
        }
        let operation = cause.hasPrefix("changed outside") ? "drift" : "observe"
        record(operation, profile: profile, fingerprint: fingerprint, previous: latest?.fingerprint, vaultVersion: metadata.vaultVersion, message: cause)
    }

    struct Inputs {
        var resolved: [String: SecretValue] = [:]
        var generators: [String: Generator] = [:]
        var generatorDigests: [String: String] = [:]
        /// Keyed digest of everything declared; nil for external secrets.
        var digest: String?
    }

    func resolveInputs() throws -> Inputs {
        var inputs = Inputs()
        guard let content = spec.content else { return inputs }
        let baseDirectory = (secret.origin.location.file as NSString).deletingLastPathComponent
        for (field, source) in content.fields {
            if case .generate(let generator) = source {
                inputs.generators[field] = generator
                inputs.generatorDigests[field] = GeneratorDigest.digest(generator)
                continue
            }
            do {
                inputs.resolved[field] = try context.resolver.resolve(source, secret: secret.name, field: field, baseDirectory: baseDirectory)
            } catch {
                throw ReconcileFailure(reason: .resolveFailed, message: "\(error)")
            }
        }
        var described = inputs.resolved
        for (field, digest) in inputs.generatorDigests { described[field] = SecretValue("generate:" + digest) }
        inputs.digest = context.fingerprinter.fingerprint(type: spec.type, content: described)
        return inputs
    }

    func isRotationDue(_ mark: OwnershipMark?, generators: [String: Generator]) -> Bool {
        guard let rotation = spec.rotation, !generators.isEmpty, let generatedAt = mark?.generatedAt else { return false }
        return generatedAt.addingTimeInterval(TimeInterval(rotation.every.seconds)) <= now
    }

    /// Names of fields added, removed or changed, compared by keyed per-field digest.
    func changedFields(from old: [String: SecretValue], to new: [String: SecretValue]) -> [String] {
        Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
    }
}
