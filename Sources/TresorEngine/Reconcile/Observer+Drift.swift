import Foundation
import TresorCore

/// A gated source whose generated or external content changed outside tresor asks for
/// approval before the new content is copied on. Its old content is gone from the source,
/// so the copies that still hold it are read: the request can then name the fields the
/// change adds, removes and changes at each of them.
extension Observer {
    func readCopiesOfDriftedSource(into observation: inout SecretObservation, scope: Scope) async {
        guard let secret = scope.secret, let source = scope.sourceKey, let recorded = scope.previous?.targets[source.profile],
            recorded.path == source.path, secret.spec.isExternal || !(scope.inputs?.generators.isEmpty ?? true),
            let found = observation[source].entry, let fingerprint = found.fingerprint, fingerprint != recorded.fingerprint,
            found.metadata.vaultVersion != recorded.vaultVersion,
            !gatedProfiles.isDisjoint(with: [source.profile] + secret.spec.syncVaultProfiles)
        else { return }
        for key in scope.wanted where key != source {
            guard let entry = observation[key].entry, entry.content == nil, entry.fingerprint != nil, entry.mark?.secret == scope.name
            else { continue }
            var read = entry
            await readContent(into: &read, key: key, type: secret.spec.type)
            // Only for the request's page: a read that fails leaves the copy as observed.
            if read.readError == nil { observation.targets[key] = .present(read) }
        }
    }
}
