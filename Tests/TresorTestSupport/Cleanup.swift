/// Runs `body`, then `cleanup`, whether `body` threw or not: a `defer` that may await
/// (stopping a server, killing a process).
public func withCleanup<T>(_ body: () async throws -> T, cleanup: () async -> Void) async throws -> T {
    let result: T
    do {
        result = try await body()
    } catch {
        await cleanup()
        throw error
    }
    await cleanup()
    return result
}
