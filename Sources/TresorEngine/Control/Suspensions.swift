import Foundation
import TresorCore

/// `tresor suspend NAME` / `resume NAME`, like `flux suspend`: the daemon leaves a
/// suspended secret alone (no writes, no drift repair) and says so, until it is resumed.
/// Kept in `<state-dir>/suspended.json`, so every daemon sharing the state sees it.
public struct Suspensions: Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public var since: Date
        public var by: String
        public var reason: String?

        public init(since: Date, by: String, reason: String?) {
            self.since = since
            self.by = by
            self.reason = reason
        }
    }

    public let path: String

    public init(stateDirectory: String) {
        path = stateDirectory + "/suspended.json"
    }

    /// Suspended secrets by name; empty when none (or no file yet).
    public func read() throws -> [String: Entry] {
        guard let bytes = try AtomicFile.read(path) else { return [:] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .tresor
        do {
            return try decoder.decode([String: Entry].self, from: Data(bytes))
        } catch {
            throw AtomicFile.WriteError(description: "\(path) cannot be read (\(error)); restore it from backup or remove it to resume every secret")
        }
    }

    public func entry(_ name: String) -> Entry? {
        (try? read())?[name]
    }

    /// Records `name` as suspended (or not).
    public func set(_ name: String, _ entry: Entry?) throws {
        var all = try read()
        all[name] = entry
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .tresor
        try AtomicFile.write(Array(try encoder.encode(all)), to: path)
    }
}
