import Foundation
import TresorCore

extension HTTPResponse {
    /// The body read as `T`'s JSON (nested no deeper than ``JSONDepth/limit``); a body that
    /// is not is a ``VaultError/Kind/corrupted`` with `mismatch`, which says what answered.
    func decoded<T: Decodable>(_ type: T.Type, otherwise mismatch: @autoclosure () -> String) throws -> T {
        do {
            return try JSONDecoder().decodeBounded(T.self, from: Data(body))
        } catch {
            throw VaultError(.corrupted, mismatch())
        }
    }
}
