import Foundation
import Testing
import TresorTestSupport
@testable import TresorVaults

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private struct Echo: Decodable {
    var method: String
    var path: String
    var headers: [String: String]
    var body: String
    var clientPort: Int

    var bodyBytes: [UInt8] { Array(Data(base64Encoded: body) ?? Data()) }
}

private func decodeEcho(_ response: HTTPResponse) throws -> Echo {
    try JSONDecoder().decode(Echo.self, from: Data(response.body))
}

private func text(_ response: HTTPResponse) -> String {
    String(decoding: response.body, as: UTF8.self)
}

private func elapsed(_ body: () async throws -> Void) async rethrows -> Duration {
    let clock = ContinuousClock()
    let start = clock.now
    try await body()
    return clock.now - start
}

@Suite("Curl HTTP client against local servers")
struct CurlHTTPClientTests {
    @Test("GET, PUT, POST and DELETE round-trip method, headers and body")
    func methodsRoundTrip() async throws {
        try await TestHTTPServer.with { server in
            let client = CurlHTTPClient()
            let binary: [UInt8] = Array("{\"k\":\"v\"}".utf8) + [0, 1, 0xFF, 0x0A]
            for method in ["GET", "PUT", "POST", "DELETE"] {
                let body: [UInt8]? = method == "GET" ? nil : binary
                let request = HTTPRequest(
                    method: method, url: server.baseURL + "/echo/a/b?list=true",
                    headers: [("X-Custom", "value \(method)"), ("Content-Type", "application/json"), ("X-Empty", "")],
                    body: body
                )
                let response = try await client.send(request, tls: TLSOptions())
                #expect(response.status == 200)
                #expect(response.headers["x-echo"] == "yes")
                #expect(response.headers["content-type"] == "application/json")
                let echo = try decodeEcho(response)
                #expect(echo.method == method)
                #expect(echo.path == "/echo/a/b?list=true")
                #expect(echo.headers["x-custom"] == "value \(method)")
                #expect(echo.headers["x-empty"] == "")
                #expect(echo.headers["content-type"] == "application/json")
                #expect(echo.headers["expect"] == nil)
                #expect(echo.bodyBytes == (body ?? []))
            }
        }
    }

    @Test("A body without a Content-Type is not sent as a form; PUT without a body sends Content-Length 0")
    func bodyDefaults() async throws {
        try await TestHTTPServer.with { server in
            let client = CurlHTTPClient()
            let post = try decodeEcho(try await client.send(HTTPRequest(method: "POST", url: server.baseURL + "/echo", body: Array("x=1".utf8)), tls: TLSOptions()))
            #expect(post.headers["content-type"] == nil)
            #expect(post.bodyBytes == Array("x=1".utf8))
            let put = try decodeEcho(try await client.send(HTTPRequest(method: "PUT", url: server.baseURL + "/echo"), tls: TLSOptions()))
            #expect(put.method == "PUT")
            #expect(put.headers["content-length"] == "0")
            let head = try await client.send(HTTPRequest(method: "HEAD", url: server.baseURL + "/echo"), tls: TLSOptions())
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
        }
    }

    @Test("Sequential requests to one host reuse the connection")
    func connectionReuse() async throws {
        try await TestHTTPServer.with { server in
            let client = CurlHTTPClient()
            let first = try decodeEcho(try await client.send(HTTPRequest(method: "GET", url: server.baseURL + "/echo"), tls: TLSOptions()))
            let second = try decodeEcho(try await client.send(HTTPRequest(method: "PUT", url: server.baseURL + "/echo", body: [1, 2, 3]), tls: TLSOptions()))
            #expect(first.clientPort == second.clientPort)
        }
    }

