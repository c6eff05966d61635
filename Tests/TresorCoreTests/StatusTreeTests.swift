import Foundation
import Testing
import TresorTestSupport

@testable import TresorCore

/// The hand-built status trees (`StatusTrees.swift`) and readers (`StatusReaders.swift`):
/// what they write is read by PyYAML (YAML 1.1) and ruamel.yaml (YAML 1.2) as the members
/// the tree names, every string a string; what they read is the value written, and other
/// writers' forms are read as literal values say.
@Suite struct StatusTreeTests {
    static let awkward = "quote \" backslash \\ newline \n cr \r tab \t control \u{01}\u{7F} colon: # yes 1.5 ünïcødé 🔑"

    /// Every property set, optionals included (checked below), with text that needs quoting.
    static func fullStatus() -> SecretStatus {
        let now = Date(timeIntervalSince1970: 1_800_000_000.25)
        var status = SecretStatus(name: "db", type: .basicAuth, sourceProfile: "main")
        status.observedGeneration = "hmac-sha256:0a"
        status.state = .pendingApproval
        status.appliedInputs = "hmac-sha256:0b"
        status.setCondition(.ready, .false, .sourceFailed, awkward, now: now)
        status.setCondition(.approved, .unknown, .pending, "waits", now: now)
        status.appendVersion(fingerprint: "hmac-sha256:00ff", vaultProfile: "main", vaultVersion: "7", at: now)
        status.appendVersion(fingerprint: "hmac-sha256:0100", vaultProfile: "true", vaultVersion: "8", at: now)
        status.targets["main"] = TargetStatus(
            role: .source, path: "db/main", fingerprint: "hmac-sha256:00ff", vaultVersion: "7", lastSyncedAt: now, lastError: awkward)
        status.targets["null"] = TargetStatus(
            role: .sync, path: "-x",
            compliance: ComplianceStatus(
                profile: "copy", enforcement: "deny", overall: .ok, rules: [], fingerprint: "hmac-sha256:0d", rulesDigest: "d",
                checkedAt: now, message: awkward))
        let targetCompliance = status.targets["null"]?.compliance
        status.targets["a-b"] = TargetStatus(role: .sync, path: "", compliance: targetCompliance)
        status.targets["main"]?.compliance = targetCompliance
        status.compliance = ComplianceStatus(
            profile: "strict", enforcement: "block", overall: .nok,
            rules: [
                RuleResult(name: "len", kind: "minLength", result: .nok, message: awkward, field: "password", validUntil: now),
                RuleResult(name: "jwt", kind: "jwt", result: .na, message: "not a token"),
            ],
            fingerprint: "hmac-sha256:00ff", rulesDigest: "hmac-sha256:0c", checkedAt: now, message: "1e3")
        status.origin = ManifestOrigin(SourceLocation(file: "secrets/db file.yaml", line: 12, column: 3))
        status.labels = ["team": "payments", "tresor.dev/tier": "on: yes"]
        status.lastReconciledAt = now
        status.approval = ApprovalStatus(
            request: "req-1", operation: "update", state: "pending", requester: "ci", approvals: ["alice", "True"],
            requiredApprovals: 2, requestedAt: now, expiresAt: now.addingTimeInterval(3600))
        return status
    }

    /// Writes `value` to a file and has both readers read it; the meaning is the value's
    /// tree, as JSON (which has no plain scalars to misread).
    static func readerDifferences<T: Encodable>(_ value: T, bytes: [UInt8]) async throws -> [String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-readers-\(UUID().uuidString).yaml").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await YAMLReaders.differences([(path, try TreeEncoder.encode(value).json)])
    }

    @Test func fullStatusIsReadAsWrittenByYAML11And12Readers() async throws {
        let status = Self.fullStatus()
        let bytes = try StatusCoding.encodeBytes(status)
        #expect(try await Self.readerDifferences(status, bytes: bytes) == [])
        #expect(try StatusCoding.decode(SecretStatus.self, from: bytes) == status)
    }

