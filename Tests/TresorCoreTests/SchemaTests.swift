import Foundation
import Testing

@testable import TresorCore

// The JSON Schemas in manifests/ are written by hand for editors (yaml-language-server)
// and CI (scripts/check-schemas.py). These tests tie them to the Swift model, which is
// what the decoder accepts, so that neither can change without the other.

// MARK: - What the Swift model declares

/// An object the schemas must describe: its `$defs` name, field names and required fields.
struct ObjectShape: Sendable, CustomStringConvertible {
    let name: String
    let properties: Set<String>
    let required: Set<String>
    /// The Swift declaration, for messages.
    let origin: String

    var description: String { "\(name) (\(origin))" }
}

/// A string enum the schemas must list under `$defs`, by its Swift name.
struct EnumShape: Sendable, CustomStringConvertible {
    let name: String
    let values: Set<String>

    var description: String { name }
}

enum SchemaRegistry {
    static func object<T: ManifestObject>(_: T.Type) -> ObjectShape {
        ObjectShape(
            name: T.schemaName, properties: Set(T.fieldNames), required: Set(T.requiredFieldNames),
            origin: String(reflecting: T.self))
    }

    static func enumeration<E: RawRepresentable & CaseIterable>(_: E.Type) -> EnumShape where E.RawValue == String {
        EnumShape(name: String(describing: E.self), values: Set(E.allCases.map(\.rawValue)))
    }

    /// Every `ManifestObject` in the model. `manifestObjectsAreAllRegistered` checks this
    /// list against the sources, so a new type cannot be forgotten here.
    static let manifestObjects: [ObjectShape] = [
        object(ManifestEnvelope.self),
        object(ObjectMeta.self),
        // VaultProfile
        object(VaultProfileSpec.self),
        object(RateLimit.self),
        object(ProviderBlock.self),
        object(LocalProvider.self),
        object(HashiCorpProvider.self),
        object(HashiCorpAuthSpec.self),
        object(AppRoleAuth.self),
        object(TLSConfig.self),
        object(AWSProvider.self),
        object(AWSAuth.self),
        object(AWSDeletionSpec.self),
        object(AzureProvider.self),
        object(AzureDeletionSpec.self),
        object(GCPProvider.self),
        object(KubernetesProvider.self),
        object(CredentialSourceSpec.self),
        // Secret
        object(SecretSpec.self),
        object(Rotation.self),
        object(ValueSourceSpec.self),
        object(PasswordGenerator.self),
        object(KeyBytesGenerator.self),
        object(PrivateKeyGenerator.self),
        // ApprovalProfile
        object(ApprovalProfileSpec.self),
        // ComplianceProfile
        object(ComplianceProfileSpec.self),
        object(ComplianceRule.self),
        object(ComplianceRuleParams.MinLength.self),
        object(ComplianceRuleParams.CharacterClasses.self),
        object(ComplianceRuleParams.AllowedTypes.self),
        object(ComplianceRuleParams.PrivateKey.self),
        object(ComplianceRuleParams.JWT.self),
        object(ComplianceRuleParams.KeyStore.self),
        object(ComplianceRuleParams.SecretKeyBits.self),
        object(ComplianceRuleParams.MaxAge.self),
        object(ComplianceRuleParams.RequiredLabels.self),
    ]

    /// The parameterless rule kinds (`uniqueContent: {}`, `noInlineValues: {}`).
    static let emptyRule = ObjectShape(
        name: "EmptyRule", properties: [], required: [], origin: "ComplianceRule.uniqueContent / .noInlineValues")

    /// Content layouts, one per `contentSchemaName`, from `SecretType.contentFields`.
    /// Types that share a layout must declare the same fields (checked in `contentLayoutsAreConsistent`).
    static let contentLayouts: [ObjectShape] = {
        var seen: [String: ObjectShape] = [:]
        var order: [String] = []
        for type in SecretType.allCases where seen[type.contentSchemaName] == nil {
            let fields = type.contentFields
            seen[type.contentSchemaName] = ObjectShape(
                name: type.contentSchemaName, properties: Set(fields.map(\.name)),
                required: Set(fields.filter(\.isRequired).map(\.name)), origin: "SecretType.\(type.rawValue).contentFields")
            order.append(type.contentSchemaName)
        }
        return order.map { seen[$0]! }
    }()

