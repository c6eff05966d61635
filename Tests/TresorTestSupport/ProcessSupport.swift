import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// Shared by the test targets that start servers: Tests/TresorDaemonTests/Support links
// to this file.

public struct CommandFailed: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// Runs blocking work (processes, pipes) on its own thread, so that it never holds one of
/// the few threads of Swift's cooperative pool that every test shares.
public func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// A port on 127.0.0.1 nothing listens on (bound, then released).
public func unusedLocalPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw CommandFailed(description: "socket failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw CommandFailed(description: "bind failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Starts a server on an unused port, and on another when the port was taken between
/// being found unused and the server binding it (suites start servers at once).
public func startingOnAnUnusedPort<T>(attempts: Int = 5, _ start: (Int) async throws -> T) async throws -> T {
    var attempt = 1
    while true {
        do {
            return try await start(try unusedLocalPort())
        } catch let error where attempt < attempts && "\(error)".localizedCaseInsensitiveContains("address already in use") {
            attempt += 1
        }
    }
}

/// Polls `condition` every 100 ms until it holds or `timeout` passes (generous bounds:
/// they only tell a hang from a slow machine).
public func eventually(
    _ what: String, timeout: Duration = .seconds(60), _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    if try await condition() { return }
    throw CommandFailed(description: "timed out waiting for: \(what)")
}
