extension ApprovalProfileSpec {
    static func decode(_ node: YAMLNode, context: DecodeContext) -> ApprovalProfileSpec? {
        guard let reader = ObjectReader<ApprovalProfileSpec>(node, path: "spec", context: context) else { return nil }
        let before = context.errorCount
        let required = reader[.requiredApprovals] == nil ? 1 : reader.int(.requiredApprovals, in: 1...100)
        var approvers: [String]?
        if let node = reader[.approvers] {
            var seen = Set<String>()
            approvers = Values.list(node, path: "spec.approvers", context: context) { item, itemPath in
                guard let approver = Values.string(item, path: itemPath, context: context) else { return nil as String? }
                if approver.isEmpty {
                    context.error("\(itemPath): must not be empty", at: item.mark)
                    return nil
                }
                if !seen.insert(ApprovalIdentity.normalized(approver)).inserted {
                    context.error("\(itemPath): '\(Text.short(approver))' is listed twice", at: item.mark)
                    return nil
                }
                return approver
            }
            if approvers?.isEmpty == true {
                context.error("spec.approvers: list at least one identity who may approve", at: node.mark)
                approvers = nil
            }
        }
        if let required, let list = approvers, !list.isEmpty, required > Set(list).count {
            context.error(
                "spec.requiredApprovals: \(required) approvals are required but only \(Set(list).count) approvers are listed; "
                    + "no request could ever be approved",
                at: reader.valueMark(.requiredApprovals))
        }
        let allowSelf = reader[.allowSelfApproval] == nil ? false : reader.bool(.allowSelfApproval)
        let expiresAfter = reader.period(.expiresAfter)
        let cliIdentity: CLIIdentity? = reader[.cliIdentity] == nil ? .token : reader.choice(.cliIdentity)
        guard let required, let approvers, let allowSelf, let cliIdentity, context.errorCount == before else { return nil }
        return ApprovalProfileSpec(
            requiredApprovals: required, approvers: approvers, allowSelfApproval: allowSelf, expiresAfter: expiresAfter,
            cliIdentity: cliIdentity)
    }
}
