import Foundation
import TresorCore

/// Get content, the fourth operation: reads a secret's values from its source vault
/// (a recorded version where the vault keeps them) and audits the access.
public struct ContentReader: Sendable {
    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    let store: StateStore
    let registry: VaultRegistry

    public init(store: StateStore, registry: VaultRegistry) {
        self.store = store
        self.registry = registry
    }

    public func read(secret name: String, desired: DesiredState, version: Int?, actor: String, now: Date) async throws
        -> [String: SecretValue]
    {
        guard let secret = desired.secrets[name] else {
            throw ReadError(description: "Secret '\(name)' is not declared in the given manifests")
        }
        let status = try store.readStatus(name)
        var profile = secret.spec.vaultProfile
        var vaultVersion: String?
        if let version {
            guard let recorded = status?.versions.first(where: { $0.number == version }) else {
                let known = status?.versions.map { String($0.number) }.joined(separator: ", ") ?? "none"
                throw ReadError(description: "Secret '\(name)' has no version \(version); recorded versions: \(known)")
            }
            profile = recorded.vaultProfile
            vaultVersion = recorded.vaultVersion
            if vaultVersion == nil {
                throw ReadError(description: "version \(version) of Secret '\(name)' has no vault version id; \(profile) cannot return it")
            }
        }
        let adapter = try registry.adapter(for: profile)
        let path = secret.vaultPath
        let audit = try store.auditLog()
        defer { audit.sync() }
        func event(_ outcome: String, _ message: String? = nil) -> AuditEvent {
            AuditEvent(
                time: now, actor: actor, secret: name, vaultProfile: profile, operation: "read", outcome: outcome,
                vaultVersion: vaultVersion, message: message ?? version.map { "version \($0)" })
        }
        do {
            guard let entry = try await adapter.read(at: path, version: vaultVersion) else {
                audit.append([event("notFound")])
                throw ReadError(
                    description: version == nil
                        ? "Secret '\(name)' is not in \(profile) at '\(path)'; run `tresor apply` first"
                        : "\(profile) no longer keeps version \(version!) of Secret '\(name)'")
            }
            // Only what tresor wrote (or adopted, which marks it) for this secret is printed; an
            // external secret's source is the vault's own and is read once tresor recorded it.
            let recorded = status?.targets[profile] != nil
            if let mark = entry.metadata.mark, mark.secret != name {
                audit.append([event("refused", "belongs to Secret '\(mark.secret)'")])
                throw ReadError(description: "'\(path)' in \(profile) belongs to Secret '\(mark.secret)'; nothing is printed")
            }
            if entry.metadata.mark == nil, !(secret.spec.isExternal && recorded) {
                audit.append([event("refused", "not written or adopted by tresor")])
                throw ReadError(
                    description: "'\(path)' in \(profile) carries no tresor mark for Secret '\(name)': tresor did not write or adopt "
                        + "it, so nothing is printed. Set spec.adopt: true and apply to take it over")
            }
            // Fail closed: the value leaves only once its read is on record.
            do {
                try audit.appendDurably([event("success")])
            } catch {
                throw ReadError(description: "\(error); nothing is printed")
            }
            return entry.content
        } catch let error as ReadError {
            throw error
        } catch {
            audit.append([event("failure", "\(error)")])
            throw error
        }
    }

    public static func json(_ content: [String: SecretValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let plain = content.mapValues { $0.reveal() }
        return String(decoding: (try? encoder.encode(plain)) ?? Data(), as: UTF8.self)
    }

    /// `field: value` lines, values quoted where YAML needs it.
    public static func text(_ content: [String: SecretValue]) -> String {
        content.sorted { $0.key < $1.key }.map { "\($0.key): \(StatusCoding.quoteIfNeeded($0.value.reveal()))" }
            .joined(separator: "\n") + "\n"
    }
}
