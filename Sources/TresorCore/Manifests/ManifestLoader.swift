import Dispatch

/// The bytes of one manifest file and the path messages name it by.
public struct ManifestFile: Sendable {
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

/// What loading found: the desired state (complete only when there are no errors)
/// and every problem, sorted by file and position.
public struct LoadResult: Sendable {
    public var state: DesiredState
    public var diagnostics: [Diagnostic]
    public var fileCount: Int
    /// Files that hold at least one tresor manifest (`validate` checks that each path
    /// given holds one).
    public var manifestFiles: Set<String> = []

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }

    /// Adds diagnostics found by later checks (compliance), keeping file-and-position order.
    public mutating func add(_ more: [Diagnostic]) {
        guard !more.isEmpty else { return }
        diagnostics = (diagnostics + more).enumerated().sorted { lhs, rhs in
            lhs.element.location == rhs.element.location ? lhs.offset < rhs.offset : lhs.element.location < rhs.element.location
        }.map(\.element)
    }
}

/// Turns manifest files into a validated ``DesiredState``, collecting every problem in
/// one pass. Pure: the caller reads the files.
public struct ManifestLoader: Sendable {
    /// Documents of other APIs (a kustomization, a ConfigMap) are errors, not skipped.
    public var strict: Bool
    /// Where `{fromEnv: NAME}` in a provider's `address`, `vaultUrl`, `server`, `endpoint`
    /// and `region` is looked up (injected: loading stays pure).
    public var environment: [String: String]

    public init(strict: Bool = false, environment: [String: String] = [:]) {
        self.strict = strict
        self.environment = environment
    }

    /// Files parsed and decoded at once (on all cores) before their trees are dropped.
    static let decodeChunk = 2_048

    public func load(_ files: [ManifestFile], preDiagnostics: [Diagnostic] = []) -> LoadResult {
        var collector = Collector()
        collector.diagnostics = preDiagnostics
        let decoder = FileDecoder(strict: strict, environment: environment, repository: RepositoryLookup())
        // Parsing and decoding are independent per file and most of a load's cost, so they
        // run on all cores; what spans files (duplicate names, placements) is then admitted
        // in file order, so the first declaration wins as before. A chunk's trees are dropped
        // once decoded: 100,000 files' trees at once were most of a load's peak memory.
        for start in stride(from: 0, to: files.count, by: Self.decodeChunk) {
            let chunk = Array(files[start..<min(start + Self.decodeChunk, files.count)])
            for decoded in chunk.concurrentMap(chunk: 16, decoder.decode) { collector.admit(decoded) }
        }
        collector.checkReferences()
        collector.checkVaultNames()
        // Stable sort: problems at the same place keep the order they were found in.
        let sorted = collector.diagnostics.enumerated().sorted { lhs, rhs in
            lhs.element.location == rhs.element.location ? lhs.offset < rhs.offset : lhs.element.location < rhs.element.location
        }.map(\.element)
        return LoadResult(
            state: collector.state, diagnostics: sorted, fileCount: files.count, manifestFiles: collector.manifestFiles)
    }
}

/// One file's manifests, decoded without looking at any other file.
private struct DecodedFile: Sendable {
    var path: String
    var manifests: [DecodedManifest] = []
    var holdsManifests = false
    /// Problems found by the collector-level checks of the file's own manifests (a name
    /// too long), which come before the decoding's own.
    var early: [Diagnostic] = []
    var diagnostics: [Diagnostic] = []
    var references: [Reference] = []
}

/// A manifest with a kind and a name; `object` is nil when its spec did not decode.
private struct DecodedManifest: Sendable {
    enum Object: Sendable {
        case vaultProfile(VaultProfile)
        case secret(Secret)
        case approvalProfile(ApprovalProfile)
        case complianceProfile(ComplianceProfile)
    }

    var kind: Kind
    var name: String
    var nameLocation: SourceLocation
    var object: Object?
}

/// Parses and decodes one file (pure: safe on any thread).
private struct FileDecoder: Sendable {
    let strict: Bool
    let environment: [String: String]
    let repository: RepositoryLookup

