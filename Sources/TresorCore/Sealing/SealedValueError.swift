/// Why a sealed value is malformed or cannot be opened. Messages describe the value's
/// shape and which key it needs, never its text: a plaintext pasted by mistake into a
/// `sealed` field must not be echoed back.
public enum SealedValueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not the text `tresor seal` prints.
    case malformed(String)
    /// A format version this build does not read.
    case unsupportedVersion(String)
    /// No sealing key was given at all.
    case noKeysHeld(keyId: String)
    /// Keys were given, but none is the one the value was sealed to.
    case noMatchingKey(keyId: String, held: [String])
    /// Sealed for another manifest, secret or field: it was copied.
    case boundElsewhere
    /// The key matches and the binding matches, but the ciphertext does not authenticate.
    case tampered(keyId: String)

    public var description: String {
        switch self {
        case .malformed(let problem):
            "not a well-formed sealed value: \(problem); paste the whole line that `tresor seal` printed"
        case .unsupportedVersion(let version):
            "sealed in format version \(version), which this build of tresor does not read; upgrade tresor"
        case .noKeysHeld(let keyId):
            "sealed to key \(keyId), but no sealing key was given; pass --sealing-key FILE or set TRESOR_SEALING_KEYS"
        case .noMatchingKey(let keyId, let held):
            "no key matches: sealed to key \(keyId), but the keys given are \(held.joined(separator: ", ")); "
                + "pass the private key of \(keyId) with --sealing-key, or seal the value again"
        case .boundElsewhere:
            "bound to another secret or field: a sealed value opens only where it was sealed for (was it copied?); "
                + "seal the value again with `tresor seal` for this secret and field"
        case .tampered(let keyId):
            "tampered: the value does not authenticate with key \(keyId) (it was altered, or sealed by something else "
                + "than tresor seal); seal the value again"
        }
    }
}
