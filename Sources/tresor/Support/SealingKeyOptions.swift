import ArgumentParser
import Foundation
import TresorCore
import TresorEngine

/// The private keys that open sealed values: `--sealing-key FILE` (repeatable) or, when
/// none is given, `TRESOR_SEALING_KEYS`, a ':'-separated list of files (like PATH).
struct SealingKeyOptions: ParsableArguments {
    static let environmentVariable = "TRESOR_SEALING_KEYS"

    @Option(
        name: .customLong("sealing-key"),
        help: "Private key file that opens sealed values (repeatable; default: TRESOR_SEALING_KEYS, ':'-separated).")
    var files: [String] = []

    /// The files named by the option, else by the environment variable.
    var keyFiles: [String] {
        if !files.isEmpty { return files }
        let list = ProcessInfo.processInfo.environment[Self.environmentVariable] ?? ""
        return list.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
    }

    /// The keyring; throws the reason when a key file cannot be used.
    func keyring() throws -> SealingKeyring {
        do {
            return try SealedValues.loadKeyring(files: keyFiles)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
