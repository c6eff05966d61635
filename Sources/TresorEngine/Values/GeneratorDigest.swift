import Crypto
import TresorCore

/// A short, stable digest of a generator's parameters, stored in vault metadata next to
/// a generated value: when the manifest's parameters no longer match it, the value is
/// made anew.
///
/// It covers a canonical text of the parameters with every default made explicit (so
/// `{generate: {}}` and `{generate: {length: 32}}` match) and the character classes in
/// one fixed order without repeats (so `[upper, lower]` matches `[lower, upper]`). The
/// text starts with a version tag: a future change to how values are generated can bump
/// it on purpose to have values made again.
public enum GeneratorDigest {
    /// The first 16 hex characters (64 bits) of SHA-256 over `canonicalText(generator)`.
    public static func digest(_ generator: Generator) -> String {
        Hex.encode(SHA256.hash(data: Array(canonicalText(generator).utf8)).prefix(8))
    }

    /// E.g. `tresor-generator-v1 password length=32 classes=lower,upper,digit,symbol`.
    static func canonicalText(_ generator: Generator) -> String {
        let parameters: String
        switch generator {
        case .password(let password):
            let classes = CharacterClass.allCases.filter(password.characterClasses.contains)
            parameters = "password length=\(password.length) classes=" + classes.map(\.rawValue).joined(separator: ",")
        case .keyBytes(let keyBytes):
            parameters = "keyBytes bits=\(keyBytes.bits)"
        case .privateKey(let key):
            // Parameters an algorithm does not take are rejected by the loader and by
            // ValueGenerator; they are still listed when present, so that no two different
            // parameter sets share a digest.
            var text = "privateKey algorithm=\(key.algorithm.rawValue)"
            switch key.algorithm {
            case .rsa:
                text += " bits=\(key.bits ?? GeneratorDefaults.rsaBits)"
                if let curve = key.curve { text += " curve=\(curve.rawValue)" }
            case .ec:
                if let bits = key.bits { text += " bits=\(bits)" }
                text += " curve=\((key.curve ?? GeneratorDefaults.ecCurve).rawValue)"
            case .ed25519:
                if let bits = key.bits { text += " bits=\(bits)" }
                if let curve = key.curve { text += " curve=\(curve.rawValue)" }
            }
            parameters = text
        }
        return "tresor-generator-v1 " + parameters
    }
}
