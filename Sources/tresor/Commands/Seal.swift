import ArgumentParser
import Foundation
import TresorCore
import TresorEngine

extension Tresor {
    struct Seal: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt a value, read on standard input, for one secret's field; prints {sealed: \"…\"}.",
            discussion: """
                The value is read on standard input, never from an argument (which would land in shell history). \
                One trailing newline is removed (the one echo, <<< and a typed line add); --raw keeps the input \
                exactly. On a terminal the value is read as one line without echo.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "The public key file (the .pub that `tresor keys generate` wrote).") var publicKey: String
        @Option(help: "The Secret the value is for.") var secret: String?
        @Option(help: "The VaultProfile the credential is for (instead of --secret).") var vaultProfile: String?
        @Option(help: "The content field (for keyValue, the key under data), or the credential's path under the provider block (auth.token).")
        var field: String
        @Flag(help: "Keep standard input's bytes exactly, trailing newline included.") var raw = false

        var binding: SealedBinding {
            if let vaultProfile { return SealedBinding(kind: .vaultProfile, name: vaultProfile, field: field) }
            return SealedBinding(kind: .secret, name: secret ?? "", field: field)
        }

        func validate() throws {
            guard (secret == nil) != (vaultProfile == nil) else {
                throw ValidationError("name what the value is for with exactly one of --secret NAME or --vault-profile NAME")
            }
            if let problem = binding.problem { throw ValidationError(problem) }
        }

        func run() throws {
            let key: SealingPublicKey
            do {
                let bytes = try AtomicFile.readBytes(publicKey)
                key = try SealingPublicKey(fileText: String(decoding: bytes, as: UTF8.self))
            } catch {
                throw CommandFailure("public key file \(publicKey): \(error)")
            }
            let value = try readValue()
            do {
                let envelope = try Sealer.seal(value, to: key, for: binding)
                print("{sealed: \"\(envelope.text)\"}")
            } catch {
                throw CommandFailure("cannot seal the value: \(error)")
            }
        }

        /// Standard input as text: one line without echo on a terminal, else all of it.
        private func readValue() throws -> SecretValue {
            var bytes: [UInt8]
            if isatty(0) == 1 {
                bytes = Array(TerminalInput.readHiddenLine(prompt: "Value for \(binding) (not echoed): ").utf8)
            } else {
                do {
                    bytes = try AtomicFile.readBytes("/dev/stdin")
                } catch {
                    throw CommandFailure("cannot read the value on standard input: \(error)")
                }
                if !raw, bytes.last == UInt8(ascii: "\n") {
                    bytes.removeLast()
                    if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                }
            }
            guard !bytes.isEmpty else {
                throw CommandFailure("the value on standard input is empty; pipe the value in, e.g. `tresor seal … < value-file`")
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw CommandFailure("the value on standard input is not UTF-8 text; for binary content seal its base64 (a base64 field)")
            }
            return SecretValue(text)
        }
    }
}

/// A line typed on the terminal without echo, like a password prompt.
enum TerminalInput {
    static func readHiddenLine(prompt: String) -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        let hasTerminal = tcgetattr(0, &saved) == 0
        if hasTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSAFLUSH, &quiet)
        }
        defer {
            if hasTerminal { tcsetattr(0, TCSAFLUSH, &saved) }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
