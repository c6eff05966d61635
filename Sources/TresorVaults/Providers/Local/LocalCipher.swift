import Crypto
import Foundation
import TresorCore

/// Seals and opens one version's content with AES-256-GCM. The authenticated data binds
/// each box to its secret's path and version number: a box copied to another file or
/// another version does not open.
struct LocalCipher: Sendable {
    /// The raw key: swift-crypto's `SymmetricKey` is not `Sendable`, so one is made per operation.
    let keyBytes: [UInt8]

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    func seal(_ content: [String: SecretValue], path: LocalSecretPath, version: Int) throws -> String {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let plaintext = try encoder.encode(content.mapValues { $0.reveal() })
            let box = try AES.GCM.seal(plaintext, using: key, authenticating: Self.authenticatedData(path, version))
            guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
            return combined.base64EncodedString()
        } catch {
            throw VaultError(.unavailable, "local vault: cannot encrypt version \(version) of \(path.path)")
        }
    }

    func open(_ sealed: String, path: LocalSecretPath, version: Int) throws -> [String: SecretValue] {
        guard let combined = Data(base64Encoded: sealed),
            let box = try? AES.GCM.SealedBox(combined: combined),
            let plaintext = try? AES.GCM.open(box, using: key, authenticating: Self.authenticatedData(path, version)),
            let content = try? JSONDecoder().decodeBounded([String: String].self, from: plaintext)
        else {
            throw VaultError(
                .corrupted,
                "local vault: cannot decrypt version \(version) of \(path.path): the key file does not match or the file was altered")
        }
        return content.mapValues(SecretValue.init)
    }

    /// `tresor-local-v1`, the path and the version, separated by NUL bytes (which no path holds).
    static func authenticatedData(_ path: LocalSecretPath, _ version: Int) -> Data {
        Data("tresor-local-v1\u{0}\(path.path)\u{0}\(version)".utf8)
    }
}
