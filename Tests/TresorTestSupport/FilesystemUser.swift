import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `body` with the file permissions of an unprivileged user, so that a mode-000 file
/// is unreadable even when the tests run as root (as CI does), where the read would
/// otherwise succeed and the error under test could not be seen.
///
/// As root, this sets the calling thread's filesystem uid (setfsuid(2)) to nobody for the
/// duration of `body`, which drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH for that thread
/// alone; `body` is synchronous, so it stays on that thread. As another user, `body` runs
/// as is: the permissions already apply.
public func asUnprivilegedReader<T>(_ body: () throws -> T) throws -> T {
    guard geteuid() == 0 else { return try body() }
    typealias SetFSUID = @convention(c) (UInt32) -> Int32
    guard let symbol = dlsym(nil, "setfsuid") else { throw UnprivilegedReadError(description: "setfsuid is not available") }
    let setfsuid = unsafeBitCast(symbol, to: SetFSUID.self)
    let nobody: UInt32 = 65534
    let previous = setfsuid(nobody)
    // setfsuid returns the previous fsuid whether it succeeded or not: ask again to know.
    guard setfsuid(nobody) == Int32(bitPattern: nobody) else {
        _ = setfsuid(UInt32(bitPattern: previous))
        throw UnprivilegedReadError(description: "setfsuid(\(nobody)) was refused")
    }
    defer { _ = setfsuid(UInt32(bitPattern: previous)) }
    return try body()
}

public struct UnprivilegedReadError: Error, CustomStringConvertible {
    public var description: String
}
