import ArgumentParser
import Foundation
import TresorCore
import TresorEngine

extension Tresor {
    struct Reseal: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-encrypt every sealed value of the manifests for a new public key, in place.",
            discussion: """
                Opens each sealed value with the keys held (--sealing-key or TRESOR_SEALING_KEYS) and rewrites \
                only its text; every other byte of each file stays as it is. Values already sealed to the new \
                key are left alone. Nothing is written unless every value opens.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var manifests: ManifestOptions
        @OptionGroup var sealing: SealingKeyOptions
        @Option(help: "The new public key file.") var publicKey: String

        func run() throws {
            let newKey: SealingPublicKey
            do {
                newKey = try SealingPublicKey(fileText: String(decoding: try AtomicFile.readBytes(publicKey), as: UTF8.self))
            } catch {
                throw CommandFailure("public key file \(publicKey): \(error)")
            }
            let found = ManifestFiles.read(manifests.paths, skipping: [StateDirectory.path(global.stateDir)])
            let loaded = ManifestLoader(environment: ProcessInfo.processInfo.environment).load(found.files, preDiagnostics: found.diagnostics)
            guard loaded.isValid else {
                var standardError = StandardError()
                print(ValidationReport(loaded).text(), terminator: "", to: &standardError)
                throw ExitCode(1)
            }
            let keyring = try sealing.keyring()
            var plan = ResealPlan()
            for file in found.files { plan.add(file, keyring: keyring, newKey: newKey) }
            guard plan.problems.isEmpty else {
                var standardError = StandardError()
                for problem in plan.problems { print(problem, to: &standardError) }
                print("\(plan.problems.count) sealed value(s) cannot be resealed; no file was changed", to: &standardError)
                throw ExitCode(1)
            }
            for rewrite in plan.rewrites {
                do {
                    try AtomicFile.write(rewrite.bytes, to: rewrite.path, mode: rewrite.mode)
                } catch {
                    throw CommandFailure("\(error)")
                }
            }
            print("resealed \(plan.resealed) value(s) in \(plan.rewrites.count) file(s) for key \(newKey.keyIdHex)"
                + (plan.current > 0 ? "; \(plan.current) already sealed to it" : ""))
        }
    }
}

/// The new bytes of every manifest file with sealed values, or why one cannot be resealed.
struct ResealPlan {
    struct Rewrite {
        var path: String
        var bytes: [UInt8]
        var mode: mode_t
    }

    var rewrites: [Rewrite] = []
    var problems: [String] = []
    var resealed = 0
    var current = 0

    mutating func add(_ file: ManifestFile, keyring: SealingKeyring, newKey: SealingPublicKey) {
        let found = SealedScalars.find(in: file.bytes)
        for problem in found.problems {
            problems.append("\(SourceLocation(file: file.path, mark: problem.mark)): error: \(problem.message)")
        }
        var replacements: [(range: Range<Int>, text: String)] = []
        for scalar in found.scalars {
            let location = SourceLocation(file: file.path, mark: scalar.mark)
            do {
                let envelope = try SealedEnvelope(parsing: scalar.text)
                if envelope.keyId == newKey.keyId {
                    current += 1
                    continue
                }
                let value = try keyring.open(envelope, for: scalar.binding)
                let resealed = try Sealer.seal(value, to: newKey, for: scalar.binding)
                replacements.append((scalar.range, resealed.text))
            } catch {
                problems.append("\(location): error: \(scalar.binding): cannot open the sealed value: \(error)")
            }
        }
        guard !replacements.isEmpty else { return }
        var info = stat()
        let mode = stat(file.path, &info) == 0 ? info.st_mode & 0o7777 : 0o644
        // The file a symbolic link points at is rewritten, not the link replaced by a copy.
        let target = realpath(file.path, nil).map { resolved in
            defer { free(resolved) }
            return String(cString: resolved)
        } ?? file.path
        rewrites.append(Rewrite(path: target, bytes: SealedScalars.replacing(file.bytes, replacements), mode: mode))
        resealed += replacements.count
    }
}
