import Foundation
import TresorCore

/// One Secrets Manager endpoint over the shared HTTP client: signs every JSON 1.1 call
/// with SigV4, retries a throttled call twice after a short jittered pause and a server
/// error (5xx, `InternalServiceError`) once, and turns
/// transport failures and AWS errors into ``VaultError``s that name the endpoint, the
/// operation and what to check, never a value.
struct AWSTransport: Sendable {
    /// The endpoint without a trailing slash.
    let endpoint: String
    /// The `Host` header: the endpoint's authority, as signed.
    let host: String
    let region: String
    /// The VaultProfile's name, for error messages.
    let profile: String
    let signer: AWSSigner
    let credentials: AWSCredentialProvider
    let http: any HTTPClient
    /// Pauses before retrying a throttled call (none in unit tests).
    let throttleDelays: [Duration]
    let writes: AWSWriteGate

    /// Calls that only read; every other call is a control-plane write, bounded by ``writes``.
    static let reads: Set<String> = ["DescribeSecret", "GetSecretValue", "ListSecrets", "ListSecretVersionIds"]

    /// How errors name the service: `AWS Secrets Manager at https://… (region eu-west-1)`.
    var server: String { "AWS Secrets Manager at \(endpoint) (region \(region))" }

    init(endpoint: String, region: String, profile: String, credentials: AWSCredentialProvider, http: any HTTPClient,
        throttleDelays: [Duration] = [.milliseconds(200), .milliseconds(800)])
    {
        var endpoint = endpoint
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.endpoint = endpoint
        var authority = Substring(endpoint)
        if let scheme = authority.range(of: "://") { authority = authority[scheme.upperBound...] }
        if let slash = authority.firstIndex(of: "/") { authority = authority[..<slash] }
        self.host = String(authority)
        self.region = region
        self.profile = profile
        self.signer = AWSSigner(region: region, service: "secretsmanager")
        self.credentials = credentials
        self.http = http
        self.throttleDelays = throttleDelays
        self.writes = AWSWriteGate(limit: 8)
    }

    /// Calls `secretsmanager.<action>` with a JSON body. Returns the response when it is
    /// 200; throws the mapped AWS error otherwise.
    func call<Body: Encodable>(_ action: String, _ body: Body, secret: String?) async throws -> HTTPResponse {
        let payload = try Self.json(body)
        var throttled = 0
        var failedOnce = false
        while true {
            let response =
                Self.reads.contains(action)
                ? try await send(action, payload) : try await writes.run { try await send(action, payload) }
            if response.status == 200 { return response }
            let error = AWSError(response)
            if error.isThrottling, throttled < throttleDelays.count {
                let delay = throttleDelays[throttled]
                throttled += 1
                try await Task.sleep(for: delay + .milliseconds(Int.random(in: 0...100)))
                continue
            }
            // A server error is retried once: every call tresor makes is safe to repeat
            // (reads, writes carrying a ClientRequestToken, tag and delete calls).
            if error.category == .unavailable, !failedOnce, !throttleDelays.isEmpty {
                failedOnce = true
                try await Task.sleep(for: throttleDelays[0])
                continue
            }
            throw failure(error, action: action, secret: secret)
        }
    }

    /// The response of a call, whatever its status; throws only when none came.
    func send(_ action: String, _ payload: [UInt8]) async throws -> HTTPResponse {
        let keys = try credentials.current()
        var headers: [(name: String, value: String)] = [
            (name: "Host", value: host),
            (name: "Content-Type", value: "application/x-amz-json-1.1"),
            (name: "X-Amz-Target", value: "secretsmanager.\(action)"),
        ]
        let signed = signer.sign(method: "POST", path: "/", headers: headers, payload: payload, credentials: keys, date: Date())
        headers += signed.headers
        let request = HTTPRequest(method: "POST", url: endpoint + "/", headers: headers, body: payload)
        do {
            return try await http.send(request, tls: TLSOptions())
        } catch let error as HTTPClientError {
            throw unreachable(error, action: action)
        }
    }

    func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, action: String) throws -> T {
        try response.decoded(
            T.self,
            otherwise: "\(server): the answer to \(action) (HTTP \(response.status)) is not the JSON of the Secrets Manager API; is the endpoint a Secrets Manager endpoint?")
    }

    func unreachable(_ error: HTTPClientError, action: String) -> VaultError {
        var detail = error.message
        while detail.hasSuffix(".") { detail.removeLast() }
        switch error.kind {
        case .connect:
            return VaultError(
                .unavailable,
                "\(server) is unreachable for \(action): \(detail); check the VaultProfile's region and endpoint and that the service is reachable")
        case .tls:
            return VaultError(.unavailable, "\(server): TLS failure on \(action): \(detail)")
        case .timeout:
            return VaultError(.unavailable, "\(server) did not answer \(action) in time: \(detail)")
        case .transport:
            return VaultError(.unavailable, "\(server): \(action) failed: \(detail)")
        }
    }

    /// The ``VaultError`` for an AWS error answer.
    func failure(_ error: AWSError, action: String, secret: String?) -> VaultError {
        let said = error.summary.isEmpty ? "" : " (\(error.summary))"
        let on = secret.map { " on '\($0)'" } ?? ""
        switch error.category {
        case .authentication:
            return VaultError(
                .permissionDenied,
                "\(server) rejected the credentials of vault profile '\(profile)' for \(action)\(said): check the access key id (\(credentials.describeAccessKey)) and secret access key (\(credentials.describeSecretKey))\(credentials.describeSessionToken.map { " and session token (\($0))" } ?? ""): they must belong together, be active and not expired; the machine's clock must be right, and the region and endpoint those of the account")
        case .accessDenied:
            return VaultError(
                .permissionDenied,
                "\(server) denied \(action)\(on) to the credentials of vault profile '\(profile)'\(said): the IAM policy must allow secretsmanager:\(action) on that secret")
        case .throttling:
            return VaultError(.rateLimited, "\(server) throttled \(action)\(on)\(said) after \(throttleDelays.count + 1) tries; retry later or lower the profile's rateLimit")
        case .notFound:
            return VaultError(.notFound, "\(server) has no secret\(on) for \(action)\(said)")
        case .scheduledForDeletion:
            return VaultError(
                .invalidRequest,
                "\(server): the secret\(on) is scheduled for deletion, so \(action) is refused\(said); declare it again to have tresor restore it, or restore it with RestoreSecret")
        case .exists:
            return VaultError(.conflict, "\(server): a secret\(on) already exists\(said); observe it again before writing")
        case .unavailable:
            return VaultError(.unavailable, "\(server) failed \(action)\(on) with HTTP \(error.status)\(said); retry")
        case .invalid:
            return VaultError(.invalidRequest, "\(server) rejected \(action)\(on) with HTTP \(error.status)\(said)")
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try JSONEncoder.canonical.encode(value))
    }
}
