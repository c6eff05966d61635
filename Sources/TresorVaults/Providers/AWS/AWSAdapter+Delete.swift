import TresorCore

extension AWSAdapter {
    /// `DeleteSecret` with the profile's recovery window, or without recovery under
    /// `deletion.force`. Deleting what is absent, or already scheduled for deletion, succeeds.
    public func delete(at path: String) async throws {
        let name = try secretName(path)
        let request: AWSDeleteSecretRequest
        switch config.deletion {
        case .recoveryWindow(let days):
            request = AWSDeleteSecretRequest(secretId: name, recoveryWindowInDays: days, forceDeleteWithoutRecovery: nil)
        case .force:
            request = AWSDeleteSecretRequest(secretId: name, recoveryWindowInDays: nil, forceDeleteWithoutRecovery: true)
        }
        do {
            _ = try await transport.call("DeleteSecret", request, secret: name)
        } catch let error as VaultError where error.kind == .notFound {
            return
        } catch let error as VaultError where error.kind == .invalidRequest && error.message.contains("scheduled for deletion") {
            return
        }
    }
}
