import Foundation

/// A value that builds its own ``EncodedTree``, as ``TreeEncoder`` builds one for other
/// values (members sorted by key, nil optionals left out, enums as raw values, dates by
/// ``StatusCoding/formatDate(_:)``). A status file is written on every change of every
/// secret, and going through Codable's containers cost most of that write (`TresorBench
/// --only status-codec`); so the status types have no Codable conformance, and this tree
/// is the one list of their members, for the file and for `-o json` alike.
protocol EncodedTreeConvertible {
    var encodedTree: EncodedTree { get }
}

/// `-o json` of a status and of its versions: the members of the status file.
extension SecretStatus: Encodable {
    public func encode(to encoder: any Encoder) throws { try encodedTree.encode(to: encoder) }
}

extension SecretVersion: Encodable {
    public func encode(to encoder: any Encoder) throws { try encodedTree.encode(to: encoder) }
}

/// Members of an object, in the order they are added; callers add them sorted by key.
private struct Members {
    var list: [(String, EncodedTree)] = []

    init(capacity: Int) { list.reserveCapacity(capacity) }

    mutating func add(_ key: String, _ text: String) { list.append((key, .string(text))) }
    mutating func add(_ key: String, _ text: String?) { if let text { add(key, text) } }
    mutating func add(_ key: String, _ date: Date) { list.append((key, .string(StatusCoding.formatDate(date)))) }
    mutating func add(_ key: String, _ date: Date?) { if let date { add(key, date) } }
    mutating func add(_ key: String, _ number: Int) { list.append((key, .number(String(number)))) }
    mutating func add(_ key: String, _ value: some EncodedTreeConvertible) { list.append((key, value.encodedTree)) }
    mutating func add(_ key: String, _ value: (some EncodedTreeConvertible)?) { if let value { add(key, value) } }
    mutating func add(_ key: String, _ items: [some EncodedTreeConvertible]) { list.append((key, .array(items.map(\.encodedTree)))) }
    mutating func add(_ key: String, strings map: [String: String]?) {
        if let map { list.append((key, .object(map.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))) }
    }
    mutating func add(_ key: String, strings: [String]) { list.append((key, .array(strings.map { .string($0) }))) }
    mutating func add(_ key: String, _ map: [String: some EncodedTreeConvertible]) {
        list.append((key, .object(map.sorted { $0.key < $1.key }.map { ($0.key, $0.value.encodedTree) })))
    }

    var tree: EncodedTree { .object(list) }
}

extension SecretStatus: EncodedTreeConvertible {
    var encodedTree: EncodedTree {
        var members = Members(capacity: 14)
        members.add("appliedInputs", appliedInputs)
        members.add("approval", approval)
        members.add("compliance", compliance)
        members.add("conditions", conditions)
        members.add("labels", strings: labels)
        members.add("lastReconciledAt", lastReconciledAt)
        members.add("name", name)
        members.add("observedGeneration", observedGeneration)
        members.add("origin", origin)
        members.add("sourceProfile", sourceProfile)
        members.add("state", state.rawValue)
        members.add("targets", targets)
        members.add("type", type.rawValue)
        members.add("versions", versions)
        return members.tree
    }
}

extension Condition: EncodedTreeConvertible {
    var encodedTree: EncodedTree {
        var members = Members(capacity: 5)
        members.add("lastTransitionTime", lastTransitionTime)
        members.add("message", message)
        members.add("reason", reason.rawValue)
        members.add("status", status.rawValue)
        members.add("type", type.rawValue)
        return members.tree
    }
}

extension SecretVersion: EncodedTreeConvertible {
    var encodedTree: EncodedTree {
        var members = Members(capacity: 5)
        members.add("createdAt", createdAt)
        members.add("fingerprint", fingerprint)
        members.add("number", number)
        members.add("vaultProfile", vaultProfile)
        members.add("vaultVersion", vaultVersion)
        return members.tree
    }
}

extension TargetStatus: EncodedTreeConvertible {
    var encodedTree: EncodedTree {
        var members = Members(capacity: 7)
        members.add("compliance", compliance)
        members.add("fingerprint", fingerprint)
        members.add("lastError", lastError)
        members.add("lastSyncedAt", lastSyncedAt)
        members.add("path", path)
        members.add("role", role.rawValue)
        members.add("vaultVersion", vaultVersion)
        return members.tree
    }
}

extension ComplianceStatus: EncodedTreeConvertible {
    var encodedTree: EncodedTree {
        var members = Members(capacity: 8)
        members.add("checkedAt", checkedAt)
        members.add("enforcement", enforcement)
        members.add("fingerprint", fingerprint)
        members.add("message", message)
        members.add("overall", overall.rawValue)
        members.add("profile", profile)
        members.add("rules", rules)
        members.add("rulesDigest", rulesDigest)
        return members.tree
    }
}

extension RuleResult: EncodedTreeConvertible {
    var encodedTree: EncodedTree {
        var members = Members(capacity: 6)
        members.add("field", field)
        members.add("kind", kind)
        members.add("message", message)
        members.add("name", name)
        members.add("result", result.rawValue)
        members.add("validUntil", validUntil)
        return members.tree
    }
}

extension ManifestOrigin: EncodedTreeConvertible {
    var encodedTree: EncodedTree {
        var members = Members(capacity: 3)
        members.add("column", column)
        members.add("file", file)
        members.add("line", line)
        return members.tree
    }
}

extension ApprovalStatus: EncodedTreeConvertible {
    var encodedTree: EncodedTree {
        var members = Members(capacity: 8)
        members.add("approvals", strings: approvals)
        members.add("expiresAt", expiresAt)
        members.add("operation", operation)
        members.add("request", request)
        members.add("requestedAt", requestedAt)
        members.add("requester", requester)
        members.add("requiredApprovals", requiredApprovals)
        members.add("state", state)
        return members.tree
    }
}
