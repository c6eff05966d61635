/// One HTTP request. Bodies and the `Authorization`/`X-Vault-Token` headers are never logged.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Whole-request timeout; nil takes the client's default.
    public var timeout: Duration?

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil, timeout: Duration? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names lowercased; the last value wins for repeated headers.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// TLS settings of one vault connection. Verification is on unless a profile turns it off.
public struct TLSOptions: Sendable, Hashable {
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var insecureSkipVerify: Bool

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, insecureSkipVerify: Bool = false) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.insecureSkipVerify = insecureSkipVerify
    }
}

/// A request that got no HTTP response, with what the user can do about it.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// DNS failure, connection refused, unreachable.
        case connect
        /// Certificate verification or handshake failure.
        case tls
        case timeout
        /// Anything else the transport reports.
        case transport
    }

    public var kind: Kind
    /// libcurl's CURLcode, where the error came from libcurl.
    public var curlCode: Int32?
    public var message: String

    public init(kind: Kind, curlCode: Int32? = nil, message: String) {
        self.kind = kind
        self.curlCode = curlCode
        self.message = message
    }

    public var description: String { message }
}

/// The one HTTP client every adapter uses; adapters take it as a parameter.
public protocol HTTPClient: Sendable {
    func send(_ request: HTTPRequest, tls: TLSOptions) async throws -> HTTPResponse
}
