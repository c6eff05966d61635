import Foundation
import Testing
import TresorCore
import TresorTestSupport

@testable import TresorEngine

@Suite struct ValueResolverTests {
    /// Values that must never show up in an error message.
    static let environment = [
        "PAYMENTS_DB_PASSWORD": "hunter2-env-value",
        "EMPTY": "",
        "OTHER_SECRET": "other-secret-value",
    ]
    static let values = ["hunter2-env-value", "other-secret-value", "file-secret-value", "sealed-blob-value"]

    let resolver = ValueResolver(environment: ValueResolverTests.environment)

    func resolve(_ source: ValueSource, baseDirectory: String = "/nonexistent") throws(ResolutionError) -> String {
        try resolver.resolve(source, secret: "payments-db", field: "password", baseDirectory: baseDirectory).reveal()
    }

    /// The error `resolve` throws, checked to name the secret and field and to hold no value.
    func failure(
        _ source: ValueSource, baseDirectory: String = "/nonexistent", resolver: ValueResolver? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> ResolutionError? {
        do {
            _ = try (resolver ?? self.resolver).resolve(source, secret: "payments-db", field: "password", baseDirectory: baseDirectory)
            Issue.record("expected an error", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.secret == "payments-db", sourceLocation: sourceLocation)
            #expect(error.field == "password", sourceLocation: sourceLocation)
            let message = error.description
            #expect(message.hasPrefix("Secret 'payments-db' field 'password': "), sourceLocation: sourceLocation)
            for value in Self.values {
                #expect(!message.contains(value), "the message holds a value", sourceLocation: sourceLocation)
                #expect(!String(reflecting: error).contains(value), "the error holds a value", sourceLocation: sourceLocation)
            }
            return error
        }
    }

    /// A fresh directory under the temporary directory, removed by the caller.
    static func makeDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-values-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    // MARK: literal and fromEnv

    @Test func literalIsItsValue() throws {
        #expect(try resolve(.literal(SecretValue("inline value\n"))) == "inline value\n")
        #expect(try resolve(.literal(SecretValue(""))) == "")
    }

    @Test func fromEnvReadsTheVariable() throws {
        #expect(try resolve(.fromEnv("PAYMENTS_DB_PASSWORD")) == "hunter2-env-value")
        // Set but empty is set.
        #expect(try resolve(.fromEnv("EMPTY")) == "")
    }

    @Test func unsetVariableIsAnError() throws {
        let error = try #require(failure(.fromEnv("PAYMENTS_DB_PASSWORD_TYPO")))
        #expect(error.reason == .environmentVariableNotSet(name: "PAYMENTS_DB_PASSWORD_TYPO"))
        #expect(
            error.description
                == "Secret 'payments-db' field 'password': environment variable PAYMENTS_DB_PASSWORD_TYPO is not set; export it or change the value source"
        )
    }

    @Test func environmentIsTheOneGiven() throws {
        // Not the process environment.
        let error = try #require(failure(.fromEnv("PATH")))
        #expect(error.reason == .environmentVariableNotSet(name: "PATH"))
    }

    // MARK: fromFile

