extension ObjectMeta {
    static func decode(_ node: YAMLNode, context: DecodeContext) -> ObjectMeta? {
        guard let reader = ObjectReader<ObjectMeta>(node, path: "metadata", context: context) else { return nil }
        let name = reader.objectName(.name)
        let labels = reader.stringMap(.labels) ?? [:]
        // In source order, each at the key or value at fault.
        if case .mapping(let pairs, _)? = reader[.labels] {
            for pair in pairs {
                guard case .scalar(let key, let keyMark) = pair.key, let value = labels[key.text] else { continue }
                if !Names.isLabelKey(key.text) {
                    context.error(
                        "metadata.labels: '\(Text.short(key.text))' is not a valid label key; expected an optional DNS prefix and '/', "
                            + "then up to 63 letters, digits, '-', '_' or '.'",
                        at: keyMark)
                } else if !Names.isLabelValue(value) {
                    context.error(
                        "metadata.labels.\(key.text): '\(Text.short(value))' is not a valid label value; expected up to 63 letters, "
                            + "digits, '-', '_' or '.', starting and ending with a letter or digit",
                        at: pair.value.mark)
                }
            }
        }
        let annotations = reader.stringMap(.annotations) ?? [:]
        // Bad labels are reported above, but a valid name still declares the object, so that
        // references to it do not fail as well.
        guard let name else { return nil }
        return ObjectMeta(name: name, labels: labels, annotations: annotations)
    }
}

extension ObjectReader {
    /// A manifest name: a DNS-1123 subdomain.
    func objectName(_ field: Field) -> String? {
        guard let name = string(field) else { return nil }
        guard Names.isObjectName(name) else {
            context.error(
                "\(path(field)): '\(Text.short(name))' is not a valid name; expected lowercase letters, digits, '-' and '.', "
                    + "starting and ending with a letter or digit, at most 253 characters",
                at: valueMark(field))
            return nil
        }
        return name
    }

    /// A Kubernetes namespace: a DNS-1123 label (no dots, at most 63 characters).
    func namespaceName(_ field: Field) -> String? {
        guard let name = string(field) else { return nil }
        guard Names.isObjectName(name), name.utf8.count <= 63, !name.contains(".") else {
            context.error(
                "\(path(field)): '\(Text.short(name))' is not a valid namespace; expected lowercase letters, digits and '-', "
                    + "starting and ending with a letter or digit, at most 63 characters",
                at: valueMark(field))
            return nil
        }
        return name
    }

    /// The name of another manifest, recorded so that it is checked once all files are loaded.
    func reference(_ field: Field, to kind: Kind) -> String? {
        guard let name = objectName(field) else { return nil }
        context.reference(kind, name, path: path(field), at: valueMark(field))
        return name
    }

    func relativePath(_ field: Field) -> String? {
        guard let value = string(field) else { return nil }
        guard Names.isRelativePath(value) else {
            context.error(
                "\(path(field)): '\(Text.short(value))' is not a valid path; expected segments of letters, digits, '-', '_' "
                    + "and '.' separated by '/', without a leading '/', empty segments, '.' or '..'",
                at: valueMark(field))
            return nil
        }
        return value
    }

    /// - Parameter httpOnlyOnLoopback: plain `http://` only for 127.0.0.0/8 and `[::1]`:
    ///   credentials and secret values must not cross a network unencrypted.
    func url(_ field: Field, httpsOnly: Bool = false, httpOnlyOnLoopback: Bool = false) -> String? {
        guard let value = string(field) else { return nil }
        if httpOnlyOnLoopback, Names.isHTTPURL(value), value.hasPrefix("http://"), !Names.isLoopbackURL(value) {
            context.error(
                "\(path(field)): '\(Text.short(value))' uses plain http:// on a host that is not a loopback address; "
                    + "use https:// (http:// is accepted only for 127.0.0.0/8 and [::1], such as a local test server)",
                at: valueMark(field))
            return nil
        }
        guard Names.isHTTPURL(value, httpsOnly: httpsOnly) else {
            let scheme = httpsOnly ? "https://" : "http:// or https://"
            context.error(
                "\(path(field)): '\(Text.short(value))' is not a valid URL; expected \(scheme) followed by a host", at: valueMark(field))
            return nil
        }
        return value
    }

    func credential(_ field: Field) -> CredentialSource? {
        guard let node = self[field] else { return nil }
        return CredentialSource.decode(node, path: path(field), context: context)
    }
}

extension CredentialSource {
    static func decode(_ node: YAMLNode, path: String, context: DecodeContext) -> CredentialSource? {
        if case .scalar = node {
            context.error(
                "\(path): a credential is never written in a manifest; use {fromEnv: NAME}, {fromFile: PATH} or {sealed: …}",
                at: node.mark)
            return nil
        }
        guard let reader = ObjectReader<CredentialSourceSpec>(node, path: path, context: context),
            let field = reader.exactlyOne(of: CredentialSourceSpec.Field.allCases, what: "a credential")
        else { return nil }
        switch field {
        case .fromEnv: return reader.environmentName(.fromEnv).map(CredentialSource.fromEnv)
        case .fromFile: return reader.nonEmptyString(.fromFile).map(CredentialSource.fromFile)
        case .sealed: return reader.sealed(.sealed).map(CredentialSource.sealed)
        }
    }
}

extension ObjectReader {
    func environmentName(_ field: Field) -> String? {
        guard let name = string(field) else { return nil }
        guard Names.isEnvironmentName(name) else {
            context.error(
                "\(path(field)): '\(Text.short(name))' is not an environment variable name; expected letters, digits and '_', "
                    + "not starting with a digit",
                at: valueMark(field))
            return nil
        }
        return name
    }
}