    static var objects: [ObjectShape] { manifestObjects + contentLayouts + [emptyRule] }

    static let enums: [EnumShape] = [
        enumeration(SecretType.self),
        enumeration(DeletionPolicy.self),
        enumeration(CharacterClass.self),
        enumeration(KeyAlgorithm.self),
        enumeration(ECCurve.self),
        enumeration(KeyStoreType.self),
        enumeration(ContentEncoding.self),
        enumeration(Enforcement.self),
        enumeration(JWTAlgorithm.self),
        enumeration(CLIIdentity.self),
    ]

    /// Objects the decoder reads with `exactlyOne(of:)`: their schema needs a `oneOf` of
    /// `{required: [key]}` over exactly these keys.
    static let exactlyOne: [(name: String, keys: Set<String>)] = [
        (ProviderBlock.schemaName, Set(ProviderBlock.fieldNames)),
        (HashiCorpAuthSpec.schemaName, Set(HashiCorpAuthSpec.fieldNames)),
        (ValueSourceSpec.schemaName, Set(ValueSourceSpec.fieldNames)),
        (CredentialSourceSpec.schemaName, Set(CredentialSourceSpec.fieldNames)),
        (AWSDeletionSpec.schemaName, Set(AWSDeletionSpec.fieldNames)),
        (ComplianceRule.schemaName, Set(ComplianceRule.kindFields.map(\.rawValue))),
    ]

    /// The spec object of each kind.
    static func specName(_ kind: Kind) -> String {
        switch kind {
        case .vaultProfile: VaultProfileSpec.schemaName
        case .secret: SecretSpec.schemaName
        case .approvalProfile: ApprovalProfileSpec.schemaName
        case .complianceProfile: ComplianceProfileSpec.schemaName
        }
    }

    static func generatorSchemaName(_ kind: GeneratorKind) -> String {
        switch kind {
        case .password: PasswordGenerator.schemaName
        case .keyBytes: KeyBytesGenerator.schemaName
        case .privateKey: PrivateKeyGenerator.schemaName
        }
    }
}

// MARK: - The schema files

indirect enum JSON: Sendable, Decodable, Equatable {
    case object([String: JSON])
    case array([JSON])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    subscript(key: String) -> JSON? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    var object: [String: JSON]? { if case .object(let members) = self { members } else { nil } }
    var array: [JSON]? { if case .array(let items) = self { items } else { nil } }
    var string: String? { if case .string(let text) = self { text } else { nil } }
    var number: Double? { if case .number(let value) = self { value } else { nil } }

    /// Every `$ref` in this subtree.
    var references: [String] {
        switch self {
        case .object(let members):
            (members["$ref"]?.string.map { [$0] } ?? []) + members.filter { $0.key != "$ref" }.values.flatMap(\.references)
        case .array(let items): items.flatMap(\.references)
        default: []
        }
    }

    /// Keys of `properties`, or nil when the schema has none.
    var propertyNames: Set<String>? { self["properties"]?.object.map { Set($0.keys) } }

    var requiredNames: Set<String> { Set(self["required"]?.array?.compactMap(\.string) ?? []) }

    var enumStrings: Set<String>? { self["enum"]?.array.map { Set($0.compactMap(\.string)) } }

    /// The JSON Schema `type`, as a set.
    var types: Set<String> {
        switch self["type"] {
        case .string(let type)?: [type]
        case .array(let types)?: Set(types.compactMap(\.string))
        default: []
        }
    }
}

struct SchemaFile: Sendable {
    let kind: Kind
    let fileName: String
    let root: JSON
    let defs: [String: JSON]

    /// The name a `$ref` points to, if it is local to `$defs`.
    static func defName(_ reference: String) -> String? {
        let prefix = "#/$defs/"
        return reference.hasPrefix(prefix) ? String(reference.dropFirst(prefix.count)) : nil
    }

    static func fileName(for kind: Kind) -> String { "\(kind.rawValue.lowercased()).schema.json" }

    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TresorCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static let directory = repositoryRoot.appendingPathComponent("manifests")

