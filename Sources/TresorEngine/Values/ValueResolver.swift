import TresorCore

/// Why a content field's value could not be obtained. The message names the secret, the
/// field and what to do; it never contains a value.
public struct ResolutionError: Error, CustomStringConvertible, Sendable, Hashable {
    public enum Reason: Sendable, Hashable {
        /// `fromEnv` names a variable that is not set.
        case environmentVariableNotSet(name: String)
        /// `fromFile` names a file that cannot be read; `reason` is the OS's explanation.
        case fileUnreadable(path: String, reason: String)
        /// `fromFile` names a file whose bytes are not UTF-8 text.
        case fileNotUTF8(path: String)
        /// `fromEnv` names a variable that holds more than a value may.
        case environmentVariableTooLarge(name: String, bytes: Int)
        /// A `sealed` value that cannot be opened: malformed, no key matches, bound to
        /// another secret or field, or tampered.
        case sealed(SealedValueError)
        /// `generate` values are made by the engine (ValueGenerator), not resolved.
        case generatedValue
        /// A value larger than a vault the secret is written to can hold.
        case tooLargeForVault(bytes: Int, limit: ValueLimit)
    }

    public var secret: String
    public var field: String
    public var reason: Reason

    public var description: String { "Secret '\(secret)' field '\(field)': \(problem)" }

    /// The message without the secret and field prefix.
    public var problem: String {
        switch reason {
        case .environmentVariableNotSet(let name):
            "environment variable \(name) is not set; export it or change the value source"
        case .fileUnreadable(let path, let reason):
            "cannot read file \(path): \(reason); fix the path or its permissions, or change the value source"
        case .fileNotUTF8(let path):
            "file \(path) is not UTF-8 text; for binary content store its base64 in the file and use a base64 field "
                + "(a generic secret with encoding: base64, a secretKey or a keyStore)"
        case .environmentVariableTooLarge(let name, let bytes):
            "environment variable \(name) holds \(bytes) bytes, more than the \(ValueFile.limit) bytes a value may hold"
        case .sealed(let error):
            "cannot open the sealed value: \(error)"
        case .generatedValue:
            "generated values are made by the engine, not resolved from a source (this is a bug in tresor)"
        case .tooLargeForVault(let bytes, let limit):
            "the value holds \(bytes) bytes, more than the \(limit.bytes) bytes \(limit.holder) holds (vault profile "
                + "'\(limit.vaultProfile)'); nothing was written: store a smaller value, or write this secret to another vault"
        }
    }
}

/// Turns the value sources that point outside the manifest (literals, environment
/// variables, files, sealed values) into values. Generated values are made by `ValueGenerator`.
public struct ValueResolver: Sendable {
    /// An error from reading a file; its description is the OS's reason.
    public struct FileReadError: Error, CustomStringConvertible, Sendable {
        public var reason: String

        public init(reason: String) {
            self.reason = reason
        }

        public var description: String { reason }
    }

    private let environment: [String: String]
    private let readFile: @Sendable (String) throws -> [UInt8]
    private let sealed: SealedValues

    /// - Parameters:
    ///   - environment: the variables `fromEnv` reads, usually `ProcessInfo.processInfo.environment`.
    ///   - readFile: reads a whole file given an absolute or working-directory-relative
    ///     path; the default reads it from disk and throws `FileReadError` with the OS's reason.
    ///   - sealed: the sealing keys, and the sealed values opened before the pass.
    public init(
        environment: [String: String],
        readFile: @escaping @Sendable (String) throws -> [UInt8] = ValueResolver.readFileFromDisk,
        sealed: SealedValues = SealedValues()
    ) {
        self.environment = environment
        self.readFile = readFile
        self.sealed = sealed
    }

    /// - Parameters:
    ///   - secret: the Secret's name, for error messages.
    ///   - field: the content field (or `keyValue` key), for error messages.
    ///   - baseDirectory: the directory of the manifest file; relative `fromFile` paths
    ///     start there. Empty means the working directory.
    public func resolve(
        _ source: ValueSource, secret: String, field: String, baseDirectory: String
    ) throws(ResolutionError) -> SecretValue {
        func failure(_ reason: ResolutionError.Reason) -> ResolutionError {
            ResolutionError(secret: secret, field: field, reason: reason)
        }
        switch source {
        case .literal(let value):
            return value
        case .fromEnv(let name):
            guard let value = environment[name] else { throw failure(.environmentVariableNotSet(name: name)) }
            guard value.utf8.count <= ValueFile.limit else {
                throw failure(.environmentVariableTooLarge(name: name, bytes: value.utf8.count))
            }
            return SecretValue(value)
        case .fromFile(let path):
            let fullPath = Self.path(path, relativeTo: baseDirectory)
            let bytes: [UInt8]
            do {
                bytes = try readFile(fullPath)
            } catch {
                throw failure(.fileUnreadable(path: fullPath, reason: String(describing: error)))
            }
            // Exactly the file's bytes, trailing newline included: trimming would change
            // keys and certificates that end in a newline.
            guard let text = String(validating: bytes, as: UTF8.self) else { throw failure(.fileNotUTF8(path: fullPath)) }
            return SecretValue(text)
        case .sealed(let text):
            do throws(SealedValueError) {
                return try sealed.open(text, for: SealedBinding(kind: .secret, name: secret, field: field))
            } catch {
                throw failure(.sealed(error))
            }
        case .generate:
            throw failure(.generatedValue)
        }
    }

    /// `path` itself when absolute (or when there is no base), else `base/path`.
    static func path(_ path: String, relativeTo base: String) -> String {
        if path.hasPrefix("/") || base.isEmpty { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }

    /// Reads a whole regular file of at most 1 MiB; a failure carries the reason as a `FileReadError`.
    @Sendable public static func readFileFromDisk(_ path: String) throws -> [UInt8] {
        try ValueFile.read(path)
    }
}
