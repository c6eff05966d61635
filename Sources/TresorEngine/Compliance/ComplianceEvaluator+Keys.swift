import Foundation
import TresorCore

/// `privateKey`, `secretKeyBits`, `jwt` and `keyStore`: rules that parse the content.
extension ComplianceEvaluator {
    static func privateKey(algorithms: [KeyAlgorithm]?, minRSABits: Int?, curves: [ECCurve]?, subject: ComplianceSubject) -> RuleResult {
        let path = fieldPath("content", type: subject.type)
        let facts: PrivateKeyFacts
        var fix = "supply another key"
        switch value(subject, "content") {
        case .value(let pem):
            do {
                facts = try PrivateKeyInspector.inspect(pem: pem.reveal())
            } catch PrivateKeyInspector.Problem.encrypted {
                return verdict(.notAvailable, "\(path): \(PrivateKeyInspector.Problem.encrypted)", field: path)
            } catch {
                return verdict(.nok, "\(path): \(error)", field: path)
            }
        case .generated(.privateKey(let generator)):
            facts = PrivateKeyFacts(
                algorithm: PrivateKeyFacts.KeyAlgorithmName(rawValue: generator.algorithm.rawValue) ?? .unknown,
                rsaBits: generator.algorithm == .rsa ? generator.bits ?? GeneratorDefaults.rsaBits : nil,
                curve: generator.algorithm == .ec ? (generator.curve ?? GeneratorDefaults.ecCurve).rawValue : nil)
            fix = "change the generator's parameters"
        case .generated, .unknown:
            return verdict(.notAvailable, "\(path) could not be read", field: path)
        }
        if let algorithms, !algorithms.map(\.rawValue).contains(facts.algorithm.rawValue) {
            return verdict(
                .nok, "\(path) is \(facts.summary); allowed algorithms: \(algorithms.map(\.rawValue).joined(separator: ", ")): \(fix)",
                field: path)
        }
        if let minRSABits, let bits = facts.rsaBits, bits < minRSABits {
            return verdict(.nok, "\(path) is \(facts.summary); the rule requires at least \(minRSABits) bits: \(fix)", field: path)
        }
        if let curves, facts.algorithm == .ec, !curves.map(\.rawValue).contains(facts.curve ?? "") {
            return verdict(
                .nok, "\(path) is \(facts.summary); allowed curves: \(curves.map(\.rawValue).joined(separator: ", ")): \(fix)", field: path)
        }
        return verdict(.ok, "\(path) is \(facts.summary)", field: path)
    }

    static func secretKeyBits(_ min: Int, subject: ComplianceSubject) -> RuleResult {
        let path = fieldPath("content", type: subject.type)
        let bits: Int
        var fix = "use a longer key"
        switch value(subject, "content") {
        case .value(let key):
            guard let data = Data(base64Encoded: key.reveal().trimmingCharacters(in: .whitespacesAndNewlines)) else {
                return verdict(.nok, "\(path) is not base64; a secretKey holds the base64 of its raw key bytes", field: path)
            }
            bits = data.count * 8
        case .generated(.keyBytes(let generator)):
            bits = generator.bits
            fix = "raise generate.bits to \(min) or more"
        case .generated, .unknown:
            return verdict(.notAvailable, "\(path) could not be read", field: path)
        }
        if bits < min { return verdict(.nok, "\(path) holds a \(bits)-bit key; the rule requires at least \(min) bits: \(fix)", field: path) }
        return verdict(.ok, "\(path) holds a \(bits)-bit key", field: path)
    }

