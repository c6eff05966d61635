import Foundation

/// A value read straight from a parsed YAML node, as ``YAMLNodeDecoder`` reads other
/// values (unknown members ignored, nil or absent optionals alike), without Codable's
/// containers: a pass reads every secret's status file, and those containers cost most
/// of that read. The status types' only reader. `StatusTreeTests` holds the readers to
/// the files the writers make.
protocol NodeReadable {
    init(reading node: YAMLNode, at path: String) throws
}

/// One mapping's members by name, with the field path for errors (`.versions[0].number`).
private struct NodeMapping {
    let pairs: [YAMLPair]
    let path: String

    init(_ node: YAMLNode, at path: String) throws {
        guard case .mapping(let pairs, _) = node else { throw StatusCoding.DecodeError(path, "expected a mapping, got \(node.kindName)") }
        self.pairs = pairs
        self.path = path
    }

    private func member(_ key: String) -> YAMLNode? {
        for pair in pairs {
            if case .scalar(let name, _) = pair.key, name.text == key { return pair.value }
        }
        return nil
    }

    private func present(_ key: String) -> YAMLNode? {
        guard let node = member(key), !YAMLLeaf.isNull(node) else { return nil }
        return node
    }

    private func required(_ key: String) throws -> YAMLNode {
        guard let node = member(key) else { throw StatusCoding.DecodeError(path, "missing '\(key)'") }
        return node
    }

    // A leaf's path is built only for its error: a status file has hundreds of leaves.
    private func child(_ key: String) -> String { path + "." + key }

    func string(_ key: String) throws -> String { try Self.string(try required(key), at: child(key)) }
    func string(ifPresent key: String) throws -> String? {
        guard let node = present(key) else { return nil }
        return try Self.string(node, at: child(key))
    }
    func int(_ key: String) throws -> Int { try Self.int(try required(key), at: child(key)) }
    func date(_ key: String) throws -> Date { try Self.date(try required(key), at: child(key)) }
    func date(ifPresent key: String) throws -> Date? {
        guard let node = present(key) else { return nil }
        return try Self.date(node, at: child(key))
    }

    func value<T: RawRepresentable & CaseIterable>(_ key: String) throws -> T where T.RawValue == String {
        let text = try string(key)
        guard let value = T(rawValue: text) else {
            let known = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw StatusCoding.DecodeError(child(key), "'\(text)' is not one of \(known)")
        }
        return value
    }

    func object<T: NodeReadable>(_ key: String) throws -> T { try T(reading: try required(key), at: child(key)) }
    func object<T: NodeReadable>(ifPresent key: String) throws -> T? { try present(key).map { try T(reading: $0, at: child(key)) } }

    func list<T: NodeReadable>(_ key: String) throws -> [T] {
        let listPath = child(key)
        let items = try Self.items(try required(key), at: listPath)
        return try items.enumerated().map { try T(reading: $1, at: listPath + "[\($0)]") }
    }

    func strings(_ key: String) throws -> [String] {
        let items = try Self.items(try required(key), at: child(key))
        return try items.enumerated().map { try Self.string($1, at: child(key) + "[\($0)]") }
    }

    func map<T: NodeReadable>(_ key: String) throws -> [String: T] {
        let inner = try NodeMapping(try required(key), at: child(key))
        var result: [String: T] = [:]
        result.reserveCapacity(inner.pairs.count)
        for pair in inner.pairs {
            let name = try Self.string(pair.key, at: inner.path)
            result[name] = try T(reading: pair.value, at: inner.path + "." + name)
        }
        return result
    }

    func strings(map key: String) throws -> [String: String] { try Self.strings(try required(key), at: child(key)) }
    func strings(mapIfPresent key: String) throws -> [String: String]? { try present(key).map { try Self.strings($0, at: child(key)) } }

    private static func strings(_ node: YAMLNode, at path: String) throws -> [String: String] {
        let inner = try NodeMapping(node, at: path)
        var result: [String: String] = [:]
        for pair in inner.pairs {
            let name = try string(pair.key, at: inner.path)
            result[name] = try string(pair.value, at: inner.path + "." + name)
        }
        return result
    }

    private static func items(_ node: YAMLNode, at path: @autoclosure () -> String) throws -> [YAMLNode] {
        guard case .sequence(let items, _) = node else { throw StatusCoding.DecodeError(path(), "expected a list, got \(node.kindName)") }
        return items
    }

    private static func string(_ node: YAMLNode, at path: @autoclosure () -> String) throws -> String {
        if let text = YAMLLeaf.string(node) { return text }
        throw mismatch(node, expected: "a string", at: path())
    }

    private static func int(_ node: YAMLNode, at path: @autoclosure () -> String) throws -> Int {
        if let value = YAMLLeaf.int(node) { return value }
        throw mismatch(node, expected: "an integer", at: path())
    }

    private static func date(_ node: YAMLNode, at path: @autoclosure () -> String) throws -> Date {
        let text = try string(node, at: path())
        guard let date = Timestamp(rfc3339: text)?.date else { throw StatusCoding.DecodeError(path(), "'\(text)' is not an RFC 3339 time") }
        return date
    }