    static func loadAll() throws -> [SchemaFile] {
        try Kind.allCases.map { kind in
            let name = fileName(for: kind)
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            let root = try JSONDecoder().decode(JSON.self, from: data)
            return SchemaFile(kind: kind, fileName: name, root: root, defs: root["$defs"]?.object ?? [:])
        }
    }

    /// Names of the `$defs` reachable from the document root.
    var reachableDefs: Set<String> {
        var reached = Set<String>()
        var pending = root.object.map { members in members.filter { $0.key != "$defs" }.values.flatMap(\.references) } ?? []
        while let reference = pending.popLast() {
            guard let name = Self.defName(reference), reached.insert(name).inserted, let def = defs[name] else { continue }
            pending += def.references
        }
        return reached
    }

    /// Follows `$ref` chains to the definition they name.
    func resolve(_ schema: JSON) -> JSON {
        var schema = schema
        var hops = 0
        while let reference = schema["$ref"]?.string, let name = Self.defName(reference), let target = defs[name], hops < 16 {
            schema = target
            hops += 1
        }
        return schema
    }
}

/// An object def: has properties or is typed object. An enum def: has `enum`.
private func isObjectDef(_ def: JSON) -> Bool { def["properties"] != nil || def.types.contains("object") }
private func isEnumDef(_ def: JSON) -> Bool { def["enum"] != nil }

private func names(_ set: Set<String>) -> String { set.sorted().joined(separator: ", ") }

/// "properties missing from the schema: a, b; not in the Swift model: c", or nil when equal.
private func difference(_ what: String, schema: Set<String>, swift: Set<String>) -> String? {
    guard schema != swift else { return nil }
    var parts: [String] = []
    let missing = swift.subtracting(schema)
    let extra = schema.subtracting(swift)
    if !missing.isEmpty { parts.append("\(what) in the Swift model but missing from the schema: [\(names(missing))]") }
    if !extra.isEmpty { parts.append("\(what) in the schema but not in the Swift model: [\(names(extra))]") }
    return parts.joined(separator: "; ")
}

// MARK: - Tests

@Suite("JSON Schemas in manifests/ match the Swift model")
struct SchemaTests {
    /// Read once for all tests of the suite.
    static let loaded = Result { try SchemaFile.loadAll() }

    let files: [SchemaFile]

    init() throws {
        files = try Self.loaded.get()
    }

    @Test("manifests/ holds exactly one schema per kind")
    func oneSchemaPerKind() throws {
        let present = try FileManager.default.contentsOfDirectory(atPath: SchemaFile.directory.path)
            .filter { $0.hasSuffix(".schema.json") }
        let expected = Kind.allCases.map(SchemaFile.fileName(for:))
        if let message = difference("schema files", schema: Set(present), swift: Set(expected)) {
            Issue.record("manifests/: \(message)")
        }
    }

