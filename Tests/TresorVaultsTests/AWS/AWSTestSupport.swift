import Foundation
import Testing

@testable import TresorCore
@testable import TresorVaults

/// Builders shared by the AWS adapter tests.
enum AWSTesting: VaultTestHelpers {
    static let http = CurlHTTPClient(configuration: .init(retry: .none))

    static var server: MotoServer {
        get throws {
            guard let server = MotoServer.current else { throw MotoServer.Failure(description: "no moto server in scope") }
            return server
        }
    }

    static func provider(_ server: MotoServer, prefix: String, deletion: AWSDeletion = .recoveryWindow(days: 7)) -> AWSProvider {
        AWSProvider(
            region: MotoServer.region, endpoint: server.endpoint, pathPrefix: prefix,
            auth: AWSAuth(accessKeyId: .fromEnv("TEST_AWS_KEY_ID"), secretAccessKey: .fromEnv("TEST_AWS_SECRET")), deletion: deletion)
    }

    static func adapter(_ server: MotoServer, prefix: String, secret: String? = nil, deletion: AWSDeletion = .recoveryWindow(days: 7))
        -> AWSAdapter
    {
        let keys = ["TEST_AWS_KEY_ID": server.accessKeyId, "TEST_AWS_SECRET": secret ?? server.secretAccessKey]
        return AWSAdapter(
            config: provider(server, prefix: prefix, deletion: deletion), profile: "aws-test", http: http,
            credentials: { source in
                guard case .fromEnv(let name) = source, let value = keys[name] else { throw CocoaError(.fileNoSuchFile) }
                return value
            })
    }

    static func prefix() -> String { "t-" + UUID().uuidString.prefix(8).lowercased() }

    /// The current value, tags, version count and deletion date of a secret, as boto3 sees them.
    static func outside(_ server: MotoServer, _ name: String) async throws -> [String: Any] {
        try await server.python(
            """
            name = \(pythonString(name))
            try:
                d = sm.describe_secret(SecretId=name)
            except sm.exceptions.ResourceNotFoundException:
                out({"exists": False}); sys.exit(0)
            versions = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)["Versions"]
            result = {"exists": True, "tags": {t["Key"]: t["Value"] for t in d.get("Tags", [])},
                      "versions": len(versions), "deleted": d.get("DeletedDate") is not None,
                      "current": next((v for v, s in d.get("VersionIdsToStages", {}).items() if "AWSCURRENT" in s), None)}
            if not result["deleted"]:
                v = sm.get_secret_value(SecretId=name)
                result["string"] = v.get("SecretString")
            out(result)
            """)
    }

    static func pythonString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
