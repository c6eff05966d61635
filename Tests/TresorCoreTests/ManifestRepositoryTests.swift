import Foundation
import Testing
import TresorTestSupport

@testable import TresorCore

/// `validate` warns when a `fromFile` path reads something outside the repository the
/// manifest is reviewed in; the secret mounts of containers and Kubernetes are expected.
@Suite("fromFile outside the manifest repository")
struct ManifestRepositoryTests {
    static func warnings(fromFile path: String) throws -> [String] {
        let repository = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-repo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: repository) }
        try FileManager.default.createDirectory(at: repository.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repository.appendingPathComponent("team/secrets"), withIntermediateDirectories: true)
        let manifest = repository.appendingPathComponent("team/secrets/db.yaml").path
        let text = TestManifests.localProfile("dev")
            + TestManifests.secret("db", type: "apiKey", profile: "dev", "content: {content: {fromFile: \"\(path)\"}}")
        let result = ManifestLoader().load([ManifestFile(path: manifest, bytes: Array(text.utf8))])
        #expect(result.errors.isEmpty)
        return result.warnings.map(\.message)
    }

    @Test(arguments: ["../../../outside.txt", "/etc/passwd", "/proc/self/environ", "../../team/../../x"])
    func aPathLeavingTheRepositoryIsWarnedAbout(_ path: String) throws {
        let warnings = try Self.warnings(fromFile: path)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("is outside the manifest repository") == true)
    }

    @Test(arguments: ["key.pem", "../../shared/key.pem", "/run/secrets/db-password", "/var/run/secrets/tresor/key"])
    func aPathInsideTheRepositoryOrASecretMountIsNot(_ path: String) throws {
        #expect(try Self.warnings(fromFile: path) == [])
    }
}
