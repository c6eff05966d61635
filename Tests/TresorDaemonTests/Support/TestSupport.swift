import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Polls `condition` every 100 ms until it holds or `timeout` passes (generous bounds:
/// they only tell a hang from a slow machine).
func eventually(
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