    @Test("every ManifestObject in Sources is in the test's registry")
    func manifestObjectsAreAllRegistered() throws {
        let sources = SchemaFile.repositoryRoot.appendingPathComponent("Sources")
        let enumerator = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        let conformance = try Regex(
            #"(?m)^\s*(?:public\s+|internal\s+|package\s+)?(?:struct|enum|class|actor|extension)\s+([A-Za-z_][\w.]*)(?:<[^>{\n]*>)?\s*:\s*[^{\n<]*\bManifestObject\b"#)
        let schemaName = try Regex(#"static\s+(?:let|var)\s+schemaName\s*(?::\s*String\s*)?(?:=|\{)\s*"([^"]+)""#)
        var conforming: [String] = []
        var declaredNames = Set<String>()
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in text.matches(of: conformance) {
                let name = match.output[1].substring ?? ""
                conforming.append(String(name.split(separator: ".").last ?? name))
            }
            for match in text.matches(of: schemaName) {
                declaredNames.insert(String(match.output[1].substring ?? ""))
            }
        }
        let registered = SchemaRegistry.manifestObjects
        let registeredTypes = registered.map { String($0.origin.split(separator: ".").last ?? "") }
        #expect(
            conforming.count == registered.count,
            """
            Sources declare \(conforming.count) ManifestObject types but SchemaRegistry.manifestObjects lists \(registered.count); \
            declared, not registered: [\(names(Set(conforming).subtracting(registeredTypes)))]; \
            registered, not declared: [\(names(Set(registeredTypes).subtracting(conforming)))]
            """)
        let registeredNames = Set(registered.map(\.name))
        let unregistered = declaredNames.subtracting(registeredNames)
        let stale = registeredNames.subtracting(declaredNames)
        #expect(
            unregistered.isEmpty, "schemaName values declared in Sources but missing from SchemaRegistry.manifestObjects: [\(names(unregistered))]")
        #expect(stale.isEmpty, "SchemaRegistry.manifestObjects lists schemaName values that Sources no longer declare: [\(names(stale))]")
        #expect(Set(registered.map(\.name)).count == registered.count, "two ManifestObject types share a schemaName")
    }

    @Test("each kind's document matches ManifestEnvelope")
    func envelopes() throws {
        let envelope = SchemaRegistry.object(ManifestEnvelope.self)
        for file in files {
            let root = file.root
            #expect(
                root["$schema"]?.string == "https://json-schema.org/draft/2020-12/schema",
                "\(file.fileName): $schema must be https://json-schema.org/draft/2020-12/schema")
            #expect(root["type"]?.string == "object", "\(file.fileName): the document must be an object")
            #expect(root["additionalProperties"] == .bool(false), "\(file.fileName): the document must set additionalProperties: false")
            if let message = difference("properties", schema: root.propertyNames ?? [], swift: envelope.properties) {
                Issue.record("\(file.fileName): top level vs ManifestEnvelope: \(message)")
            }
            if let message = difference("required", schema: root.requiredNames, swift: envelope.required) {
                Issue.record("\(file.fileName): top level vs ManifestEnvelope: \(message)")
            }
            let properties = root["properties"]
            #expect(
                properties?["apiVersion"]?["const"]?.string == TresorCore.apiVersion,
                "\(file.fileName): apiVersion must be const \(TresorCore.apiVersion)")
            #expect(
                properties?["kind"]?["const"]?.string == file.kind.rawValue, "\(file.fileName): kind must be const \(file.kind.rawValue)")
            #expect(
                properties?["metadata"]?["$ref"]?.string == "#/$defs/\(ObjectMeta.schemaName)",
                "\(file.fileName): metadata must refer to #/$defs/\(ObjectMeta.schemaName)")
            let spec = SchemaRegistry.specName(file.kind)
            #expect(
                properties?["spec"]?["$ref"]?.string == "#/$defs/\(spec)", "\(file.fileName): spec must refer to #/$defs/\(spec)")
        }
    }

    @Test("every registered object matches its $defs entry in every schema that has it")
    func objectsMatch() {
        for shape in SchemaRegistry.objects where shape.name != ManifestEnvelope.schemaName {
            var found = false
            for file in files {
                guard let def = file.defs[shape.name] else { continue }
                found = true
                let context = "\(file.fileName): $defs/\(shape.name) vs \(shape.origin)"
                guard isObjectDef(def) else {
                    Issue.record("\(context): not an object schema")
                    continue
                }
                if let message = difference("properties", schema: def.propertyNames ?? [], swift: shape.properties) {
                    Issue.record("\(context): \(message)")
                }
                if let message = difference("required", schema: def.requiredNames, swift: shape.required) {
                    Issue.record("\(context): \(message)")
                }
                #expect(def["additionalProperties"] == .bool(false), "\(context): must set additionalProperties: false")
            }
            #expect(found, "no schema in manifests/ has $defs/\(shape.name) for \(shape.origin)")
        }
    }

    @Test("every registered enum matches its $defs entry in every schema that has it")
    func enumsMatch() {
        for shape in SchemaRegistry.enums {
            var found = false
            for file in files {
                guard let def = file.defs[shape.name] else { continue }
                found = true
                let context = "\(file.fileName): $defs/\(shape.name) vs enum \(shape.name).allCases"
                #expect(def.types == ["string"], "\(context): must be type string")
                guard let values = def.enumStrings else {
                    Issue.record("\(context): has no enum")
                    continue
                }
                if let message = difference("values", schema: values, swift: shape.values) {
                    Issue.record("\(context): \(message)")
                }
            }
            #expect(found, "no schema in manifests/ has $defs/\(shape.name)")
        }
    }

    @Test("every object and enum in the schemas is checked by the registry; no dead or dangling $defs")
    func schemasHoldNothingUnchecked() {
        let objectNames = Set(SchemaRegistry.objects.map(\.name))
        let enumNames = Set(SchemaRegistry.enums.map(\.name))
        for file in files {
            for (name, def) in file.defs.sorted(by: { $0.key < $1.key }) {
                if isObjectDef(def) {
                    if !objectNames.contains(name) {
                        Issue.record("\(file.fileName): $defs/\(name) is an object that no Swift ManifestObject or content layout describes")
                    }
                } else if isEnumDef(def) {
                    if !enumNames.contains(name) {
                        Issue.record("\(file.fileName): $defs/\(name) is an enum that SchemaRegistry.enums does not list")
                    }
                } else {
                    // Scalar formats (Name, Duration, …) are allowed, but must not hide objects or enums.
                    #expect(
                        def["oneOf"] == nil && def["anyOf"] == nil && def["allOf"] == nil && def["$ref"] == nil,
                        "\(file.fileName): $defs/\(name) combines other schemas; give it a registered object or enum shape")
                }
            }
            let references = file.root.references
            for reference in references {
                let name = SchemaFile.defName(reference)
                #expect(
                    name.map { file.defs[$0] != nil } ?? false,
                    "\(file.fileName): $ref \(reference) does not resolve to a $defs entry of this file")
            }
            let unused = Set(file.defs.keys).subtracting(file.reachableDefs)
            #expect(unused.isEmpty, "\(file.fileName): $defs not reachable from the document: [\(names(unused))]")
        }
    }

    @Test("objects the decoder reads with exactly one key have a matching oneOf")
    func exactlyOneConstraints() {
        for (name, keys) in SchemaRegistry.exactlyOne {
            for file in files {
                guard let def = file.defs[name] else { continue }
                let alternatives = def["oneOf"]?.array ?? []
                let required = alternatives.map(\.requiredNames)
                let context = "\(file.fileName): $defs/\(name).oneOf"
                #expect(
                    required.allSatisfy { $0.count == 1 } && alternatives.count == keys.count,
                    "\(context): expected one {required: [key]} per key of [\(names(keys))]")
                if let message = difference("exactly-one keys", schema: Set(required.flatMap { $0 }), swift: keys) {
                    Issue.record("\(context): \(message)")
                }
            }
        }
    }

    @Test("types sharing a content layout declare the same fields")
    func contentLayoutsAreConsistent() {
        for type in SecretType.allCases {
            let shape = SchemaRegistry.contentLayouts.first { $0.name == type.contentSchemaName }!
            let fields = type.contentFields
            #expect(
                Set(fields.map(\.name)) == shape.properties && Set(fields.filter(\.isRequired).map(\.name)) == shape.required,
                "SecretType.\(type.rawValue) shares $defs/\(shape.name) with another type but declares different content fields")
        }
    }

    @Test("SecretSpec ties each spec.type to its content layout, generators and choices")
    func secretContentByType() throws {
        let file = try #require(files.first { $0.kind == .secret })
        let spec = try #require(file.defs[SecretSpec.schemaName], "\(file.fileName): no $defs/\(SecretSpec.schemaName)")
        let rules = spec["allOf"]?.array ?? []
        for type in SecretType.allCases {
            let context = "\(file.fileName): $defs/SecretSpec.allOf, type \(type.rawValue)"
            let rule = rules.first { $0["if"]?["properties"]?["type"]?["const"]?.string == type.rawValue }
            guard let rule else {
                Issue.record("\(context): no if/then with if.properties.type.const \(type.rawValue)")
                continue
            }
            #expect(rule["if"]?.requiredNames == ["type"], "\(context): the if must require type")
            let content = rule["then"]?["properties"]?["content"]
            #expect(
                content?["$ref"]?.string == "#/$defs/\(type.contentSchemaName)",
                "\(context): then.properties.content must refer to #/$defs/\(type.contentSchemaName)")
            let constraints = content?["properties"]?.object ?? [:]
            if let message = difference(
                "fields constrained by generator", schema: Set(constraints.keys),
                swift: Set(type.contentFields.filter { $0.choices == nil }.map(\.name)))
            {
                Issue.record("\(context): \(message)")
            }
            for field in type.contentFields where field.choices == nil {
                guard var constraint = constraints[field.name] else { continue }
                if type == .keyValue { constraint = constraint["additionalProperties"] ?? .null }
                let generate = constraint["properties"]?["generate"]
                let location = "\(context), content.\(field.name)\(type == .keyValue ? " values" : "").generate"
                if let generator = field.generator {
                    let expected = "#/$defs/\(SchemaRegistry.generatorSchemaName(generator))"
                    #expect(
                        generate?.references == [expected],
                        "\(location): expected a reference to \(expected) only, found \(generate?.references ?? [])")
                } else {
                    #expect(generate?["not"] == .object([:]), "\(location): the field takes no generator, so generate must be {not: {}}")
                }
            }
            // Fields with a fixed set of literals refer to the enum that lists them.
            let layout = file.defs[type.contentSchemaName]
            for field in type.contentFields {
                guard let choices = field.choices, let property = layout?["properties"]?[field.name] else { continue }
                let values = file.resolve(property).enumStrings
                #expect(
                    values == Set(choices),
                    "\(file.fileName): $defs/\(type.contentSchemaName).\(field.name): expected enum [\(names(Set(choices)))], found [\(names(values ?? []))]"
                )
            }
        }
        #expect(
            rules.filter { $0["if"]?["properties"]?["type"] != nil }.count == SecretType.allCases.count,
            "\(file.fileName): $defs/SecretSpec.allOf has if/then rules for types that SecretType does not have")

        // Secret fields refuse inline values unless allowInlineValues is true.
        let inline = rules.first { $0["if"]?["not"]?["properties"]?["allowInlineValues"] != nil }
        let guarded = inline?["then"]?["properties"]?["content"]?.propertyNames ?? []
        let secretFields = Set(SecretType.allCases.flatMap { $0.contentFields.filter(\.isSecret).map(\.name) })
        let plainFields = Set(SecretType.allCases.flatMap { $0.contentFields.filter { !$0.isSecret }.map(\.name) })
        #expect(
            secretFields.isDisjoint(with: plainFields),
            "a content field name is secret in one type and not in another: [\(names(secretFields.intersection(plainFields)))]")
        if let message = difference("secret content fields", schema: guarded, swift: secretFields) {
            Issue.record("\(file.fileName): $defs/SecretSpec.allOf, the allowInlineValues rule: \(message)")
        }
    }

    @Test("generator ranges match the model's constants")
    func generatorRanges() throws {
        let file = try #require(files.first { $0.kind == .secret })
        let length = file.defs[PasswordGenerator.schemaName]?["properties"]?["length"]
        #expect(
            length?["minimum"]?.number == Double(PasswordGenerator.lengthRange.lowerBound)
                && length?["maximum"]?.number == Double(PasswordGenerator.lengthRange.upperBound),
            "\(file.fileName): $defs/PasswordGenerator.length must range over \(PasswordGenerator.lengthRange)")
        let bits = file.defs[KeyBytesGenerator.schemaName]?["properties"]?["bits"]
        #expect(
            bits?["minimum"]?.number == Double(KeyBytesGenerator.bitsRange.lowerBound)
                && bits?["maximum"]?.number == Double(KeyBytesGenerator.bitsRange.upperBound),
            "\(file.fileName): $defs/KeyBytesGenerator.bits must range over \(KeyBytesGenerator.bitsRange)")
        let sizes = file.defs[PrivateKeyGenerator.schemaName]?["properties"]?["bits"]?["enum"]?.array?.compactMap(\.number)
        #expect(
            sizes.map(Set.init) == Set(PrivateKeyGenerator.rsaSizes.map(Double.init)),
            "\(file.fileName): $defs/PrivateKeyGenerator.bits must be one of \(PrivateKeyGenerator.rsaSizes)")
    }
}