    /// A pass keeps a fixed number of requests in flight, each worker sending its next
    /// request when the previous one has answered: the connections stay open across
    /// those gaps instead of being closed and opened again (a TLS handshake each).
    @Test("Workers sending one request after another keep their connections")
    func connectionsKeptBetweenAWorkersRequests() async throws {
        try await TestHTTPServer.with { server in
            let client = CurlHTTPClient()
            let workers = 32
            let ports = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<workers {
                    group.addTask {
                        var seen: [Int] = []
                        for _ in 0..<12 {
                            let response = try await client.send(HTTPRequest(method: "GET", url: server.baseURL + "/echo"), tls: TLSOptions())
                            seen.append(try decodeEcho(response).clientPort)
                            // Work between requests (a status file, a fingerprint), so that
                            // at moments few requests are in flight.
                            try await Task.sleep(for: .milliseconds(Int.random(in: 1...30)))
                        }
                        return seen
                    }
                }
                return try await group.reduce(into: Set<Int>()) { $0.formUnion($1) }
            }
            #expect(ports.count <= workers, "\(ports.count) connections for \(workers) workers")
        }
    }

    @Test("200 sequential requests on one connection are not held up by the poll loop")
    func sequentialLatency() async throws {
        try await TestHTTPServer.with { server in
            let client = CurlHTTPClient()
            var ports = Set<Int>()
            var waits: [Duration] = []
            for index in 0..<200 {
                let wait = try await elapsed {
                    let response = try await client.send(HTTPRequest(method: index.isMultiple(of: 2) ? "GET" : "PUT", url: server.baseURL + "/echo", body: index.isMultiple(of: 2) ? nil : [1]), tls: TLSOptions())
                    ports.insert(try decodeEcho(response).clientPort)
                }
                waits.append(wait)
            }
            #expect(ports.count == 1)
            // A wakeup or timeout bug makes every request wait out the poll interval (1 s);
            // a loaded machine slows some of them (0.3 s on average at load 25), not most.
            let held = waits.filter { $0 >= .milliseconds(990) }.count
            #expect(held < 100, "\(held) of 200 requests waited a whole poll interval")
        }
    }

    @Test("50 concurrent requests are all in flight at once and all complete")
    func fiftyConcurrent() async throws {
        try await TestHTTPServer.with { server in
            let client = CurlHTTPClient()
            // The gate opens only when all 50 are in it at once (504 otherwise).
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        try await client.send(HTTPRequest(method: "GET", url: server.baseURL + "/gate/fifty?until=50"), tls: TLSOptions()).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 50))
            #expect(try await server.counts("fifty", client).arrived == 50)
        }
    }

    @Test("A slow answer gives a .timeout error at the request's millisecond timeout")
    func timeout() async throws {
        try await TestHTTPServer.with { server in
            let client = CurlHTTPClient()
            var caught: HTTPClientError?
            // The server holds the request until the client hangs up: only the client's
            // timeout can end it.
            let time = await elapsed {
                do {
                    _ = try await client.send(HTTPRequest(method: "GET", url: server.baseURL + "/hold/slow", timeout: .milliseconds(250)), tls: TLSOptions())
                } catch let error as HTTPClientError {
                    caught = error
                } catch {
                    Issue.record("unexpected error \(error)")
                }
            }
            #expect(caught?.kind == .timeout)
            #expect(caught?.message.contains("127.0.0.1:\(server.port)") == true)
            // Not before the 250 ms: the timeout is taken in milliseconds, not rounded down.
            #expect(time >= .milliseconds(240))
            try await eventually("the server to see the client hang up") { try await server.counts("slow", client).hungUp == 1 }
        }
    }

    @Test("The client's default timeout applies when the request has none")
    func defaultTimeout() async throws {
        try await TestHTTPServer.with { server in
            let client = CurlHTTPClient(configuration: .init(timeout: .milliseconds(200)))
            let error = await #expect(throws: HTTPClientError.self) {
                _ = try await client.send(HTTPRequest(method: "GET", url: server.baseURL + "/hold/default"), tls: TLSOptions())
            }
            #expect(error?.kind == .timeout)
        }
    }

    @Test("A refused connection gives a .connect error naming host and port")
    func connectionRefused() async throws {
        let port = try unusedLocalPort()
        let client = CurlHTTPClient()
        do {
            _ = try await client.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/v1/secret"), tls: TLSOptions())
            Issue.record("expected a connect error")
        } catch let error as HTTPClientError {
            #expect(error.kind == .connect)
            #expect(error.curlCode == 7)
            #expect(error.message.contains("127.0.0.1:\(port)"))
        }
    }

    @Test("An unknown host gives a .connect error")
    func unknownHost() async throws {
        let client = CurlHTTPClient(configuration: .init(connectTimeout: .seconds(5)))
        do {
            _ = try await client.send(HTTPRequest(method: "GET", url: "http://tresor-no-such-host.invalid/"), tls: TLSOptions())
            Issue.record("expected a connect error")
        } catch let error as HTTPClientError {
            #expect(error.kind == .connect)
            #expect(error.message.contains("tresor-no-such-host.invalid"))
        }
    }

    @Test("Non-HTTP URLs and header injection are refused before anything is sent")
    func invalidInput() async throws {
        let client = CurlHTTPClient()
        await #expect(throws: HTTPClientError.self) {
            _ = try await client.send(HTTPRequest(method: "GET", url: "file:///etc/passwd"), tls: TLSOptions())
        }
        do {
            _ = try await client.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:1/", headers: [("X-Vault-Token", "s.secret\r\nX-Evil: 1")]), tls: TLSOptions())
            Issue.record("expected an error")
        } catch let error as HTTPClientError {
            #expect(error.kind == .transport)
            #expect(!error.message.contains("s.secret"))
        }
    }

    @Test("Cancelling the task ends the request with CancellationError and hangs up")
    func cancellation() async throws {
        try await TestHTTPServer.with { server in
            let client = CurlHTTPClient()
            // The server holds the request until the client hangs up (60 s at most).
            let task = Task {
                try await client.send(HTTPRequest(method: "GET", url: server.baseURL + "/hold/cancel"), tls: TLSOptions())
            }
            try await eventually("the request to reach the server") { try await server.counts("cancel", client).arrived == 1 }
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            try await eventually("the server to see the client hang up") { try await server.counts("cancel", client).hungUp == 1 }
        }
    }

    @Test("Clients shut down cleanly when released: their connections close")
    func shutdown() async throws {
        try await TestHTTPServer.with { server in
            for _ in 0..<20 {
                let client = CurlHTTPClient()
                let response = try await client.send(HTTPRequest(method: "GET", url: server.baseURL + "/echo"), tls: TLSOptions())
                #expect(response.status == 200)
            }
            // Each kept its connection open for reuse; released, each closed it. The one
            // left open is the observer's own.
            let observer = CurlHTTPClient()
            try await eventually("the released clients' connections to close") {
                let response = try await observer.send(HTTPRequest(method: "GET", url: server.baseURL + "/connections"), tls: TLSOptions())
                return text(response) == "1"
            }
        }
    }
}

