import Foundation
import Synchronization
import Testing
import TresorCore
import TresorVaults

@testable import TresorEngine

/// Wraps an adapter to count writes and deletes, and to fail on demand.
final class CountingAdapter: VaultAdapter {
    let inner: any VaultAdapter
    private let state = Mutex<(writes: Int, deletes: Int, reads: Int, failing: Bool)>((0, 0, 0, false))

    init(_ inner: any VaultAdapter) {
        self.inner = inner
    }

    var writes: Int { state.withLock { $0.writes } }
    var deletes: Int { state.withLock { $0.deletes } }
    var contentReads: Int { state.withLock { $0.reads } }
    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }
    func resetCounts() { state.withLock { $0 = (0, 0, 0, $0.failing) } }

    private func check() throws {
        if state.withLock({ $0.failing }) { throw VaultError(.unavailable, "vault unreachable (test)") }
    }

    var capabilities: VaultCapabilities { inner.capabilities }

    func readMetadata(at path: String) async throws -> VaultEntryMetadata? {
        try check()
        return try await inner.readMetadata(at: path)
    }

    func read(at path: String, version: String?) async throws -> VaultEntry? {
        try check()
        state.withLock { $0.reads += 1 }
        return try await inner.read(at: path, version: version)
    }

    func write(at path: String, content: [String: SecretValue], mark: OwnershipMark, expected: ExpectedVersion) async throws
        -> VaultEntryMetadata
    {
        try check()
        state.withLock { $0.writes += 1 }
        return try await inner.write(at: path, content: content, mark: mark, expected: expected)
    }

    func delete(at path: String) async throws {
        try check()
        state.withLock { $0.deletes += 1 }
        try await inner.delete(at: path)
    }

    func listManaged() async throws -> [VaultEntryMetadata] { try await inner.listManaged() }
}

/// A temporary state directory with local vaults for the profiles the manifests
/// declare, each wrapped in a ``CountingAdapter``.
struct EngineHarness {
    let root: URL
    let store: StateStore
    var locals: [String: LocalAdapter] = [:]
    var adapters: [String: CountingAdapter] = [:]
    var environment: [String: String] = [:]

    init(profiles: [String]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-engine-\(UUID().uuidString)")
        store = try StateStore(root: root.path + "/state")
        for profile in profiles {
            let local = try LocalAdapter(directory: store.localVaultDirectory(profile: profile), keyFile: store.localKeyPath)
            locals[profile] = local
            adapters[profile] = CountingAdapter(local)
        }
    }

    /// Removes the directory, after checking that the audit log the test left holds its chain.
    func cleanUp() {
        if let bytes = try? AtomicFile.read(store.auditPath), let problem = AuditChain.verify(bytes).problem {
            Issue.record("the audit log's chain breaks at line \(problem.line): \(problem.reason)")
        }
        try? FileManager.default.removeItem(at: root)
    }

    var totalWrites: Int { adapters.values.reduce(0) { $0 + $1.writes + $1.deletes } }

    func resetCounts() { adapters.values.forEach { $0.resetCounts() } }

    /// Loads manifests from text; fails the test on any error.
    static func desired(_ yaml: String, file: String = "/manifests/test.yaml") throws -> DesiredState {
        let result = ManifestLoader().load([ManifestFile(path: file, bytes: Array(yaml.utf8))])
        guard result.isValid else {
            throw HarnessError(description: result.errors.map(\.description).joined(separator: "\n"))
        }
        return result.state
    }

    func engine(allowMassDelete: Bool = false, actor: String = "test") throws -> Engine {
        Engine(
            store: store, registry: VaultRegistry(adapters: adapters), fingerprinter: try store.fingerprinter(),
            resolver: ValueResolver(environment: environment),
            options: Engine.Options(actor: actor, allowMassDelete: allowMassDelete, concurrency: 8))
    }

    @discardableResult
    func apply(_ desired: DesiredState, now: Date = Date(), allowMassDelete: Bool = false) async throws -> Engine.Report {
        try await engine(allowMassDelete: allowMassDelete).apply(desired, now: now)
    }

    func plan(_ desired: DesiredState, now: Date = Date()) async throws -> Engine.Report {
        try await engine().plan(desired, now: now)
    }

    func content(_ profile: String, _ path: String) async throws -> [String: String]? {
        try await locals[profile]!.read(at: path, version: nil)?.content.mapValues { $0.reveal() }
    }

    func status(_ name: String) throws -> SecretStatus? { try store.readStatus(name) }

    func auditLines() throws -> [String] {
        guard let bytes = try AtomicFile.read(store.auditPath) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Every file under the state directory except vault files, as text.
    func stateText() throws -> String {
        var text = ""
        let enumerator = FileManager.default.enumerator(atPath: store.root)
        while let relative = enumerator?.nextObject() as? String {
            guard !relative.hasPrefix("vaults"), !relative.hasSuffix(".key") else { continue }
            if let bytes = try? AtomicFile.read(store.root + "/" + relative) { text += String(decoding: bytes, as: UTF8.self) }
        }
        return text
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
}

/// `count` profiles named p0, p1… as YAML.
func localProfiles(_ names: [String]) -> String {
    names.map {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: \($0)}
        spec:
          provider:
            local: {}
        ---

        """
    }.joined()
}
