import Dispatch
import Synchronization
import TresorVaults

/// An HTTP client that answers each request with the next response written in the
/// input, then fails as an unreachable server does: a provider target drives its
/// adapter's own operations against whatever a server may send.
///
/// Responses are separated by `\n===\n`; the first byte of each picks its status from
/// ``statuses``, the rest is the body.
public final class ScriptedHTTP: HTTPClient {
    public static let separator: [UInt8] = Array("\n===\n".utf8)
    public static let statuses = [200, 204, 400, 401, 403, 404, 409, 412, 429, 500, 503]

    private let responses: Mutex<[HTTPResponse]>

    public init(_ bytes: [UInt8], headers: [String: String] = [:]) {
        responses = Mutex(Self.split(bytes).map { piece in
            let status = piece.first.map { Self.statuses[Int($0) % Self.statuses.count] } ?? 200
            return HTTPResponse(status: status, headers: headers, body: Array(piece.dropFirst()))
        })
    }

    public func send(_ request: HTTPRequest, tls: TLSOptions) async throws -> HTTPResponse {
        try responses.withLock { responses in
            guard !responses.isEmpty else { throw HTTPClientError(kind: .connect, message: "connection refused") }
            return responses.removeFirst()
        }
    }

    static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        var index = 0
        while index + separator.count <= bytes.count {
            if bytes[index..<(index + separator.count)].elementsEqual(separator) {
                pieces.append(Array(bytes[start..<index]))
                index += separator.count
                start = index
            } else {
                index += 1
            }
        }
        pieces.append(Array(bytes[start...]))
        return pieces
    }
}

/// Runs an adapter's async operations to the end from libFuzzer's synchronous callback.
public func runToEnd(_ work: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await work()
        done.signal()
    }
    done.wait()
}
