extension Provider {
    /// Every credential of the provider block with its path under the block (`auth.token`,
    /// `auth.appRole.roleId`, `clientSecret`): the field a sealed credential is bound to.
    public var credentials: [(field: String, source: CredentialSource)] {
        switch self {
        case .local, .gcp:
            return []
        case .hashicorp(let config):
            switch config.auth {
            case .token(let token): return [("auth.token", token)]
            case .appRole(let appRole): return [("auth.appRole.roleId", appRole.roleId), ("auth.appRole.secretId", appRole.secretId)]
            }
        case .aws(let config):
            guard let auth = config.auth else { return [] }
            var list: [(field: String, source: CredentialSource)] = [
                ("auth.accessKeyId", auth.accessKeyId), ("auth.secretAccessKey", auth.secretAccessKey),
            ]
            if let token = auth.sessionToken { list.append(("auth.sessionToken", token)) }
            return list
        case .azure(let config):
            return [("clientId", config.clientId), ("clientSecret", config.clientSecret)]
        case .kubernetes(let config):
            return config.token.map { [("token", $0)] } ?? []
        }
    }
}
