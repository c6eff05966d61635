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

/// A port on 127.0.0.1 nothing uses (bound, then released), for a server a test starts.
///
/// Drawn below the kernel's ephemeral range: a port from bind(0) is one the kernel also
/// hands out as the source port of outgoing connections, and the suites' many HTTP
/// clients took such ports (or held them in TIME_WAIT) between this check and the server
/// binding them ("address already in use").
public func unusedLocalPort() throws -> Int {
    let ephemeral = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))?
        .split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32768
    let below = max(ephemeral, 11000)
    for _ in 0..<200 {
        let port = Int.random(in: 10000..<below)
        if try bindLocal(port: port) != nil { return port }
    }
    return try bindLocal(port: 0) ?? { throw CommandFailed(description: "bind failed") }()
}

/// Binds a TCP socket to 127.0.0.1:`port` and releases it; the port bound, nil when taken.
private func bindLocal(port: Int) throws -> Int? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw CommandFailed(description: "socket failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
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