    /// A mapping or list where a scalar belongs, or a scalar of the wrong kind.
    private static func mismatch(_ node: YAMLNode, expected: String, at path: String) -> StatusCoding.DecodeError {
        guard case .scalar = node else { return StatusCoding.DecodeError(path, "expected a scalar, got \(node.kindName)") }
        return StatusCoding.DecodeError(path, "expected \(expected), got \(node.kindName)")
    }
}

extension SecretStatus: NodeReadable {
    init(reading node: YAMLNode, at path: String) throws {
        let members = try NodeMapping(node, at: path)
        self.init(name: try members.string("name"), type: try members.value("type"), sourceProfile: try members.string("sourceProfile"))
        observedGeneration = try members.string("observedGeneration")
        state = try members.value("state")
        appliedInputs = try members.string(ifPresent: "appliedInputs")
        conditions = try members.list("conditions")
        versions = try members.list("versions")
        targets = try members.map("targets")
        compliance = try members.object(ifPresent: "compliance")
        origin = try members.object(ifPresent: "origin")
        labels = try members.strings(mapIfPresent: "labels")
        lastReconciledAt = try members.date(ifPresent: "lastReconciledAt")
        approval = try members.object(ifPresent: "approval")
    }
}

extension Condition: NodeReadable {
    init(reading node: YAMLNode, at path: String) throws {
        let members = try NodeMapping(node, at: path)
        self.init(
            type: try members.value("type"), status: try members.value("status"), reason: try members.value("reason"),
            message: try members.string("message"), lastTransitionTime: try members.date("lastTransitionTime"))
    }
}

extension SecretVersion: NodeReadable {
    init(reading node: YAMLNode, at path: String) throws {
        let members = try NodeMapping(node, at: path)
        self.init(
            number: try members.int("number"), fingerprint: try members.string("fingerprint"),
            vaultProfile: try members.string("vaultProfile"), vaultVersion: try members.string(ifPresent: "vaultVersion"),
            createdAt: try members.date("createdAt"))
    }
}

extension TargetStatus: NodeReadable {
    init(reading node: YAMLNode, at path: String) throws {
        let members = try NodeMapping(node, at: path)
        self.init(
            role: try members.value("role"), path: try members.string("path"), fingerprint: try members.string(ifPresent: "fingerprint"),
            vaultVersion: try members.string(ifPresent: "vaultVersion"), lastSyncedAt: try members.date(ifPresent: "lastSyncedAt"),
            lastError: try members.string(ifPresent: "lastError"), compliance: try members.object(ifPresent: "compliance"))
    }
}

extension ComplianceStatus: NodeReadable {
    init(reading node: YAMLNode, at path: String) throws {
        let members = try NodeMapping(node, at: path)
        self.init(
            profile: try members.string("profile"), enforcement: try members.string("enforcement"), overall: try members.value("overall"),
            rules: try members.list("rules"), fingerprint: try members.string(ifPresent: "fingerprint"),
            rulesDigest: try members.string("rulesDigest"), checkedAt: try members.date("checkedAt"),
            message: try members.string(ifPresent: "message"))
    }
}

extension RuleResult: NodeReadable {
    init(reading node: YAMLNode, at path: String) throws {
        let members = try NodeMapping(node, at: path)
        self.init(
            name: try members.string("name"), kind: try members.string("kind"), result: try members.value("result"),
            message: try members.string("message"), field: try members.string(ifPresent: "field"),
            validUntil: try members.date(ifPresent: "validUntil"))
    }
}

extension ManifestOrigin: NodeReadable {
    init(reading node: YAMLNode, at path: String) throws {
        let members = try NodeMapping(node, at: path)
        self.init(SourceLocation(file: try members.string("file"), line: try members.int("line"), column: try members.int("column")))
    }
}

extension ApprovalStatus: NodeReadable {
    init(reading node: YAMLNode, at path: String) throws {
        let members = try NodeMapping(node, at: path)
        self.init(
            request: try members.string("request"), operation: try members.string("operation"), state: try members.string("state"),
            requester: try members.string("requester"), approvals: try members.strings("approvals"),
            requiredApprovals: try members.int("requiredApprovals"), requestedAt: try members.date("requestedAt"),
            expiresAt: try members.date(ifPresent: "expiresAt"))
    }
}

// The inventory names every managed secret (12 MB at 100,000) and is read before any
// secret's pass can start: by hand, as the status is, not through Codable.
extension Inventory: NodeReadable {
    init(reading node: YAMLNode, at path: String) throws {
        self.init(secrets: try NodeMapping(node, at: path).map("secrets"))
    }
}

extension Inventory.Entry: NodeReadable {
    init(reading node: YAMLNode, at path: String) throws {
        let members = try NodeMapping(node, at: path)
        self.init(
            type: try members.value("type"), deletionPolicy: try members.value("deletionPolicy"),
            targets: try members.strings(map: "targets"))
    }
}
