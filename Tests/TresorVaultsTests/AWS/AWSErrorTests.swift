import Foundation
import Synchronization
import Testing

@testable import TresorCore
@testable import TresorVaults

/// Error answers as Secrets Manager sends them (JSON `__type`) and as signature checks
/// send them (XML), mapped to VaultErrors; throttling retried, then reported.
@Suite("AWS error mapping")
struct AWSErrorTests {
    /// Answers each request with the next recorded response and counts the requests.
    final class RecordedHTTP: HTTPClient {
        private let state: Mutex<(responses: [HTTPResponse], requests: [HTTPRequest])>

        init(_ responses: [HTTPResponse]) { state = Mutex((responses, [])) }

        func send(_ request: HTTPRequest, tls: TLSOptions) async throws -> HTTPResponse {
            try state.withLock { state in
                state.requests.append(request)
                guard !state.responses.isEmpty else { throw HTTPClientError(kind: .transport, message: "no more responses") }
                return state.responses.removeFirst()
            }
        }

        var requests: [HTTPRequest] { state.withLock { $0.requests } }
    }

    /// An error answer in the AWS JSON 1.1 protocol Secrets Manager speaks: the error's
    /// shape name in `__type`, the text in `message`, content type
    /// `application/x-amz-json-1.1` (Smithy's awsJson1_1 protocol, "Operation error
    /// serialization"; the Secrets Manager API Reference's errors are these shape names,
    /// and moto's server answers in the same form).
    static func json(_ status: Int, _ type: String, _ message: String) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["content-type": "application/x-amz-json-1.1"],
            body: Array(#"{"__type":"\#(type)","message":"\#(message)"}"#.utf8))
    }

    static func adapter(_ http: RecordedHTTP, auth: AWSAuth? = nil) -> AWSAdapter {
        AWSAdapter(
            config: AWSProvider(region: "eu-west-1", endpoint: "https://sm.test", pathPrefix: "apps", auth: auth, deletion: .force),
            profile: "prod-aws", http: http,
            credentials: { source in
                switch source {
                case .fromEnv("AWS_ACCESS_KEY_ID"): "AKIAEXAMPLE"
                case .fromEnv("AWS_SECRET_ACCESS_KEY"): "secret-example"
                case .fromEnv("AWS_SESSION_TOKEN"): "session-token-example"
                default: throw CocoaError(.fileNoSuchFile)
                }
            }, throttleDelays: [.zero, .zero])
    }

    /// The error reading the metadata of `db` when the endpoint answers `response`.
    static func readMetadataError(_ response: HTTPResponse) async throws -> VaultError {
        try #require(await AWSTesting.vaultError { _ = try await adapter(RecordedHTTP([response])).readMetadata(at: "db") })
    }

    @Test func invalidSignatureNamesTheProfileAndTheKeySources() async throws {
        let error = try await Self.readMetadataError(Self.json(400, "InvalidSignatureException", "The request signature we calculated does not match"))
        #expect(error.kind == .permissionDenied)
        #expect(error.message.contains("vault profile 'prod-aws'"))
        #expect(error.message.contains("environment variable AWS_ACCESS_KEY_ID"))
        #expect(error.message.contains("environment variable AWS_SECRET_ACCESS_KEY"))
        #expect(error.message.contains("clock"))
        #expect(!error.message.contains("secret-example"))
    }

    @Test func unrecognizedClientAndXMLSignatureErrorsAreAuthenticationErrors() async throws {
        let xml = HTTPResponse(
            status: 403, headers: [:],
            body: Array("<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></Errors></ErrorResponse>".utf8))
        for response in [Self.json(400, "UnrecognizedClientException", "The security token is invalid"), xml] {
            let error = try await Self.readMetadataError(response)
            #expect(error.kind == .permissionDenied)
            #expect(error.message.contains("rejected the credentials of vault profile 'prod-aws'"))
        }
    }