    @Test func fromFileIsTheFileExactly() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = "  file-secret-value\r\nsecond line ünïcödé 🔑\n\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/value.txt"))
        try Data().write(to: URL(fileURLWithPath: directory + "/empty.txt"))

        // Absolute, whatever the base.
        #expect(try resolve(.fromFile(directory + "/value.txt")) == text)
        // Relative to the manifest's directory, with or without a trailing slash.
        #expect(try resolve(.fromFile("value.txt"), baseDirectory: directory) == text)
        #expect(try resolve(.fromFile("./value.txt"), baseDirectory: directory + "/") == text)
        #expect(try resolve(.fromFile("../" + URL(fileURLWithPath: directory).lastPathComponent + "/value.txt"), baseDirectory: directory) == text)
        #expect(try resolve(.fromFile("empty.txt"), baseDirectory: directory) == "")
    }

    @Test func fromFileReadsLargeFiles() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = String(repeating: "0123456789abcdef", count: 20_000)  // several read(2) chunks
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/big"))
        #expect(try resolve(.fromFile("big"), baseDirectory: directory) == text)
    }

    @Test func pathsAreJoinedToTheBase() {
        #expect(ValueResolver.path("a/b", relativeTo: "/etc/tresor") == "/etc/tresor/a/b")
        #expect(ValueResolver.path("a", relativeTo: "/etc/tresor/") == "/etc/tresor/a")
        #expect(ValueResolver.path("/abs/a", relativeTo: "/etc/tresor") == "/abs/a")
        #expect(ValueResolver.path("a", relativeTo: "") == "a")
        #expect(ValueResolver.path("a", relativeTo: "manifests") == "manifests/a")
    }

    @Test func readFileGetsTheJoinedPath() throws {
        let resolver = ValueResolver(environment: [:], readFile: { path in Array("read \(path)".utf8) })
        let value = try resolver.resolve(.fromFile("creds/sid"), secret: "s", field: "f", baseDirectory: "/repo/apps")
        #expect(value.reveal() == "read /repo/apps/creds/sid")
    }

    @Test func missingFileIsAnErrorWithTheOSReason() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = try #require(failure(.fromFile("missing.txt"), baseDirectory: directory))
        #expect(error.reason == .fileUnreadable(path: directory + "/missing.txt", reason: "No such file or directory"))
        #expect(error.description.contains("cannot read file \(directory)/missing.txt: No such file or directory"))
    }

    @Test func directoryIsAnErrorThatSaysSo() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = try #require(failure(.fromFile(directory)))
        #expect(error.reason == .fileUnreadable(path: directory, reason: "it is a directory, not a regular file; fromFile reads regular files only"))
    }

    @Test func unreadableFileIsAnErrorWithTheOSReason() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(chmod(directory, 0o755) == 0)
        let path = directory + "/locked"
        try Data("file-secret-value".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: path)
        // A readable neighbour: the reader is denied the locked file, not the directory.
        let open = directory + "/open"
        try Data("open".utf8).write(to: URL(fileURLWithPath: open))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: open)
        let (neighbour, denied) = try asUnprivilegedReader { (try? ValueResolver.readFileFromDisk(open), failure(.fromFile(path))) }
        #expect(neighbour == Array("open".utf8))
        let error = try #require(denied)
        #expect(error.reason == .fileUnreadable(path: path, reason: "Permission denied"))
        #expect(error.description.contains("cannot read file \(path): Permission denied"))
    }

    @Test func readerErrorsBecomeTheReason() throws {
        let resolver = ValueResolver(environment: [:], readFile: { _ in throw ValueResolver.FileReadError(reason: "Input/output error") })
        let error = try #require(failure(.fromFile("/x"), resolver: resolver))
        #expect(error.reason == .fileUnreadable(path: "/x", reason: "Input/output error"))
    }

    @Test func binaryFileIsAnErrorPointingToBase64() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data([0xff, 0xfe] + Array("file-secret-value".utf8) + [0xc3]).write(to: URL(fileURLWithPath: directory + "/key.bin"))
        let error = try #require(failure(.fromFile("key.bin"), baseDirectory: directory))
        #expect(error.reason == .fileNotUTF8(path: directory + "/key.bin"))
        #expect(error.description.contains("not UTF-8"))
        #expect(error.description.contains("base64"))
    }

    @Test func overlongAndSurrogateEncodingsAreNotUTF8() throws {
        for bytes: [UInt8] in [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]] {
            let resolver = ValueResolver(environment: [:], readFile: { _ in bytes })
            let error = try #require(failure(.fromFile("/x"), resolver: resolver))
            #expect(error.reason == .fileNotUTF8(path: "/x"))
        }
    }

    // MARK: sealed and generate

    @Test func sealedOpensWithTheKeyHeldForItsSecretAndField() throws {
        let privateKey = [UInt8](repeating: 7, count: 32)
        let publicKey = try SealingPublicKey(privateKey: privateKey)
        let binding = SealedBinding(kind: .secret, name: "payments-db", field: "password")
        let text = try Sealer.seal(SecretValue("sealed-blob-value"), to: publicKey, for: binding).text
        let keyring = try SealingKeyring(privateKeys: [privateKey])
        let resolver = ValueResolver(environment: [:], sealed: SealedValues(keyring: keyring))
        #expect(try resolver.resolve(.sealed(text), secret: "payments-db", field: "password", baseDirectory: "").reveal() == "sealed-blob-value")
        // Without the key, or under another field: an error that holds no value.
        let unkeyed = try #require(failure(.sealed(text)))
        #expect(unkeyed.reason == .sealed(.noKeysHeld(keyId: publicKey.keyIdHex)))
        let moved = try Sealer.seal(SecretValue("sealed-blob-value"), to: publicKey, for: SealedBinding(kind: .secret, name: "payments-db", field: "username"))
        let misbound = try #require(failure(.sealed(moved.text), resolver: resolver))
        #expect(misbound.reason == .sealed(.boundElsewhere))
        #expect(misbound.description.contains("cannot open the sealed value: bound to another secret or field"))
    }

    @Test func generateIsTheEnginesJob() throws {
        let error = try #require(failure(.generate(.password(PasswordGenerator()))))
        #expect(error.reason == .generatedValue)
        #expect(error.description.contains("generated values are made by the engine"))
    }
}
