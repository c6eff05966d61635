import Foundation
import TresorCore

/// Who asks for approval of the changes a run makes.
public enum ApprovalRequester: Sendable, Hashable {
    /// This identity, whatever the manifests say (`tresor apply --as ID`).
    case identity(String)
    /// The Secret's `tresor.dev/requested-by` annotation, else this identity.
    case annotation(default: String)

    /// The daemon's: the annotation, else `gitops`.
    public static let gitops = ApprovalRequester.annotation(default: "gitops")
    public static let annotationKey = "tresor.dev/requested-by"

    func identity(for secret: Secret?) -> String {
        let identity: String
        switch self {
        case .identity(let given): identity = given
        case .annotation(let fallback): identity = secret?.metadata.annotations[Self.annotationKey] ?? fallback
        }
        return ApprovalIdentity.normalized(identity)
    }
}
