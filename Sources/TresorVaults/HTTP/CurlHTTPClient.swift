import CCurl
import Foundation

/// The libcurl client every adapter uses (DESIGN §6).
///
/// - One `curl_multi` handle, driven by one dedicated thread, carries every request of this
///   client; `send` suspends on a continuation until the transfer ends, so any number of
///   requests can be in flight at once. The multi handle's connection cache keeps
///   connections (and TLS sessions) alive between requests to the same host with the same
///   TLS settings; `Configuration.maxConnectionsPerHost` bounds them when set.
/// - Timeouts have millisecond precision (`CURLOPT_CONNECTTIMEOUT_MS`, `CURLOPT_TIMEOUT_MS`).
/// - TLS verification is on unless `TLSOptions.insecureSkipVerify`; `caFile` replaces the
///   system CA bundle for that request, `certFile`/`keyFile` present a client certificate.
/// - Proxies come from the environment, read by libcurl itself for every transfer:
///   `http_proxy` (lowercase only), `https_proxy`/`HTTPS_PROXY`, `all_proxy`/`ALL_PROXY`,
///   and `no_proxy`/`NO_PROXY`. libcurl 7.88 does not bypass the proxy for `127.0.0.1` or
///   `localhost` by itself: list them in `no_proxy` when a proxy is set.
/// - 429 and 503 answers are retried according to `RetryPolicy` (by default once, honouring
///   `Retry-After` up to 5 s); a last 429/503 is returned to the caller as a response.
/// - Only `http` and `https` URLs are accepted; redirects are not followed.
/// - The optional `logger` sees method, redacted URL, status, duration and attempt of every
///   attempt, never bodies or headers.
public final class CurlHTTPClient: HTTPClient {
    public struct RetryPolicy: Sendable, Hashable {
        /// Retries after a 429 or 503 answer; 0 turns retrying off.
        public var maxRetries: Int
        /// A `Retry-After` longer than this is not waited for: the answer goes to the caller.
        public var maxWait: Duration
        /// Delay before retrying an answer without `Retry-After`; nil returns such answers
        /// to the caller without retrying.
        public var delayWithoutRetryAfter: Duration?

        public init(maxRetries: Int = 1, maxWait: Duration = .seconds(5), delayWithoutRetryAfter: Duration? = .milliseconds(500)) {
            self.maxRetries = maxRetries
            self.maxWait = maxWait
            self.delayWithoutRetryAfter = delayWithoutRetryAfter
        }

        public static let none = RetryPolicy(maxRetries: 0)
    }

    public struct Configuration: Sendable {
        public var connectTimeout: Duration
        /// Whole-request timeout when the request has none.
        public var timeout: Duration
        public var retry: RetryPolicy
        /// Connections kept open to one host at most (`CURLMOPT_MAX_HOST_CONNECTIONS`);
        /// 0 means no limit. Requests beyond it wait inside libcurl for a free connection.
        public var maxConnectionsPerHost: Int
        public var userAgent: String
        /// Called once per attempt, on the client's thread or the caller's task; keep it fast.
        public var logger: (@Sendable (HTTPRequestLogEntry) -> Void)?

        public init(
            connectTimeout: Duration = .seconds(10),
            timeout: Duration = .seconds(30),
            retry: RetryPolicy = RetryPolicy(),
            maxConnectionsPerHost: Int = 0,
            userAgent: String = "tresor",
            logger: (@Sendable (HTTPRequestLogEntry) -> Void)? = nil
        ) {
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.retry = retry
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.userAgent = userAgent
            self.logger = logger
        }
    }

    public let configuration: Configuration
    private let loop: CurlMultiLoop

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.loop = CurlMultiLoop(maxConnectionsPerHost: configuration.maxConnectionsPerHost)
    }

    deinit {
        loop.shutdown()
    }

    public func send(_ request: HTTPRequest, tls: TLSOptions) async throws -> HTTPResponse {
        let target = HTTPURLParts(request.url)
        var attempt = 1
        while true {
            let response = try await sendOnce(request, tls: tls, target: target, attempt: attempt)
            guard response.status == 429 || response.status == 503, attempt <= configuration.retry.maxRetries,
                  let delay = retryDelay(for: response)
            else { return response }
            try await Task.sleep(for: delay)
            attempt += 1
        }
    }

    /// How long to wait before retrying `response`, or nil to hand it to the caller.
    func retryDelay(for response: HTTPResponse) -> Duration? {
        let policy = configuration.retry
        guard let header = response.headers["retry-after"] else { return policy.delayWithoutRetryAfter }
        guard let delay = RetryAfter.parse(header) else { return policy.delayWithoutRetryAfter }
        return delay <= policy.maxWait ? delay : nil
    }

    private func sendOnce(_ request: HTTPRequest, tls: TLSOptions, target: HTTPURLParts, attempt: Int) async throws -> HTTPResponse {
        let clock = ContinuousClock()
        let start = clock.now
        let result: Result<HTTPResponse, any Error>
        do {
            let transfer = try CurlTransfer(
                request: request, tls: tls, target: target,
                connectTimeout: configuration.connectTimeout,
                timeout: request.timeout ?? configuration.timeout,
                userAgent: configuration.userAgent
            )
            result = .success(try await run(transfer))
        } catch {
            result = .failure(error)
        }
        if let logger = configuration.logger {
            var entry = HTTPRequestLogEntry(method: request.method, url: target.redacted, status: nil, duration: clock.now - start, attempt: attempt)
            switch result {
            case .success(let response): entry.status = response.status
            case .failure(let error as HTTPClientError): entry.errorKind = error.kind
            case .failure: break
            }
            logger(entry)
        }
        return try result.get()
    }

    func submit(_ transfer: CurlTransfer) { loop.submit(transfer) }

    private func run(_ transfer: CurlTransfer) async throws -> HTTPResponse {
        try Task.checkCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                transfer.continuation = continuation
                loop.submit(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
    }
}
