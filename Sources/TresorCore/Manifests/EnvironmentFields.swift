/// `{fromEnv: NAME}` for the non-secret provider fields that differ between environments
/// (`address`, `vaultUrl`, `server`, `endpoint`, `region`), so one manifest set serves
/// several. The variable's value takes the place of the mapping before the field is
/// decoded, so it is checked exactly as a literal would be, at the mapping's position.
enum EnvironmentFields {
    static let names: Set<String> = ["address", "vaultUrl", "server", "endpoint", "region"]

    static func substitute(_ node: YAMLNode, path: String, context: DecodeContext) -> YAMLNode {
        guard case .mapping(let pairs, let mark) = node else { return node }
        return .mapping(
            pairs.map { pair in
                guard case .scalar(let key, _) = pair.key, names.contains(key.text),
                    case .mapping(let inner, let valueMark) = pair.value, inner.count == 1,
                    case .scalar(let innerKey, _) = inner[0].key, innerKey.text == "fromEnv"
                else { return pair }
                guard case .scalar(let variable, _) = inner[0].value, !variable.text.isEmpty else {
                    context.error("\(path).\(key.text).fromEnv: expected an environment variable name", at: inner[0].value.mark)
                    return pair
                }
                guard let value = context.environment[variable.text], !value.isEmpty else {
                    context.error(
                        "\(path).\(key.text): {fromEnv: \(variable.text)}: \(variable.text) is not set; set it where tresor runs (validate needs it too, to check the value)",
                        at: valueMark)
                    return pair
                }
                var replaced = pair
                replaced.value = .scalar(YAMLScalar(text: value, isPlain: false), valueMark)
                return replaced
            }, mark)
    }
}
