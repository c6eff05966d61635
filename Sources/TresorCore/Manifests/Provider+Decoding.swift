extension Provider {
    static func decode(_ node: YAMLNode, path: String, context: DecodeContext) -> Provider? {
        guard let block = ObjectReader<ProviderBlock>(node, path: path, context: context),
            let technology = block.exactlyOne(of: ProviderBlock.Field.allCases, what: "a provider block"),
            let raw = block[technology]
        else { return nil }
        let innerPath = block.path(technology)
        let before = context.errorCount
        let inner = EnvironmentFields.substitute(raw, path: innerPath, context: context)
        let provider: Provider?
        switch technology {
        case .local: provider = LocalProvider.decode(inner, path: innerPath, context: context).map(Provider.local)
        case .hashicorp: provider = HashiCorpProvider.decode(inner, path: innerPath, context: context).map(Provider.hashicorp)
        case .aws: provider = AWSProvider.decode(inner, path: innerPath, context: context).map(Provider.aws)
        case .azure: provider = AzureProvider.decode(inner, path: innerPath, context: context).map(Provider.azure)
        case .gcp: provider = GCPProvider.decode(inner, path: innerPath, context: context).map(Provider.gcp)
        case .kubernetes: provider = KubernetesProvider.decode(inner, path: innerPath, context: context).map(Provider.kubernetes)
        }
        return context.errorCount == before ? provider : nil
    }
}

extension LocalProvider {
    static func decode(_ node: YAMLNode, path: String, context: DecodeContext) -> LocalProvider? {
        // `local: {}` takes every default.
        if case .scalar(let scalar, _) = node, scalar.resolved == .null { return LocalProvider() }
        guard let reader = ObjectReader<LocalProvider>(node, path: path, context: context) else { return nil }
        return LocalProvider(path: reader.nonEmptyString(.path), keyFile: reader.nonEmptyString(.keyFile))
    }
}

extension HashiCorpProvider {
    static func decode(_ node: YAMLNode, path: String, context: DecodeContext) -> HashiCorpProvider? {
        guard let reader = ObjectReader<HashiCorpProvider>(node, path: path, context: context) else { return nil }
        let address = reader.url(.address)
        let mount = reader[.mount] == nil ? "secret" : reader.relativePath(.mount)
        let pathPrefix = reader.relativePath(.pathPrefix)
        let namespace = reader[.namespace] == nil ? nil : reader.relativePath(.namespace)
        let auth = reader[.auth].flatMap { HashiCorpAuth.decode($0, path: reader.path(.auth), context: context) }
        let tls = reader.object(.tls, as: TLSConfig.self).flatMap(TLSConfig.decode)
        guard let address, let mount, let auth else { return nil }
        return HashiCorpProvider(
            address: address, mount: mount, pathPrefix: pathPrefix, namespace: namespace, auth: auth, tls: tls)
    }
}

extension HashiCorpAuth {
    static func decode(_ node: YAMLNode, path: String, context: DecodeContext) -> HashiCorpAuth? {
        guard let reader = ObjectReader<HashiCorpAuthSpec>(node, path: path, context: context),
            let method = reader.exactlyOne(of: HashiCorpAuthSpec.Field.allCases, what: "auth")
        else { return nil }
        switch method {
        case .token:
            return reader.credential(.token).map(HashiCorpAuth.token)
        case .appRole:
            guard let appRole = reader.object(.appRole, as: AppRoleAuth.self) else { return nil }
            let roleId = appRole.credential(.roleId)
            let secretId = appRole.credential(.secretId)
            let mount = appRole[.mount] == nil ? "approle" : appRole.relativePath(.mount)
            guard let roleId, let secretId, let mount else { return nil }
            return .appRole(AppRoleAuth(roleId: roleId, secretId: secretId, mount: mount))
        }
    }
}

extension TLSConfig {
    static func decode(_ reader: ObjectReader<TLSConfig>) -> TLSConfig? {
        let config = TLSConfig(
            caFile: reader.nonEmptyString(.caFile), certFile: reader.nonEmptyString(.certFile),
            keyFile: reader.nonEmptyString(.keyFile), insecureSkipVerify: reader.bool(.insecureSkipVerify) ?? false)
        if (reader[.certFile] == nil) != (reader[.keyFile] == nil) {
            let present: Field = reader[.certFile] == nil ? .keyFile : .certFile
            reader.context.error(
                "\(reader.path): certFile and keyFile go together for a client certificate; set both or neither",
                at: reader.keyMark(present))
            return nil
        }
        return config
    }
}

