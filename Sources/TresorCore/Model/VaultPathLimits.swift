/// The longest names and paths that still make files and vault names that can exist.
/// `validate` checks them so that a manifest it accepts never fails at apply with
/// "File name too long" or a vault's name error.
public enum VaultPathLimits {
    /// Linux (ext4, xfs, btrfs, tmpfs) allows 255 bytes in one file name.
    public static let fileNameBytes = 255

    /// A Secret's status and approval files are `<name>.yaml`, written through
    /// `<name>.yaml.tmp-<pid>-<random>` (two 32-bit numbers of up to 10 digits).
    public static let secretNameBytes = fileNameBytes - ".yaml".utf8.count - ".tmp-4294967295-4294967295".utf8.count

    /// A local vault keeps `<segment>.secret`, written through `.tresor-<segment>.secret.tmp`.
    public static let localSegmentBytes = fileNameBytes - ".tresor-".utf8.count - ".secret".utf8.count - ".tmp".utf8.count

    /// Secrets Manager names: at most 512 characters of letters, digits and `/_+=.@-`.
    public static let awsNameCharacters = 512

    public static func isAWSNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "/", "_", "+", "=", ".", "@", "-": true
        default: false
        }
    }

    /// Why `name` (the prefix's segments and the path's, joined by `/`) cannot be a Secrets
    /// Manager name, or nil when it can.
    public static func awsNameProblem(prefix: String?, path: String) -> String? {
        if !path.unicodeScalars.allSatisfy(isAWSNameCharacter) {
            return "has characters AWS does not allow in secret names (only letters, digits and /_+=.@-)"
        }
        let prefixSegments = (prefix ?? "").split(separator: "/").map(String.init)
        let name = (prefixSegments + [path]).joined(separator: "/")
        if name.utf8.count > awsNameCharacters {
            return "makes a secret name of \(name.utf8.count) characters with the profile's pathPrefix (AWS allows \(awsNameCharacters))"
        }
        return nil
    }
}

extension Provider {
    /// Why the vault cannot hold a secret at `path`, or nil when it can. The path's
    /// syntax (relative segments) is checked where it is declared; this adds each vault's
    /// own limits.
    public func pathProblem(for path: String) -> String? {
        switch self {
        case .local:
            let long = path.split(separator: "/").first { $0.utf8.count > VaultPathLimits.localSegmentBytes }
            return long.map {
                "its segment '\(Text.short(String($0)))' has \($0.utf8.count) bytes; a local vault's file names allow "
                    + "\(VaultPathLimits.localSegmentBytes) per segment; choose a spec.path that fits"
            }
        case .aws(let aws):
            return VaultPathLimits.awsNameProblem(prefix: aws.pathPrefix, path: path).map {
                "the path '\(Text.short(path))' \($0); choose a spec.path that fits"
            }
        case .hashicorp:
            return nil
        case .azure, .gcp, .kubernetes:
            guard let rule = nameRule, case .failure(let problem) = rule.name(for: path) else { return nil }
            return problem.description
        }
    }
}

/// The most one value may hold in a vault that limits its secrets' size, and which
/// vault profile sets it: a value is checked before anything is written anywhere.
public struct ValueLimit: Sendable, Hashable {
    public var bytes: Int
    /// "an Azure Key Vault secret", for messages.
    public var holder: String
    public var vaultProfile: String

    /// The tightest limit of the vault profiles a secret is written to, nil when none limits.
    public static func tightest(of profiles: [VaultProfile]) -> ValueLimit? {
        profiles.compactMap { profile in
            profile.spec.provider.valueLimit.map { ValueLimit(bytes: $0.bytes, holder: $0.holder, vaultProfile: profile.name) }
        }.min { ($0.bytes, $0.vaultProfile) < ($1.bytes, $1.vaultProfile) }
    }
}

extension Provider {
    /// The documented size limit of one secret: Secrets Manager 65,536 bytes of
    /// SecretString, Key Vault 25 KiB per value, Secret Manager 64 KiB of payload. The
    /// local vault, Vault/OpenBao and Kubernetes take the 1 MiB every value is held to.
    public var valueLimit: (bytes: Int, holder: String)? {
        switch self {
        case .aws: (65_536, "a Secrets Manager secret")
        case .azure: (25_600, "an Azure Key Vault secret")
        case .gcp: (65_536, "a Secret Manager secret version")
        case .local, .hashicorp, .kubernetes: nil
        }
    }
}
