import Crypto
import Foundation
import TresorCore

#if canImport(Glibc)
    import Glibc
#endif

/// Keys are made only where nothing they protect exists yet, and a check value kept beside
/// what they protect tells the key that made the data from another one. A missing key is
/// never silently replaced (a new fingerprint key doubles every version with false drift; a
/// new vault key makes every secret unreadable) and a wrong one stops every command.
public enum KeyGuard {
    /// The key at `keyFile`: made when missing only if `protected` is 0, checked against the
    /// check value at `checkFile` (written when missing).
    /// - Parameters:
    ///   - protected: how many things (status files, vault files, …) the key protects now.
    ///   - what: names them in messages ("status files in /var/lib/tresor/status").
    ///   - readOnly: for commands that write nothing (`plan`): a key that would be made is a
    ///     throwaway one, kept in memory only, and no check value is written.
    public static func key(
        at keyFile: String, checkFile: String, purpose: KeyFile.Purpose, protected: () -> Int, what: String, readOnly: Bool = false
    ) throws -> [UInt8] {
        let key: [UInt8]
        if let existing = try KeyFile.load(keyFile, purpose: purpose) {
            key = existing
        } else {
            let count = protected()
            guard count == 0 else {
                throw VaultError(
                    .invalidRequest,
                    "\(purpose.owner): the key file \(keyFile) is missing, but \(count) \(what) exist that it protects; restore the "
                        + "key file from your backup (a new key would be wrong: \(purpose.loss)). To start afresh, move those aside first")
            }
            if readOnly { return SymmetricKey(size: .bits256).withUnsafeBytes { [UInt8]($0) } }
            key = try KeyFile.loadOrCreate(at: keyFile, purpose: purpose)
        }
        let value = checkValue(key)
        var recorded = try? String(contentsOfFile: checkFile, encoding: .utf8)
        if recorded == nil, !readOnly {
            // A new state, or one from before check values: record the key in use now, whole
            // (an adapter opening the vault at the same moment must never read it half
            // written), or read the one another adapter recorded first.
            _ = try? KeyFile.publish(Data((value + "\n").utf8), at: checkFile)
            recorded = try? String(contentsOfFile: checkFile, encoding: .utf8)
        }
        if let recorded {
            guard recorded.trimmingCharacters(in: .whitespacesAndNewlines) == value else {
                throw VaultError(
                    .invalidRequest,
                    "\(purpose.owner): the key file \(keyFile) is not the key that made this state (its check value in \(checkFile) "
                        + "differs); restore the right key file from your backup (\(purpose.loss))")
            }
        }
        return key
    }

    /// A value that names a key without revealing it: HMAC-SHA256 of a fixed text.
    static func checkValue(_ key: [UInt8]) -> String {
        var mac = HMAC<SHA256>(key: SymmetricKey(data: key))
        mac.update(data: Array("tresor key check v1".utf8))
        return "hmac-sha256:" + Hex.encode(mac.finalize())
    }

    /// Files below `directory` whose names end with `suffix` (0 when it is missing).
    public static func count(in directory: String, suffix: String) -> Int {
        var count = 0
        let files = FileManager.default.enumerator(atPath: directory)
        while let file = files?.nextObject() as? String {
            if file.hasSuffix(suffix) { count += 1 }
        }
        return count
    }
}
