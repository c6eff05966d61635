extension SecretSpec {
    static func decode(_ node: YAMLNode, context: DecodeContext, fields: inout [String: SourceLocation]) -> SecretSpec? {
        guard let reader = ObjectReader<SecretSpec>(node, path: "spec", context: context) else { return nil }
        let before = context.errorCount
        let type: SecretType? = reader.choice(.type)
        let vaultProfile = reader.reference(.vaultProfile, to: .vaultProfile)
        fields["spec.vaultProfile"] = reader.location(.vaultProfile)
        let sync = reader[.syncVaultProfiles].flatMap {
            syncProfiles($0, source: vaultProfile, context: context, fields: &fields)
        }
        let path = reader.relativePath(.path)
        if reader[.path] != nil { fields["spec.path"] = reader.location(.path) }
        let allowInline = reader[.allowInlineValues] == nil ? false : reader.bool(.allowInlineValues)
        var content: SecretContent?
        if let type, let contentNode = reader[.content] {
            content = SecretContent.decode(
                contentNode, type: type, allowInline: allowInline ?? false, context: context, fields: &fields)
        }
        let adopt = reader[.adopt] == nil ? false : reader.bool(.adopt)
        let deletionPolicy: DeletionPolicy? = reader[.deletionPolicy] == nil ? .retain : reader.choice(.deletionPolicy)
        let refresh = reader[.refreshInterval] == nil ? SecretSpec.defaultRefreshInterval : reader.period(.refreshInterval)
        var rotation: Rotation?
        if let rotationReader = reader.object(.rotation, as: Rotation.self), let every = rotationReader.period(.every) {
            rotation = Rotation(every: every)
            if reader[.content] == nil || (content.map { !$0.hasGeneratedValues } ?? false) {
                context.error(
                    "spec.rotation: rotation regenerates generated values, but no field of spec.content uses generate; "
                        + "remove rotation or generate a value",
                    at: reader.keyMark(.rotation))
            }
        }
        var expiresAt: Timestamp?
        if let text = reader.string(.expiresAt) {
            expiresAt = Timestamp(rfc3339: text)
            if expiresAt == nil {
                context.error(
                    "spec.expiresAt: '\(Text.short(text))' is not an RFC 3339 time; expected a form such as 2027-01-31T00:00:00Z",
                    at: reader.valueMark(.expiresAt))
            }
        }
        let enabled = reader[.enabled] == nil ? true : reader.bool(.enabled)
        guard let type, let vaultProfile, let allowInline, let adopt, let deletionPolicy, let refresh, let enabled,
            context.errorCount == before
        else { return nil }
        var spec = SecretSpec(type: type, vaultProfile: vaultProfile)
        spec.syncVaultProfiles = sync ?? []
        spec.path = path
        spec.content = content
        spec.allowInlineValues = allowInline
        spec.adopt = adopt
        spec.deletionPolicy = deletionPolicy
        spec.refreshInterval = refresh
        spec.rotation = rotation
        spec.expiresAt = expiresAt
        spec.enabled = enabled
        return spec
    }

    private static func syncProfiles(
        _ node: YAMLNode, source: String?, context: DecodeContext, fields: inout [String: SourceLocation]
    ) -> [String]? {
        var seen = Set<String>()
        var locations: [String: SourceLocation] = [:]
        let names = Values.list(node, path: "spec.syncVaultProfiles", context: context) { item, itemPath -> String? in
            guard let name = Values.string(item, path: itemPath, context: context) else { return nil }
            guard Names.isObjectName(name) else {
                context.error("\(itemPath): '\(Text.short(name))' is not a valid name", at: item.mark)
                return nil
            }
            if name == source {
                context.error(
                    "\(itemPath): '\(name)' is the source profile (spec.vaultProfile); a secret cannot sync to its own source",
                    at: item.mark)
                return nil
            }
            guard seen.insert(name).inserted else {
                context.error("\(itemPath): '\(name)' is listed twice", at: item.mark)
                return nil
            }
            context.reference(.vaultProfile, name, path: itemPath, at: item.mark)
            locations[itemPath] = context.location(item.mark)
            return name
        }
        fields.merge(locations) { $1 }
        return names
    }
}
