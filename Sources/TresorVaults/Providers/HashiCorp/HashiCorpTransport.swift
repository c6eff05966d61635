import Foundation
import TresorCore

/// One server's address, namespace and TLS settings over the shared HTTP client: builds
/// requests under `/v1/`, and turns transport failures and error statuses into
/// ``VaultError``s that name the server and path, never a value.
struct HashiCorpTransport: Sendable {
    /// The address without a trailing slash.
    let address: String
    let namespace: String?
    let tls: TLSOptions
    let http: any HTTPClient

    /// How errors name the server: `OpenBao at https://… (namespace team1)`.
    var server: String {
        "OpenBao at \(address)" + (namespace.map { " (namespace \($0))" } ?? "")
    }

    /// Sends `method` to `/v1/<apiPath>[?query]`, with the token and namespace headers and
    /// a JSON body. Returns every HTTP response; throws only when none came.
    func send(_ method: String, _ apiPath: String, query: String? = nil, body: [UInt8]? = nil, token: String?)
        async throws -> HTTPResponse
    {
        var headers: [(name: String, value: String)] = []
        if let token { headers.append((name: "X-Vault-Token", value: token)) }
        if let namespace { headers.append((name: "X-Vault-Namespace", value: namespace)) }
        if body != nil { headers.append((name: "Content-Type", value: "application/json")) }
        let url = address + "/v1/" + apiPath + (query.map { "?" + $0 } ?? "")
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body)
        var waits = upgradeWaits.makeIterator()
        while true {
            let response: HTTPResponse
            do {
                response = try await http.send(request, tls: tls)
            } catch let error as HTTPClientError {
                throw unreachable(error, method: method, apiPath: apiPath)
            }
            guard Self.isUpgrading(response), let wait = waits.next() else { return response }
            try await Task.sleep(for: wait)
        }
    }

    /// A KV mount enabled as version 2 (or upgraded to it) moments ago answers every
    /// request with 400 "Upgrading from non-versioned to versioned data" until its
    /// upgrade is done; the server says it resumes shortly, so such answers are waited
    /// out, about 15 s in all, instead of failing the secret.
    var upgradeWaits: [Duration] {
        [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800)]
            + Array(repeating: .seconds(1), count: 2) + Array(repeating: .seconds(2), count: 6)
    }

    static func isUpgrading(_ response: HTTPResponse) -> Bool {
        response.status == 400
            && String(decoding: response.body, as: UTF8.self).contains("Upgrading from non-versioned to versioned data")
    }

    /// Decodes a JSON response body; a body of the wrong shape is reported as corrupted.
    func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, apiPath: String) throws -> T {
        try response.decoded(
            T.self,
            otherwise: "\(server): the response to /v1/\(apiPath) (HTTP \(response.status)) is not the JSON expected of the KV API; is the address an OpenBao or Vault server?")
    }

    /// A request that got no response. The HTTP client's message names the host and
    /// the cause; this adds the server, the request and which setting to change.
    func unreachable(_ error: HTTPClientError, method: String, apiPath: String) -> VaultError {
        let request = "\(method) /v1/\(apiPath)"
        var detail = error.message
        while detail.hasSuffix(".") { detail.removeLast() }
        let advised = error.message.localizedCaseInsensitiveContains("check")
        switch error.kind {
        case .connect:
            let advice = advised ? "" : "; check the VaultProfile's address and that the server is running"
            return VaultError(.unavailable, "\(server) is unreachable for \(request): \(detail)\(advice)")
        case .tls:
            // The client says "TLS failure with host: reason. Check …": keep the reason, give
            // advice that names the files of this profile instead.
            var reason = Substring(detail)
            if reason.hasPrefix("TLS failure with "), let colon = reason.range(of: ": ") { reason = reason[colon.upperBound...] }
            if let hint = reason.range(of: ". Check ") { reason = reason[..<hint.lowerBound] }
            return VaultError(.unavailable, "\(server): TLS failure on \(request) (\(reason)); \(tlsAdvice(error))")
        case .timeout:
            return VaultError(.unavailable, "\(server) did not answer \(request) in time: \(detail)")
        case .transport:
            return VaultError(.unavailable, "\(server): \(request) failed: \(detail)")
        }
    }

    /// What to change after a TLS failure, naming the CA file in use.
    private func tlsAdvice(_ error: HTTPClientError) -> String {
        let text = error.message.lowercased()
        let caFileUnreadable = error.curlCode == 77 || text.contains("cafile") && text.contains("exists")
        let clientCertificate = error.curlCode == 58 || text.contains("client cert") || text.contains("certificate required")
        if clientCertificate {
            return "check tls.certFile '\(tls.certFile ?? "(none)")' and tls.keyFile '\(tls.keyFile ?? "(none)")' and that the server trusts their issuer"
        }
        if caFileUnreadable, let caFile = tls.caFile {
            return "tls.caFile '\(caFile)' must exist and hold PEM CA certificates"
        }
        if tls.insecureSkipVerify {
            return "the handshake failed even with tls.insecureSkipVerify; check the server's TLS settings"
        }
        if let caFile = tls.caFile {
            return "the server's certificate was not verified with the CA in tls.caFile '\(caFile)'; set tls.caFile to the CA file that signed the server's certificate, and use an address that matches a name in it"
        }
        return "the server's certificate was not verified with the system's CA store; set tls.caFile in the VaultProfile to the CA file that signed the server's certificate"
    }

    /// The `errors` array of an error response, joined; empty when there is none.
    func serverErrors(_ response: HTTPResponse) -> String {
        guard let body = try? JSONDecoder().decodeBounded(HashiCorpErrorResponse.self, from: Data(response.body)) else { return "" }
        return (body.errors ?? [])
            .map { $0.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: "") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: "; ")
    }

    /// True for the 400 that a failed check-and-set returns.
    func isCASMismatch(_ response: HTTPResponse) -> Bool {
        response.status == 400 && serverErrors(response).contains("check-and-set parameter did not match")
    }

    /// The error for a response that the operation cannot use.
    func failure(_ response: HTTPResponse, method: String, apiPath: String) -> VaultError {
        let errors = serverErrors(response)
        let said = errors.isEmpty ? "" : " (\(errors))"
        let request = "\(method) /v1/\(apiPath)"
        switch response.status {
        case 400 where Self.isUpgrading(response):
            return VaultError(
                .unavailable, "\(server): the KV mount of \(request) is still being upgraded to version 2; tresor will retry")
        case 400:
            return VaultError(.invalidRequest, "\(server) rejected \(request)\(said)")
        case 401, 403:
            return VaultError(
                .permissionDenied,
                "\(server) denied \(request)\(said): the token's policy must allow \(Self.capability(method)) on '\(apiPath)'")
        case 404:
            return VaultError(.notFound, "\(server) has nothing at \(request)\(said); check the mount and path prefix")
        case 405:
            return VaultError(.invalidRequest, "\(server) does not support \(request)\(said); is the mount a KV secrets engine?")
        case 412:
            return VaultError(.unavailable, "\(server) is not yet consistent for \(request)\(said); retry")
        case 429:
            let after = response.headers["retry-after"].map { "; retry after \($0) s" } ?? "; retry later"
            return VaultError(.rateLimited, "\(server) rate limited \(request)\(said)\(after)")
        case 503 where errors.lowercased().contains("sealed"):
            return VaultError(
                .unavailable, "\(server) is sealed; unseal it (`bao operator unseal`) and tresor will retry")
        case 500...599:
            return VaultError(.unavailable, "\(server) failed \(request) with HTTP \(response.status)\(said)")
        default:
            return VaultError(.invalidRequest, "\(server) answered \(request) with HTTP \(response.status)\(said)")
        }
    }

    /// The policy capability a request needs.
    static func capability(_ method: String) -> String {
        switch method {
        case "GET": "'read'"
        case "LIST": "'list'"
        case "DELETE": "'delete'"
        case "PATCH": "'patch'"
        default: "'create' and 'update'"
        }
    }
}

/// `{"errors": [...]}`.
struct HashiCorpErrorResponse: Decodable {
    let errors: [String]?
}
