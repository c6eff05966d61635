import Crypto
import Foundation
import Testing
import TresorCore
import TresorTestSupport
import _CryptoExtras

@testable import TresorEngine

private typealias S = ComplianceTestSupport

@Suite struct PasswordRuleTests {
    @Test func minLengthJudgesPasswordsAndSaysWhatToDo() {
        let long = S.result(.minLength(min: 24), S.subject(.basicAuth, S.values(["username": "u", "password": "Aa1-aaaaaaaaaaaaaaaaaaaaaaaa"])))
        #expect(long.result == .ok)
        let short = S.result(.minLength(min: 24), S.subject(.apiKey, S.values(["content": "short-key-123"])))
        #expect(short.result == .nok)
        #expect(short.message.contains("13 characters") && short.message.contains("at least 24"))
        #expect(!short.message.contains("short-key-123"))
        #expect(short.field == "spec.content.content")
        let key = S.result(.minLength(min: 24), S.subject(.privateKey, S.values(["content": "x"])))
        #expect(key.result == .na)
    }

    @Test func minLengthJudgesGeneratorParameters() {
        let generated = S.subject(.basicAuth, ["username": .value(SecretValue("u")), "password": .generated(.password(PasswordGenerator(length: 16)))])
        let result = S.result(.minLength(min: 24), generated)
        #expect(result.result == .nok)
        #expect(result.message.contains("raise generate.length"))
        #expect(S.result(.minLength(min: 16), generated).result == .ok)
    }

    @Test func appliesToLimitsAndExtendsTheTypes() {
        let generic = S.subject(.generic, S.values(["content": "abc"]))
        #expect(S.result(.minLength(min: 8), generic).result == .na)
        #expect(S.result(.minLength(min: 8), appliesTo: [.generic], generic).result == .nok)
        let basic = S.subject(.basicAuth, S.values(["username": "u", "password": "abc"]))
        let excluded = S.result(.minLength(min: 8), appliesTo: [.apiKey], basic)
        #expect(excluded.result == .na)
        #expect(excluded.message.contains("applies to apiKey"))
        let kv = S.subject(.keyValue, S.values(["token": "Aa1-aaaaaaaa", "pin": "12"]))
        let kvResult = S.result(.minLength(min: 8), appliesTo: [.keyValue], kv)
        #expect(kvResult.result == .nok)
        #expect(kvResult.message.contains("spec.content.data.pin"))
    }

    @Test func characterClassesNamesWhatIsMissing() {
        let all: [CharacterClass] = [.lower, .upper, .digit, .symbol]
        #expect(S.result(.characterClasses(required: all), S.subject(.apiKey, S.values(["content": "aB3!xyz"]))).result == .ok)
        let missing = S.result(.characterClasses(required: all), S.subject(.apiKey, S.values(["content": "abcdefgh"])))
        #expect(missing.result == .nok)
        #expect(missing.message.contains("upper, digit, symbol"))
        #expect(S.result(.characterClasses(required: all), S.subject(.jwtToken, S.values(["content": "a"]))).result == .na)
        let generator = PasswordGenerator(length: 32, characterClasses: [.lower, .digit])
        let generated = S.result(.characterClasses(required: all), S.subject(.apiKey, ["content": .generated(.password(generator))]))
        #expect(generated.result == .nok)
        #expect(generated.message.contains("generate.characterClasses"))
    }

    @Test func generatedPasswordsHoldTheClassesTheirGeneratorPromises() throws {
        let generator = PasswordGenerator(length: 12, characterClasses: CharacterClass.allCases)
        for _ in 0..<50 {
            let value = try ValueGenerator.generate(.password(generator))
            let result = S.result(.characterClasses(required: CharacterClass.allCases), S.subject(.apiKey, ["content": .value(value)]))
            #expect(result.result == .ok)
        }
    }
}

