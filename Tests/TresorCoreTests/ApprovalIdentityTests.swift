import Testing

@testable import TresorCore

/// Approvers and requesters are compared as trimmed, lower-case text.
@Suite struct ApprovalIdentityTests {
    @Test(arguments: [
        ("alice@example.com", "alice@example.com"),
        ("  Alice@Example.COM\n", "alice@example.com"),
        ("ci-bot", "ci-bot"),
        ("CI-Bot", "ci-bot"),
        ("team lead", "team lead"),
        ("\u{00A0}émile\t", "émile"),
        ("ÉMILE", "émile"),
        ("", ""),
    ])
    func anIdentityIsTrimmedAndLowered(given: String, normal: String) {
        #expect(ApprovalIdentity.normalized(given) == normal)
    }
}
