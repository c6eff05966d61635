import TresorCore
import TresorVaults

/// The sealing keys of a run and every sealed value of the desired state, opened before
/// the pass starts: a value that cannot be opened stops the run before any vault write.
public struct SealedValues: Sendable {
    /// A sealed value that cannot be opened, located in its manifest.
    public struct Problem: Sendable, CustomStringConvertible {
        public var location: SourceLocation
        public var binding: SealedBinding
        public var error: SealedValueError

        public var description: String { "\(location): error: \(binding): cannot open the sealed value: \(error)" }
    }

    /// Every sealed value that could not be opened, in manifest order.
    public struct OpenError: Error, Sendable, CustomStringConvertible {
        public var problems: [Problem]

        public var description: String { problems.map(\.description).joined(separator: "\n") }
    }

    public static let purpose = KeyFile.Purpose(
        owner: "sealing key", loss: "values sealed to a lost key can no longer be opened; seal them again")

    public let keyring: SealingKeyring
    private var opened: [SealedBinding: Opened] = [:]
    /// Sealed credentials by profile and sealed text: the credential callback of an adapter
    /// is given the source alone, not the field it is bound to.
    private var credentials: [String: [String: SecretValue]] = [:]

    private struct Opened: Sendable {
        var text: String
        var value: SecretValue
    }

    public init(keyring: SealingKeyring = SealingKeyring()) {
        self.keyring = keyring
    }

    /// Reads private key files: 32 bytes, mode 0600, as `tresor keys generate` writes them.
    public static func loadKeyring(files: [String]) throws -> SealingKeyring {
        var keys: [[UInt8]] = []
        for file in files {
            guard let key = try KeyFile.load(file, purpose: purpose) else {
                throw SealingKeyError("sealing key file \(file) does not exist; give the private key file that `tresor keys generate` wrote")
            }
            keys.append(key)
        }
        return try SealingKeyring(privateKeys: keys)
    }

    /// Opens every sealed value of the enabled secrets and vault profiles, reporting every
    /// one that cannot be opened.
    public mutating func openAll(in desired: DesiredState) throws(OpenError) {
        var problems: [Problem] = []
        for profile in desired.vaultProfiles.values where profile.spec.enabled {
            for (field, source) in profile.spec.provider.credentials {
                guard case .sealed(let text) = source else { continue }
                let binding = SealedBinding(kind: .vaultProfile, name: profile.metadata.name, field: field)
                do throws(SealedValueError) {
                    credentials[binding.name, default: [:]][text] = try keyring.open(text, for: binding)
                } catch {
                    problems.append(Problem(location: profile.origin.location, binding: binding, error: error))
                }
            }
        }
        for secret in desired.secrets.values where secret.spec.enabled {
            if desired.vaultProfiles[secret.spec.vaultProfile]?.spec.enabled == false { continue }
            for (field, source) in secret.spec.content?.fields ?? [:] {
                guard case .sealed(let text) = source else { continue }
                let binding = SealedBinding(kind: .secret, name: secret.name, field: field)
                do throws(SealedValueError) {
                    opened[binding] = Opened(text: text, value: try keyring.open(text, for: binding))
                } catch {
                    let path = secret.spec.type == .keyValue ? "spec.content.data.\(field)" : "spec.content.\(field)"
                    problems.append(Problem(location: secret.origin[path], binding: binding, error: error))
                }
            }
        }
        guard problems.isEmpty else {
            throw OpenError(problems: problems.sorted { ($0.location, $0.binding.field) < ($1.location, $1.binding.field) })
        }
    }

    /// The value of a sealed content field: opened before the pass, or opened now.
    public func open(_ text: String, for binding: SealedBinding) throws(SealedValueError) -> SecretValue {
        if let hit = opened[binding], hit.text == text { return hit.value }
        return try keyring.open(text, for: binding)
    }

    /// The value of a sealed credential of `profile`, opened by `openAll`.
    public func credential(profile: String, text: String) -> SecretValue? {
        credentials[profile]?[text]
    }
}