extension TestHTTPServer {
    struct Counts: Decodable {
        var arrived: Int
        var hungUp: Int
    }

    /// What the server saw of the gate or hold `key`.
    func counts(_ key: String, _ client: CurlHTTPClient) async throws -> Counts {
        let response = try await client.send(HTTPRequest(method: "GET", url: baseURL + "/count/" + key), tls: TLSOptions())
        return try JSONDecoder().decode(Counts.self, from: Data(response.body))
    }
}

@Suite("Curl HTTP client TLS")
struct CurlHTTPClientTLSTests {
    /// Runs `body` with the test server speaking `security` over a PKI made for it in a
    /// temporary directory.
    static func withTLSServer(
        _ security: (TestPKI) -> TestHTTPServer.Security, _ body: (TestHTTPServer, TestPKI, _ directory: String) async throws -> Void
    ) async throws {
        try await withHTTPTempDirectory { directory in
            let pki = try await TestPKI.make(in: directory)
            try await TestHTTPServer.with(security(pki)) { server in try await body(server, pki, directory) }
        }
    }

    @Test("HTTPS with the right CA works; the wrong CA fails with .tls naming the certificate problem")
    func serverVerification() async throws {
        try await Self.withTLSServer({ .tls($0) }) { server, pki, _ in
            let client = CurlHTTPClient()
            let request = HTTPRequest(method: "PUT", url: server.baseURL + "/echo/tls", body: Array("over tls".utf8))
            let response = try await client.send(request, tls: TLSOptions(caFile: pki.caFile))
            #expect(response.status == 200)
            #expect(try decodeEcho(response).bodyBytes == Array("over tls".utf8))

            for tls in [TLSOptions(caFile: pki.otherCAFile), TLSOptions()] {
                do {
                    _ = try await client.send(request, tls: tls)
                    Issue.record("expected a TLS error with \(tls)")
                } catch let error as HTTPClientError {
                    #expect(error.kind == .tls)
                    #expect(error.curlCode == 60)
                    #expect(error.message.contains("certificate"), "\(error.message)")
                    #expect(error.message.contains("127.0.0.1:\(server.port)"))
                }
            }

            let insecure = try await client.send(request, tls: TLSOptions(caFile: pki.otherCAFile, insecureSkipVerify: true))
            #expect(insecure.status == 200)
        }
    }

