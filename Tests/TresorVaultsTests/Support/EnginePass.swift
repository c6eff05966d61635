import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// One apply pass of the engine over manifests given as text, as the suites that run
/// whole passes against real servers (OpenBao, moto) need it.
enum EnginePass {
    static func apply(
        _ yaml: String, state: URL, store: StateStore, environment: [String: String], http: any HTTPClient,
        options: Engine.Options, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async throws -> Engine.Report {
        let result = ManifestLoader().load([ManifestFile(path: state.path + "/m.yaml", bytes: Array(yaml.utf8))])
        #expect(result.isValid, "\(result.errors)", sourceLocation: sourceLocation)
        let engine = Engine(
            store: store,
            registry: VaultRegistry(profiles: result.state.vaultProfiles, store: store, http: http, environment: environment),
            fingerprinter: try store.fingerprinter(), resolver: ValueResolver(environment: environment), options: options)
        let report = try await engine.apply(result.state, now: Date())
        // Every status, inventory and approvals file the pass left, read by PyYAML and ruamel.yaml.
        try await YAMLReaders.expectReadAlike(under: state.path, sourceLocation: sourceLocation)
        if let bytes = try AtomicFile.read(store.auditPath), let problem = AuditChain.verify(bytes).problem {
            Issue.record("the audit log's chain breaks at line \(problem.line): \(problem.reason)", sourceLocation: sourceLocation)
        }
        return report
    }
}
