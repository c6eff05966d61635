import TresorCore

extension Engine.Report {
    /// Secrets whose changes wait for approval or were refused by it: `apply` exits 3
    /// when there is any.
    public var heldForApproval: [SecretPlan] { plans.filter(\.isHeldForApproval) }
}
