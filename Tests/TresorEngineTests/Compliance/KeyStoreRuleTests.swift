import Crypto
import Foundation
import Testing
import TresorCore
import TresorTestSupport

@testable import TresorEngine

private typealias S = ComplianceTestSupport

/// Real keystores made in the test by OpenSSL (modern AES/PBKDF2 and `-legacy`
/// 3DES/RC2 with a SHA-1 MAC) and by keytool (JKS).
@Suite struct KeyStoreRuleTests {
    static let password = "Store-Pass-4821"

    /// Makes keystores in a fresh directory; returns their base64 by name.
    static func makeStores(jks: Bool) async throws -> [String: String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-p12-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pass = "pass:" + password
        try await offloaded {
            try runTool(
                ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "k.pem",
                 "-out", "c.pem", "-days", "1", "-subj", "/CN=tresor-test"], in: directory)
            try runTool(["openssl", "pkcs12", "-export", "-in", "c.pem", "-inkey", "k.pem", "-out", "modern.p12", "-passout", pass], in: directory)
            try runTool(
                ["openssl", "pkcs12", "-export", "-legacy", "-in", "c.pem", "-inkey", "k.pem", "-out", "legacy.p12", "-passout", pass],
                in: directory)
            try runTool(
                ["openssl", "pkcs12", "-export", "-nomac", "-in", "c.pem", "-inkey", "k.pem", "-out", "nomac.p12", "-passout", pass],
                in: directory)
            try runTool(
                ["openssl", "pkcs12", "-export", "-legacy", "-nomac", "-in", "c.pem", "-inkey", "k.pem", "-out", "legacy-nomac.p12",
                 "-passout", pass], in: directory)
            if jks {
                try runTool(
                    ["keytool", "-genkeypair", "-keystore", "store.jks", "-storetype", "JKS", "-storepass", password, "-keypass", password,
                     "-alias", "t", "-keyalg", "EC", "-dname", "CN=tresor-test", "-validity", "1"], in: directory)
            }
        }
        var stores: [String: String] = [:]
        for name in ["modern.p12", "legacy.p12", "nomac.p12", "legacy-nomac.p12"] + (jks ? ["store.jks"] : []) {
            stores[name] = try Data(contentsOf: directory.appendingPathComponent(name)).base64EncodedString()
        }
        return stores
    }

    func subject(_ type: String, _ content: String, password: String = Self.password) -> ComplianceSubject {
        S.subject(.keyStore, S.values(["keyStoreType": type, "content": content, "password": password]))
    }

    @Test func pkcs12KeystoresOpenWithTheirPasswordOnly() async throws {
        let stores = try await Self.makeStores(jks: false)
        for name in ["modern.p12", "legacy.p12"] {
            let store = try #require(stores[name])
            let ok = S.result(.keyStore(types: [.pkcs12]), subject("PKCS12", store))
            #expect(ok.result == .ok, "\(name): \(ok.message)")
            let wrong = S.result(.keyStore(types: [.pkcs12]), subject("PKCS12", store, password: "not-the-password"))
            #expect(wrong.result == .nok, "\(name)")
            #expect(wrong.message.contains("does not open"))
            #expect(!wrong.message.contains(Self.password))
        }
        let typeRefused = S.result(.keyStore(types: [.jks]), subject("PKCS12", try #require(stores["modern.p12"])))
        #expect(typeRefused.result == .nok)
        #expect(typeRefused.message.contains("not allowed"))
        // Without a MAC the password is proven by decrypting the PBES2 (PBKDF2 + AES-256-CBC) bags.
        let noMAC = try #require(stores["nomac.p12"])
        #expect(S.result(.keyStore(types: [.pkcs12]), subject("PKCS12", noMAC)).result == .ok)
        #expect(S.result(.keyStore(types: [.pkcs12]), subject("PKCS12", noMAC, password: "wrong-password")).result == .nok)
        let legacyNoMAC = S.result(.keyStore(types: [.pkcs12]), subject("PKCS12", try #require(stores["legacy-nomac.p12"])))
        #expect(legacyNoMAC.result == .notAvailable)
        #expect(legacyNoMAC.message.contains("cannot verify"))
        let mislabelled = S.result(.keyStore(types: [.pkcs12, .jks]), subject("JKS", try #require(stores["modern.p12"])))
        #expect(mislabelled.result == .nok)
        #expect(mislabelled.message.contains("keyStoreType says JKS"))
    }

    /// Every truncation and many corruptions of real keystores and keys give a verdict,
    /// never a trap: the content comes from manifests and vaults.
    @Test func damagedKeystoresAndKeysNeverCrash() async throws {
        let stores = try await Self.makeStores(jks: false)
        for name in ["modern.p12", "nomac.p12"] {
            let encoded = try #require(stores[name])
            let bytes = Array(try #require(Data(base64Encoded: encoded)))
            // Every truncation is not a keystore.
            for length in stride(from: 0, to: bytes.count, by: 7) {
                let result = S.result(.keyStore(types: [.pkcs12]), subject("PKCS12", Data(bytes.prefix(length)).base64EncodedString()))
                #expect(result.result == .nok, "\(name) cut to \(length) bytes: \(result.result)")
            }
            // A flipped byte: with a MAC over the content, never a keystore that opens.
            // Without one, any verdict may be right (a flip inside a certificate passes
            // unnoticed, one in an algorithm identifier is "not available"): that the
            // evaluation returns at all is the point.
            for position in stride(from: 0, to: bytes.count, by: 11) {
                var flipped = bytes
                flipped[position] ^= 0x5A
                let result = S.result(.keyStore(types: [.pkcs12]), subject("PKCS12", Data(flipped).base64EncodedString()))
                guard name == "modern.p12" else { continue }
                // Byte 22, the [0] tag of the outer ContentInfo, lies outside the MAC: it is
                // checked by the structure, as OpenSSL does ("wrong tag").
                #expect(result.result == .nok, "\(name) with byte \(position) flipped: \(result.result)")
            }
        }
        let pem = try S.rsaPKCS8(bits: 2048)
        let decoded = try #require(PEM.decode(pem))
        let der = decoded.der
        for length in stride(from: 0, to: der.count, by: 13) {
            let truncated = ValueGenerator.pem(type: "PRIVATE KEY", der: Array(der.prefix(length)))
            let result = S.result(.privateKey(algorithms: nil, minRSABits: 2048, curves: nil), S.subject(.privateKey, S.values(["content": truncated])))
            #expect(result.result == .nok)
        }
    }

    @Test func notAKeystoreIsNokAndOtherTypesAreNa() {
        let garbage = S.result(.keyStore(types: [.pkcs12]), subject("PKCS12", Data("hello".utf8).base64EncodedString()))
        #expect(garbage.result == .nok)
        #expect(S.result(.keyStore(types: [.pkcs12]), S.subject(.apiKey, S.values(["content": "x"]))).result == .na)
    }

    /// keytool is found on PATH (scripts/ensure-deps.sh installs a headless JRE); without
    /// it the test fails rather than skips.
    @Test func jksKeystoresFromKeytoolAreChecked() async throws {
        let stores = try await Self.makeStores(jks: true)
        let store = try #require(stores["store.jks"])
        #expect(S.result(.keyStore(types: [.jks]), subject("JKS", store)).result == .ok)
        #expect(S.result(.keyStore(types: [.jks]), subject("JKS", store, password: "wrong")).result == .nok)
        #expect(S.result(.keyStore(types: [.pkcs12]), subject("JKS", store)).result == .nok)
    }

    /// RFC 7292 B.2 against OpenSSL's PKCS12_key_gen_uni output for a known input.
    @Test func pkcs12KeyDerivationMatchesOpenSSL() async throws {
        let salt: [UInt8] = [0x0A, 0x58, 0xCF, 0x64, 0x53, 0x0D, 0x82, 0x3F]
        let key = KeyStoreInspector.kdf(
            Insecure.SHA1.self, password: KeyStoreInspector.bmpString("smeg"), salt: salt, id: 1, iterations: 1, length: 24)
        #expect(key.map { String(format: "%02X", $0) }.joined() == "8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3")
    }
}
