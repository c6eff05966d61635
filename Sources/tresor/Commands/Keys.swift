import ArgumentParser
import Foundation
import TresorCore
import TresorEngine
import TresorVaults

extension Tresor {
    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Manage sealing keys.", subcommands: [Generate.self])

        struct Generate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a sealing key pair (X25519): NAME.key (private, 0600) and NAME.pub (safe to commit).")

            @OptionGroup var global: GlobalOptions
            @Option(help: "Directory for the key files (created 0700 when missing).") var out: String
            @Option(help: "File name of the pair, without extension.") var name = "sealing"

            func run() throws {
                let privatePath = (out as NSString).appendingPathComponent(name + ".key")
                let publicPath = (out as NSString).appendingPathComponent(name + ".pub")
                // Checked first, so that a refusal leaves no new private key behind.
                if FileManager.default.fileExists(atPath: publicPath) {
                    throw CommandFailure("\(publicPath) already exists; keys generate never overwrites a key (choose another --out or --name)")
                }
                do {
                    // Created exclusively, 0600, published whole: a racing run or an existing
                    // key makes this fail rather than replace a key.
                    let privateKey = try KeyFile.createNew(at: privatePath, purpose: SealedValues.purpose)
                    let publicKey = try SealingPublicKey(privateKey: privateKey)
                    try AtomicFile.write(Array(publicKey.fileText.utf8), to: publicPath, mode: 0o644)
                    print("""
                        private key: \(privatePath) (mode 0600; keep it out of git; give it to plan, apply and read with --sealing-key)
                        public key:  \(publicPath) (key id \(publicKey.keyIdHex); safe to commit; seal with tresor seal --public-key)
                        """)
                } catch {
                    throw CommandFailure("\(error)")
                }
            }
        }
    }
}
