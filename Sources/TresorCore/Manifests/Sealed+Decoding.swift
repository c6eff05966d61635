extension ObjectReader {
    /// A `sealed` value: well-formed (prefix, version, base64, lengths), checked without a
    /// key. Its binding is checked once the manifest's name is known (`DecodeContext.checkSealedBindings`).
    func sealed(_ field: Field) -> String? {
        guard let text = nonEmptyString(field) else { return nil }
        do throws(SealedValueError) {
            let envelope = try SealedEnvelope(parsing: text)
            context.sealedValues.append(DecodeContext.SealedValue(path: path, envelope: envelope, mark: valueMark(field)))
        } catch {
            context.error("\(path(field)): \(error)", at: valueMark(field))
            return nil
        }
        return text
    }
}

extension DecodeContext {
    /// A well-formed sealed value met while decoding a manifest's spec.
    struct SealedValue {
        /// The path of the value that holds `sealed` (`spec.content.password`).
        var path: String
        var envelope: SealedEnvelope
        var mark: Mark
    }

    /// Reports every sealed value of the manifest just decoded that was sealed for another
    /// manifest, secret or field: found offline, from the binding tag in clear.
    func checkSealedBindings(kind: Kind, name: String) {
        defer { sealedValues.removeAll() }
        for value in sealedValues {
            guard let binding = SealedBinding(kind: kind, name: name, manifestPath: value.path) else { continue }
            if !binding.matches(value.envelope) {
                error("\(value.path).sealed: \(SealedValueError.boundElsewhere) (\(binding))", at: value.mark)
            }
        }
    }
}
