import Dispatch
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
            // The .pub beside the key is an easy mistake; say so rather than "mode 0644".
            if let bytes = try? AtomicFile.readBytes(file), String(decoding: bytes, as: UTF8.self).contains(SealingPublicKey.prefix) {
                throw SealingKeyError("\(file) is a public key; --sealing-key takes the private key file (the .key beside it)")
            }
            guard let key = try KeyFile.load(file, purpose: purpose) else {
                throw SealingKeyError("sealing key file \(file) does not exist; give the private key file that `tresor keys generate` wrote")
            }
            keys.append(key)
        }
        return try SealingKeyring(privateKeys: keys)
    }

    /// Opens every sealed value of the enabled secrets and vault profiles (on all cores:
    /// each costs an X25519 agreement), reporting every one that cannot be opened. Called
    /// again with a changed desired state, it opens only the values not opened before.
    /// - Parameter content: false to open only vault credentials (`tresor read`, which
    ///   takes content from the vault, not from the manifests).
    public mutating func openAll(in desired: DesiredState, content: Bool = true) throws(OpenError) {
        var items: [Item] = []
        for profile in desired.vaultProfiles.values where profile.spec.enabled {
            for (field, source) in profile.spec.provider.credentials {
                guard case .sealed(let text) = source else { continue }
                let binding = SealedBinding(kind: .vaultProfile, name: profile.metadata.name, field: field)
                items.append(Item(binding: binding, text: text, location: profile.origin.location))
            }
        }
        for secret in desired.secrets.values where content && secret.spec.enabled {
            if desired.vaultProfiles[secret.spec.vaultProfile]?.spec.enabled == false { continue }
            for (field, source) in secret.spec.content?.fields ?? [:] {
                guard case .sealed(let text) = source else { continue }
                let path = secret.spec.type == .keyValue ? "spec.content.data.\(field)" : "spec.content.\(field)"
                items.append(
                    Item(
                        binding: SealedBinding(kind: .secret, name: secret.name, field: field), text: text,
                        location: secret.origin.fields[path + ".sealed"] ?? secret.origin[path]))
            }
        }
        // Values opened by an earlier call (the daemon's previous load) are not opened again.
        items.removeAll { item in
            item.binding.kind == .vaultProfile
                ? credentials[item.binding.name]?[item.text] != nil : opened[item.binding]?.text == item.text
        }
        var problems: [Problem] = []
        for (item, result) in zip(items, open(items)) {
            switch result {
            case .success(let value) where item.binding.kind == .vaultProfile:
                credentials[item.binding.name, default: [:]][item.text] = value
            case .success(let value):
                opened[item.binding] = Opened(text: item.text, value: value)
            case .failure(let error):
                problems.append(Problem(location: item.location, binding: item.binding, error: error))
            }
        }
        guard problems.isEmpty else {
            throw OpenError(problems: problems.sorted { ($0.location, $0.binding.field) < ($1.location, $1.binding.field) })
        }
    }

    private struct Item {
        var binding: SealedBinding
        var text: String
        var location: SourceLocation
    }

    private func open(_ items: [Item]) -> [Result<SecretValue, SealedValueError>] {
        let keyring = self.keyring
        return items.concurrentMap(chunk: 256) { item in
            Result { () throws(SealedValueError) in try keyring.open(item.text, for: item.binding) }
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
