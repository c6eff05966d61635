extension ComplianceProfileSpec {
    static func decode(_ node: YAMLNode, context: DecodeContext) -> ComplianceProfileSpec? {
        guard let reader = ObjectReader<ComplianceProfileSpec>(node, path: "spec", context: context) else { return nil }
        let before = context.errorCount
        let enforcement: Enforcement? = reader[.enforcement] == nil ? .audit : reader.choice(.enforcement)
        var rules: [ComplianceRule] = []
        if let node = reader[.rules] {
            var names: [String: Mark] = [:]
            let decoded = Values.list(node, path: "spec.rules", context: context) { item, itemPath in
                guard let rule = ComplianceRule.decode(item, path: itemPath, context: context) else { return nil as ComplianceRule? }
                var nameMark = item.mark
                if case .mapping(let pairs, _) = item,
                    let pair = pairs.first(where: { if case .scalar(let key, _) = $0.key { key.text == "name" } else { false } })
                {
                    nameMark = pair.value.mark
                }
                if let first = names[rule.name] {
                    context.error(
                        "\(itemPath).name: rule '\(Text.short(rule.name))' is declared twice (first at line \(first.line), "
                            + "column \(first.column)); rule names must be unique in a profile",
                        at: nameMark)
                    return nil
                }
                names[rule.name] = nameMark
                return rule
            }
            if case .sequence(let items, _) = node, items.isEmpty {
                context.error("spec.rules: list at least one rule", at: node.mark)
            }
            rules = decoded ?? []
        }
        guard let enforcement, context.errorCount == before else { return nil }
        return ComplianceProfileSpec(enforcement: enforcement, rules: rules)
    }
}

extension ComplianceRule {
    static func decode(_ node: YAMLNode, path: String, context: DecodeContext) -> ComplianceRule? {
        guard let reader = ObjectReader<ComplianceRule>(node, path: path, context: context) else { return nil }
        let before = context.errorCount
        let name = reader.nonEmptyString(.name)
        let appliesTo: [SecretType]? = reader[.appliesTo] == nil ? nil : reader.nonEmptyChoices(.appliesTo)
        guard let kind = reader.exactlyOne(of: ComplianceRule.kindFields, what: "a rule"), let params = reader[kind] else {
            return nil
        }
        let check = decodeCheck(kind, params, path: reader.path(kind), context: context)
        guard let name, let check, context.errorCount == before else { return nil }
        return ComplianceRule(name: name, appliesTo: appliesTo, check: check)
    }

    private static func decodeCheck(_ kind: Field, _ node: YAMLNode, path: String, context: DecodeContext) -> ComplianceCheck? {
        typealias P = ComplianceRuleParams
        switch kind {
        case .minLength:
            return ObjectReader<P.MinLength>(node, path: path, context: context)?.int(.min, in: 1...4096).map { .minLength(min: $0) }
        case .characterClasses:
            guard let reader = ObjectReader<P.CharacterClasses>(node, path: path, context: context),
                let classes: [CharacterClass] = reader.nonEmptyChoices(.required)
            else { return nil }
            return .characterClasses(required: classes)
        case .allowedTypes:
            guard let reader = ObjectReader<P.AllowedTypes>(node, path: path, context: context),
                let types: [SecretType] = reader.nonEmptyChoices(.types)
            else { return nil }
            return .allowedTypes(types: types)
        case .privateKey:
            guard let reader = ObjectReader<P.PrivateKey>(node, path: path, context: context) else { return nil }
            let algorithms: [KeyAlgorithm]? = reader[.algorithms] == nil ? nil : reader.nonEmptyChoices(.algorithms)
            let minBits = reader.int(.minRSABits, in: 1024...16384)
            let curves: [ECCurve]? = reader[.curves] == nil ? nil : reader.nonEmptyChoices(.curves)
            return .privateKey(algorithms: algorithms, minRSABits: minBits, curves: curves)
        case .jwt:
            guard let reader = ObjectReader<P.JWT>(node, path: path, context: context) else { return nil }
            let requireExp = reader[.requireExp] == nil ? true : reader.bool(.requireExp)
            let algorithms: [JWTAlgorithm]? = reader[.algorithms] == nil ? nil : reader.nonEmptyChoices(.algorithms)
            return requireExp.map { .jwt(requireExp: $0, algorithms: algorithms) }
        case .keyStore:
            guard let reader = ObjectReader<P.KeyStore>(node, path: path, context: context),
                let types: [KeyStoreType] = reader.nonEmptyChoices(.types)
            else { return nil }
            return .keyStore(types: types)
        case .secretKeyBits:
            return ObjectReader<P.SecretKeyBits>(node, path: path, context: context)?.int(.min, in: 8...65536)
                .map { .secretKeyBits(min: $0) }
        case .maxAge:
            return ObjectReader<P.MaxAge>(node, path: path, context: context)?.period(.duration).map { .maxAge(duration: $0) }
        case .requiredLabels:
            guard let reader = ObjectReader<P.RequiredLabels>(node, path: path, context: context),
                let labels = reader.strings(.labels)
            else { return nil }
            if labels.isEmpty {
                context.error("\(path).labels: list at least one label", at: reader.valueMark(.labels))
                return nil
            }
            for (index, label) in labels.enumerated() where !Names.isLabelKey(label) {
                var mark = reader.valueMark(.labels)
                if case .sequence(let items, _)? = reader[.labels] { mark = items[index].mark }
                context.error("\(path).labels[\(index)]: '\(Text.short(label))' is not a valid label key", at: mark)
                return nil
            }
            return .requiredLabels(labels: labels)
        case .uniqueContent, .noInlineValues:
            let isEmpty: Bool
            switch node {
            case .mapping(let pairs, _): isEmpty = pairs.isEmpty
            case .scalar(let scalar, _): isEmpty = scalar.resolved == .null
            case .sequence: isEmpty = false
            }
            guard isEmpty else {
                context.error("\(path): takes no parameters; write `\(kind.rawValue): {}`", at: node.mark)
                return nil
            }
            return kind == .uniqueContent ? .uniqueContent : .noInlineValues
        case .name, .appliesTo:
            return nil
        }
    }
}

extension ObjectReader {
    func nonEmptyChoices<E: RawRepresentable & CaseIterable & Hashable & Sendable>(_ field: Field) -> [E]? where E.RawValue == String {
        guard let values: [E] = choices(field) else { return nil }
        if values.isEmpty {
            context.error("\(path(field)): list at least one of \(Text.list(E.allCases.map(\.rawValue)))", at: valueMark(field))
            return nil
        }
        return values
    }
}
