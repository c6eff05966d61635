import Foundation

/// One content version in a secret file: the sealed JSON object `{field: value}`.
struct LocalSecretVersion: Codable, Sendable {
    var version: Int
    var createdAt: Date
    /// Base64 of the AES-GCM combined box (nonce, ciphertext, tag), bound to the
    /// secret's path and this version number as authenticated data.
    var sealed: String
}
