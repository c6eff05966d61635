import Foundation

extension CurlHTTPClient {
    /// Sends one request and blocks the calling thread until it ends: for synchronous
    /// callers (the etcd state store under the engine's synchronous status reads and
    /// writes). The transfer runs on the client's own curl thread, so waiting here never
    /// needs a thread of Swift's cooperative pool. No 429/503 retries: etcd answers
    /// neither.
    public func sendWaiting(_ request: HTTPRequest, tls: TLSOptions) throws -> HTTPResponse {
        let transfer = try CurlTransfer(
            request: request, tls: tls, target: HTTPURLParts(request.url), connectTimeout: configuration.connectTimeout,
            timeout: request.timeout ?? configuration.timeout, userAgent: configuration.userAgent)
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        transfer.completion = { result in
            box.set(result)
            done.signal()
        }
        submit(transfer)
        done.wait()
        return try box.get()
    }
}

/// The one result of a waited-for transfer, handed from the curl thread to the waiter.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<HTTPResponse, any Error>?

    func set(_ value: Result<HTTPResponse, any Error>) { lock.withLock { result = value } }

    func get() throws -> HTTPResponse {
        guard let result = lock.withLock({ result }) else {
            throw HTTPClientError(kind: .transport, message: "a request ended without an answer")
        }
        return try result.get()
    }
}
