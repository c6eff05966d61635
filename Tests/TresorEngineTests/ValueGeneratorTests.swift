import Crypto
import Foundation
import Testing
import TresorCore
import TresorTestSupport
import _CryptoExtras

@testable import TresorEngine

@Suite struct ValueGeneratorTests {
    // MARK: Passwords

    static let lower = Set("abcdefghijklmnopqrstuvwxyz")
    static let upper = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    static let digit = Set("0123456789")
    static let symbol = Set("-._")

    static func members(_ characterClass: CharacterClass) -> Set<Character> {
        switch characterClass {
        case .lower: lower
        case .upper: upper
        case .digit: digit
        case .symbol: symbol
        }
    }

    /// Every non-empty subset of the four classes.
    static let classSubsets: [[CharacterClass]] = (1..<16).map { mask in
        CharacterClass.allCases.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
    }

    static func password(_ length: Int = 32, _ classes: [CharacterClass] = CharacterClass.allCases) throws -> String {
        try ValueGenerator.generate(.password(PasswordGenerator(length: length, characterClasses: classes))).reveal()
    }

    @Test func defaultPasswordHasLengthAndEveryClass() throws {
        let allowed = Self.lower.union(Self.upper).union(Self.digit).union(Self.symbol)
        for _ in 0..<500 {
            let password = try Self.password()
            #expect(password.count == 32)
            #expect(password.unicodeScalars.count == 32)
            #expect(password.allSatisfy(allowed.contains))
            for characterClass in CharacterClass.allCases {
                #expect(password.contains(where: Self.members(characterClass).contains), "missing \(characterClass)")
            }
        }
    }

    @Test(arguments: classSubsets)
    func passwordUsesExactlyTheRequestedClasses(_ classes: [CharacterClass]) throws {
        let allowed = classes.reduce(into: Set<Character>()) { $0.formUnion(Self.members($1)) }
        for length in [8, 9, 17, 64] {
            for _ in 0..<150 {
                let password = try Self.password(length, classes)
                #expect(password.count == length)
                // No character from a class that was not requested.
                #expect(password.allSatisfy(allowed.contains))
                for characterClass in classes {
                    #expect(password.contains(where: Self.members(characterClass).contains), "missing \(characterClass)")
                }
            }
        }
    }

    @Test func shortestPasswordHoldsOneOfEachClass() throws {
        for _ in 0..<1000 {
            let password = try Self.password(8)
            for characterClass in CharacterClass.allCases {
                #expect(password.contains(where: Self.members(characterClass).contains))
            }
        }
    }

    @Test func classOrderAndRepeatsDoNotMatter() throws {
        let password = try Self.password(40, [.digit, .lower, .digit])
        #expect(password.allSatisfy { Self.digit.contains($0) || Self.lower.contains($0) })
        #expect(password.contains(where: Self.digit.contains))
        #expect(password.contains(where: Self.lower.contains))
    }

    /// Draws across many buffer refills: a buffer handed out twice, or bytes handed out
    /// before the kernel filled them, would repeat or show zeros.
    @Test func kernelRandomNeverRepeatsADrawAcrossItsRefills() {
        var random = KernelRandom()
        var seen = Set<UInt64>()
        for _ in 0..<10_000 { seen.insert(random.next()) }
        #expect(seen.count == 10_000)
        let bytes = random.bytes(4_099)
        #expect(bytes.count == 4_099)
        #expect(Set(bytes).count > 200, "4,099 random bytes hold nearly all 256 values")
    }

    @Test func digitsAreRoughlyUniform() throws {
        // 2,048 draws expected of each digit; one standard deviation is about 43.
        try Self.expectRoughlyUniform([.digit], alphabet: 10, draws: 20_480, tolerance: 0.15)
    }

    @Test func everyCharacterOfTheAlphabetIsRoughlyUniform() throws {
        // 2,016 draws expected of each character; one standard deviation is about 44.
        try Self.expectRoughlyUniform(CharacterClass.allCases, alphabet: 65, draws: 130_000, tolerance: 0.2)
    }

