import Foundation
import TresorCore

/// What a write does to one target's fields, by name only: the fields it adds, removes
/// and gives another value. Made only where both sides are known (the target was read,
/// holds exactly what the source held, or holds nothing); values never leave the planner.
public struct FieldChanges: Sendable, Codable, Hashable {
    public var added: [String]
    public var removed: [String]
    public var changed: [String]

    public init(added: [String] = [], removed: [String] = [], changed: [String] = []) {
        self.added = added
        self.removed = removed
        self.changed = changed
    }

    /// `old` against the content to write; a field still to be generated gets a new value,
    /// so it is added where `old` lacks it and changed where `old` has it.
    init(from old: [String: SecretValue], to new: PlannedContent) {
        self.init()
        for field in Set(old.keys).union(new.values.keys).union(new.generate.keys).sorted() {
            if old[field] == nil {
                added.append(field)
            } else if new.values[field] == nil && new.generate[field] == nil {
                removed.append(field)
            } else if new.generate[field] != nil || old[field] != new.values[field] {
                changed.append(field)
            }
        }
    }

    /// The changes from `old` to `new`; nil when either side is not known (not read).
    static func between(_ old: [String: SecretValue]?, _ new: PlannedContent?) -> FieldChanges? {
        guard let old, let new, new.complete else { return nil }
        return FieldChanges(from: old, to: new)
    }

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    /// Every field named, sorted.
    public var all: [String] { (added + removed + changed).sorted() }

    /// `+added -removed ~changed`, for one line of a plan.
    public var summary: String {
        (added.map { "+" + $0 } + removed.map { "-" + $0 } + changed.map { "~" + $0 }).joined(separator: " ")
    }
}
