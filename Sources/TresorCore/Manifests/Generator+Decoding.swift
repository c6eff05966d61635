extension Generator {
    static func decode(_ node: YAMLNode, kind: GeneratorKind, path: String, context: DecodeContext) -> Generator? {
        // `generate: {}` and a bare `generate:` both mean "with the defaults".
        let node: YAMLNode =
            if case .scalar(let scalar, let mark) = node, scalar.resolved == .null { .mapping([], mark) } else { node }
        switch kind {
        case .password: return PasswordGenerator.decode(node, path: path, context: context).map(Generator.password)
        case .keyBytes: return KeyBytesGenerator.decode(node, path: path, context: context).map(Generator.keyBytes)
        case .privateKey: return PrivateKeyGenerator.decode(node, path: path, context: context).map(Generator.privateKey)
        }
    }
}

extension PasswordGenerator {
    static func decode(_ node: YAMLNode, path: String, context: DecodeContext) -> PasswordGenerator? {
        guard let reader = ObjectReader<PasswordGenerator>(node, path: path, context: context) else { return nil }
        let length = reader[.length] == nil ? 32 : reader.int(.length, in: PasswordGenerator.lengthRange)
        let classes: [CharacterClass]? =
            reader[.characterClasses] == nil ? CharacterClass.allCases : reader.nonEmptyChoices(.characterClasses)
        guard let length, let classes else { return nil }
        if length < classes.count {
            context.error(
                "\(path).length: \(length) characters cannot hold one of each of the \(classes.count) character classes",
                at: reader.valueMark(.length))
            return nil
        }
        return PasswordGenerator(length: length, characterClasses: classes)
    }
}

extension KeyBytesGenerator {
    static func decode(_ node: YAMLNode, path: String, context: DecodeContext) -> KeyBytesGenerator? {
        guard let reader = ObjectReader<KeyBytesGenerator>(node, path: path, context: context) else { return nil }
        guard reader[.bits] != nil else { return KeyBytesGenerator() }
        guard let bits = reader.int(.bits, in: KeyBytesGenerator.bitsRange) else { return nil }
        guard bits % 8 == 0 else {
            context.error("\(path).bits: \(bits) is not a whole number of bytes; use a multiple of 8", at: reader.valueMark(.bits))
            return nil
        }
        return KeyBytesGenerator(bits: bits)
    }
}

extension PrivateKeyGenerator {
    static func decode(_ node: YAMLNode, path: String, context: DecodeContext) -> PrivateKeyGenerator? {
        guard let reader = ObjectReader<PrivateKeyGenerator>(node, path: path, context: context),
            let algorithm: KeyAlgorithm = reader.choice(.algorithm)
        else { return nil }
        switch algorithm {
        case .rsa:
            if reader[.curve] != nil {
                context.error("\(path).curve: only ec keys take a curve; an rsa key takes bits", at: reader.keyMark(.curve))
                return nil
            }
            // Any integer is read, so that 1000 and 3000 both get the message that lists the sizes.
            guard let bits = reader[.bits] == nil ? 3072 : reader.int(.bits, in: 1...Int.max) else { return nil }
            guard PrivateKeyGenerator.rsaSizes.contains(bits) else {
                context.error(
                    "\(path).bits: \(bits) is not a supported RSA size; expected 2048, 3072 or 4096", at: reader.valueMark(.bits))
                return nil
            }
            return PrivateKeyGenerator(algorithm: .rsa, bits: bits)
        case .ec:
            if reader[.bits] != nil {
                context.error("\(path).bits: an ec key's size comes from its curve; set curve instead", at: reader.keyMark(.bits))
                return nil
            }
            guard let curve: ECCurve = reader[.curve] == nil ? .p256 : reader.choice(.curve) else { return nil }
            return PrivateKeyGenerator(algorithm: .ec, curve: curve)
        case .ed25519:
            for field in [Field.bits, .curve] where reader[field] != nil {
                context.error("\(path).\(field.rawValue): an ed25519 key has a fixed size and takes no \(field.rawValue)", at: reader.keyMark(field))
                return nil
            }
            return PrivateKeyGenerator(algorithm: .ed25519)
        }
    }
}
