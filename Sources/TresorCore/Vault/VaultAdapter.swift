import Foundation

/// What a vault technology can do; the engine checks these instead of the provider name.
public struct VaultCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Keeps earlier versions, readable by id.
    public static let versions = VaultCapabilities(rawValue: 1 << 0)
    /// Stores ownership marks (metadata, tags or labels) beside the content.
    public static let metadataMarks = VaultCapabilities(rawValue: 1 << 1)
    /// Deleted secrets can be restored for a while.
    public static let softDelete = VaultCapabilities(rawValue: 1 << 2)
    /// Holds arbitrary bytes, not only UTF-8 text.
    public static let binary = VaultCapabilities(rawValue: 1 << 3)
    /// Writes can be made conditional on the version last observed.
    public static let compareAndSet = VaultCapabilities(rawValue: 1 << 4)
}

/// The mark tresor leaves on every secret it writes. A secret without one is not
/// tresor's: it is never overwritten or deleted unless the Secret says `adopt: true`.
public struct OwnershipMark: Sendable, Hashable, Codable {
    public static let managedBy = "tresor"

    /// The Secret's `metadata.name`.
    public var secret: String
    public var type: SecretType
    /// The keyed fingerprint of the content as tresor wrote it, so that most
    /// comparisons need no content read.
    public var fingerprint: String
    /// For each generated field, a digest of its generator parameters: a value is
    /// generated anew only when these change or rotation is due.
    public var generators: [String: String]
    /// When the generated values were last made.
    public var generatedAt: Date?

    public init(secret: String, type: SecretType, fingerprint: String, generators: [String: String] = [:], generatedAt: Date? = nil) {
        self.secret = secret
        self.type = type
        self.fingerprint = fingerprint
        self.generators = generators
        self.generatedAt = generatedAt
    }
}

/// What a vault holds at a path, without the content.
public struct VaultEntryMetadata: Sendable, Hashable {
    public var path: String
    /// The vault's own version id of the current content, where it has one.
    public var vaultVersion: String?
    /// Nil when the secret at the path carries no tresor mark.
    public var mark: OwnershipMark?
    public var updatedAt: Date?

    public init(path: String, vaultVersion: String?, mark: OwnershipMark?, updatedAt: Date? = nil) {
        self.path = path
        self.vaultVersion = vaultVersion
        self.mark = mark
        self.updatedAt = updatedAt
    }
}

/// A secret's content and metadata as read from a vault.
public struct VaultEntry: Sendable {
    public var metadata: VaultEntryMetadata
    /// One value per content field (for `keyValue`, per key).
    public var content: [String: SecretValue]

    public init(metadata: VaultEntryMetadata, content: [String: SecretValue]) {
        self.metadata = metadata
        self.content = content
    }
}

/// The state a write expects to find, so that a concurrent outside write is detected
/// instead of overwritten.
public enum ExpectedVersion: Sendable, Hashable {
    /// Create only: fail with ``VaultError/Kind/conflict`` if something is there.
    case absent
    /// Update only the version last observed.
    case version(String?)
}

/// A vault operation that failed. `isTransient` errors are retried by the caller's
/// backoff; the others need someone to act.
public struct VaultError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Someone else wrote first (CAS failure): observe again, never overwrite blindly.
        case conflict
        case notFound
        case permissionDenied
        case unavailable
        case rateLimited
        case invalidRequest
        case corrupted
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var isTransient: Bool { [.conflict, .unavailable, .rateLimited].contains(kind) }
    public var description: String { message }
}

/// One vault technology's client, bound to one VaultProfile. Paths are relative to the
/// profile's prefix. Implementations never log or put content into errors.
public protocol VaultAdapter: Sendable {
    var capabilities: VaultCapabilities { get }

    /// Nil when nothing is at the path; throws when it could not find out.
    func readMetadata(at path: String) async throws -> VaultEntryMetadata?

    /// The content at the path (the given vault version, or the current one); nil when absent.
    func read(at path: String, version: String?) async throws -> VaultEntry?

    /// Writes the whole content and the mark, as a new version, if the path is in the
    /// expected state. Returns the metadata of what was written.
    func write(at path: String, content: [String: SecretValue], mark: OwnershipMark, expected: ExpectedVersion) async throws
        -> VaultEntryMetadata

    /// Deletes the secret and its versions. Deleting what is absent succeeds.
    func delete(at path: String) async throws

    /// Every entry under the prefix that carries a tresor mark.
    func listManaged() async throws -> [VaultEntryMetadata]

    /// Puts the mark on what the path holds at `version`, without writing its content
    /// again; nil when this vault cannot (the caller then writes content and mark).
    func markOnly(at path: String, mark: OwnershipMark, version: String?) async throws -> VaultEntryMetadata?
}

extension VaultAdapter {
    /// Vaults whose marks are not apart from the content cannot mark alone.
    public func markOnly(at path: String, mark: OwnershipMark, version: String?) async throws -> VaultEntryMetadata? { nil }
}
