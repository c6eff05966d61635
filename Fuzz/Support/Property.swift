import Foundation

/// A property a target checks beyond "does not crash". A failure aborts, as a crash does,
/// so libFuzzer writes the input out as a reproducer. `what` is printed: it must name a
/// place or a rule, never a value taken from the input.
public func property(_ holds: Bool, _ what: @autoclosure () -> String) {
    guard !holds else { return }
    FileHandle.standardError.write(Data("property failed: \(what())\n".utf8))
    abort()
}
