import HummingbirdTLS

/// `--tls-cert` and `--tls-key`: the listener speaks HTTPS, since approval tokens and the
/// web page's session cookies cross it. Both files are PEM; the certificate file may hold
/// the chain (leaf first).
public struct ListenerTLS: Sendable {
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public var certificateFile: String
    public var keyFile: String

    public init(certificateFile: String, keyFile: String) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// Reads both files, to refuse a bad pair before the daemon starts.
    public func check() throws { _ = try configuration() }

    /// Reads both files; the error names the file and what it must hold.
    func configuration() throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw LoadError(description: "cannot read --tls-cert \(certificateFile) (\(error)); it must hold PEM certificates, leaf first")
        }
        guard !chain.isEmpty else {
            throw LoadError(description: "--tls-cert \(certificateFile) holds no PEM certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw LoadError(description: "cannot read --tls-key \(keyFile) (\(error)); it must hold an unencrypted PEM private key")
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}
