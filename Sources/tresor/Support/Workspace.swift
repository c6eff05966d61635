import ArgumentParser
import Foundation
import TresorCore
import TresorEngine

/// What the commands that reach vaults share: the validated manifests, the state
/// directory and an engine wired to them.
struct Workspace {
    let desired: DesiredState
    let store: StateStore
    let engine: Engine
    /// Manifest file → digest, for saved plans.
    let manifestDigests: [String: String]

    /// Loads and validates the manifests and opens every sealed value (only the vault
    /// credentials when `sealedContent` is false); on any error prints every problem and
    /// exits 1, before the state directory or a vault is touched.
    /// - Parameter scope: the secrets to cover (`-l`, `--target`), from the manifests and
    ///   the inventory; nil covers all.
    static func open(
        global: GlobalOptions, manifests: ManifestOptions, sealing: SealingKeyOptions, sealedContent: Bool = true,
        options: Engine.Options = Engine.Options(), scope: ((DesiredState, Inventory) throws -> Set<String>?)? = nil,
        readOnly: Bool = false
    ) throws -> Workspace {
        let stateDirectory = StateDirectory.path(global.stateDir)
        // A plan reads the inventory while its manifests load (a directory store's; etcd's is
        // one request). Not a command that writes: holding both at once took an apply of
        // 100,000 secrets to 527 MiB at its peak, past the 512 it must stay under.
        let readAhead = readOnly && global.etcd.endpointList == nil ? InventoryReadAhead.start(path: stateDirectory + "/inventory.yaml") : nil
        let found = ManifestFiles.read(manifests.paths, skipping: [stateDirectory])
        let result = ManifestLoader(environment: ProcessInfo.processInfo.environment).load(found.files, preDiagnostics: found.diagnostics)
        guard result.isValid else {
            var standardError = StandardError()
            print(ValidationReport(result).text(), terminator: "", to: &standardError)
            throw ExitCode(1)
        }
        var sealed = SealedValues(keyring: try sealing.keyring())
        do throws(SealedValues.OpenError) {
            try sealed.openAll(in: result.state, content: sealedContent)
        } catch {
            var standardError = StandardError()
            print(error.description, to: &standardError)
            print("\(error.problems.count) sealed value(s) cannot be opened; nothing was changed", to: &standardError)
            throw ExitCode(1)
        }
        do {
            var store = readOnly ? global.readingStore() : try global.openStore()
            store.readAhead = readAhead
            var standardError = StandardError()
            if let warning = store.permissionWarning { print(warning, to: &standardError) }
            if readOnly, store.isFresh {
                print(
                    "note: \(stateDirectory) holds no state yet; this plan used throwaway keys and wrote nothing "
                        + "(apply creates the state directory and its keys)", to: &standardError)
            }
            var options = options
            if let scope { options.only = try scope(result.state, try store.readInventory()) }
            let environment = ProcessInfo.processInfo.environment
            let engine = Engine(
                store: store,
                registry: VaultRegistry(profiles: result.state.vaultProfiles, store: store, environment: environment, sealed: sealed),
                fingerprinter: try store.fingerprinter(),
                resolver: ValueResolver(environment: environment, sealed: sealed), options: options)
            return Workspace(
                desired: result.state, store: store, engine: engine, manifestDigests: SavedPlan.manifestDigests(found.files))
        } catch let error as ValidationError {
            throw CommandFailure(error.message)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

/// A command's failure. The argument parser prints it (`error: …`) and exits 1 once the
/// command has returned, so every `defer` (a lock released, the audit log synced) has run.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Progress on a terminal: `[120/10000] applying… 850/s, about 12s left` rewritten in
/// place on stderr; off when stderr is not a terminal or with `--quiet`.
struct Progress: Sendable {
    let enabled: Bool

    init(quiet: Bool = false) {
        enabled = !quiet && isatty(2) == 1
    }

    func callback(_ verb: String) -> (@Sendable (Int, Int) -> Void)? {
        guard enabled else { return nil }
        let started = Date()
        return { done, total in
            guard total >= 20, done == total || done % max(1, total / 200) == 0 else { return }
            let line = done == total ? "\r\u{1B}[K" : "\r" + ProgressLine.text(verb, done: done, total: total, elapsed: Date().timeIntervalSince(started))
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
