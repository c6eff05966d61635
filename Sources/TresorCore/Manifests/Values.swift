/// Scalar and collection readers shared by every object decoder. Each reports its own
/// "expected X, got Y" error and returns nil, so decoding goes on and finds every problem.
enum Values {
    static func string(_ node: YAMLNode, path: String, context: DecodeContext) -> String? {
        guard case .scalar(let scalar, let mark) = node else {
            context.error("\(path): expected a string, got \(node.kindName)", at: node.mark)
            return nil
        }
        switch scalar.resolved {
        case .string(let text): return text
        case .int, .float: return scalar.text
        case .null, .bool:
            // `no`, `true` and an empty value are easy to write by mistake where a string is meant.
            context.error("\(path): expected a string, got \(scalar.resolved.typeName); quote the value if it is meant as text", at: mark)
            return nil
        }
    }

    static func bool(_ node: YAMLNode, path: String, context: DecodeContext) -> Bool? {
        if case .scalar(let scalar, _) = node, case .bool(let value) = scalar.resolved { return value }
        context.error("\(path): expected true or false, got \(node.kindName)", at: node.mark)
        return nil
    }

    static func int(_ node: YAMLNode, path: String, in range: ClosedRange<Int>, context: DecodeContext) -> Int? {
        guard case .scalar(let scalar, let mark) = node, case .int(let value) = scalar.resolved else {
            context.error("\(path): expected an integer, got \(node.kindName)", at: node.mark)
            return nil
        }
        guard range.contains(value) else {
            let bound = range.upperBound == .max ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            context.error("\(path): \(value) is out of range; expected \(bound)", at: mark)
            return nil
        }
        return value
    }

    static func number(_ node: YAMLNode, path: String, greaterThan minimum: Double, context: DecodeContext) -> Double? {
        let value: Double
        switch node {
        case .scalar(let scalar, _):
            switch scalar.resolved {
            case .int(let int): value = Double(int)
            case .float(let double) where double.isFinite: value = double
            case .float:
                // `.inf` and `.nan` are numbers to YAML; "expected a number, got a number" would puzzle.
                context.error("\(path): '\(scalar.text)' is not a finite number", at: node.mark)
                return nil
            default:
                context.error("\(path): expected a number, got \(node.kindName)", at: node.mark)
                return nil
            }
        default:
            context.error("\(path): expected a number, got \(node.kindName)", at: node.mark)
            return nil
        }
        guard value > minimum else {
            context.error("\(path): must be greater than \(minimum.formatted)", at: node.mark)
            return nil
        }
        return value
    }

    static func choice<E: RawRepresentable & CaseIterable & Sendable>(_ node: YAMLNode, path: String, context: DecodeContext) -> E?
    where E.RawValue == String {
        guard let text = string(node, path: path, context: context) else { return nil }
        if let value = E(rawValue: text) { return value }
        let allowed = E.allCases.map(\.rawValue)
        var message = "\(path): '\(Text.short(text))' is not valid; expected \(Text.list(allowed))"
        if let guess = Text.suggestion(for: text, among: allowed) { message += " (did you mean '\(guess)'?)" }
        context.error(message, at: node.mark)
        return nil
    }

    /// A list whose items are read by `item`; nil when the node is not a list or any item failed.
    static func list<T>(
        _ node: YAMLNode, path: String, context: DecodeContext, item: (YAMLNode, String) -> T?
    ) -> [T]? {
        guard case .sequence(let nodes, _) = node else {
            context.error("\(path): expected a list, got \(node.kindName)", at: node.mark)
            return nil
        }
        var values: [T] = []
        values.reserveCapacity(nodes.count)
        var failed = false
        for (index, itemNode) in nodes.enumerated() {
            if let value = item(itemNode, "\(path)[\(index)]") { values.append(value) } else { failed = true }
        }
        return failed ? nil : values
    }

    static func unique<T: Hashable>(_ values: [T]) -> [T] {
        var seen = Set<T>()
        return values.filter { seen.insert($0).inserted }
    }

    static func stringMap(_ node: YAMLNode, path: String, context: DecodeContext) -> [String: String]? {
        guard case .mapping(let pairs, _) = node else {
            context.error("\(path): expected a mapping of strings, got \(node.kindName)", at: node.mark)
            return nil
        }
        var map: [String: String] = [:]
        var failed = false
        for pair in pairs {
            guard case .scalar(let key, _) = pair.key else {
                context.error("\(path): keys must be strings, got \(pair.key.kindName)", at: pair.key.mark)
                failed = true
                continue
            }
            if let value = string(pair.value, path: "\(path).\(key.text)", context: context) {
                map[key.text] = value
            } else {
                failed = true
            }
        }
        return failed ? nil : map
    }

    static func period(_ node: YAMLNode, path: String, context: DecodeContext) -> Period? {
        guard let text = string(node, path: path, context: context) else { return nil }
        guard let period = Period(text) else {
            context.error(
                "\(path): '\(Text.short(text))' is not a duration; expected a positive number with a unit (s, m, h, d or w), "
                    + "such as 30s, 10m, 1h30m or 90d",
                at: node.mark)
            return nil
        }
        return period
    }
}

extension Double {
    /// `2` rather than `2.0` for whole numbers.
    var formatted: String {
        rounded() == self && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