    /// Names, profiles, paths and target keys a user may choose that YAML 1.1 readers take
    /// for booleans, dates or numbers when written plain.
    @Test func wordsYAML11ReadsAsBooleansOrDatesAreQuoted() async throws {
        var status = SecretStatus(name: "yes", type: .generic, sourceProfile: "no")
        status.targets["no"] = TargetStatus(role: .source, path: "off", vaultVersion: "2027-01-15")
        status.targets["on"] = TargetStatus(role: .sync, path: "y")
        status.appendVersion(fingerprint: "hmac-sha256:00", vaultProfile: "No", vaultVersion: "0755", at: Date(timeIntervalSince1970: 0))
        let bytes = try StatusCoding.encodeBytes(status)
        #expect(try await Self.readerDifferences(status, bytes: bytes) == [])
        let text = String(decoding: bytes, as: UTF8.self)
        for line in ["name: \"yes\"\n", "sourceProfile: \"no\"\n", "  \"no\":\n", "    path: \"off\"\n", "    vaultVersion: \"2027-01-15\"\n"] {
            #expect(text.contains(line), "not quoted: \(line)")
        }
        #expect(try StatusCoding.decode(SecretStatus.self, from: bytes) == status)
    }

    @Test func inventoryIsReadAsWrittenByYAML11And12Readers() async throws {
        let inventory = Inventory(secrets: [
            "yes": Inventory.Entry(type: .basicAuth, deletionPolicy: .delete, targets: ["no": "off", "main": "2027-01-15"]),
            "db": Inventory.Entry(type: .apiKey, deletionPolicy: .retain, targets: ["main": "apps/db"]),
        ])
        let bytes = try StatusCoding.encodeBytes(inventory)
        #expect(try await Self.readerDifferences(inventory, bytes: bytes) == [])
        #expect(try StatusCoding.decode(Inventory.self, from: bytes) == inventory)
    }

