import CCurl
import Foundation

/// One attempt of one request: the easy handle, its buffers and the continuation waiting for
/// it. Built on the caller's task, then owned by the multi loop thread until it finishes.
final class CurlTransfer: @unchecked Sendable {
    let easy: UnsafeMutableRawPointer
    let target: HTTPURLParts
    let timeoutMilliseconds: Int
    var continuation: CheckedContinuation<HTTPResponse, any Error>?
    /// Called instead of a continuation by callers that wait on a thread (``CurlHTTPClient/sendWaiting(_:tls:)``).
    var completion: (@Sendable (Result<HTTPResponse, any Error>) -> Void)?
    /// Set under the loop's lock by a cancelled task.
    var cancelRequested = false

    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var requestBody: UnsafeMutableRawBufferPointer?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    fileprivate var headers: [String: String] = [:]
    /// A status line arrived: the server answered, whatever happened after.
    fileprivate var answered = false
    fileprivate var body: [UInt8] = []

    init(request: HTTPRequest, tls: TLSOptions, target: HTTPURLParts, connectTimeout: Duration, timeout: Duration, userAgent: String) throws {
        CurlGlobal.initialize()
        guard let easy = curl_easy_init() else {
            throw HTTPClientError(kind: .transport, message: "cannot start a request to \(target.hostPort): libcurl could not allocate a handle")
        }
        self.easy = easy
        self.target = target
        self.timeoutMilliseconds = Self.milliseconds(timeout)
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try configure(request: request, tls: tls, connectTimeout: connectTimeout, userAgent: userAgent)
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        requestBody?.deallocate()
        errorBuffer.deallocate()
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        if ms.overflow || seconds < 0 { return seconds < 0 ? 1 : Int(Int32.max) }
        // 0 means "no timeout" to libcurl: anything shorter than 1 ms becomes 1 ms.
        return max(1, Int(ms.partialValue + attoseconds / 1_000_000_000_000_000))
    }

