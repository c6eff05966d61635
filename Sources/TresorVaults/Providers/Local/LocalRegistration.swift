import TresorCore

extension LocalAdapter {
    /// `local`: encrypted files on this machine, no HTTP.
    public static let registration = VaultProviderRegistration(technology: .local, usesHTTP: false) { provider, context in
        guard case .local(let config) = provider else { return nil }
        return try LocalAdapter(
            directory: config.path ?? context.localDirectory, keyFile: config.keyFile ?? context.localKeyFile, readOnly: context.readOnly)
    }
}
