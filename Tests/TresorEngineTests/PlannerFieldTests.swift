import Foundation
import Testing
import TresorCore

@testable import TresorEngine

/// The planner names, per target, the fields a write adds, removes and changes, from what
/// it knows the target held: its content when read, the source's content when the copy
/// holds what the source held, nothing when absent; and no split when it cannot know.
@Suite struct PlannerFieldTests {
    static let fingerprinter = PlannerTests.fingerprinter
    static let old = ["a": SecretValue("old-a"), "b": SecretValue("old-b"), "c": SecretValue("old-c")]
    static let new = ["a": "old-a", "b": "new-b", "d": "new-d"]

    static func fingerprint(_ values: [String: SecretValue]) -> String { fingerprinter.fingerprint(type: .keyValue, content: values) }

    enum Copy: String, CaseIterable, Sendable { case sameAsSource, otherNotRead, otherRead, absent }

    static func plan(copy: Copy) throws -> PlannedSecret {
        let yaml = localProfiles(["main", "copy"]) + """
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: s}
            spec:
              type: keyValue
              vaultProfile: main
              syncVaultProfiles: [copy]
              allowInlineValues: true
              content:
                data: {\(new.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}
            """
        let secret = try #require(try EngineHarness.desired(yaml).secrets["s"])
        let other = ["a": SecretValue("x"), "e": SecretValue("y")]
        var previous = SecretStatus(name: "s", type: .keyValue, sourceProfile: "main")
        previous.state = .active
        previous.appendVersion(fingerprint: fingerprint(old), vaultProfile: "main", vaultVersion: "1", at: PlannerTests.now)
        previous.targets["main"] = TargetStatus(role: .source, path: "s", fingerprint: fingerprint(old), vaultVersion: "1")
        previous.targets["copy"] = TargetStatus(role: .sync, path: "s", fingerprint: fingerprint(old), vaultVersion: "1")
        func entry(_ values: [String: SecretValue], read: Bool) -> TargetObservation {
            let fp = fingerprint(values)
            return .present(
                ObservedEntry(
                    metadata: VaultEntryMetadata(path: "s", vaultVersion: "1", mark: OwnershipMark(secret: "s", type: .keyValue, fingerprint: fp)),
                    content: read ? values : nil, fingerprint: fp))
        }
        var observation = SecretObservation()
        observation.targets[TargetKey(profile: "main", path: "s")] = entry(old, read: true)
        observation.targets[TargetKey(profile: "copy", path: "s")] =
            switch copy {
            case .sameAsSource: entry(old, read: false)
            case .otherNotRead: entry(other, read: false)
            case .otherRead: entry(other, read: true)
            case .absent: .absent
            }
        let inputs = try DeclaredInputs.resolve(secret, resolver: ValueResolver(environment: [:]), fingerprinter: fingerprinter)
        let scope = Observer.Scope(
            name: "s", secret: secret, inputs: inputs, previous: previous, managed: ["main": "s", "copy": "s"], assumeAbsent: false,
            now: PlannerTests.now)
        return Planner.plan(Planner.Input(scope: scope, observation: observation, fingerprinter: fingerprinter))
    }

    static let expected: [Copy: FieldChanges?] = [
        .sameAsSource: FieldChanges(added: ["d"], removed: ["c"], changed: ["b"]),
        .otherNotRead: nil,
        .otherRead: FieldChanges(added: ["b", "d"], removed: ["e"], changed: ["a"]),
        .absent: FieldChanges(added: ["a", "b", "d"]),
    ]

    @Test(arguments: Copy.allCases)
    func eachWrittenTargetNamesTheFieldsAddedRemovedAndChangedWhereWhatItHeldIsKnown(copy: Copy) throws {
        let planned = try Self.plan(copy: copy)
        let source = try #require(planned.plan.targets.first { $0.role == .source })
        #expect(source.action == .update && source.fields == FieldChanges(added: ["d"], removed: ["c"], changed: ["b"]))
        #expect(source.changedFields == ["b", "c", "d"], "the union stays for its users")
        let line = try #require(planned.plan.targets.first { $0.profile == "copy" })
        #expect(line.action.writes)
        #expect(line.fields == Self.expected[copy] ?? nil, "\(copy)")
        let text = PlanReport(Engine.Report(plans: [planned.plan], writes: 0, failures: 0)).text()
        #expect(text.contains("main:s (source)") && text.contains("fields: +d -c ~b"), "\(text)")
        for value in Self.old.values.map({ $0.reveal() }) + Self.new.values { #expect(!text.contains(value)) }
    }
}
