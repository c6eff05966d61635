import Foundation
import Synchronization
import TresorCore
import TresorVaults

/// An ``HTTPClient`` that records every request and answers from canned responses
/// shaped like the real Vault/OpenBao API (copied from a `bao server -dev`).
final class FakeVaultHTTP: HTTPClient {
    /// One request as sent, headers by lowercased name.
    struct Recorded: Sendable {
        var method: String
        var url: String
        var headers: [String: String]
        var body: [UInt8]?
        var tls: TLSOptions

        /// The URL's path (`/v1/…`), still percent-encoded.
        var path: String { Self.path(of: url) }
        var query: String? { url.firstIndex(of: "?").map { String(url[url.index(after: $0)...]) } }
        var token: String? { headers["x-vault-token"] }
        var namespace: String? { headers["x-vault-namespace"] }
        var json: [String: Any] {
            (body.flatMap { try? JSONSerialization.jsonObject(with: Data($0)) } as? [String: Any]) ?? [:]
        }

        static func path(of url: String) -> String {
            var rest = Substring(url)
            if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
            if let slash = rest.firstIndex(of: "/") { rest = rest[slash...] } else { rest = "/" }
            if let question = rest.firstIndex(of: "?") { rest = rest[..<question] }
            return String(rest)
        }
    }

    typealias Responder = @Sendable (Recorded) throws -> HTTPResponse

    private struct Route {
        var method: String
        var path: String
        /// Used in order; the last one keeps answering.
        var responders: [Responder]
    }

    private struct State {
        var requests: [Recorded] = []
        var routes: [Route] = []
    }

    private let state = Mutex(State())

    /// With `GET sys/internal/ui/mounts/<mount>` answering KV `kvVersion`.
    init(mount: String = "secret", kvVersion: Int = 2) {
        on("GET", "/v1/sys/internal/ui/mounts/\(mount)", .json(200, Canned.mount(mount, version: kvVersion)))
    }

    /// Answers `method path` (path without query) with these responses in turn.
    func on(_ method: String, _ path: String, _ responses: HTTPResponse...) {
        on(method, path, responders: responses.map { response in { _ in response } })
    }

    func on(_ method: String, _ path: String, responders: [Responder]) {
        state.withLock { state in
            state.routes.removeAll { $0.method == method && $0.path == path }
            state.routes.append(Route(method: method, path: path, responders: responders))
        }
    }

    /// Every request so far, in order.
    var requests: [Recorded] { state.withLock { $0.requests } }

    /// The requests other than the KV-version detection.
    var operations: [Recorded] { requests.filter { !$0.path.hasPrefix("/v1/sys/internal/ui/mounts/") } }

    func requests(_ method: String, _ path: String) -> [Recorded] {
        requests.filter { $0.method == method && $0.path == path }
    }

