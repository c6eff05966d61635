import ArgumentParser
import TresorCore
import TresorEngine

/// `-l SELECTOR` and `--target NAME` for plan and apply, like `terraform -target`: only the
/// chosen secrets are planned, applied or pruned; the rest is left as it is.
struct ScopeOptions: ParsableArguments {
    @Option(name: [.customShort("l"), .customLong("selector")], help: "Only secrets whose labels match (k=v, k!=v, 'k in (a,b)', …).")
    var selector: String?

    @Option(name: .customLong("target"), help: "Only this secret (repeatable); a name removed from the manifests is pruned.")
    var targets: [String] = []

    var isScoped: Bool { selector != nil || !targets.isEmpty }

    /// The secrets in scope, or nil for all. A declared secret is chosen by its labels; a
    /// secret removed from the manifests only by name (its labels went with it).
    func names(in desired: DesiredState, inventory: Inventory) throws -> Set<String>? {
        guard isScoped else { return nil }
        var names = Set<String>()
        if let selector {
            let parsed: LabelSelector
            do {
                parsed = try LabelSelector(parsing: selector)
            } catch {
                throw ValidationError("\(error)")
            }
            names.formUnion(desired.secrets.values.filter { parsed.matches($0.metadata.labels) }.map(\.name))
        }
        for target in targets {
            guard desired.secrets[target] != nil || inventory.secrets[target] != nil else {
                throw ValidationError("--target \(target): no Secret of that name is declared or managed; check the name")
            }
            names.insert(target)
        }
        return names
    }
}
