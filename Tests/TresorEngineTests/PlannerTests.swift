import Foundation
import Testing
import TresorTestSupport
import TresorCore

@testable import TresorEngine

/// The planner and the gate, table-driven and in memory: no disk, no vault, no clock.
/// Each row is a role the target plays (source, sync target, pruned target, the new
/// source of a move) and what the target holds (absent, the same content, other content,
/// a foreign unmarked secret, unreachable), planned with and without an approval profile
/// on the target's vault profile.
@Suite struct PlannerTests {
    enum Role: String, CaseIterable, Sendable { case source, sync, pruned, move }
    enum Held: String, CaseIterable, Sendable { case absent, same, different, foreign, unreachable }

    static let fingerprinter = Fingerprinter(key: Array(repeating: 7, count: 32))
    static let now = Date(timeIntervalSince1970: 1_900_000_000)
    static let desiredValues = ["content": SecretValue("desired-value-1")]
    static let otherValues = ["content": SecretValue("other-value-2")]

    static func fingerprint(_ values: [String: SecretValue]) -> String { fingerprinter.fingerprint(type: .apiKey, content: values) }

    /// The secret as declared for each role: `s` in `main` (or `next` for a move), synced to `copy`.
    static func secret(_ role: Role) throws -> Secret? {
        guard role != .pruned else { return nil }
        let yaml = localProfiles(["main", "copy", "next"]) + """
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: s}
            spec:
              type: apiKey
              vaultProfile: \(role == .move ? "next" : "main")
              syncVaultProfiles: [\(role == .sync ? "copy" : "")]
              deletionPolicy: Delete
              allowInlineValues: true
              content: {content: desired-value-1}
            """
        return try EngineHarness.desired(yaml).secrets["s"]
    }

    /// What tresor recorded before the pass: version 1 of the desired content in `main`,
    /// and in `copy` for the sync and prune rows.
    static func previous(_ role: Role) -> SecretStatus? {
        guard role != .source else { return nil }
        var status = SecretStatus(name: "s", type: .apiKey, sourceProfile: "main")
        status.state = .active
        status.appendVersion(fingerprint: fingerprint(desiredValues), vaultProfile: "main", vaultVersion: "1", at: now)
        status.targets["main"] = TargetStatus(role: .source, path: "s", fingerprint: fingerprint(desiredValues), vaultVersion: "1")
        if role == .sync || role == .pruned {
            status.targets["copy"] = TargetStatus(role: .sync, path: "s", fingerprint: fingerprint(desiredValues), vaultVersion: "1")
        }
        return status
    }

    static func observed(_ held: Held, vaultVersion: String = "1") -> TargetObservation {
        func entry(_ values: [String: SecretValue], mark: Bool) -> TargetObservation {
            let fp = fingerprint(values)
            return .present(
                ObservedEntry(
                    metadata: VaultEntryMetadata(
                        path: "s", vaultVersion: vaultVersion, mark: mark ? OwnershipMark(secret: "s", type: .apiKey, fingerprint: fp) : nil),
                    content: values, fingerprint: fp))
        }
        switch held {
        case .absent: return .absent
        case .same: return entry(desiredValues, mark: true)
        case .different: return entry(otherValues, mark: true)
        case .foreign: return entry(otherValues, mark: false)
        case .unreachable: return .unreachable("cannot read 's' (test: connection refused)")
        }
    }

    /// The target of the row: where `held` is observed.
    static func target(_ role: Role) -> TargetKey {
        switch role {
        case .source, .pruned: TargetKey(profile: role == .pruned ? "copy" : "main", path: "s")
        case .sync: TargetKey(profile: "copy", path: "s")
        case .move: TargetKey(profile: "next", path: "s")
        }
    }

    static func plan(_ role: Role, _ held: Held) throws -> PlannedSecret {
        let secret = try Self.secret(role)
        var observation = SecretObservation()
        let managed: [String: String]
        switch role {
        case .source: managed = [:]
        case .sync: managed = ["main": "s", "copy": "s"]
        case .pruned: managed = ["main": "s", "copy": "s"]
        case .move: managed = ["main": "s"]
        }
        if role != .source { observation.targets[TargetKey(profile: "main", path: "s")] = observed(.same) }
        observation.targets[target(role)] = observed(held, vaultVersion: role == .source || role == .move ? "1" : "2")
        let inputs = try secret.map { try DeclaredInputs.resolve($0, resolver: ValueResolver(environment: [:]), fingerprinter: fingerprinter) }
        let scope = Observer.Scope(
            name: "s", secret: secret, inputs: inputs, previous: previous(role), managed: managed, assumeAbsent: false, now: now)
        return Planner.plan(Planner.Input(scope: scope, observation: observation, fingerprinter: fingerprinter, removedPolicy: .delete))
    }