extension AWSProvider {
    static func decode(_ node: YAMLNode, path: String, context: DecodeContext) -> AWSProvider? {
        guard let reader = ObjectReader<AWSProvider>(node, path: path, context: context) else { return nil }
        let region = reader.nonEmptyString(.region)
        let endpoint = reader[.endpoint] == nil ? nil : reader.url(.endpoint)
        let pathPrefix = reader.relativePath(.pathPrefix)
        var auth: AWSAuth?
        if let authReader = reader.object(.auth, as: AWSAuth.self) {
            let keyId = authReader.credential(.accessKeyId)
            let secret = authReader.credential(.secretAccessKey)
            let token = authReader.credential(.sessionToken)
            if let keyId, let secret { auth = AWSAuth(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token) }
        }
        var deletion = AWSDeletion.recoveryWindow(days: 30)
        if let deletionReader = reader.object(.deletion, as: AWSDeletionSpec.self),
            let choice = deletionReader.exactlyOne(of: AWSDeletionSpec.Field.allCases, what: "deletion")
        {
            switch choice {
            case .recoveryWindowDays:
                if let days = deletionReader.int(.recoveryWindowDays, in: 7...30) { deletion = .recoveryWindow(days: days) }
            case .force:
                if let force = deletionReader.bool(.force) {
                    if force {
                        deletion = .force
                    } else {
                        context.error(
                            "\(deletionReader.path(.force)): only `force: true` is meaningful; for a recovery window use recoveryWindowDays",
                            at: deletionReader.valueMark(.force))
                    }
                }
            }
        }
        guard let region else { return nil }
        return AWSProvider(region: region, endpoint: endpoint, pathPrefix: pathPrefix, auth: auth, deletion: deletion)
    }
}

extension AzureProvider {
    static func decode(_ node: YAMLNode, path: String, context: DecodeContext) -> AzureProvider? {
        guard let reader = ObjectReader<AzureProvider>(node, path: path, context: context) else { return nil }
        let vaultUrl = reader.url(.vaultUrl, httpOnlyOnLoopback: true)
        let tenantId = reader.nonEmptyString(.tenantId)
        if let tenantId, !Names.isURLSegment(tenantId) {
            context.error(
                "\(reader.path(.tenantId)): '\(Text.short(tenantId))' is not a tenant id; expected the directory's GUID or domain name",
                at: reader.valueMark(.tenantId))
        }
        let clientId = reader.credential(.clientId)
        let clientSecret = reader.credential(.clientSecret)
        let authorityHost = reader[.authorityHost] == nil ? nil : reader.url(.authorityHost, httpOnlyOnLoopback: true)
        let tls = reader.object(.tls, as: TLSConfig.self).flatMap(TLSConfig.decode)
        let purge = reader.object(.deletion, as: AzureDeletionSpec.self).flatMap { $0[.purge] == nil ? false : $0.bool(.purge) } ?? false
        guard let vaultUrl, let tenantId, let clientId, let clientSecret else { return nil }
        return AzureProvider(
            vaultUrl: vaultUrl, tenantId: tenantId, clientId: clientId, clientSecret: clientSecret, authorityHost: authorityHost,
            tls: tls, purgeOnDelete: purge)
    }
}

extension GCPProvider {
    static func decode(_ node: YAMLNode, path: String, context: DecodeContext) -> GCPProvider? {
        guard let reader = ObjectReader<GCPProvider>(node, path: path, context: context) else { return nil }
        let project = reader.nonEmptyString(.project)
        let credentialsFile = reader.nonEmptyString(.credentialsFile)
        if let project, !Names.isURLSegment(project) {
            context.error(
                "\(reader.path(.project)): '\(Text.short(project))' is not a project id; expected the project's id or number",
                at: reader.valueMark(.project))
        }
        let endpoint = reader[.endpoint] == nil ? nil : reader.url(.endpoint, httpOnlyOnLoopback: true)
        let tls = reader.object(.tls, as: TLSConfig.self).flatMap(TLSConfig.decode)
        guard let project else { return nil }
        return GCPProvider(project: project, credentialsFile: credentialsFile, endpoint: endpoint, tls: tls)
    }
}

extension KubernetesProvider {
    static func decode(_ node: YAMLNode, path: String, context: DecodeContext) -> KubernetesProvider? {
        if case .scalar(let scalar, _) = node, scalar.resolved == .null { return KubernetesProvider() }
        guard let reader = ObjectReader<KubernetesProvider>(node, path: path, context: context) else { return nil }
        let tls = reader.object(.tls, as: TLSConfig.self).flatMap(TLSConfig.decode)
        if reader[.caFile] != nil, tls?.caFile != nil {
            context.error(
                "\(reader.path(.caFile)): caFile and tls.caFile say the same; keep one", at: reader.keyMark(.caFile))
        }
        return KubernetesProvider(
            server: reader[.server] == nil ? nil : reader.url(.server, httpOnlyOnLoopback: true),
            namespace: reader[.namespace] == nil ? nil : reader.namespaceName(.namespace),
            token: reader.credential(.token),
            caFile: reader.nonEmptyString(.caFile), tls: tls)
    }
}
