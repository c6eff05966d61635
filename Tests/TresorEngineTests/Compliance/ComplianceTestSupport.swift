import Crypto
import Foundation
import TresorCore
import _CryptoExtras

@testable import TresorEngine

/// Builds subjects and rules for the rule tests, and real keys and tokens to judge.
enum ComplianceTestSupport {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func subject(
        _ type: SecretType, _ fields: [String: FieldValue], labels: [String: String] = [:], declared: SecretContent? = nil,
        fingerprint: String? = "hmac-sha256:self", since: Date? = nil, others: [String: [String]]? = [:]
    ) -> ComplianceSubject {
        ComplianceSubject(
            name: "subject", type: type, labels: labels, declared: declared ?? SecretContent(fields: fields.mapValues { _ in .fromEnv("X") }),
            content: fields, fingerprint: fingerprint, contentSince: since, secretsByFingerprint: others)
    }

    static func values(_ fields: [String: String]) -> [String: FieldValue] {
        fields.mapValues { .value(SecretValue($0)) }
    }

    static func result(
        _ check: ComplianceCheck, appliesTo: [SecretType]? = nil, _ subject: ComplianceSubject, now: Date = now
    ) -> RuleResult {
        ComplianceEvaluator.evaluate(ComplianceRule(name: "rule", appliesTo: appliesTo, check: check), subject: subject, now: now)
    }

    // MARK: Keys

    static func rsaPKCS8(bits: Int) throws -> String {
        try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: bits)).pkcs8PEMRepresentation
    }

    static func rsaPKCS1(bits: Int) throws -> String {
        try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: bits)).pemRepresentation
    }

    static var ed25519: String { ValueGenerator.ed25519PKCS8PEM(seed: Array(Curve25519.Signing.PrivateKey().rawRepresentation)) }

    // MARK: JWTs

    static func base64URL(_ bytes: some DataProtocol) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A JWS signed with a fresh HS256 key or ES256 key.
    static func jwt(alg: String, claims: [String: Any]) throws -> String {
        let header = try JSONSerialization.data(withJSONObject: ["alg": alg, "typ": "JWT"], options: [.sortedKeys])
        let payload = try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])
        let input = base64URL(header) + "." + base64URL(payload)
        let signature: Data
        switch alg {
        case "HS256":
            signature = Data(HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(size: .bits256)))
        case "ES256":
            signature = try P256.Signing.PrivateKey().signature(for: Array(input.utf8)).rawRepresentation
        case "none":
            signature = Data()
        default:
            fatalError("unsupported test algorithm")
        }
        return input + "." + base64URL(signature)
    }
}

/// Runs a command line tool (openssl, keytool) for test fixtures; fails on a non-zero exit.
func runTool(_ arguments: [String], in directory: URL) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardOutput = FileHandle.nullDevice
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw HarnessError(description: "\(arguments[0]) exited \(process.terminationStatus): \(String(decoding: message, as: UTF8.self))")
    }
}