    private func configure(request: HTTPRequest, tls: TLSOptions, connectTimeout: Duration, userAgent: String) throws {
        let method = request.method.uppercased()
        guard !method.isEmpty, method.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPClientError(kind: .transport, message: "invalid HTTP method for a request to \(target.hostPort)")
        }
        guard target.scheme == "http" || target.scheme == "https" else {
            throw HTTPClientError(kind: .transport, message: "unsupported URL scheme '\(target.scheme)' for \(target.hostPort): use http or https")
        }
        try set(CURLOPT_URL, string: request.url)
        try set(CURLOPT_PROTOCOLS_STR, string: "http,https")
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connectTimeout))
        try set(CURLOPT_TIMEOUT_MS, timeoutMilliseconds)
        try set(CURLOPT_USERAGENT, string: userAgent)
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try check(ccurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))

        // TLS: verification on unless the profile turns it off.
        try set(CURLOPT_SSL_VERIFYPEER, tls.insecureSkipVerify ? 0 : 1)
        try set(CURLOPT_SSL_VERIFYHOST, tls.insecureSkipVerify ? 0 : 2)
        if let caFile = tls.caFile { try set(CURLOPT_CAINFO, string: caFile) }
        if let certFile = tls.certFile { try set(CURLOPT_SSLCERT, string: certFile) }
        if let keyFile = tls.keyFile { try set(CURLOPT_SSLKEY, string: keyFile) }

        // Method and body. A body is sent from our own buffer (CURLOPT_POSTFIELDS); methods
        // that carry one get an empty body rather than none, so Content-Length: 0 is sent.
        var body = request.body
        if body == nil, ["POST", "PUT", "PATCH"].contains(method) { body = [] }
        if let body {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, body.count), alignment: 1)
            body.withUnsafeBytes { bytes in
                if !bytes.isEmpty { buffer.copyMemory(from: bytes) }
            }
            requestBody = buffer
            try set(CURLOPT_POST, 1)
            try check(ccurl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            try check(ccurl_easy_setopt_pointer(easy, CURLOPT_POSTFIELDS, buffer.baseAddress))
            if method != "POST" { try set(CURLOPT_CUSTOMREQUEST, string: method) }
        } else if method == "GET" {
            try set(CURLOPT_HTTPGET, 1)
        } else if method == "HEAD" {
            try set(CURLOPT_NOBODY, 1)
        } else {
            try set(CURLOPT_CUSTOMREQUEST, string: method)
        }

        // Headers. Without a Content-Type of the caller's, libcurl's form default is removed,
        // and `Expect: 100-continue` never delays a body.
        var hasContentType = false
        for header in request.headers {
            guard !header.name.isEmpty,
                  header.name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }),
                  !header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 })
            else {
                // The header's value may be a credential: name neither.
                throw HTTPClientError(kind: .transport, message: "invalid header in a request to \(target.hostPort): header names must be tokens and values must not contain line breaks")
            }
            if header.name.lowercased() == "content-type" { hasContentType = true }
            // "Name;" is libcurl's syntax for a header with an empty value.
            append(header: header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        if body != nil {
            if !hasContentType { append(header: "Content-Type:") }
            append(header: "Expect:")
        }
        if let headerList { try check(ccurl_easy_setopt_pointer(easy, CURLOPT_HTTPHEADER, headerList)) }

        let me = Unmanaged.passUnretained(self).toOpaque()
        try check(ccurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, me))
        try check(ccurl_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, userdata in
            let length = size * count
            guard let data, let userdata, length > 0 else { return length }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            transfer.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
            return length
        })
        try check(ccurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, me))
        try check(ccurl_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, userdata in
            let length = size * count
            guard let data, let userdata, length > 0 else { return length }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            transfer.headerLine(UnsafeRawBufferPointer(start: data, count: length))
            return length
        })
    }

    private func append(header: String) {
        headerList = curl_slist_append(headerList, header)
    }

    private func set(_ option: CURLoption, _ value: Int) throws {
        try check(ccurl_easy_setopt_long(easy, option, value))
    }

    private func set(_ option: CURLoption, string value: String) throws {
        // libcurl copies string options.
        try check(value.withCString { ccurl_easy_setopt_pointer(easy, option, $0) })
    }

    private func check(_ code: CURLcode) throws {
        guard code != CURLE_OK else { return }
        let reason = String(cString: curl_easy_strerror(code))
        throw HTTPClientError(kind: .transport, curlCode: Int32(bitPattern: code.rawValue),
                              message: "cannot set up a request to \(target.hostPort): \(reason) (libcurl \(CurlGlobal.version))")
    }

    /// One header line; a status line starts a new header block (after 1xx answers and
    /// proxy CONNECT answers), so the headers are those of the final answer.
    private func headerLine(_ bytes: UnsafeRawBufferPointer) {
        // Bytes, not String APIs: this runs for every header of every response.
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var end = bytes.count
        while end > 0, isSpace(bytes[end - 1]) { end -= 1 }
        guard end > 0 else { return }
        if end >= 5, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"), bytes[2] == UInt8(ascii: "T"),
            bytes[3] == UInt8(ascii: "P"), bytes[4] == UInt8(ascii: "/")
        {
            answered = true
            headers = [:]
            return
        }
        guard let colon = bytes[0..<end].firstIndex(of: UInt8(ascii: ":")) else { return }
        var start = colon + 1
        while start < end, isSpace(bytes[start]) { start += 1 }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<colon]), as: UTF8.self).lowercased()
        headers[name] = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// Called on the loop thread when libcurl is done with the transfer.
    func finish(code: CURLcode) {
        if code == CURLE_OK {
            var status = 0
            _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            deliver(.success(HTTPResponse(status: status, headers: headers, body: body)))
        } else {
            let detail = String(cString: errorBuffer)
            deliver(.failure(CurlErrors.error(code: code, detail: detail, target: target, timeoutMilliseconds: timeoutMilliseconds, answered: answered)))
        }
    }

    func finish(throwing error: any Error) {
        deliver(.failure(error))
    }

    private func deliver(_ result: Result<HTTPResponse, any Error>) {
        if let continuation {
            self.continuation = nil
            continuation.resume(with: result)
        } else if let completion {
            self.completion = nil
            completion(result)
        }
    }
}

enum CurlGlobal {
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32)) == CURLE_OK

    /// `curl_global_init` once per process, before the first handle.
    static func initialize() { _ = initialized }

    static let version: String = String(cString: curl_version())
}