    /// Draws at least `draws` characters of `classes` and expects each of the alphabet's
    /// characters drawn within `tolerance` (a share) of an equal share.
    static func expectRoughlyUniform(
        _ classes: [CharacterClass], alphabet: Int, draws: Int, tolerance: Double, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        var counts: [Character: Int] = [:]
        var total = 0
        while total < draws {
            let password = try Self.password(4096, classes)
            for character in password { counts[character, default: 0] += 1 }
            total += password.count
        }
        #expect(counts.count == alphabet, sourceLocation: sourceLocation)
        let expected = Double(total) / Double(alphabet)
        for (character, count) in counts {
            #expect(
                abs(Double(count) - expected) < expected * tolerance, "\(character) drawn \(count) times of \(total)",
                sourceLocation: sourceLocation)
        }
    }

    @Test func passwordsDiffer() throws {
        #expect(try Self.password() != Self.password())
        let many = try (0..<1000).map { _ in try Self.password(12) }
        #expect(Set(many).count == many.count)
    }

    @Test func impossiblePasswordsAreErrors() {
        #expect(throws: GenerationError.self) { try Self.password(32, []) }
        #expect(throws: GenerationError.self) { try Self.password(3, CharacterClass.allCases) }
        #expect(throws: GenerationError.self) { try Self.password(0, [.digit]) }
        #expect(throws: GenerationError.self) { try Self.password(PasswordGenerator.lengthRange.upperBound + 1, [.digit]) }
        do {
            _ = try Self.password(3, CharacterClass.allCases)
        } catch {
            #expect("\(error)".contains("length 3 cannot hold one of each of the 4 character classes"))
        }
    }

    // MARK: Key bytes

    @Test(arguments: [128, 256, 264, 8192])
    func keyBytesAreBase64OfBitsOverEightBytes(_ bits: Int) throws {
        let first = try ValueGenerator.generate(.keyBytes(KeyBytesGenerator(bits: bits))).reveal()
        let second = try ValueGenerator.generate(.keyBytes(KeyBytesGenerator(bits: bits))).reveal()
        let decoded = try #require(Data(base64Encoded: first))
        #expect(decoded.count == bits / 8)
        #expect(!first.contains("\n") && !first.contains("\r"))
        // Standard alphabet with padding: re-encoding gives the same text.
        #expect(decoded.base64EncodedString() == first)
        #expect(first != second)
    }

    @Test func keyBytesDefaultIs256Bits() throws {
        let value = try ValueGenerator.generate(.keyBytes(KeyBytesGenerator())).reveal()
        #expect(Data(base64Encoded: value)?.count == 32)
    }

    @Test func keyBytesAreNotConstant() throws {
        // Over 64 KiB every byte value appears, and none is wildly over-represented.
        let value = try ValueGenerator.generate(.keyBytes(KeyBytesGenerator(bits: 8192))).reveal()
        var bytes = [UInt8]()
        for _ in 0..<64 {
            bytes += try #require(Data(base64Encoded: ValueGenerator.generate(.keyBytes(KeyBytesGenerator(bits: 8192))).reveal()))
        }
        #expect(Data(base64Encoded: value) != nil)
        var counts = [Int](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        #expect(counts.allSatisfy { $0 > 128 && $0 < 384 }, "expected about 256 of each byte value")
    }

    @Test(arguments: [0, 7, 100, 127, 8200])
    func badKeyBitsAreErrors(_ bits: Int) {
        #expect(throws: GenerationError.self) { try ValueGenerator.generate(.keyBytes(KeyBytesGenerator(bits: bits))) }
    }

    // MARK: Private keys

    static let pemHeader = "-----BEGIN PRIVATE KEY-----\n"
    static let pemFooter = "-----END PRIVATE KEY-----\n"
    static let message = Array("tresor signs this".utf8)

    static func privateKey(_ algorithm: KeyAlgorithm, bits: Int? = nil, curve: ECCurve? = nil) throws -> String {
        try ValueGenerator.generate(.privateKey(PrivateKeyGenerator(algorithm: algorithm, bits: bits, curve: curve))).reveal()
    }

    /// The DER inside a single-block PEM, after checking its framing and line lengths.
    static func der(ofPEM pem: String) throws -> [UInt8] {
        #expect(pem.hasPrefix(pemHeader))
        #expect(pem.hasSuffix(pemFooter))
        let lines = pem.split(separator: "\n", omittingEmptySubsequences: false)
        let body = lines.dropFirst().dropLast(2)
        #expect(lines.last == "")
        for (index, line) in body.enumerated() {
            if index < body.count - 1 { #expect(line.count == 64) } else { #expect((1...64).contains(line.count)) }
        }
        return Array(try #require(Data(base64Encoded: body.joined())))
    }

    @Test(arguments: [(2048, 2048), (3072, 3072), (nil, 3072), (4096, 4096)] as [(Int?, Int)])
    func rsaKeyParsesBackAndSigns(_ bits: Int?, _ expectedBits: Int) async throws {
        let pem = try Self.privateKey(.rsa, bits: bits)
        _ = try Self.der(ofPEM: pem)
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
        #expect(key.keySizeInBits == expectedBits)
        let signature = try key.signature(for: Self.message, padding: .PSS)
        #expect(key.publicKey.isValidSignature(signature, for: Self.message, padding: .PSS))
        #expect(!key.publicKey.isValidSignature(signature, for: Array("something else".utf8), padding: .PSS))
        try await OpenSSL.check(pem, expecting: "Private-Key: (\(expectedBits) bit")
    }

    @Test(arguments: [(ECCurve.p256, ECCurve.p256), (.p384, .p384), (nil, .p256)] as [(ECCurve?, ECCurve)])
    func ecKeyParsesBackAndSigns(_ curve: ECCurve?, _ expected: ECCurve) async throws {
        let pem = try Self.privateKey(.ec, curve: curve)
        _ = try Self.der(ofPEM: pem)
        switch expected {
        case .p256:
            let key = try P256.Signing.PrivateKey(pemRepresentation: pem)
            let signature = try key.signature(for: Self.message)
            #expect(key.publicKey.isValidSignature(signature, for: Self.message))
            #expect(throws: (any Error).self) { try P384.Signing.PrivateKey(pemRepresentation: pem) }
            try await OpenSSL.check(pem, expecting: "NIST CURVE: P-256")
        case .p384:
            let key = try P384.Signing.PrivateKey(pemRepresentation: pem)
            let signature = try key.signature(for: Self.message)
            #expect(key.publicKey.isValidSignature(signature, for: Self.message))
            #expect(throws: (any Error).self) { try P256.Signing.PrivateKey(pemRepresentation: pem) }
            try await OpenSSL.check(pem, expecting: "NIST CURVE: P-384")
        }
    }

    @Test func ed25519KeyIsRFC8410PKCS8AndSigns() async throws {
        let pem = try Self.privateKey(.ed25519)
        let der = try Self.der(ofPEM: pem)
        #expect(der.count == 48)
        #expect(Array(der.prefix(16)) == [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: der.suffix(32))
        let signature = try key.signature(for: Self.message)
        #expect(key.publicKey.isValidSignature(signature, for: Self.message))
        try await OpenSSL.check(pem, expecting: "ED25519 Private-Key")
        #expect(try Self.privateKey(.ed25519) != pem)
    }

    @Test func ed25519PEMMatchesAKnownEncoding() throws {
        // RFC 8410 §10.3's example key.
        let seed: [UInt8] = [
            0xd4, 0xee, 0x72, 0xdb, 0xf9, 0x13, 0x58, 0x4a, 0xd5, 0xb6, 0xd8, 0xf1, 0xf7, 0x69, 0xf8, 0xad,
            0x3a, 0xfe, 0x7c, 0x28, 0xcb, 0xf1, 0xd4, 0xfb, 0xe0, 0x97, 0xa8, 0x8f, 0x44, 0x75, 0x58, 0x42,
        ]
        #expect(
            ValueGenerator.ed25519PKCS8PEM(seed: seed)
                == "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n"
        )
    }

    @Test func pemWrapsAt64Columns() {
        let pem = ValueGenerator.pem(type: "TEST", der: [UInt8](repeating: 0xAB, count: 100))
        let lines = pem.split(separator: "\n")
        #expect(lines.map(\.count) == [20, 64, 64, 8, 18])
        #expect(pem.hasSuffix("-----END TEST-----\n"))
    }

    @Test func impossibleKeysAreErrors() {
        #expect(throws: GenerationError.self) { try Self.privateKey(.rsa, bits: 1024) }
        #expect(throws: GenerationError.self) { try Self.privateKey(.rsa, bits: 3000) }
        #expect(throws: GenerationError.self) { try Self.privateKey(.rsa, curve: .p256) }
        #expect(throws: GenerationError.self) { try Self.privateKey(.ec, bits: 256) }
        #expect(throws: GenerationError.self) { try Self.privateKey(.ed25519, bits: 256) }
        #expect(throws: GenerationError.self) { try Self.privateKey(.ed25519, curve: .p256) }
    }

    @Test func generatedValuesDoNotPrint() throws {
        let value = try ValueGenerator.generate(.password(PasswordGenerator()))
        #expect("\(value)" == "<redacted>")
    }
}

/// Runs `openssl pkey -in FILE -noout -text` on a PEM; fails when openssl is not on PATH
/// (scripts/ensure-deps.sh installs it), rather than leave the key unchecked.
enum OpenSSL {
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/openssl" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static func check(_ pem: String, expecting text: String) async throws {
        let executable = try #require(executable, "openssl is not on PATH: the key cannot be cross-checked")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-key-\(UUID().uuidString).pem")
        try Data(pem.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try await runToEnd(
            executable, ["pkey", "-in", file.path, "-noout", "-text"], environment: ProcessInfo.processInfo.environment,
            directory: FileManager.default.temporaryDirectory.path)
        let (status, printed) = (run.status, run.stdout + run.stderr)
        // Only the first line on failure: the rest would be the (throwaway) key's numbers.
        #expect(status == 0, "openssl pkey failed: \(printed.split(separator: "\n").first ?? "")")
        #expect(printed.contains(text), "openssl pkey did not print \(text)")
    }
}

extension ValueGeneratorTests {
    /// `GeneratorDigest`, nested here so that `--filter ValueGeneratorTests` runs it.
    @Suite struct DigestTests {
        static func password(_ length: Int = 32, _ classes: [CharacterClass] = CharacterClass.allCases) -> Generator {
            .password(PasswordGenerator(length: length, characterClasses: classes))
        }

        static func key(_ algorithm: KeyAlgorithm, bits: Int? = nil, curve: ECCurve? = nil) -> Generator {
            .privateKey(PrivateKeyGenerator(algorithm: algorithm, bits: bits, curve: curve))
        }

        @Test func digestIsShortLowercaseHexAndStable() {
            let digest = GeneratorDigest.digest(Self.password())
            #expect(digest.count == 16)
            #expect(digest.allSatisfy { "0123456789abcdef".contains($0) })
            #expect(GeneratorDigest.digest(Self.password()) == digest)
            // Pinned: the digest is stored in vaults, so a change here regenerates every
            // generated value on the next run. Change only on purpose (bump the version tag).
            // Derived outside Swift from the documented canonical text, with Python:
            // hashlib.sha256(b"tresor-generator-v1 password length=32 classes=lower,upper,digit,symbol").hexdigest()[:16]
            // hashlib.sha256(b"tresor-generator-v1 privateKey algorithm=rsa bits=3072").hexdigest()[:16]
            #expect(digest == "3931bbc830110d51")
            #expect(GeneratorDigest.digest(Self.key(.rsa)) == "3644f84d9590d78e")
        }

        @Test func defaultsAreExplicit() {
            #expect(GeneratorDigest.digest(.password(PasswordGenerator())) == GeneratorDigest.digest(Self.password(32)))
            #expect(
                GeneratorDigest.digest(.password(PasswordGenerator(length: 32)))
                    == GeneratorDigest.digest(Self.password(32, [.lower, .upper, .digit, .symbol])))
            #expect(GeneratorDigest.digest(.keyBytes(KeyBytesGenerator())) == GeneratorDigest.digest(.keyBytes(KeyBytesGenerator(bits: 256))))
            #expect(GeneratorDigest.digest(Self.key(.rsa)) == GeneratorDigest.digest(Self.key(.rsa, bits: 3072)))
            #expect(GeneratorDigest.digest(Self.key(.ec)) == GeneratorDigest.digest(Self.key(.ec, curve: .p256)))
        }

        @Test func classOrderAndRepeatsDoNotMatter() {
            #expect(
                GeneratorDigest.digest(Self.password(20, [.symbol, .digit, .upper, .lower]))
                    == GeneratorDigest.digest(Self.password(20, [.lower, .upper, .digit, .symbol])))
            #expect(
                GeneratorDigest.digest(Self.password(20, [.digit, .lower, .digit]))
                    == GeneratorDigest.digest(Self.password(20, [.lower, .digit])))
        }

        @Test func everyParameterChangeChangesTheDigest() {
            var generators: [Generator] = []
            for length in [8, 31, 32, 33, 4096] {
                for classes in ValueGeneratorTests.classSubsets { generators.append(Self.password(length, classes)) }
            }
            for bits in [128, 256, 264, 512, 8192] { generators.append(.keyBytes(KeyBytesGenerator(bits: bits))) }
            for bits in [2048, 3072, 4096] { generators.append(Self.key(.rsa, bits: bits)) }
            for curve in ECCurve.allCases { generators.append(Self.key(.ec, curve: curve)) }
            generators.append(Self.key(.ed25519))
            // Parameters an algorithm does not take still count.
            generators.append(Self.key(.rsa, bits: 3072, curve: .p256))
            generators.append(Self.key(.ec, bits: 256, curve: .p256))
            generators.append(Self.key(.ed25519, bits: 256))
            generators.append(Self.key(.ed25519, curve: .p384))
            let digests = generators.map(GeneratorDigest.digest)
            #expect(Set(digests).count == generators.count)
        }

        @Test func kindsDoNotCollideOnEqualNumbers() {
            // 256 bits of key bytes, a 256-character password and a 256-bit RSA request
            // are different generators.
            let digests = [
                GeneratorDigest.digest(.keyBytes(KeyBytesGenerator(bits: 256))),
                GeneratorDigest.digest(Self.password(256)),
                GeneratorDigest.digest(Self.key(.rsa, bits: 256)),
                GeneratorDigest.digest(Self.key(.ec, bits: 256)),
            ]
            #expect(Set(digests).count == 4)
        }
    }
}