    @Test("mTLS works with the client certificate and fails without it")
    func mutualTLS() async throws {
        try await Self.withTLSServer({ .mutualTLS($0) }) { server, pki, directory in
            let client = CurlHTTPClient()
            let request = HTTPRequest(method: "GET", url: server.baseURL + "/echo/mtls")
            let response = try await client.send(request, tls: TLSOptions(caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey))
            #expect(response.status == 200)

            do {
                _ = try await client.send(request, tls: TLSOptions(caFile: pki.caFile))
                Issue.record("expected the server to refuse a client without a certificate")
            } catch let error as HTTPClientError {
                #expect(error.kind == .tls, "\(error.message) code \(String(describing: error.curlCode))")
                #expect(error.message.contains("127.0.0.1:\(server.port)"))
            }

            do {
                _ = try await client.send(request, tls: TLSOptions(caFile: pki.caFile, certFile: directory + "/missing.crt", keyFile: pki.clientKey))
                Issue.record("expected an error for a missing client certificate")
            } catch let error as HTTPClientError {
                #expect(error.kind == .tls, "\(error.message)")
            }
        }
    }
}

@Suite("Curl HTTP client retries")
struct CurlHTTPClientRetryTests {
    private func hits(_ client: CurlHTTPClient, _ server: TestHTTPServer, _ key: String) async throws -> String {
        text(try await client.send(HTTPRequest(method: "GET", url: server.baseURL + "/hits/\(key)"), tls: TLSOptions()))
    }

    @Test("429 with Retry-After: 1 is retried once, after the delay, and succeeds")
    func retryAfterSucceeds() async throws {
        try await TestHTTPServer.with { server in
            let client = CurlHTTPClient()
            var response: HTTPResponse?
            let time = try await elapsed {
                response = try await client.send(HTTPRequest(method: "POST", url: server.baseURL + "/flaky/once?code=429&times=1&retry_after=1", body: [1]), tls: TLSOptions())
            }
            #expect(response?.status == 200)
            #expect(response.map(text) == "ok after 2")
            #expect(time >= .milliseconds(950), "took \(time)")
            #expect(try await hits(client, server, "once") == "2")
        }
    }

    @Test("A second 429 is returned to the caller")
    func secondRateLimitReturned() async throws {
        try await TestHTTPServer.with { server in
            let client = CurlHTTPClient()
            let response = try await client.send(HTTPRequest(method: "GET", url: server.baseURL + "/flaky/twice?code=429&times=2&retry_after=1"), tls: TLSOptions())
            #expect(response.status == 429)
            #expect(response.headers["retry-after"] == "1")
            #expect(text(response) == "slow down")
            #expect(try await hits(client, server, "twice") == "2")
        }
    }

    @Test("503 is retried too; a Retry-After beyond the bound is not waited for")
    func retryBounds() async throws {
        try await TestHTTPServer.with { server in
            let client = CurlHTTPClient(configuration: .init(retry: .init(maxRetries: 1, maxWait: .seconds(5), delayWithoutRetryAfter: .milliseconds(50))))
            let sealed = try await client.send(HTTPRequest(method: "GET", url: server.baseURL + "/flaky/sealed?code=503&times=1"), tls: TLSOptions())
            #expect(sealed.status == 200)
            #expect(try await hits(client, server, "sealed") == "2")

            var far: HTTPResponse?
            let time = try await elapsed {
                far = try await client.send(HTTPRequest(method: "GET", url: server.baseURL + "/flaky/far?code=429&times=1&retry_after=60"), tls: TLSOptions())
            }
            #expect(far?.status == 429)
            // Far below the 60 s Retry-After: it was not waited for.
            #expect(time < .seconds(20))
            #expect(try await hits(client, server, "far") == "1")

            let noRetry = CurlHTTPClient(configuration: .init(retry: .none))
            #expect(try await noRetry.send(HTTPRequest(method: "GET", url: server.baseURL + "/flaky/off?code=429&times=1&retry_after=0"), tls: TLSOptions()).status == 429)
            #expect(try await hits(client, server, "off") == "1")
        }
    }

