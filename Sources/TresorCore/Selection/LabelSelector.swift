/// A Kubernetes label selector, as `kubectl get -l` takes it: requirements separated by
/// commas, all of which must hold — `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
/// `k notin (a,b)`, `k` (present) and `!k` (absent).
public struct LabelSelector: Sendable, Equatable, CustomStringConvertible {
    public enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)

        func matches(_ labels: [String: String]) -> Bool {
            switch self {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .isIn(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): !(labels[key].map(values.contains) ?? false)
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            }
        }
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public let requirements: [Requirement]
    public let description: String

    public init(parsing text: String) throws(ParseError) {
        var requirements: [Requirement] = []
        for clause in try Self.clauses(text) {
            requirements.append(try Self.requirement(clause, in: text))
        }
        guard !requirements.isEmpty else { throw ParseError(description: "empty label selector; write e.g. -l team=payments,env!=dev") }
        self.requirements = requirements
        self.description = text
    }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    /// Splits at commas outside parentheses.
    private static func clauses(_ text: String) throws(ParseError) -> [String] {
        var clauses: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth < 0 { throw ParseError(description: "label selector '\(text)': ')' without '('") }
            case "," where depth == 0:
                clauses.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        guard depth == 0 else { throw ParseError(description: "label selector '\(text)': '(' is never closed") }
        clauses.append(current)
        return clauses.map { $0.trimmingSpaces }.filter { !$0.isEmpty }
    }

    private static func requirement(_ clause: String, in text: String) throws(ParseError) -> Requirement {
        func key(_ raw: Substring) throws(ParseError) -> String {
            let key = String(raw).trimmingSpaces
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) }) else {
                throw ParseError(description: "label selector '\(text)': '\(key)' is not a label key")
            }
            return key
        }
        if let range = clause.range(of: "!=") {
            return .notEquals(try key(clause[..<range.lowerBound]), String(clause[range.upperBound...]).trimmingSpaces)
        }
        if let range = clause.range(of: "==") ?? clause.range(of: "=") {
            return .equals(try key(clause[..<range.lowerBound]), String(clause[range.upperBound...]).trimmingSpaces)
        }
        if let open = clause.firstIndex(of: "(") {
            guard clause.hasSuffix(")") else { throw ParseError(description: "label selector '\(text)': '\(clause)' must end with ')'") }
            let head = clause[..<open].split(separator: " ", omittingEmptySubsequences: true)
            let values = Set(clause[clause.index(after: open)..<clause.index(before: clause.endIndex)].split(separator: ",").map { String($0).trimmingSpaces })
            guard head.count == 2, !values.isEmpty else {
                throw ParseError(description: "label selector '\(text)': write 'KEY in (A,B)' or 'KEY notin (A,B)', not '\(clause)'")
            }
            switch head[1] {
            case "in": return .isIn(try key(head[0]), values)
            case "notin": return .notIn(try key(head[0]), values)
            default: throw ParseError(description: "label selector '\(text)': '\(head[1])' is neither 'in' nor 'notin'")
            }
        }
        if clause.hasPrefix("!") { return .doesNotExist(try key(clause.dropFirst())) }
        return .exists(try key(Substring(clause)))
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
