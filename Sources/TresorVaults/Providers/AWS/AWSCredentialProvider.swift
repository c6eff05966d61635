import Foundation
import TresorCore

/// The access keys of one profile, read from their value sources on every call, so that
/// keys rotated in a file or the environment are picked up without a restart. Without
/// an `auth` block the standard `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
/// `AWS_SESSION_TOKEN` environment variables are used.
struct AWSCredentialProvider: Sendable {
    let accessKeyId: CredentialSource
    let secretAccessKey: CredentialSource
    /// With no `auth` block the session token is optional: used when the variable is set.
    let sessionToken: CredentialSource?
    let sessionTokenOptional: Bool
    let profile: String
    let resolve: @Sendable (CredentialSource) throws -> String

    init(auth: AWSAuth?, profile: String, resolve: @escaping @Sendable (CredentialSource) throws -> String) {
        if let auth {
            accessKeyId = auth.accessKeyId
            secretAccessKey = auth.secretAccessKey
            sessionToken = auth.sessionToken
            sessionTokenOptional = false
        } else {
            accessKeyId = .fromEnv("AWS_ACCESS_KEY_ID")
            secretAccessKey = .fromEnv("AWS_SECRET_ACCESS_KEY")
            sessionToken = .fromEnv("AWS_SESSION_TOKEN")
            sessionTokenOptional = true
        }
        self.profile = profile
        self.resolve = resolve
    }

    func current() throws -> AWSSigner.Credentials {
        var token: String?
        if let sessionToken {
            if sessionTokenOptional {
                token = try? value(sessionToken, what: "session token")
            } else {
                token = try value(sessionToken, what: "session token")
            }
        }
        return AWSSigner.Credentials(
            accessKeyId: try value(accessKeyId, what: "access key id"),
            secretAccessKey: try value(secretAccessKey, what: "secret access key"), sessionToken: token)
    }

    private func value(_ source: CredentialSource, what: String) throws -> String {
        let raw: String
        do {
            raw = try resolve(source)
        } catch {
            // The resolver's message names the profile and the source already.
            throw VaultError(.invalidRequest, "AWS \(what): \(error)")
        }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw VaultError(.invalidRequest, "vault profile '\(profile)': the AWS \(what) from \(Self.describe(source)) is empty")
        }
        return trimmed
    }

    var describeAccessKey: String { Self.describe(accessKeyId) }
    var describeSecretKey: String { Self.describe(secretAccessKey) }
    var describeSessionToken: String? { sessionToken.map(Self.describe) }

    static func describe(_ source: CredentialSource) -> String {
        switch source {
        case .fromEnv(let name): "environment variable \(name)"
        case .fromFile(let path): "file \(path)"
        case .sealed: "a sealed value"
        }
    }
}