    func decode(_ file: ManifestFile) -> DecodedFile {
        let parsed = YAMLParser.parse(file.bytes)
        let context = DecodeContext(file: file.path, environment: environment, repository: repository)
        var decoded = DecodedFile(path: file.path)
        var manifests = 0
        for document in parsed.documents {
            guard let root = document.root else { continue }
            if case .scalar(let scalar, _) = root, scalar.resolved == .null { continue }
            manifests += 1
            if decode(root, context: context, into: &decoded) { decoded.holdsManifests = true }
        }
        for problem in parsed.problems {
            context.error(problem.message, at: problem.mark)
        }
        if let error = parsed.error {
            context.error(error.message, at: error.mark)
        } else if manifests == 0 {
            context.error("file holds no manifests; add one or remove the file", at: Mark(line: 1, column: 1))
        }
        decoded.diagnostics = context.diagnostics
        decoded.references = context.references
        return decoded
    }

    /// - Returns: false for a document of another API, which is skipped with a notice.
    private func decode(_ root: YAMLNode, context: DecodeContext, into decoded: inout DecodedFile) -> Bool {
        guard case .mapping = root else {
            context.error(
                "expected a manifest (a mapping with apiVersion, kind, metadata and spec), got \(root.kindName)", at: root.mark)
            return true
        }
        if let foreign = ForeignDocument(root) {
            if strict {
                context.error("\(foreign.description) is not a tresor manifest (--strict); remove it or drop --strict", at: root.mark)
            } else {
                context.notice("\(foreign.description) is not a tresor manifest; skipped", at: root.mark)
            }
            return false
        }
        guard let envelope = ObjectReader<ManifestEnvelope>(root, path: "", context: context) else { return true }
        if let version = envelope.string(.apiVersion), version != apiVersion {
            context.error(
                "apiVersion: '\(Text.short(version))' is not supported; expected \(apiVersion)", at: envelope.valueMark(.apiVersion))
        }
        var kind: Kind?
        if let text = envelope.string(.kind) {
            kind = Kind(rawValue: text)
            if kind == nil {
                let kinds = Kind.allCases.map(\.rawValue)
                var message = "kind: '\(Text.short(text))' is not a tresor kind; expected \(Text.list(kinds))"
                if let guess = Text.suggestion(for: text, among: kinds) { message += " (did you mean '\(guess)'?)" }
                context.error(message, at: envelope.valueMark(.kind))
            }
        }
        let metadata = envelope[.metadata].flatMap { ObjectMeta.decode($0, context: context) }
        var manifest: DecodedManifest?
        if let kind, let metadata {
            let nameLocation = metadataNameLocation(envelope, context: context) ?? context.location(envelope.valueMark(.metadata))
            manifest = DecodedManifest(kind: kind, name: metadata.name, nameLocation: nameLocation)
        }
        defer { if let manifest { decoded.manifests.append(manifest) } }
        guard let kind, let specNode = envelope[.spec] else { return true }
        defer {
            if let metadata { context.checkSealedBindings(kind: kind, name: metadata.name) } else { context.sealedValues.removeAll() }
        }
        var fields: [String: SourceLocation] = [:]
        let originLocation = metadataNameLocation(envelope, context: context) ?? context.location(root.mark)
        let origin = { (fields: [String: SourceLocation]) in Origin(location: originLocation, fields: fields) }
        switch kind {
        case .vaultProfile:
            let spec = VaultProfileSpec.decode(specNode, context: context)
            if let metadata, let spec {
                manifest?.object = .vaultProfile(VaultProfile(metadata: metadata, spec: spec, origin: origin(fields)))
            }
        case .secret:
            if let metadata, metadata.name.utf8.count > VaultPathLimits.secretNameBytes {
                decoded.early.append(
                    Diagnostic(
                        .error, at: originLocation,
                        "metadata.name: a Secret's name has at most \(VaultPathLimits.secretNameBytes) characters (its status file "
                            + "must fit a \(VaultPathLimits.fileNameBytes)-byte file name), this one has \(metadata.name.utf8.count); "
                            + "shorten it (spec.path can keep a longer vault path)"))
            }
            let spec = SecretSpec.decode(specNode, context: context, fields: &fields)
            if let metadata, let spec {
                manifest?.object = .secret(Secret(metadata: metadata, spec: spec, origin: origin(fields)))
            }
        case .approvalProfile:
            let spec = ApprovalProfileSpec.decode(specNode, context: context)
            if let metadata, let spec {
                manifest?.object = .approvalProfile(ApprovalProfile(metadata: metadata, spec: spec, origin: origin(fields)))
            }
        case .complianceProfile:
            let spec = ComplianceProfileSpec.decode(specNode, context: context)
            if let metadata, let spec {
                manifest?.object = .complianceProfile(ComplianceProfile(metadata: metadata, spec: spec, origin: origin(fields)))
            }
        }
        return true
    }

