import Foundation
import TresorCore

/// Turns a vault credential's source into its value: an environment variable, a file
/// (one trailing newline dropped, as token files usually end with one) or a sealed value
/// opened before the pass (`SealedValues.openAll`).
public struct CredentialResolver: Sendable {
    public struct CredentialError: Error, CustomStringConvertible {
        public var description: String
    }

    let environment: [String: String]
    let profile: String
    let sealed: SealedValues

    public init(environment: [String: String], profile: String, sealed: SealedValues) {
        self.environment = environment
        self.profile = profile
        self.sealed = sealed
    }

    public func resolve(_ source: CredentialSource) throws -> String {
        switch source {
        case .fromEnv(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw CredentialError(
                    description: "vault profile '\(profile)': environment variable \(name) holding a credential is not set; export it")
            }
            return value
        case .fromFile(let path):
            let bytes: [UInt8]
            do {
                bytes = try AtomicFile.readBytes(path)
            } catch {
                throw CredentialError(description: "vault profile '\(profile)': credential file \(path) cannot be read: \(error)")
            }
            guard var value = String(validating: bytes, as: UTF8.self) else {
                throw CredentialError(description: "vault profile '\(profile)': credential file \(path) is not UTF-8 text")
            }
            if value.hasSuffix("\n") { value.removeLast() }
            if value.hasSuffix("\r") { value.removeLast() }
            return value
        case .sealed(let text):
            guard let value = sealed.credential(profile: profile, text: text) else {
                throw CredentialError(
                    description: "vault profile '\(profile)': a sealed credential was not opened before the run; "
                        + "pass its sealing key with --sealing-key FILE or TRESOR_SEALING_KEYS")
            }
            return value.reveal()
        }
    }
}
