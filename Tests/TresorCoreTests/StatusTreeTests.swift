import Foundation
import Testing

@testable import TresorCore

/// The hand-built status trees (`StatusTrees.swift`) and readers (`StatusReaders.swift`)
/// against the Codable conformances they stand in for: same bytes, same values, no field
/// left out.
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
        status.lastReconciledAt = now
        status.approval = ApprovalStatus(
            request: "req-1", operation: "update", state: "pending", requester: "ci", approvals: ["alice", "True"],
            requiredApprovals: 2, requestedAt: now, expiresAt: now.addingTimeInterval(3600))
        return status
    }

    @Test func fullStatusIsWrittenAsCodableWritesIt() throws {
        let status = Self.fullStatus()
        let fast = try StatusCoding.encodeBytes(status)
        let codable = try StatusCoding.encodeBytesThroughCodable(status)
        #expect(String(decoding: fast, as: UTF8.self) == String(decoding: codable, as: UTF8.self))
        #expect(try StatusCoding.decode(SecretStatus.self, from: fast) == status)
    }

    @Test func statusFilesAreReadAsCodableReadsThem() throws {
        let full = try StatusCoding.encodeBytes(Self.fullStatus())
        #expect(try StatusCoding.decode(SecretStatus.self, from: full) == Self.fullStatus())
        #expect(try StatusCoding.decodeThroughCodable(SecretStatus.self, from: full) == Self.fullStatus())
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
        let bytes = Array(relaxed.utf8)
        let read = try StatusCoding.decode(SecretStatus.self, from: bytes)
        #expect(read == (try StatusCoding.decodeThroughCodable(SecretStatus.self, from: bytes)))
        #expect(read.observedGeneration == "12" && read.sourceProfile == "true" && read.targets["main"]?.vaultVersion == "3")
        #expect(read.appliedInputs == nil && read.targets["main"]?.lastError == nil && read.compliance == nil)
        let wrongState = relaxed.replacingOccurrences(of: "state: active", with: "state: bogus")
        #expect(throws: (any Error).self) { try StatusCoding.decodeThroughCodable(SecretStatus.self, from: Array(wrongState.utf8)) }
        do {
            _ = try StatusCoding.decode(SecretStatus.self, from: Array(wrongState.utf8))
            Issue.record("a state of 'bogus' was read")
        } catch {
            #expect("\(error)" == ".state: 'bogus' is not one of \(SecretState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    @Test func minimalStatusIsWrittenAsCodableWritesIt() throws {
        let status = SecretStatus(name: "x", type: .generic, sourceProfile: "local")
        #expect(try StatusCoding.encodeBytes(status) == StatusCoding.encodeBytesThroughCodable(status))
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
            #expect(throws: (any Error).self) { try StatusCoding.decodeThroughCodable(SecretStatus.self, from: Array(broken.utf8)) }
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

    @Test func plainScalarsAreThoseThatReadBackAsTheSameString() {
        let candidates = [
            "true", "True", "TRUE", "tRUE", "false", "FALSE", "null", "Null", "NULL", "nul", "nulls", "falsey", "yes", "on",
            "a1", "1a", "0x1F", "0o17", ".5", "5.", "+1", "1e3", "1_000", "_x", "/p", "-x", "abc.def", "inf", ".inf", ".nan",
            "main", "db/main", "v1.2.3", "2027-01-15",
        ]
        for text in candidates {
            let readsBack = YAMLScalar(text: text, isPlain: true).resolved == .string(text)
            if StatusCoding.isPlainSafe(text) {
                #expect(readsBack, "'\(text)' is written plain but reads back as something else")
            }
        }
        #expect(StatusCoding.isPlainSafe("main") && StatusCoding.isPlainSafe("nulls") && StatusCoding.isPlainSafe("v1.2.3"))
        #expect(!StatusCoding.isPlainSafe("null") && !StatusCoding.isPlainSafe("True") && !StatusCoding.isPlainSafe("1e3"))
    }
}

/// The Codable twins of the hand-written status writer and readers.
extension StatusCoding {
    static func decodeThroughCodable<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let parsed = YAMLParser.parse(bytes)
        guard parsed.error == nil, let root = parsed.documents.first?.root else { throw DecodeError(description: "not a YAML document") }
        return try YAMLNodeDecoder.decode(T.self, from: root)
    }

    static func encodeBytesThroughCodable<T: Encodable>(_ value: T) throws -> [UInt8] {
        var writer = BlockYAMLWriter()
        writer.write(try TreeEncoder.encode(value), indent: 0, inline: false)
        return writer.output
    }
}
