import FuzzSupport

@testable import TresorCore
@testable import TresorVaults

/// Secrets Manager answers, as `AWSAdapter` reads them: DescribeSecret, GetSecretValue,
/// ListSecrets and ListSecretVersionIds, and the JSON and XML error answers, each
/// operation in turn taking the next responses the input holds (``ScriptedHTTP``).
///
/// Property: no error the adapter throws contains a `SecretString` the server sent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAWSResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzing(data, size) { input in
        let values = ServerValues.found(in: input.bytes, at: ["SecretString"])
        let adapter = AWSAdapter(
            config: AWSProvider(region: "eu-west-1", endpoint: "https://sm.fuzz", pathPrefix: "apps", auth: nil, deletion: .force),
            profile: "fuzz-aws",
            http: ScriptedHTTP(input.bytes, headers: ["content-type": "application/x-amz-json-1.1"]),
            credentials: { source in
                switch source {
                case .fromEnv("AWS_ACCESS_KEY_ID"): "AKIAFUZZ"
                case .fromEnv("AWS_SECRET_ACCESS_KEY"): "fuzz-secret-access-key"
                default: throw VaultError(.invalidRequest, "no such credential")
                }
            },
            // The pauses before retrying a throttled call are deliberate, not parsing.
            throttleDelays: [.zero, .zero])
        checkErrorsLeaveOut(values, what: "a SecretString", [
            { _ = try await adapter.readMetadata(at: "db") },
            { _ = try await adapter.read(at: "db", version: nil) },
            { _ = try await adapter.read(at: "db", version: "v-2") },
            { _ = try await adapter.listManaged() },
        ])
    }
}