    static let expected: [Role: [Held: String]] = [
        .source: [.absent: "create", .same: "noop", .different: "update", .foreign: "blocked", .unreachable: "blocked"],
        .sync: [.absent: "create", .same: "noop", .different: "update", .foreign: "blocked", .unreachable: "blocked"],
        .pruned: [.absent: "noop", .same: "delete", .different: "delete", .foreign: "noop", .unreachable: "blocked"],
        .move: [.absent: "move", .same: "noop", .different: "move", .foreign: "blocked", .unreachable: "blocked"],
    ]

    static var rows: [(Role, Held)] { Role.allCases.flatMap { role in Held.allCases.map { (role, $0) } } }

    @Test(arguments: rows)
    func eachTargetGetsOneActionForWhatItHolds(role: Role, held: Held) throws {
        let planned = try Self.plan(role, held)
        let key = Self.target(role)
        let line = try #require(planned.plan.targets.first { $0.profile == key.profile && $0.path == key.path })
        #expect(line.action.description == Self.expected[role]?[held])
        if held == .unreachable { #expect(line.transient) }
        if role == .sync, held == .different { #expect(line.drift != nil) }
        if role == .source, held == .foreign { #expect(planned.failure?.reason == .notOwned) }
        if role == .move, line.action.writes { #expect(line.toFingerprint == Self.fingerprint(Self.desiredValues)) }
    }

    @Test func prunedSecretsDeleteTheSourceFirst() throws {
        let planned = try Self.plan(.pruned, .same)
        #expect(planned.plan.targets.map(\.profile) == ["main", "copy"])
        #expect(planned.plan.targets.first?.role == .source)
    }

    static func review() throws -> ApprovalProfile {
        try #require(try EngineHarness.desired(ApprovalFixture.review()).approvalProfiles["review"])
    }

    static func gate(_ planned: PlannedSecret, role: Role, gated: Bool) throws -> Gate.Decision {
        let profiles = gated ? [target(role).profile: try review()] : [:]
        return Gate.decide(
            Gate.Input(
                planned: planned, secret: try secret(role), previous: previous(role), approvals: gated ? ApprovalFile() : nil,
                approvalProfiles: profiles, compliance: ComplianceSetup(), requester: "dave", generation: "g1", now: now,
                newRequestID: "s~00000001", seal: ApprovalSeal(key: Array(repeating: 9, count: 32))))
    }

    @Test(arguments: rows)
    func theGateHoldsExactlyTheChangesInAGatedProfile(role: Role, held: Held) throws {
        let planned = try Self.plan(role, held)
        let key = Self.target(role)
        for gated in [false, true] {
            let decision = try Self.gate(planned, role: role, gated: gated)
            let line = try #require(decision.plan.targets.first { $0.profile == key.profile && $0.path == key.path })
            let changes = line.action.changesVault && !line.restoresRecorded
            // A move into a gated profile is a change of source there, even when it already
            // holds the content.
            let asks = gated && (changes || (role == .move && line.action == .noop))
            #expect((line.hold != nil) == (gated && changes), "\(role) \(held) gated: \(gated)")
            #expect((decision.request != nil) == asks, "\(role) \(held) gated: \(gated)")
            if gated, changes { #expect(decision.request?.binding.targets.contains("\(key.profile):s") == true) }
            #expect(decision.approvals?.requests.count ?? 0 == (asks ? 1 : 0))
        }
    }

    @Test func restoringARecordedCopyNeedsNoApproval() throws {
        // The sync copy was deleted outside tresor: writing back what it held is no new change.
        let planned = try Self.plan(.sync, .absent)
        let decision = try Self.gate(planned, role: .sync, gated: true)
        #expect(decision.plan.targets.first { $0.profile == "copy" }?.hold == nil)
        #expect(decision.plan.targets.first { $0.profile == "copy" }?.drift != nil)
    }

    @Test func denyComplianceHoldsTheWriteIntoItsProfileOnly() throws {
        let planned = try Self.plan(.sync, .absent)
        let yaml = TestManifests.complianceProfile("strict", rules: ["{name: long, minLength: {min: 64}}"])
        let profile = try #require(try EngineHarness.desired(yaml).complianceProfiles["strict"])
        let decision = Gate.decide(
            Gate.Input(
                planned: planned, secret: try Self.secret(.sync), previous: Self.previous(.sync), approvals: nil, approvalProfiles: [:],
                compliance: ComplianceSetup(profiles: ["copy": profile]), requester: "dave", generation: "g1", now: Self.now,
                newRequestID: "s~00000002", seal: nil))
        #expect(decision.plan.targets.first { $0.profile == "copy" }?.hold != nil)
        #expect(decision.plan.targets.first { $0.profile == "main" }?.hold == nil)
        #expect(decision.compliance["copy"]?.overall == .nok)
        #expect(decision.compliance["main"] == nil)
    }
}