@Suite struct KeyRuleTests {
    @Test func rsaKeysAreJudgedByModulusSize() throws {
        let rule = ComplianceCheck.privateKey(algorithms: [.rsa, .ec], minRSABits: 2048, curves: nil)
        let strong = S.result(rule, S.subject(.privateKey, S.values(["content": try S.rsaPKCS8(bits: 2048)])))
        #expect(strong.result == .ok)
        #expect(strong.message.contains("RSA 2048-bit"))
        let weak = S.result(rule, S.subject(.privateKey, S.values(["content": try S.rsaPKCS8(bits: 1024)])))
        #expect(weak.result == .nok)
        #expect(weak.message.contains("1024") && weak.message.contains("at least 2048"))
        let pkcs1 = S.result(rule, S.subject(.privateKey, S.values(["content": try S.rsaPKCS1(bits: 1024)])))
        #expect(pkcs1.result == .nok)
        #expect(S.result(rule, S.subject(.apiKey, S.values(["content": "x"]))).result == .na)
    }

    @Test func ecKeysAreJudgedByCurve() throws {
        let rule = ComplianceCheck.privateKey(algorithms: nil, minRSABits: nil, curves: [.p256])
        #expect(S.result(rule, S.subject(.privateKey, S.values(["content": P256.Signing.PrivateKey().pemRepresentation]))).result == .ok)
        let p384 = S.result(rule, S.subject(.privateKey, S.values(["content": P384.Signing.PrivateKey().pemRepresentation])))
        #expect(p384.result == .nok)
        #expect(p384.message.contains("P-384") && p384.message.contains("allowed curves: P-256"))
        let p521 = S.result(rule, S.subject(.privateKey, S.values(["content": P521.Signing.PrivateKey().pemRepresentation])))
        #expect(p521.result == .nok)
    }