    @Test("Retry-After parses seconds and HTTP dates")
    func retryAfterParsing() {
        #expect(RetryAfter.parse("1") == .seconds(1))
        #expect(RetryAfter.parse(" 0 ") == .seconds(0))
        #expect(RetryAfter.parse("1.5") == .milliseconds(1500))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", now: 1_445_412_470) == .seconds(10))
        #expect(RetryAfter.parse("soon") == nil)
    }

    /// Found by fuzzing (Duration): a Retry-After of 1.4e23 seconds trapped when it was
    /// turned into milliseconds; it is now a year, which every caller refuses to wait.
    @Test("A Retry-After of more seconds than fit in a Duration is a year, not a crash")
    func retryAfterOfAHugeNumberOfSeconds() {
        #expect(RetryAfter.parse("144444444444444444444444") == .seconds(31_536_000))
        #expect(RetryAfter.parse("1e300") == .seconds(31_536_000))
    }
}

@Suite("Curl HTTP client logging and proxies")
struct CurlHTTPClientLoggingTests {
    @Test("The logging hook sees method, redacted URL, status and duration, never bodies or auth headers")
    func loggingRedacts() async throws {
        let secrets = ["body-secret-value", "tok-bearer-secret", "s.vault-token-secret", "query-secret", "pass-secret"]
        try await TestHTTPServer.with { server in
            let entries = LockedList<HTTPRequestLogEntry>()
            let client = CurlHTTPClient(configuration: .init(logger: { entries.append($0) }))
            let url = "http://user:pass-secret@127.0.0.1:\(server.port)/echo/path?token=query-secret&list=true#frag"
            let request = HTTPRequest(
                method: "POST", url: url,
                headers: [("Authorization", "Bearer tok-bearer-secret"), ("X-Vault-Token", "s.vault-token-secret")],
                body: Array("{\"password\":\"body-secret-value\"}".utf8)
            )
            let response = try await client.send(request, tls: TLSOptions())
            #expect(response.status == 200)
            let echo = try decodeEcho(response)
            #expect(echo.headers["x-vault-token"] == "s.vault-token-secret")
            #expect(echo.headers["authorization"]?.hasPrefix("Bearer") == true)

            _ = try await client.send(HTTPRequest(method: "GET", url: server.baseURL + "/flaky/logged?code=429&times=1&retry_after=0", headers: [("X-Vault-Token", "s.vault-token-secret")]), tls: TLSOptions())

            let refusedPort = try unusedLocalPort()
            do {
                _ = try await client.send(HTTPRequest(method: "PUT", url: "http://127.0.0.1:\(refusedPort)/v1/x?token=query-secret", headers: [("X-Vault-Token", "s.vault-token-secret")], body: Array("body-secret-value".utf8)), tls: TLSOptions())
                Issue.record("expected a connect error")
            } catch let error as HTTPClientError {
                for secret in secrets { #expect(!error.message.contains(secret)) }
            }

            let logged = entries.all
            #expect(logged.count == 4)
            let first = try #require(logged.first)
            #expect(first.method == "POST")
            #expect(first.url == "http://127.0.0.1:\(server.port)/echo/path?token=REDACTED&list=REDACTED")
            #expect(first.status == 200)
            #expect(first.attempt == 1)
            #expect(first.duration > .zero)
            #expect(logged[1].status == 429 && logged[1].attempt == 1)
            #expect(logged[2].status == 200 && logged[2].attempt == 2)
            #expect(logged[3].status == nil && logged[3].errorKind == .connect)
            for entry in logged {
                let all = "\(entry) \(entry.url) \(entry.method) \(String(reflecting: entry))"
                for secret in secrets { #expect(!all.contains(secret), "\(all)") }
                #expect(!all.lowercased().contains("authorization"))
                #expect(!all.lowercased().contains("x-vault-token"))
            }
        }
    }

    @Test("URLs are redacted for logs and messages")
    func urlParts() {
        let parts = HTTPURLParts("HTTPS://u:p@vault.example:8200/v1/kv/data/a?version=2&list#x")
        #expect(parts.scheme == "https")
        #expect(parts.hostPort == "vault.example:8200")
        #expect(parts.redacted == "https://vault.example:8200/v1/kv/data/a?version=REDACTED&list")
        #expect(HTTPURLParts("http://h").hostPort == "h")
        #expect(HTTPURLParts("http://[::1]:80?x=1").redacted == "http://[::1]:80?x=REDACTED")
        // The plain form every adapter request has, and its near misses.
        let plain = HTTPURLParts("http://127.0.0.1:8200/v1/secret/data/a/b")
        #expect((plain.scheme, plain.hostPort, plain.redacted) == ("http", "127.0.0.1:8200", "http://127.0.0.1:8200/v1/secret/data/a/b"))
        #expect(HTTPURLParts("HTTP://h/x").redacted == "http://h/x")
        #expect(HTTPURLParts("https://h").redacted == "https://h")
        #expect(HTTPURLParts("http:/h/x").scheme == "")
        #expect(HTTPURLParts("http:///x").hostPort == "(no host)")
    }

    /// Found by fuzzing (HTTPURLParts): `://` after a `#` or a `?` was taken for the end of
    /// the scheme, which kept the fragment, or a query value, in the redacted form; and a
    /// combining mark after `@` hid it from a comparison of Characters, which kept the user info.
    @Test("Fragments, query values and user info are removed whatever follows them")
    func urlPartsRedactByTheBytes() {
        #expect(HTTPURLParts("ht#tp://127.0.0.1/x").redacted == "ht")
        #expect(HTTPURLParts("a?token=hunter2://h/x").redacted == "a?token=REDACTED")
        let marked = HTTPURLParts("https://user:pass-secret@\u{301}host/x?k=\u{301}v")
        #expect(!marked.redacted.contains("pass-secret") && !marked.hostPort.contains("pass-secret"))
        #expect(marked.redacted.hasSuffix("?k=REDACTED"))
    }

    /// Found by the fuzz smoke run of `make test` (HTTPURLParts): after an empty scheme the
    /// redacted form dropped the `://`, so `://ps://user@hos` came out as `ps://user@hos`, a
    /// URL whose user info was kept.
    @Test("An empty scheme keeps its separator, so nothing after it passes for user info")
    func urlPartsKeepTheSeparatorOfAnEmptyScheme() {
        let parts = HTTPURLParts("://ps://user@hos")
        #expect(parts.redacted == "://ps://user@hos")
        #expect(parts.redacted.hasPrefix("://"))
    }

    /// libcurl reads `http_proxy` and `no_proxy` itself, for every transfer. The test sets
    /// them for the whole process: `no_proxy` first, so that the other tests' requests to
    /// 127.0.0.1 go direct, and puts both back afterwards.
    @Test("http_proxy from the environment is used, no_proxy is honoured")
    func proxyFromEnvironment() async throws {
        try await TestHTTPServer.with { proxy in
            let savedNoProxy = getenv("no_proxy").map { String(cString: $0) }
            let savedProxy = getenv("http_proxy").map { String(cString: $0) }
            setenv("no_proxy", "127.0.0.1,localhost,::1", 1)
            setenv("http_proxy", proxy.baseURL, 1)
            defer {
                if let savedProxy { setenv("http_proxy", savedProxy, 1) } else { unsetenv("http_proxy") }
                if let savedNoProxy { setenv("no_proxy", savedNoProxy, 1) } else { unsetenv("no_proxy") }
            }
            let client = CurlHTTPClient()
            // The echo server plays the proxy: a proxied request line carries the absolute URL.
            let proxied = try decodeEcho(try await client.send(HTTPRequest(method: "GET", url: "http://vault.tresor-test.invalid:8200/v1/sys/health"), tls: TLSOptions()))
            #expect(proxied.path == "http://vault.tresor-test.invalid:8200/v1/sys/health")
            let direct = try decodeEcho(try await client.send(HTTPRequest(method: "GET", url: proxy.baseURL + "/echo/direct"), tls: TLSOptions()))
            #expect(direct.path == "/echo/direct")
        }
    }
}
