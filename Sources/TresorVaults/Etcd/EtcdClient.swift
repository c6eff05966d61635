import Foundation

/// etcd's v3 API through its JSON gateway (`/v3/kv/*`, `/v3/lease/*`; etcd 3.4 and later),
/// over the libcurl client. Keys and values travel base64-encoded, 64-bit numbers as
/// strings, and members leave out fields at their default (a range that finds nothing
/// has no `kvs`, a failed txn no `succeeded`).
///
/// Synchronous on purpose: the state store's callers are synchronous, and each call
/// waits on the HTTP client's own thread (``CurlHTTPClient/sendWaiting(_:tls:)``). A
/// member that cannot be reached is skipped for the next endpoint; an answer from a
/// member, even an error, is final.
public final class EtcdClient: Sendable {
    public struct Configuration: Sendable {
        public var endpoints: [String]
        public var tls: TLSOptions
        /// Each request's bound: a cluster without quorum does not answer, so this is how
        /// long a write may hang before it counts as failed.
        public var requestTimeout: Duration

        public init(endpoints: [String], tls: TLSOptions = TLSOptions(), requestTimeout: Duration = .seconds(3)) {
            self.endpoints = endpoints
            self.tls = tls
            self.requestTimeout = requestTimeout
        }
    }

    public let configuration: Configuration
    private let http: CurlHTTPClient
    /// The endpoint that answered last, tried first next time.
    private let preferred = LockedIndex()

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.http = CurlHTTPClient(
            configuration: .init(connectTimeout: .seconds(1), timeout: configuration.requestTimeout, retry: .none))
    }

    /// One stored key.
    public struct KeyValue: Sendable {
        public var key: String
        public var value: [UInt8]
        public var createRevision: Int64
        public var modRevision: Int64
        public var lease: Int64
    }

    /// Calls one gateway method and returns its JSON object. A read that a member refuses
    /// while the cluster elects a raft leader ("leader changed") is asked again, of the
    /// next member and then once more after a pause: a read changes nothing, so it may be
    /// repeated (a txn may not, and is not).
    func call(_ method: String, _ body: [String: Any]) throws -> [String: Any] {
        let rounds = method == "kv/range" ? Self.readRounds : 1
        for round in 1...rounds {
            do {
                return try callOnce(method, body)
            } catch let error as EtcdError where error.duringElection && round < rounds {
                Thread.sleep(forTimeInterval: 0.25)
            }
        }
        return try callOnce(method, body)
    }

    /// Rounds of a read across the members while the cluster elects a leader.
    static let readRounds = 8

    private func callOnce(_ method: String, _ body: [String: Any]) throws -> [String: Any] {
        let bytes = try JSONSerialization.data(withJSONObject: body)
        let endpoints = configuration.endpoints
        let start = preferred.value
        var failures: [String] = []
        var election: EtcdError?
        for offset in 0..<endpoints.count {
            let index = (start + offset) % endpoints.count
            let url = endpoints[index].trimmingSuffix("/") + "/v3/" + method
            let response: HTTPResponse
            do {
                response = try http.sendWaiting(
                    HTTPRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array(bytes)),
                    tls: configuration.tls)
            } catch {
                failures.append("\(endpoints[index]): \(error)")
                continue
            }
            preferred.value = index
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
            guard response.status == 200 else {
                let message = object["message"] as? String ?? object["error"] as? String ?? "HTTP \(response.status)"
                let error = EtcdError(description: "etcd \(method) at \(endpoints[index]): \(message)", unreachable: false)
                guard method == "kv/range", EtcdError.electionMessages.contains(where: message.contains) else { throw error }
                election = error
                continue
            }
            return object
        }
        if let election { throw election }
        throw EtcdError(description: "no etcd member answered (\(failures.joined(separator: "; ")))", unreachable: true)
    }

    /// The key, nil when absent.
    public func get(_ key: String) throws -> KeyValue? {
        try Self.keyValues(call("kv/range", ["key": Self.encode(key)])).first
    }

    /// Every key under `prefix`, in key order (values too unless `keysOnly`).
    /// Read a page at a time, every page at the first one's revision (one snapshot), so
    /// no single response has to hold a whole large prefix.
    public func list(prefix: String, keysOnly: Bool = false) throws -> [KeyValue] {
        var body: [String: Any] = ["key": Self.encode(prefix), "range_end": Self.encode(Self.rangeEnd(prefix)), "limit": "\(Self.page)"]
        if keysOnly { body["keys_only"] = true }
        var found: [KeyValue] = []
        while true {
            let object = try call("kv/range", body)
            let page = Self.keyValues(object)
            found += page
            guard object["more"] as? Bool == true, let last = page.last else { return found }
            if body["revision"] == nil { body["revision"] = "\(Self.number((object["header"] as? [String: Any])?["revision"]))" }
            body["key"] = Self.encode(last.key + "\u{0}")
        }
    }

    /// Keys per range response of ``list(prefix:keysOnly:)``.
    static let page = 1_000

    /// The last `limit` keys under `prefix`, last first.
    public func last(prefix: String, limit: Int) throws -> [KeyValue] {
        try Self.keyValues(
            call(
                "kv/range",
                [
                    "key": Self.encode(prefix), "range_end": Self.encode(Self.rangeEnd(prefix)), "limit": "\(limit)",
                    "sort_order": "DESCEND", "sort_target": "KEY",
                ]))
    }

    /// How many keys lie under `prefix`.
    public func count(prefix: String) throws -> Int {
        let object = try call(
            "kv/range", ["key": Self.encode(prefix), "range_end": Self.encode(Self.rangeEnd(prefix)), "count_only": true])
        return Int(Self.number(object["count"]))
    }

    /// A compare of a txn.
    public enum Compare: Sendable {
        /// The key's last modification is at this revision (0: the key is absent).
        case modRevision(String, Int64)
        /// The key is held under this lease.
        case lease(String, Int64)
        /// The key was never created (absent).
        case absent(String)

        var json: [String: Any] {
            switch self {
            case .modRevision(let key, let revision):
                return ["key": EtcdClient.encode(key), "result": "EQUAL", "target": "MOD", "mod_revision": "\(revision)"]
            case .lease(let key, let lease):
                return ["key": EtcdClient.encode(key), "result": "EQUAL", "target": "LEASE", "lease": "\(lease)"]
            case .absent(let key):
                return ["key": EtcdClient.encode(key), "result": "EQUAL", "target": "CREATE", "create_revision": "0"]
            }
        }
    }

    /// An operation of a txn.
    public enum Operation: Sendable {
        case put(String, [UInt8], lease: Int64 = 0)
        case delete(String)
        /// Every key from the first up to, not including, the second.
        case deleteRange(String, String)

        var json: [String: Any] {
            switch self {
            case .put(let key, let value, let lease):
                var put: [String: Any] = ["key": EtcdClient.encode(key), "value": Data(value).base64EncodedString()]
                if lease != 0 { put["lease"] = "\(lease)" }
                return ["request_put": put]
            case .delete(let key):
                return ["request_delete_range": ["key": EtcdClient.encode(key)]]
            case .deleteRange(let key, let end):
                return ["request_delete_range": ["key": EtcdClient.encode(key), "range_end": EtcdClient.encode(end)]]
            }
        }
    }

    /// Runs the operations when every compare holds; returns whether they did, and the
    /// store's revision after the txn (the new `mod_revision` of what it wrote).
    @discardableResult
    public func txn(_ compares: [Compare], _ operations: [Operation]) throws -> (succeeded: Bool, revision: Int64) {
        let object = try call(
            "kv/txn", ["compare": compares.map(\.json), "success": operations.map(\.json)])
        let header = object["header"] as? [String: Any] ?? [:]
        return (object["succeeded"] as? Bool ?? false, Self.number(header["revision"]))
    }

    /// Deletes one key unconditionally.
    public func delete(_ key: String) throws {
        _ = try call("kv/deleterange", ["key": Self.encode(key)])
    }

    /// A new lease of `ttl` seconds; its id.
    public func grantLease(ttl: Int) throws -> Int64 {
        let id = Self.number(try call("lease/grant", ["TTL": ttl])["ID"])
        guard id != 0 else { throw EtcdError(description: "etcd granted no lease", unreachable: false) }
        return id
    }

    /// Renews the lease; returns the seconds it has left, 0 when it has expired.
    public func keepAlive(lease: Int64) throws -> Int {
        let object = try call("lease/keepalive", ["ID": "\(lease)"])
        let result = object["result"] as? [String: Any] ?? object
        return Int(Self.number(result["TTL"]))
    }

    public func revokeLease(_ lease: Int64) throws {
        _ = try call("lease/revoke", ["ID": "\(lease)"])
    }

    static func encode(_ key: String) -> String { Data(key.utf8).base64EncodedString() }

    /// The first key after every key that starts with `prefix`.
    static func rangeEnd(_ prefix: String) -> String {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last {
            if last < 0xFF {
                bytes[bytes.count - 1] = last + 1
                return String(decoding: bytes, as: UTF8.self)
            }
            bytes.removeLast()
        }
        return "\0"
    }

    static func number(_ value: Any?) -> Int64 {
        if let string = value as? String { return Int64(string) ?? 0 }
        if let number = value as? NSNumber { return number.int64Value }
        return 0
    }

    static func keyValues(_ object: [String: Any]) -> [KeyValue] {
        (object["kvs"] as? [[String: Any]] ?? []).map { entry in
            let key = (entry["key"] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            let value = (entry["value"] as? String).flatMap { Data(base64Encoded: $0) }.map { Array($0) } ?? []
            return KeyValue(
                key: key, value: value, createRevision: number(entry["create_revision"]), modRevision: number(entry["mod_revision"]),
                lease: number(entry["lease"]))
        }
    }
}

/// An etcd request failed; `unreachable` when no member answered at all.
public struct EtcdError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public var unreachable: Bool

    public init(description: String, unreachable: Bool) {
        self.description = description
        self.unreachable = unreachable
    }

    /// What a member answers while the cluster has no raft leader (a member was lost).
    static let electionMessages = ["etcdserver: leader changed", "etcdserver: no leader", "etcdserver: request timed out"]

    /// A member refused the request because the cluster was electing a leader.
    var duringElection: Bool { !unreachable && Self.electionMessages.contains(where: description.contains) }
}

private final class LockedIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = 0

    var value: Int {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