    static func jwt(requireExp: Bool, algorithms: [JWTAlgorithm]?, subject: ComplianceSubject, now: Date) -> RuleResult {
        let path = fieldPath("content", type: subject.type)
        guard case .value(let token) = value(subject, "content") else {
            return verdict(.notAvailable, "\(path) could not be read", field: path)
        }
        let facts: JWTFacts
        do {
            facts = try JWTInspector.inspect(token.reveal())
        } catch {
            return verdict(.nok, "\(path): \(error)", field: path)
        }
        if facts.algorithm == "none" { return verdict(.nok, "\(path) is an unsigned JWT (alg none); use a signed token", field: path) }
        if let algorithms, !algorithms.map(\.rawValue).contains(facts.algorithm) {
            return verdict(
                .nok, "\(path) is signed with \(clip(facts.algorithm)); allowed: \(algorithms.map(\.rawValue).joined(separator: ", "))",
                field: path)
        }
        guard let expiresAt = facts.expiresAt else {
            if requireExp { return verdict(.nok, "\(path) carries no 'exp' claim; issue a token that expires", field: path) }
            return verdict(.ok, "\(path) is a \(facts.algorithm) JWT without expiry", field: path)
        }
        if expiresAt <= now {
            return verdict(.nok, "\(path) expired at \(StatusCoding.formatDate(expiresAt)); issue a new token", field: path)
        }
        var result = verdict(.ok, "\(path) is a \(facts.algorithm) JWT valid until \(StatusCoding.formatDate(expiresAt))", field: path)
        result.validUntil = expiresAt
        return result
    }

    static func keyStore(_ types: [KeyStoreType], subject: ComplianceSubject) -> RuleResult {
        let allowed = types.map(\.rawValue).joined(separator: ", ")
        guard case .value(let declaredType) = value(subject, "keyStoreType") else {
            return verdict(.notAvailable, "spec.content.keyStoreType could not be read", field: "spec.content.keyStoreType")
        }
        let type = declaredType.reveal()
        guard let storeType = KeyStoreType(rawValue: type), types.contains(storeType) else {
            return verdict(.nok, "keyStoreType \(clip(type)) is not allowed; allowed: \(allowed)", field: "spec.content.keyStoreType")
        }
        let path = "spec.content.content"
        guard case .value(let content) = value(subject, "content") else {
            if subject.offline { return verdict(.ok, "keyStoreType \(type) is allowed", field: path) }
            return verdict(.notAvailable, "\(path) could not be read", field: path)
        }
        let compact = content.reveal().filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else {
            return verdict(.nok, "\(path) is not base64; a keyStore holds the base64 of the keystore file", field: path)
        }
        let bytes = Array(data)
        guard let format = KeyStoreInspector.format(of: bytes) else {
            return verdict(.nok, "\(path) is neither a PKCS12 nor a JKS keystore", field: path)
        }
        let matches = format.rawValue == type || (storeType == .jks && format == .jceks)
        guard matches else {
            return verdict(.nok, "\(path) is a \(format.rawValue) keystore but keyStoreType says \(type); make them agree", field: path)
        }
        let password: String
        switch value(subject, "password") {
        case .value(let secret): password = secret.reveal()
        case .generated:
            return verdict(
                .nok, "spec.content.password is generated, so it cannot be the password the keystore was made with; supply it",
                field: "spec.content.password")
        case .unknown:
            if subject.offline { return verdict(.ok, "a \(type) keystore", field: path) }
            return verdict(.notAvailable, "spec.content.password could not be read", field: "spec.content.password")
        }
        do {
            switch try KeyStoreInspector.checkPassword(password, bytes: bytes, format: format) {
            case .opens: return verdict(.ok, "a \(format.rawValue) keystore that opens with its password", field: path)
            case .wrongPassword:
                return verdict(
                    .nok, "the \(format.rawValue) keystore does not open with spec.content.password (integrity check failed)",
                    field: "spec.content.password")
            case .cannotTell(let why): return verdict(.notAvailable, why, field: path)
            }
        } catch {
            return verdict(.nok, "\(path): \(error)", field: path)
        }
    }

    static func verdict(_ outcome: RuleOutcome, _ message: String, field: String? = nil) -> RuleResult {
        RuleResult(name: "", kind: "", result: outcome, message: message, field: field)
    }
}

/// A manifest-supplied word (an `alg`, a keystore type) cut short for a message.
private func clip(_ text: String) -> String {
    text.count > 40 ? String(text.prefix(40)) + "…" : text
}