    @Test func sec1KeysFromOpenSSLAreRead() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-sec1-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await offloaded { try runTool(["openssl", "ecparam", "-genkey", "-name", "secp384r1", "-noout", "-out", "k.pem"], in: directory) }
        let pem = try String(contentsOf: directory.appendingPathComponent("k.pem"), encoding: .utf8)
        #expect(pem.contains("BEGIN EC PRIVATE KEY"))
        let allowed = S.result(
            .privateKey(algorithms: nil, minRSABits: nil, curves: [.p384]), S.subject(.privateKey, S.values(["content": pem])))
        #expect(allowed.result == .ok)
        let refused = S.result(
            .privateKey(algorithms: nil, minRSABits: nil, curves: [.p256]), S.subject(.privateKey, S.values(["content": pem])))
        #expect(refused.result == .nok)
    }

    @Test func ed25519IsAnAlgorithmOfItsOwn() {
        let key = S.subject(.privateKey, S.values(["content": S.ed25519]))
        #expect(S.result(.privateKey(algorithms: [.ed25519], minRSABits: nil, curves: nil), key).result == .ok)
        let refused = S.result(.privateKey(algorithms: [.rsa], minRSABits: nil, curves: nil), key)
        #expect(refused.result == .nok)
        #expect(refused.message.contains("ed25519"))
    }

    @Test func garbageAndEncryptedKeysAreNotPassed() {
        let rule = ComplianceCheck.privateKey(algorithms: nil, minRSABits: 2048, curves: nil)
        let garbage = S.result(rule, S.subject(.privateKey, S.values(["content": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"])))
        #expect(garbage.result == .nok)
        let encrypted = S.result(
            rule, S.subject(.privateKey, S.values(["content": "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n"])))
        #expect(encrypted.result == .notAvailable)
    }

    @Test func privateKeyGeneratorParametersAreJudged() {
        let rule = ComplianceCheck.privateKey(algorithms: [.rsa], minRSABits: 3072, curves: nil)
        let small = S.subject(.privateKey, ["content": .generated(.privateKey(PrivateKeyGenerator(algorithm: .rsa, bits: 2048)))])
        #expect(S.result(rule, small).result == .nok)
        let defaulted = S.subject(.privateKey, ["content": .generated(.privateKey(PrivateKeyGenerator(algorithm: .rsa)))])
        #expect(S.result(rule, defaulted).result == .ok)
    }

    @Test func generatedKeysPassTheRulesTheirParametersPass() throws {
        for generator in [
            PrivateKeyGenerator(algorithm: .rsa, bits: 2048), PrivateKeyGenerator(algorithm: .ec, curve: .p384),
            PrivateKeyGenerator(algorithm: .ed25519),
        ] {
            let value = try ValueGenerator.generate(.privateKey(generator))
            let rule = ComplianceCheck.privateKey(algorithms: [generator.algorithm], minRSABits: 2048, curves: [.p384])
            #expect(S.result(rule, S.subject(.privateKey, ["content": .value(value)])).result == .ok)
        }
    }

    @Test func secretKeyBitsCountsTheDecodedBytes() throws {
        let key256 = try ValueGenerator.generate(.keyBytes(KeyBytesGenerator(bits: 256)))
        #expect(S.result(.secretKeyBits(min: 256), S.subject(.secretKey, ["content": .value(key256)])).result == .ok)
        let key128 = try ValueGenerator.generate(.keyBytes(KeyBytesGenerator(bits: 128)))
        let short = S.result(.secretKeyBits(min: 256), S.subject(.secretKey, ["content": .value(key128)]))
        #expect(short.result == .nok)
        #expect(short.message.contains("128-bit"))
        #expect(S.result(.secretKeyBits(min: 256), S.subject(.secretKey, S.values(["content": "not base64!"]))).result == .nok)
        #expect(S.result(.secretKeyBits(min: 256), S.subject(.apiKey, S.values(["content": "x"]))).result == .na)
        let generator = S.subject(.secretKey, ["content": .generated(.keyBytes(KeyBytesGenerator(bits: 128)))])
        #expect(S.result(.secretKeyBits(min: 256), generator).result == .nok)
    }
}

@Suite struct JWTRuleTests {
    let future = S.now.timeIntervalSince1970 + 3600
    let past = S.now.timeIntervalSince1970 - 60

    @Test func signedTokenWithFutureExpiryPasses() throws {
        let token = try S.jwt(alg: "ES256", claims: ["sub": "svc", "exp": future])
        let result = S.result(.jwt(requireExp: true, algorithms: [.es256]), S.subject(.jwtToken, S.values(["content": token])))
        #expect(result.result == .ok)
        #expect(result.validUntil == Date(timeIntervalSince1970: future))
        #expect(!result.message.contains(token))
    }

    @Test func expiredMissingExpAndWrongAlgorithmAreNok() throws {
        let expired = S.result(
            .jwt(requireExp: true, algorithms: nil), S.subject(.jwtToken, S.values(["content": try S.jwt(alg: "HS256", claims: ["exp": past])])))
        #expect(expired.result == .nok)
        #expect(expired.message.contains("expired at"))
        let noExp = try S.jwt(alg: "HS256", claims: ["sub": "svc"])
        #expect(S.result(.jwt(requireExp: true, algorithms: nil), S.subject(.jwtToken, S.values(["content": noExp]))).result == .nok)
        #expect(S.result(.jwt(requireExp: false, algorithms: nil), S.subject(.jwtToken, S.values(["content": noExp]))).result == .ok)
        let hs = try S.jwt(alg: "HS256", claims: ["exp": future])
        let wrongAlg = S.result(.jwt(requireExp: true, algorithms: [.es256, .rs256]), S.subject(.jwtToken, S.values(["content": hs])))
        #expect(wrongAlg.result == .nok)
        #expect(wrongAlg.message.contains("HS256"))
        let unsigned = try S.jwt(alg: "none", claims: ["exp": future])
        #expect(S.result(.jwt(requireExp: true, algorithms: nil), S.subject(.jwtToken, S.values(["content": unsigned]))).result == .nok)
    }

    @Test func malformedTokensAreNokAndOtherTypesNa() {
        for bad in ["abc", "a.b", "!!.e30.c2ln", "e30.e30.c2ln"] {
            #expect(S.result(.jwt(requireExp: true, algorithms: nil), S.subject(.jwtToken, S.values(["content": bad]))).result == .nok)
        }
        #expect(S.result(.jwt(requireExp: true, algorithms: nil), S.subject(.apiKey, S.values(["content": "a.b.c"]))).result == .na)
    }
}

@Suite struct MetadataRuleTests {
    @Test func allowedTypes() {
        #expect(S.result(.allowedTypes(types: [.apiKey]), S.subject(.apiKey, [:])).result == .ok)
        let refused = S.result(.allowedTypes(types: [.apiKey, .secretKey]), S.subject(.generic, [:]))
        #expect(refused.result == .nok)
        #expect(refused.message.contains("allowed: apiKey, secretKey"))
    }

    @Test func maxAgeCountsFromTheLatestVersion() throws {
        let period = try #require(Period("90d"))
        let fresh = S.subject(.apiKey, [:], since: S.now.addingTimeInterval(-10 * 86_400))
        #expect(S.result(.maxAge(duration: period), fresh).result == .ok)
        let stale = S.result(.maxAge(duration: period), S.subject(.apiKey, [:], since: S.now.addingTimeInterval(-120 * 86_400)))
        #expect(stale.result == .nok)
        #expect(stale.message.contains("older than the rule's 90d") && stale.message.contains("rotate"))
        #expect(S.result(.maxAge(duration: period), S.subject(.apiKey, [:], since: nil)).result == .ok)
    }

    @Test func requiredLabels() {
        #expect(S.result(.requiredLabels(labels: ["team"]), S.subject(.apiKey, [:], labels: ["team": "pay"])).result == .ok)
        let missing = S.result(.requiredLabels(labels: ["team", "owner"]), S.subject(.apiKey, [:], labels: ["team": "pay"]))
        #expect(missing.result == .nok)
        #expect(missing.message.contains("owner") && !missing.message.contains("team,"))
    }

    @Test func uniqueContentComparesFingerprints() {
        let alone = S.subject(.apiKey, [:], fingerprint: "hmac-sha256:aa", others: ["hmac-sha256:bb": ["other"], "hmac-sha256:aa": ["subject"]])
        #expect(S.result(.uniqueContent, alone).result == .ok)
        let twin = S.subject(.apiKey, [:], fingerprint: "hmac-sha256:aa", others: ["hmac-sha256:aa": ["other", "subject"]])
        let result = S.result(.uniqueContent, twin)
        #expect(result.result == .nok)
        #expect(result.message.contains("'other'"))
    }

    @Test func noInlineValuesLooksAtSecretFieldsOnly() {
        let inline = SecretContent(fields: ["username": .literal(SecretValue("app")), "password": .literal(SecretValue("pw"))])
        let result = S.result(.noInlineValues, S.subject(.basicAuth, [:], declared: inline))
        #expect(result.result == .nok)
        #expect(result.message.contains("spec.content.password") && !result.message.contains("username"))
        let sourced = SecretContent(fields: ["username": .literal(SecretValue("app")), "password": .fromEnv("PW")])
        #expect(S.result(.noInlineValues, S.subject(.basicAuth, [:], declared: sourced)).result == .ok)
    }

    @Test func overallFollowsTheIssuesRule() {
        #expect(ComplianceOverall.combining([.ok, .ok]) == .ok)
        #expect(ComplianceOverall.combining([.ok, .na]) == .na)
        #expect(ComplianceOverall.combining([.na, .notAvailable]) == .nok)
        #expect(ComplianceOverall.combining([.ok, .nok, .na]) == .nok)
    }
}