    /// A hand-edited inventory is refused with the place and the fault, never read as a
    /// secret with no targets (which would leave its vault copies unmanaged).
    @Test(arguments: [
        ("secrets:\n  db:\n    type: apiKey\n    deletionPolicy: Retain\n", ".secrets.db: missing 'targets'"),
        ("secrets:\n  db:\n    type: apiKey\n    deletionPolicy: Retain\n    targets: null\n", ".secrets.db.targets: expected a mapping, got null"),
        ("secrets:\n  db:\n    type: apiKey\n    deletionPolicy: Keep\n    targets: {main: apps/db}\n", ".secrets.db.deletionPolicy: 'Keep' is not one of"),
        ("secrets: [db]\n", ".secrets: expected a mapping"),
    ])
    func aDamagedInventoryIsRefusedNamingTheField(text: String, expected: String) {
        #expect {
            _ = try StatusCoding.decode(Inventory.self, from: Array(text.utf8))
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    /// The check itself: a file written plain as tresor wrote it before is caught.
    @Test func theReadersCatchPlainWordsYAML11ReadsAsBooleansOrDates() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-readers-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/status", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("name: yes\nsourceProfile: \"no\"\ntargets:\n  off:\n    vaultVersion: 2027-01-15\n".utf8)
            .write(to: URL(fileURLWithPath: directory + "/status/s.yaml"))
        let differences = try await YAMLReaders.differences(under: directory)
        #expect(differences == [
            directory + "/status/s.yaml: PyYAML (YAML 1.1): .name: read as a boolean, meant as a string",
            directory + "/status/s.yaml: PyYAML (YAML 1.1): .targets: key read as a boolean, not a string",
            directory + "/status/s.yaml: ruamel.yaml (YAML 1.2): .targets.off.vaultVersion: read as date, meant as a string",
        ])
    }

    @Test func minimalStatusIsReadAsWrittenByYAML11And12Readers() async throws {
        let status = SecretStatus(name: "x", type: .generic, sourceProfile: "local")
        #expect(try await Self.readerDifferences(status, bytes: try StatusCoding.encodeBytes(status)) == [])
    }

    @Test func statusFilesWrittenByOtherWritersAreRead() throws {
        // What other writers may leave: nulls for absent members, unknown members, numbers
        // and booleans where strings are expected, flow style.
        let relaxed = """
            name: db
            kind: Secret
            type: apiKey
            state: active
            observedGeneration: 12
            sourceProfile: "true"
            appliedInputs: null
            conditions: [{type: Ready, status: "True", reason: Reconciled, message: yes, lastTransitionTime: "2027-01-15T08:00:00Z", extra: 1}]
            targets: {main: {role: source, path: a/b, vaultVersion: 3, lastError: ~}}
            versions:
              - {number: 1, fingerprint: f, vaultProfile: main, createdAt: "2027-01-15T08:00:00.5Z"}
            compliance: null
            """
        let read = try StatusCoding.decode(SecretStatus.self, from: Array(relaxed.utf8))
        #expect(read.name == "db" && read.type == .apiKey && read.state == .active)
        #expect(read.observedGeneration == "12" && read.sourceProfile == "true" && read.targets["main"]?.vaultVersion == "3")
        #expect(read.appliedInputs == nil && read.targets["main"]?.lastError == nil && read.compliance == nil)
        let ready = try #require(read.condition(.ready))
        #expect(ready.status == .true && ready.reason == .reconciled && ready.message == "yes")
        // 2027-01-15T08:00:00Z is 1800000000 s after the epoch (`date -u -d 2027-01-15T08:00:00Z +%s`).
        #expect(ready.lastTransitionTime == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(read.versions.map(\.number) == [1] && read.versions.first?.createdAt == Date(timeIntervalSince1970: 1_800_000_000.5))
        let wrongState = relaxed.replacingOccurrences(of: "state: active", with: "state: bogus")
        do {
            _ = try StatusCoding.decode(SecretStatus.self, from: Array(wrongState.utf8))
            Issue.record("a state of 'bogus' was read")
        } catch {
            #expect("\(error)" == ".state: 'bogus' is not one of \(SecretState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// A property added to a status type must be set in `fullStatus()`, so that the
    /// comparison above covers it (and fails until `StatusTrees.swift` writes it).
    @Test func fullStatusLeavesNoOptionalUnset() {
        var unset: [String] = []
        func visit(_ value: Any, path: String) {
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                guard let wrapped = mirror.children.first?.value else { return unset.append(path) }
                return visit(wrapped, path: path)
            }
            for child in mirror.children {
                let name = child.label.map { path + "." + $0 } ?? path + "[]"
                visit(child.value, path: name)
            }
        }
        visit(Self.fullStatus(), path: "status")
        // A status carries exactly one of these per target; the "sync" targets here show the absent case.
        let allowed = ["status.targets[].value.fingerprint", "status.targets[].value.vaultVersion",
            "status.targets[].value.lastSyncedAt", "status.targets[].value.lastError",
            "status.compliance.rules[].field", "status.compliance.rules[].validUntil"]
        #expect(Set(unset).subtracting(allowed).isEmpty, "unset in fullStatus(): \(Set(unset).subtracting(allowed).sorted())")
        // Each allowed one is set somewhere too: the first target and the first rule carry them.
        let status = Self.fullStatus()
        #expect(status.targets["main"].map { $0.fingerprint != nil && $0.lastSyncedAt != nil && $0.lastError != nil } == true)
        #expect(status.compliance?.rules.first.map { $0.field != nil && $0.validUntil != nil } == true)
    }

    /// A status file that does not fit fails with the field's path, as through Codable.
    @Test func statusFilesOfTheWrongShapeNameTheField() throws {
        let good = String(decoding: try StatusCoding.encodeBytes(Self.fullStatus()), as: UTF8.self)
        let cases: [(String, String, String)] = [
            ("  - number: 1\n", "  - number: one\n", "versions[0].number: expected an integer"),
            ("name: db\n", "name: null\n", ".name: expected a string"),
            ("name: db\n", "", "missing 'name'"),
            ("name: db\n", "name: [db]\n", ".name: expected a scalar"),
            ("lastReconciledAt: \"2027-01-15T08:00:00.250Z\"\n", "lastReconciledAt: yesterday\n", ".lastReconciledAt: 'yesterday' is not an RFC 3339 time"),
            ("requiredApprovals: 2\n", "requiredApprovals: \"2\"\n", ".approval.requiredApprovals: expected an integer"),
        ]
        for (original, replacement, expected) in cases {
            #expect(good.contains(original), "fixture lacks \(original)")
            let broken = good.replacingOccurrences(of: original, with: replacement)
            #expect(throws: StatusCoding.DecodeError.self) { try StatusCoding.decode(SecretStatus.self, from: Array(broken.utf8)) }
            do {
                _ = try StatusCoding.decode(SecretStatus.self, from: Array(broken.utf8))
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
        // Optional members may be null or absent alike; quoted numbers stay strings.
        let relaxed = good.replacingOccurrences(of: "appliedInputs: \"hmac-sha256:0b\"\n", with: "appliedInputs: null\n")
            .replacingOccurrences(of: "vaultVersion: \"8\"\n", with: "vaultVersion: 8\n")
        let decoded = try StatusCoding.decode(SecretStatus.self, from: Array(relaxed.utf8))
        #expect(decoded.appliedInputs == nil && decoded.versions.last?.vaultVersion == "8")
    }

    /// Every scalar that YAML 1.1 or 1.2 resolves to something other than a string, and
    /// ordinary ones, as keys and as values: both readers read each as the same string.
    @Test func everyScalarReadsBackAsTheSameStringInYAML11And12() async throws {
        struct Sample: Encodable {
            var values: [String]
            var keys: [String: String]
        }
        var candidates = [
            "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
            "true", "True", "TRUE", "tRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~", "", "nul", "nulls", "falsey",
            "2027-01-15", "2027-01-15T08:00:00Z", "2027-1-5", "1_000", "0755", "0x1F", "0o17", "0b101", "1e3", "1E3", ".5", "5.",
            "+1", "-1", ".inf", "-.inf", ".nan", "1:20", "190:20:30", "<<", "=", "a1", "1a", "_x", "/p", "-x", "abc.def", "inf",
            "main", "db/main", "v1.2.3", "hmac-sha256:0a",
        ]
        candidates += candidates.map { $0 + " " }
        let sample = Sample(values: candidates, keys: Dictionary(uniqueKeysWithValues: candidates.filter { !$0.isEmpty }.map { ($0, $0) }))
        #expect(try await Self.readerDifferences(sample, bytes: try StatusCoding.encodeBytes(sample)) == [])
        // Ordinary names stay plain: the files remain easy to read.
        #expect(StatusCoding.isPlainSafe("main") && StatusCoding.isPlainSafe("nulls") && StatusCoding.isPlainSafe("v1.2.3"))
    }
}

extension EncodedTree {
    /// The tree as JSON, numbers as written.
    var json: String {
        var bytes: [UInt8] = []
        func write(_ tree: EncodedTree) {
            switch tree {
            case .object(let members):
                bytes.append(UInt8(ascii: "{"))
                for (index, (key, value)) in members.enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    bytes += YAMLReaders.jsonString(key)
                    bytes.append(UInt8(ascii: ":"))
                    write(value)
                }
                bytes.append(UInt8(ascii: "}"))
            case .array(let items):
                bytes.append(UInt8(ascii: "["))
                for (index, item) in items.enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    write(item)
                }
                bytes.append(UInt8(ascii: "]"))
            case .string(let text): bytes += YAMLReaders.jsonString(text)
            case .number(let text): bytes += Array(text.utf8)
            case .bool(let flag): bytes += Array((flag ? "true" : "false").utf8)
            case .null: bytes += Array("null".utf8)
            }
        }
        write(self)
        return String(decoding: bytes, as: UTF8.self)
    }
}
