import Foundation
import TresorCore

/// One HTTPS service a provider talks to (a vault API or its token endpoint) over the
/// shared HTTP client. A request that gets no answer becomes a ``VaultError`` naming the
/// service, the request and the setting to check; answers of every status are returned.
struct RESTEndpoint: Sendable {
    /// How messages name the service: `Azure Key Vault at https://…`.
    let server: String
    let tls: TLSOptions
    let http: any HTTPClient
    /// The manifest fields that say where the service is, for advice.
    let addressSetting: String
    /// Whose JSON its answers are, for an answer of another shape: `the Key Vault API`.
    let api: String

    /// The service's name for `path` under `rule`; a path the rule refuses is an error
    /// naming the service.
    func name(for path: String, by rule: VaultNameRule) throws -> String {
        switch rule.name(for: path) {
        case .success(let name): return name
        case .failure(let problem): throw VaultError(.invalidRequest, "\(server): \(problem)")
        }
    }

    func send(_ request: HTTPRequest, what: String) async throws -> HTTPResponse {
        do {
            return try await http.send(request, tls: tls)
        } catch let error as HTTPClientError {
            throw unreachable(error, what: what)
        }
    }

    /// Sends `request` with a bearer token from `tokens`. A 401 means the service no longer
    /// takes the token (expired early, revoked): the request is sent once more with a new one.
    func sendAuthorized(_ request: HTTPRequest, tokens: AccessTokenCache, what: String) async throws -> HTTPResponse {
        func with(_ token: String) -> HTTPRequest {
            var authorized = request
            authorized.headers.append((name: "Authorization", value: "Bearer " + token))
            return authorized
        }
        let token = try await tokens.token()
        let first = try await send(with(token), what: what)
        guard first.status == 401 else { return first }
        return try await send(with(try await tokens.replace(rejected: token)), what: what)
    }

    /// A JSON request with a bearer token from `tokens`. Returns 2xx, 404 and 409 answers,
    /// which operations tell apart; throws `failure` of any other.
    func callJSON(
        _ method: String, url: String, body: [UInt8]?, tokens: AccessTokenCache, what: String,
        failure: (HTTPResponse) -> VaultError
    ) async throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = [(name: "Accept", value: "application/json")]
        if body != nil { headers.append((name: "Content-Type", value: "application/json")) }
        let response = try await sendAuthorized(HTTPRequest(method: method, url: url, headers: headers, body: body), tokens: tokens, what: what)
        switch response.status {
        case 200...299, 404, 409: return response
        default: throw failure(response)
        }
    }

    private func unreachable(_ error: HTTPClientError, what: String) -> VaultError {
        var detail = error.message
        while detail.hasSuffix(".") { detail.removeLast() }
        switch error.kind {
        case .connect:
            return VaultError(
                .unavailable, "\(server) is unreachable for \(what): \(detail); check the VaultProfile's \(addressSetting) and that the service is running")
        case .tls:
            let advice: String
            if error.curlCode == 58 || detail.lowercased().contains("client cert") {
                advice = "check tls.certFile '\(tls.certFile ?? "(none)")' and tls.keyFile '\(tls.keyFile ?? "(none)")'"
            } else if let caFile = tls.caFile {
                advice = "the server's certificate was not verified with the CA in tls.caFile '\(caFile)'; set tls.caFile to the CA that signed it and use an address that matches a name in it"
            } else {
                advice = "the server's certificate was not verified with the system's CA store; set tls.caFile in the VaultProfile to the CA that signed it"
            }
            return VaultError(.unavailable, "\(server): TLS failure on \(what) (\(detail)); \(advice)")
        case .timeout:
            return VaultError(.unavailable, "\(server) did not answer \(what) in time: \(detail)")
        case .transport:
            return VaultError(.unavailable, "\(server): \(what) failed: \(detail)")
        }
    }

    /// The error for an answer an operation cannot use, by status. `said` is the service's
    /// own summary (it names resources, never values); `unauthorized` and `forbidden`
    /// say what to check after a 401 (a fresh token refused) and a 403.
    func failure(_ response: HTTPResponse, what: String, said: String?, unauthorized: String, forbidden: String) -> VaultError {
        let said = said.map { " (\($0))" } ?? ""
        switch response.status {
        case 401: return VaultError(.permissionDenied, "\(server) refused \(what)\(said): \(unauthorized)")
        case 403: return VaultError(.permissionDenied, "\(server) forbade \(what)\(said): \(forbidden)")
        case 409: return VaultError(.conflict, "\(server): \(what) conflicts with the secret's state\(said); observe it again")
        case 429: return VaultError(.rateLimited, "\(server) throttled \(what)\(said)\(Self.retryAdvice(response))")
        case 500...599: return VaultError(.unavailable, "\(server) failed \(what) with HTTP \(response.status)\(said); retry")
        default: return VaultError(.invalidRequest, "\(server) refused \(what) with HTTP \(response.status)\(said)")
        }
    }

    /// Decodes a JSON answer; one of another shape means the address is not the service.
    func decode<T: Decodable>(_ type: T.Type, _ response: HTTPResponse, what: String) throws -> T {
        try response.decoded(T.self, otherwise: "\(server): the answer to \(what) (HTTP \(response.status)) is not the JSON of \(api); is \(addressSetting) right?")
    }

    static func json<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try JSONEncoder.canonical.encode(value))
    }

    /// The wait a 429 or 503 asks for, as text for an error message.
    static func retryAdvice(_ response: HTTPResponse) -> String {
        response.headers["retry-after"].map { "; it asks to retry after \($0) s" } ?? "; retry later"
    }
}

extension TLSOptions {
    /// A provider block's `tls`, with a `caFile` given beside it (Kubernetes) taking the CA's place when `tls` has none.
    init(_ config: TLSConfig?, caFile: String? = nil) {
        self.init(
            caFile: config?.caFile ?? caFile, certFile: config?.certFile, keyFile: config?.keyFile,
            insecureSkipVerify: config?.insecureSkipVerify ?? false)
    }
}
