import Foundation
import TresorCore

/// The execute stage: performs the actions the gate let through, source first, then the
/// sync targets, then the places the secret leaves (deletes too act on the source first).
/// Generated values are made here, right before the write, so that a plan or a held
/// request never holds a value. Compare-and-set on every write: a target that changed
/// since it was observed is not overwritten.
struct Executor: Sendable {
    let registry: VaultRegistry
    let fingerprinter: Fingerprinter
    let actor: String
    let now: Date

    struct Result: Sendable {
        /// Metadata of each successful write, by target.
        var written: [TargetKey: VaultEntryMetadata] = [:]
        /// The content fingerprint written (after generation).
        var fingerprint: String?
        var generatedAt: Date?
        var audit: [AuditEvent] = []
        var writes = 0
        /// A create planned without a read found something there: observe again.
        var conflictOnAssumedAbsent = false
    }

    func execute(_ planned: inout PlannedSecret, secret: Secret?) async -> Result {
        var result = Result()
        var content = planned.content
        let name = planned.plan.secret
        var sourceFailed: String?
        for index in planned.plan.targets.indices {
            let line = planned.plan.targets[index]
            guard line.runs else {
                if let hold = line.hold { planned.plan.targets[index].outcome = .skipped(hold.message) }
                continue
            }
            if let sourceFailed {
                planned.plan.targets[index].outcome = .skipped("not attempted: \(sourceFailed)")
                continue
            }
            let key = TargetKey(profile: line.profile, path: line.path)
            let outcome: TargetOutcome
            switch line.action {
            case .create, .update, .adopt, .move:
                guard let secret else { continue }
                outcome = await write(line, key: key, secret: secret, content: &content, planned: planned, into: &result)
                if result.conflictOnAssumedAbsent { return result }
            case .delete:
                outcome = await delete(line, key: key, name: name, into: &result)
            case .release:
                result.audit.append(event(name, "release", profile: line.profile, message: line.note))
                outcome = .done
            case .noop, .blocked:
                continue
            }
            planned.plan.targets[index].outcome = outcome
            if outcome == .done, line.action.writes { planned.plan.targets[index].toFingerprint = result.fingerprint }
            if case .failed(let message) = outcome, line.role == .source, line.action.writes {
                sourceFailed = "the source write failed (\(message))"
            }
        }
        planned.content = content
        return result
    }

    private func write(
        _ line: PlannedTarget, key: TargetKey, secret: Secret, content: inout PlannedContent?, planned: PlannedSecret,
        into result: inout Result
    ) async -> TargetOutcome {
        let name = secret.name
        do {
            guard var values = content?.values else { throw VaultError(.invalidRequest, "no content was planned") }
            if content?.complete == false {
                values = try await sourceValues(secret, expected: content?.fingerprint)
                content?.values = values
                content?.complete = true
            }
            if let generate = content?.generate, !generate.isEmpty {
                for (field, generator) in generate.sorted(by: { $0.key < $1.key }) {
                    do {
                        values[field] = try ValueGenerator.generate(generator)
                    } catch {
                        throw VaultError(.invalidRequest, "Secret '\(name)' field '\(field)': \(error)")
                    }
                }
                content?.values = values
                content?.generate = [:]
                content?.fingerprint = fingerprinter.fingerprint(type: secret.spec.type, content: values)
                content?.generatedAt = now
            }
            let fingerprint = content?.fingerprint ?? fingerprinter.fingerprint(type: secret.spec.type, content: values)
            let mark = OwnershipMark(
                secret: name, type: secret.spec.type, fingerprint: fingerprint, generators: content?.generatorDigests ?? [:],
                generatedAt: content?.generatedAt)
            let adapter = try registry.adapter(for: line.profile)
            let written: VaultEntryMetadata
            do {
                let observed: String? = { if case .version(let version) = line.expected { version } else { nil } }()
                if line.marksOnly, let marked = try await adapter.markOnly(at: line.path, mark: mark, version: observed) {
                    written = marked
                } else {
                    written = try await adapter.write(at: line.path, content: values, mark: mark, expected: line.expected)
                }
            } catch let error as VaultError where error.kind == .conflict && line.assumedAbsent {
                result.conflictOnAssumedAbsent = true
                return .skipped("something is at '\(line.path)' in \(line.profile) after all; observed again")
            } catch let error as VaultError where error.kind == .conflict {
                throw VaultError(
                    .conflict, "'\(line.path)' in \(line.profile) changed while tresor was writing it; the next pass observes it again")
            }
            result.writes += 1
            result.written[key] = written
            result.fingerprint = fingerprint
            result.generatedAt = content?.generatedAt
            let generated = planned.plan.generatedFields
            result.audit.append(
                event(
                    name, line.action.description, profile: line.profile, fingerprint: fingerprint, previous: line.fromFingerprint,
                    vaultVersion: written.vaultVersion,
                    message: line.role == .source && !generated.isEmpty ? "generated \(generated.joined(separator: ", "))" : nil))
            return .done
        } catch {
            let message = line.action == .move || line.role == .source
                ? "cannot write '\(line.path)' to \(line.profile): \(error)" : "cannot write '\(line.path)': \(error)"
            result.audit.append(event(name, line.action.description, profile: line.profile, outcome: "failure", message: "\(error)"))
            return .failed(message)
        }
    }

    private func delete(_ line: PlannedTarget, key: TargetKey, name: String, into result: inout Result) async -> TargetOutcome {
        do {
            let adapter = try registry.adapter(for: line.profile)
            try await adapter.delete(at: line.path)
            result.writes += 1
            result.audit.append(event(name, "delete", profile: line.profile, fingerprint: line.fromFingerprint))
            return .done
        } catch {
            result.audit.append(event(name, "delete", profile: line.profile, outcome: "failure", message: "\(error)"))
            return .failed("cannot delete '\(line.path)' in \(line.profile): \(error)")
        }
    }

    /// The source's values, read when the fast path skipped them and a copy needs them.
    private func sourceValues(_ secret: Secret, expected: String?) async throws -> [String: SecretValue] {
        let path = secret.vaultPath
        let adapter = try registry.adapter(for: secret.spec.vaultProfile)
        guard let entry = try await adapter.read(at: path, version: nil) else {
            throw VaultError(.conflict, "'\(path)' disappeared from \(secret.spec.vaultProfile) during the pass")
        }
        guard fingerprinter.fingerprint(type: secret.spec.type, content: entry.content) == expected else {
            throw VaultError(.conflict, "'\(path)' in \(secret.spec.vaultProfile) changed during the pass")
        }
        return entry.content
    }

    private func event(
        _ secret: String, _ operation: String, profile: String?, outcome: String = "success", fingerprint: String? = nil,
        previous: String? = nil, vaultVersion: String? = nil, message: String? = nil
    ) -> AuditEvent {
        AuditEvent(
            time: now, actor: actor, secret: secret, vaultProfile: profile, operation: operation, outcome: outcome,
            fingerprint: fingerprint, previousFingerprint: previous, vaultVersion: vaultVersion, message: message)
    }
}