    private func metadataNameLocation(_ envelope: ObjectReader<ManifestEnvelope>, context: DecodeContext) -> SourceLocation? {
        guard case .mapping(let pairs, _)? = envelope[.metadata] else { return nil }
        for pair in pairs {
            if case .scalar(let key, _) = pair.key, key.text == "name" { return context.location(pair.value.mark) }
        }
        return nil
    }

}

/// What spans files, admitted in file order: the desired state, duplicate names,
/// references and placements.
private struct Collector {
    var manifestFiles: Set<String> = []
    var state = DesiredState()
    var diagnostics: [Diagnostic] = []
    var declared: [Kind: [String: SourceLocation]] = [:]
    var references: [Reference] = []
    var placements: [String: (name: String, location: SourceLocation)] = [:]

    mutating func admit(_ file: DecodedFile) {
        if file.holdsManifests { manifestFiles.insert(file.path) }
        diagnostics += file.early
        diagnostics += file.diagnostics
        references += file.references
        for manifest in file.manifests {
            if let first = declared[manifest.kind]?[manifest.name] {
                diagnostics.append(
                    Diagnostic(
                        .error, at: manifest.nameLocation,
                        "\(manifest.kind.rawValue) '\(manifest.name)' is declared twice (first at \(first)); names must be unique per kind"))
            } else {
                declared[manifest.kind, default: [:]][manifest.name] = manifest.nameLocation
            }
            switch manifest.object {
            case .vaultProfile(let profile) where state.vaultProfiles[profile.name] == nil:
                state.vaultProfiles[profile.name] = profile
            case .secret(let secret) where state.secrets[secret.name] == nil:
                state.secrets[secret.name] = secret
                claimPlacement(of: secret)
            case .approvalProfile(let profile) where state.approvalProfiles[profile.name] == nil:
                state.approvalProfiles[profile.name] = profile
            case .complianceProfile(let profile) where state.complianceProfiles[profile.name] == nil:
                state.complianceProfiles[profile.name] = profile
            default: break
            }
        }
    }

    /// Every reference must name a declared manifest of the right kind.
    mutating func checkReferences() {
        for reference in references where declared[reference.kind]?[reference.name] == nil {
            let names = (declared[reference.kind] ?? [:]).keys.sorted()
            var message = "\(reference.path): \(reference.kind.rawValue) '\(reference.name)' is not declared"
            if let guess = Text.suggestion(for: reference.name, among: names) {
                message += "; did you mean '\(guess)'?"
            } else if names.isEmpty {
                message += "; no \(reference.kind.rawValue) is declared in the loaded files"
            } else {
                let shown = names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", …" : "")
                message += "; declared: \(shown)"
            }
            diagnostics.append(Diagnostic(.error, at: reference.location, message))
        }
    }

    /// Every path must map to a name in each restricted vault the secret is written to.
    mutating func checkVaultNames() {
        for secret in state.secrets.values {
            let path = secret.vaultPath
            for profileName in [secret.spec.vaultProfile] + secret.spec.syncVaultProfiles {
                guard let problem = state.vaultProfiles[profileName]?.spec.provider.pathProblem(for: path) else { continue }
                diagnostics.append(
                    Diagnostic(
                        .error, at: secret.origin["spec.path"],
                        "Secret '\(secret.name)' in vault profile '\(profileName)': \(problem)"))
            }
        }
    }

    /// Two secrets must not write to the same place in the same vault profile; checked
    /// as secrets are decoded, in file order, so the first declaration owns the place.
    mutating func claimPlacement(of secret: Secret) {
        let path = secret.vaultPath
        for profile in [secret.spec.vaultProfile] + secret.spec.syncVaultProfiles {
            let key = profile + "\u{0}" + path
            if let owner = placements[key] {
                diagnostics.append(
                    Diagnostic(
                        .error, at: secret.origin.location,
                        "Secret '\(secret.name)' and Secret '\(owner.name)' (\(owner.location)) both write path '\(path)' "
                            + "in vault profile '\(profile)'; give one of them a different spec.path"))
            } else {
                placements[key] = (secret.name, secret.origin.location)
            }
        }
    }
}
