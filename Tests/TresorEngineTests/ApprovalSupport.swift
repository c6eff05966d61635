import Foundation
import Testing
import TresorCore

@testable import TresorEngine

/// Manifests and helpers shared by the approval tests.
enum ApprovalFixture {
    /// Local profiles; those in `gated` carry the approval profile `review`.
    static func profiles(_ names: [String], gated: Set<String>) -> String {
        names.map { name in
            """
            apiVersion: tresor.dev/v1alpha1
            kind: VaultProfile
            metadata: {name: \(name)}
            spec:
              provider:
                local: {}
            \(gated.contains(name) ? "  approvalProfile: review" : "")
            ---

            """
        }.joined()
    }

    static func review(required: Int = 2, approvers: [String] = ["alice", "bob", "carol"], selfApproval: Bool = false, expiresAfter: String? = nil)
        -> String
    {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: ApprovalProfile
        metadata: {name: review}
        spec:
          requiredApprovals: \(required)
          approvers: [\(approvers.joined(separator: ", "))]
          allowSelfApproval: \(selfApproval)
        \(expiresAfter.map { "  expiresAfter: \($0)" } ?? "")
        ---

        """
    }

    static func secret(
        _ name: String, value: String, source: String = "main", sync: [String] = [], policy: String = "Retain",
        annotations: String = "{}"
    ) -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: \(name), annotations: \(annotations)}
        spec:
          type: apiKey
          vaultProfile: \(source)
          syncVaultProfiles: [\(sync.joined(separator: ", "))]
          deletionPolicy: \(policy)
          allowInlineValues: true
          content: {content: \(value)}
        ---

        """
    }
}

extension EngineHarness {
    func engine(requester: String) throws -> Engine {
        Engine(
            store: store, registry: VaultRegistry(adapters: adapters), fingerprinter: try store.fingerprinter(),
            resolver: ValueResolver(environment: environment),
            options: Engine.Options(actor: requester, concurrency: 8, requester: .identity(requester)))
    }

    /// An apply pass requested by `requester` (dave unless said otherwise: not an approver).
    @discardableResult
    func apply(_ yaml: String, as requester: String = "dave", now: Date = Date()) async throws -> Engine.Report {
        try await engine(requester: requester).apply(try EngineHarness.desired(yaml), now: now)
    }

    var approvals: ApprovalService { ApprovalService(stateStore: store) }

    /// Applies `yaml` (requested by dave); when changes wait, alice and bob approve those of
    /// `secrets` and it is applied again, with nothing left waiting.
    func applyApproved(_ yaml: String, secrets: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let report = try await apply(yaml)
        guard !report.heldForApproval.isEmpty else { return }
        for secret in secrets {
            _ = try decide(secret, .approve, as: "alice")
            _ = try decide(secret, .approve, as: "bob")
        }
        let again = try await apply(yaml)
        #expect(again.heldForApproval.isEmpty, "\(again.plans.map { $0.approval?.message ?? "" })", sourceLocation: sourceLocation)
    }

    func decide(_ secret: String, _ verdict: ApprovalDecision.Verdict, as identity: String, request: String? = nil, now: Date = Date())
        throws -> ApprovalRequest
    {
        try approvals.decide(secret: secret, requestID: request, verdict: verdict, identity: identity, comment: nil, now: now)
    }

    func latestRequest(_ secret: String) throws -> ApprovalRequest? { try approvals.store.read(secret).latest }
}
