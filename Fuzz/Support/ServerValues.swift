import Foundation

/// The secret values vault responses in the input carry, for the property that no error
/// repeats one: every string at or under the member `path` of a JSON body, long enough
/// not to occur in a message by chance and written once in the whole input (so an error
/// that contains one can only have copied it from there).
public enum ServerValues {
    public static func found(in bytes: [UInt8], at path: [String]) -> [String] {
        var values: [String] = []
        for piece in ScriptedHTTP.split(bytes) {
            guard let json = try? JSONSerialization.jsonObject(with: Data(piece.dropFirst()), options: [.fragmentsAllowed]),
                let member = descend(json, path) else { continue }
            collect(member, into: &values)
        }
        return Set(values).filter { $0.utf8.count >= 8 && occursAtMostOnce($0, in: bytes) }.sorted()
    }

    private static func descend(_ json: Any, _ path: [String]) -> Any? {
        path.reduce(Optional(json)) { json, key in (json as? [String: Any])?[key] }
    }

    private static func collect(_ json: Any, into values: inout [String]) {
        switch json {
        case let object as [String: Any]: for value in object.values { collect(value, into: &values) }
        case let array as [Any]: for value in array { collect(value, into: &values) }
        case let string as String: values.append(string)
        default: break
        }
    }
}

/// Runs each operation, keeping the description of every error it throws.
public func collectErrors(_ operations: [@Sendable () async throws -> Void]) async -> [String] {
    var errors: [String] = []
    for operation in operations {
        do { try await operation() } catch { errors.append("\(error)") }
    }
    return errors
}

/// The adapters' property: runs `operations` in turn, to the end, and no error they throw
/// contains one of `values` (named `what` in the failure).
public func checkErrorsLeaveOut(_ values: [String], what: String, _ operations: [@Sendable () async throws -> Void]) {
    runToEnd {
        for error in await collectErrors(operations) {
            property(!values.contains { error.contains($0) }, "an adapter error contains \(what) the server sent")
        }
    }
}
