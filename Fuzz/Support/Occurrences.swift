/// Whether `needle` occurs at most once in `haystack`; stops at the second occurrence,
/// so it stays linear in the input for short needles.
public func occursAtMostOnce(_ needle: String, in haystack: [UInt8]) -> Bool {
    let needle = Array(needle.utf8)
    guard !needle.isEmpty else { return false }
    guard let first = firstOffset(of: needle, in: haystack) else { return true }
    return firstOffset(of: needle, in: haystack, from: first + 1) == nil
}

/// Where `needle` first starts in `haystack` at or after `start`: a plain byte search
/// (Foundation's `firstRange(of:)` allocates at every position it tries).
public func firstOffset(of needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
    guard let lead = needle.first, haystack.count >= needle.count else { return nil }
    var index = start
    while index <= haystack.count - needle.count {
        if haystack[index] == lead, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
        index += 1
    }
    return nil
}