    @Test func accessDeniedNamesTheActionAndSecret() async throws {
        let error = try await Self.readMetadataError(Self.json(400, "AccessDeniedException", "User is not authorized"))
        #expect(error.kind == .permissionDenied)
        #expect(error.message.contains("secretsmanager:DescribeSecret on that secret"))
        #expect(error.message.contains("'apps/db'"))
    }

    @Test func throttlingIsRetriedThenReportedAsRateLimited() async throws {
        let throttled = Self.json(400, "ThrottlingException", "Rate exceeded")
        let gaveUp = RecordedHTTP([throttled, throttled, throttled])
        let error = try #require(await AWSTesting.vaultError { _ = try await Self.adapter(gaveUp).readMetadata(at: "db") })
        #expect(error.kind == .rateLimited)
        #expect(error.isTransient)
        #expect(gaveUp.requests.count == 3)

        let described = HTTPResponse(status: 200, headers: [:], body: Array(#"{"Name":"apps/db","VersionIdsToStages":{"v1":["AWSCURRENT"]}}"#.utf8))
        let recovered = RecordedHTTP([throttled, described])
        #expect(try await Self.adapter(recovered).readMetadata(at: "db")?.vaultVersion == "v1")
        #expect(recovered.requests.count == 2)
    }

    @Test func notFoundIsAbsenceAndScheduledDeletionIsNamed() async throws {
        let http = RecordedHTTP([Self.json(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")])
        #expect(try await Self.adapter(http).readMetadata(at: "db") == nil)

        let deleted = AWSError(Self.json(400, "InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion."))
        #expect(deleted.category == .scheduledForDeletion)
        let transport = Self.adapter(RecordedHTTP([])).transport
        #expect(transport.failure(deleted, action: "PutSecretValue", secret: "apps/db").message.contains("scheduled for deletion"))
    }

    @Test func requestsAreSignedWithTargetAndSessionToken() async throws {
        let http = RecordedHTTP([Self.json(400, "ResourceNotFoundException", "none")])
        _ = try await Self.adapter(http).readMetadata(at: "db/main")
        let request = try #require(http.requests.first)
        let headers = Dictionary(request.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        #expect(request.url == "https://sm.test/")
        #expect(headers["x-amz-target"] == "secretsmanager.DescribeSecret")
        #expect(headers["host"] == "sm.test")
        #expect(headers["x-amz-security-token"] == "session-token-example")
        #expect(headers["authorization"]?.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,") == true)
        #expect(String(decoding: request.body ?? [], as: UTF8.self) == #"{"SecretId":"apps/db/main"}"#)
    }

    @Test func requestTokensAreStablePerWriteAndDifferPerPreviousVersion() {
        // The first 16 bytes of SHA-256 over "tresor-aws-write-v1", the name, the fingerprint and the
        // previous version ("-" for none), each followed by a NUL, as a UUID; computed with Python:
        // hashlib.sha256(b"".join(p.encode() + b"\0" for p in parts)).hexdigest()[:32]
        let a = AWSAdapter.requestToken(name: "apps/db", fingerprint: "hmac-sha256:aa", replacing: nil)
        #expect(a == "7f739ef6-cb2c-8319-6c5c-b3772db03951")
        #expect(AWSAdapter.requestToken(name: "apps/db", fingerprint: "hmac-sha256:aa", replacing: "v2") == "3c357282-fe78-b52a-6353-9cc89e5ae5b5")
        #expect(a != AWSAdapter.requestToken(name: "apps/db", fingerprint: "hmac-sha256:bb", replacing: nil))
        #expect((32...64).contains(a.count))
    }

    @Test func markTagsRoundTripIncludingFieldNamesTagsCannotHold() throws {
        let mark = OwnershipMark(
            secret: "payments-db", type: .keyValue, fingerprint: "hmac-sha256:" + String(repeating: "ab", count: 32),
            generators: ["token": "0123456789abcdef", "odd key!": "fedcba9876543210"], generatedAt: Date(timeIntervalSince1970: 1_795_000_000))
        let tags = try AWSMark.tags(mark, encoding: nil, path: "db", server: "test")
        // The tag for "odd key!" (not tag text) holds the name in base64: `printf 'odd key!' | base64`.
        #expect(Dictionary(uniqueKeysWithValues: tags.map { ($0.key, $0.value) }) == [
            "managed-by": "tresor", "tresor-secret": "payments-db", "tresor-type": "keyValue",
            "tresor-fingerprint": "hmac-sha256:" + String(repeating: "ab", count: 32),
            "tresor-generated-at": "2026-11-18T11:06:40.000Z", "tresor-gen-token": "0123456789abcdef",
            "tresor-genb64-b2RkIGtleSE=": "fedcba9876543210",
        ])
        #expect(tags.allSatisfy { AWSMark.isTagText($0.key) && AWSMark.isTagText($0.value) && $0.value.count <= 256 })
        #expect(try AWSMark.decode(tags + [AWSTag(key: "team", value: "x")], path: "db", server: "test") == mark)
        let changes = AWSMark.changes(
            from: tags + [AWSTag(key: "team", value: "x"), AWSTag(key: "tresor-gen-old", value: "1")], to: tags)
        #expect(changes.set.isEmpty)
        #expect(changes.remove == ["tresor-gen-old"])
    }

    @Test func serverErrorIsRetriedOnceThenReportedAsUnavailable() async throws {
        let failed = Self.json(500, "InternalServiceError", "try again")
        let described = HTTPResponse(status: 200, headers: [:], body: Array(#"{"Name":"apps/db","VersionIdsToStages":{"v1":["AWSCURRENT"]}}"#.utf8))
        let recovered = RecordedHTTP([failed, described])
        #expect(try await Self.adapter(recovered).readMetadata(at: "db")?.vaultVersion == "v1")
        let down = RecordedHTTP([failed, failed])
        let error = try #require(await AWSTesting.vaultError { _ = try await Self.adapter(down).readMetadata(at: "db") })
        #expect(error.kind == .unavailable)
        #expect(down.requests.count == 2)
    }

    /// The create succeeded but its answer was a 500: the retry finds the name taken, and
    /// the current version is the one this write's token makes, so it is done: no second
    /// version, no conflict.
    @Test func createWhoseAnswerWasLostIsRecognisedByItsToken() async throws {
        let content = AWSTesting.content(["content": "lost-answer-1"])
        let mark = OwnershipMark(secret: "db", type: .apiKey, fingerprint: "hmac-sha256:aa")
        // This write's token (see requestTokensAreStablePerWriteAndDifferPerPreviousVersion)
        // and its mark as DescribeSecret's Tags, written out by hand.
        let token = "7f739ef6-cb2c-8319-6c5c-b3772db03951"
        let tagJSON = #"[{"Key":"managed-by","Value":"tresor"},{"Key":"tresor-fingerprint","Value":"hmac-sha256:aa"},"#
            + #"{"Key":"tresor-secret","Value":"db"},{"Key":"tresor-type","Value":"apiKey"}]"#
        let described = HTTPResponse(
            status: 200, headers: [:],
            body: Array(#"{"Name":"apps/db","Tags":\#(tagJSON),"VersionIdsToStages":{"\#(token)":["AWSCURRENT"]}}"#.utf8))
        let http = RecordedHTTP([
            Self.json(500, "InternalServiceError", "lost"), Self.json(400, "ResourceExistsException", "exists"), described,
        ])
        let written = try await Self.adapter(http).write(at: "db", content: content, mark: mark, expected: .absent)
        #expect(written.vaultVersion == token)
        let targets = http.requests.map { request in request.headers.first { $0.name == "X-Amz-Target" }?.value ?? "" }
        #expect(targets == ["secretsmanager.CreateSecret", "secretsmanager.CreateSecret", "secretsmanager.DescribeSecret"])
    }
}
