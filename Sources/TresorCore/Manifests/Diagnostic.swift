/// Where a problem is: a file and a 1-based line and column.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A problem with the file itself (missing, unreadable), not a place in it.
    public init(file: String) {
        self.init(file: file, line: 0, column: 0)
    }

    public init(file: String, mark: Mark) {
        self.init(file: file, line: mark.line, column: mark.column)
    }

    /// `file:line:column`, or the file alone for problems with the file as a whole.
    public var description: String { line > 0 ? "\(file):\(line):\(column)" : file }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// A problem found while loading manifests. Messages never contain secret values.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
        /// Information only: a document that is not tresor's and was skipped.
        case notice
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String

    public init(_ severity: Severity, at location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        // Messages quote names, keys and paths from the input; none may drive a terminal.
        self.message = Text.printable(message)
    }

    /// `file:line:column: severity: message`, the form editors and compilers use.
    public var description: String { "\(Text.printable(location.description)): \(severity.rawValue): \(message)" }
}

/// A reference from one manifest to another, checked once every file is loaded.
struct Reference {
    var kind: Kind
    var name: String
    var path: String
    var location: SourceLocation
}

/// Collects the diagnostics and references of one file while it is decoded.
final class DecodeContext {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    private(set) var references: [Reference] = []
    /// Sealed values of the manifest being decoded, checked against its name afterwards.
    var sealedValues: [SealedValue] = []

    /// Where `{fromEnv: NAME}` in a provider's non-secret fields is looked up.
    let environment: [String: String]

    /// Repository answers shared by every file of the load.
    let repository: RepositoryLookup

    init(file: String, environment: [String: String] = [:], repository: RepositoryLookup = RepositoryLookup()) {
        self.file = file
        self.environment = environment
        self.repository = repository
    }

    func location(_ mark: Mark) -> SourceLocation {
        SourceLocation(file: file, mark: mark)
    }

    func error(_ message: String, at mark: Mark) {
        errorCount += 1
        diagnostics.append(Diagnostic(.error, at: location(mark), message))
    }

    func notice(_ message: String, at mark: Mark) {
        diagnostics.append(Diagnostic(.notice, at: location(mark), message))
    }

    func warning(_ message: String, at mark: Mark) {
        diagnostics.append(Diagnostic(.warning, at: location(mark), message))
    }

    /// The manifest's repository (``ManifestRepository``), looked up once per file.
    private(set) lazy var repositoryRoot: String? = repository.root(ofManifest: file)

    func reference(_ kind: Kind, _ name: String, path: String, at mark: Mark) {
        references.append(Reference(kind: kind, name: name, path: path, location: location(mark)))
    }

    private(set) var errorCount = 0
}
