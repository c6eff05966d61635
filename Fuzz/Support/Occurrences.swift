#if canImport(Glibc)
    import Glibc
#endif

/// Whether `needle` occurs at most once in `haystack`; stops at the second occurrence,
/// so it stays linear on inputs of a megabyte with many candidate values.
public func occursAtMostOnce(_ needle: String, in haystack: [UInt8]) -> Bool {
    let needle = Array(needle.utf8)
    guard !needle.isEmpty else { return false }
    return haystack.withUnsafeBytes { hay in
        needle.withUnsafeBytes { pin in
            guard let base = hay.baseAddress, let first = memmem(base, hay.count, pin.baseAddress, pin.count) else { return true }
            let next = UnsafeRawPointer(first) + 1
            let rest = hay.count - (next - base)
            return memmem(next, rest, pin.baseAddress, pin.count) == nil
        }
    }
}
