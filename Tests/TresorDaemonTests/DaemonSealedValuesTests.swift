import Foundation
import Testing
import TresorCore
import TresorVaults
import TresorTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `tresor run --sealing-key`: sealed values in the manifests open in the daemon as in
/// `apply`, and the plaintext appears nowhere but in the vault.
@Suite struct DaemonSealedValuesTests {
    @Test func sealedValueOpensWithTheSealingKeyAndIsWrittenToTheVault() async throws {
        let directory = try DaemonProcess.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let privateKey = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let keyPath = directory + "/sealing.key"
        #expect(FileManager.default.createFile(atPath: keyPath, contents: Data(privateKey), attributes: [.posixPermissions: 0o600]))
        let value = "sealed-in-the-daemon-" + UUID().uuidString
        let sealed = try Sealer.seal(
            SecretValue(value), to: try SealingPublicKey(privateKey: privateKey),
            for: SealedBinding(kind: .secret, name: "db", field: "content")
        ).text
        try (TestManifests.localProfile("main") + TestManifests.secret("db", type: "apiKey", "content: {content: {sealed: \"\(sealed)\"}}"))
            .write(toFile: directory + "/manifests/all.yaml", atomically: true, encoding: .utf8)

        let daemon = try DaemonProcess.start(in: directory, environment: [:], arguments: ["--sealing-key", keyPath])
        do {
            try await daemon.waitUntilReady()
            let vault = try LocalAdapter(directory: directory + "/state/vaults/main", keyFile: directory + "/state/local.key")
            try await eventually("the opened value in the vault") {
                try await vault.read(at: "db", version: nil)?.content["content"]?.reveal() == value
            }
            #expect(try await daemon.signal(SIGTERM) == 0)
            try await YAMLReaders.expectReadAlike(under: daemon.state)
        } catch {
            await daemon.kill9()
            throw error
        }
        #expect(!daemon.log.contains(value), "the value is not in the daemon's log")
        for name in ["status/Secret/db.yaml", "audit.log", "inventory.yaml"] {
            let text = (try? String(contentsOfFile: directory + "/state/" + name, encoding: .utf8)) ?? ""
            #expect(!text.isEmpty && !text.contains(value), "\(name) exists and does not hold the value")
        }
    }
}