    func send(_ request: HTTPRequest, tls: TLSOptions) async throws -> HTTPResponse {
        var headers: [String: String] = [:]
        for header in request.headers { headers[header.name.lowercased()] = header.value }
        let recorded = Recorded(method: request.method, url: request.url, headers: headers, body: request.body, tls: tls)
        let responder: Responder? = state.withLock { state in
            state.requests.append(recorded)
            guard let index = state.routes.firstIndex(where: { $0.method == recorded.method && $0.path == recorded.path })
            else { return nil }
            let route = state.routes[index]
            if route.responders.count > 1 { state.routes[index].responders.removeFirst() }
            return route.responders.first
        }
        guard let responder else { return .json(404, #"{"errors":[]}"#) }
        return try responder(recorded)
    }
}

extension HTTPResponse {
    static func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> HTTPResponse {
        var all = headers
        if !text.isEmpty { all["content-type"] = "application/json" }
        return HTTPResponse(status: status, headers: all, body: Array(text.utf8))
    }

    static let noContent = HTTPResponse(status: 204, headers: [:], body: [])

    static func errors(_ status: Int, _ messages: String..., headers: [String: String] = [:]) -> HTTPResponse {
        let list = messages.map { try! String(decoding: JSONEncoder().encode($0), as: UTF8.self) }.joined(separator: ",")
        return .json(status, #"{"errors":[\#(list)]}"#, headers: headers)
    }
}

/// Response bodies exactly as OpenBao 2.7 writes them.
enum Canned {
    static func quoted(_ value: String) -> String {
        String(decoding: try! JSONEncoder().encode(value), as: UTF8.self)
    }

    static func object(_ map: [String: String]?) -> String {
        guard let map else { return "null" }
        return "{" + map.sorted { $0.key < $1.key }.map { quoted($0.key) + ":" + quoted($0.value) }.joined(separator: ",") + "}"
    }

    static func envelope(data: String, auth: String = "null", leaseDuration: Int = 0) -> String {
        #"{"request_id":"3d8304a1-bbc2-95fc-6615-346339958409","lease_id":"","renewable":false,"lease_duration":\#(leaseDuration),"data":\#(data),"wrap_info":null,"warnings":null,"auth":\#(auth)}"#
    }

    static func mount(_ path: String, version: Int) -> String {
        envelope(
            data: #"{"accessor":"kv_76130740","config":{"default_lease_ttl":0,"force_no_cache":false,"max_lease_ttl":0},"deprecation_status":"supported","description":"key/value secret storage","external_entropy_access":false,"local":false,"options":{"version":"\#(version)"},"path":"\#(path)/","plugin_version":"","running_plugin_version":"v2.7.2+builtin.bao","running_sha256":"","seal_wrap":false,"type":"kv","uuid":"da058ed5-18db-ea03-a560-02118efc429d"}"#
        )
    }

    static let created = "2026-11-27T09:25:18.133304485Z"

    /// One entry of `versions`; `deleted` sets a past deletion time.
    static func versionEntry(deleted: Bool = false, destroyed: Bool = false) -> String {
        #"{"created_time":"\#(created)","deletion_time":"\#(deleted ? "2026-11-27T09:25:18.270566842Z" : "")","destroyed":\#(destroyed)}"#
    }

    static func metadata(
        currentVersion: Int, custom: [String: String]? = nil, deleted: Bool = false, destroyed: Bool = false
    ) -> String {
        var versions: [String] = []
        for version in 1...max(currentVersion, 1) where currentVersion > 0 {
            let isCurrent = version == currentVersion
            versions.append(
                quoted(String(version)) + ":" + versionEntry(deleted: isCurrent && deleted, destroyed: isCurrent && destroyed))
        }
        return envelope(
            data: #"{"cas_required":false,"created_time":"\#(created)","current_metadata_version":1,"current_version":\#(currentVersion),"custom_metadata":\#(object(custom)),"delete_version_after":"0s","max_versions":0,"metadata_cas_required":false,"oldest_version":0,"updated_time":"2026-11-27T09:25:18.149803472Z","versions":{\#(versions.joined(separator: ","))}}"#
        )
    }

    static func versionMetadata(_ version: Int, custom: [String: String]? = nil, deleted: Bool = false) -> String {
        #"{"created_time":"\#(created)","custom_metadata":\#(object(custom)),"deletion_time":"\#(deleted ? "2026-11-27T09:25:18.270566842Z" : "")","destroyed":false,"version":\#(version)}"#
    }

    static func data(_ content: String, version: Int, custom: [String: String]? = nil) -> String {
        envelope(data: #"{"data":\#(content),"metadata":\#(versionMetadata(version, custom: custom))}"#)
    }

    /// The 404 body of a read of a deleted version.
    static func deletedData(version: Int, custom: [String: String]? = nil) -> String {
        envelope(data: #"{"data":null,"metadata":\#(versionMetadata(version, custom: custom, deleted: true))}"#)
    }

    static func written(_ version: Int, custom: [String: String]? = nil) -> String {
        envelope(data: versionMetadata(version, custom: custom))
    }

    static func list(_ keys: [String]) -> String {
        envelope(data: #"{"keys":[\#(keys.map(quoted).joined(separator: ","))]}"#)
    }

    static func v1(_ content: String) -> String {
        envelope(data: content, leaseDuration: 2_764_800)
    }

    static func login(token: String, lease: Int, renewable: Bool = true) -> String {
        envelope(
            data: "null",
            auth: #"{"client_token":"\#(token)","accessor":"S0IbZakRxxnuI39JQo9DgR5q","policies":["default"],"token_policies":["default"],"metadata":{"role_name":"r1"},"lease_duration":\#(lease),"renewable":\#(renewable),"entity_id":"6f36f9b9-2ea7-cabb-ca8b-8ada656011dd","token_type":"service","orphan":true,"mfa_requirement":null,"num_uses":0}"#
        )
    }

    static let lookupSelf = envelope(
        data: #"{"accessor":"S0IbZakRxxnuI39JQo9DgR5q","creation_ttl":2764800,"display_name":"token","expire_time":null,"id":"x","policies":["default"],"ttl":2764800,"type":"service"}"#)

    static let casMismatch = HTTPResponse.errors(400, "check-and-set parameter did not match the current version")
    static let permissionDenied = HTTPResponse.errors(403, "1 error occurred:\n\t* permission denied\n\n")
    static let sealed = HTTPResponse.errors(503, "Vault is sealed")
}

/// A clock the tests move by hand.
final class FakeClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    var now: ContinuousClock.Instant { instant.withLock { $0 } }

    func advance(by duration: Duration) {
        instant.withLock { $0 = $0 + duration }
    }
}
