import Foundation
import Testing
import TresorCore

/// Reads YAML files with the readers tresor's users have: PyYAML (YAML 1.1, as yq 3, Ruby
/// and many dashboards read) and ruamel.yaml (YAML 1.2), and compares what they read with
/// what was meant, leaf by leaf and type by type. A string written `yes`, `off` or
/// `2027-01-15` reads as a boolean or a date in YAML 1.1: such a difference is reported.
public enum YAMLReaders {
    /// What tresor's own reader takes `bytes` to mean, as JSON: quoted scalars and keys are
    /// strings, plain scalars are resolved by the YAML 1.2 core schema.
    public static func meaning(of bytes: [UInt8]) throws -> String {
        let parsed = YAMLParser.parse(bytes)
        if let error = parsed.error { throw ReaderError(description: "tresor cannot parse it: \(error.message)") }
        var json: [UInt8] = []
        func write(_ node: YAMLNode?) {
            switch node {
            case nil: json += Array("null".utf8)
            case .scalar(let scalar, _)?:
                switch scalar.resolved {
                case .null: json += Array("null".utf8)
                case .bool(let flag): json += Array((flag ? "true" : "false").utf8)
                case .int(let value): json += Array(String(value).utf8)
                case .float(let value): json += Array(String(value).utf8)
                case .string(let text): json += jsonString(text)
                }
            case .sequence(let items, _)?:
                json.append(UInt8(ascii: "["))
                for (index, item) in items.enumerated() {
                    if index > 0 { json.append(UInt8(ascii: ",")) }
                    write(item)
                }
                json.append(UInt8(ascii: "]"))
            case .mapping(let pairs, _)?:
                json.append(UInt8(ascii: "{"))
                for (index, pair) in pairs.enumerated() {
                    if index > 0 { json.append(UInt8(ascii: ",")) }
                    guard case .scalar(let key, _) = pair.key else { return json += Array("\"<non-scalar key>\":null".utf8) }
                    json += jsonString(key.text)
                    json.append(UInt8(ascii: ":"))
                    write(pair.value)
                }
                json.append(UInt8(ascii: "}"))
            }
        }
        write(parsed.documents.first?.root)
        return String(decoding: json, as: UTF8.self)
    }

    /// For each file, how PyYAML or ruamel.yaml read it otherwise than `meaning` (JSON);
    /// empty when both read every leaf as meant.
    public static func differences(_ files: [(path: String, meaning: String)]) async throws -> [String] {
        guard !files.isEmpty else { return [] }
        let request = "[" + files.map { file in
            "{\"path\":" + String(decoding: jsonString(file.path), as: UTF8.self) + ",\"meaning\":" + file.meaning + "}"
        }.joined(separator: ",") + "]"
        let output = try await runPython(script, stdin: request)
        guard let differences = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String] else {
            throw ReaderError(description: "the YAML readers answered: \(output)")
        }
        return differences
    }

    /// Every `.yaml` file under `directory` (status, inventory, approvals), read as tresor
    /// reads it, then by the two readers.
    public static func differences(under directory: String) async throws -> [String] {
        let files = (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted().map { directory + "/" + $0 }
        return try await differences(try files.map { ($0, try meaning(of: Array(try Data(contentsOf: URL(fileURLWithPath: $0))))) })
    }

    /// Records an issue for each leaf of a state file under `directory` that PyYAML or
    /// ruamel.yaml read otherwise than tresor.
    public static func expectReadAlike(under directory: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        for difference in try await differences(under: directory) {
            Issue.record("a YAML reader reads a state file otherwise: \(difference)", sourceLocation: sourceLocation)
        }
    }

    /// `text` as a JSON string.
    public static func jsonString(_ text: String) -> [UInt8] {
        // A string always encodes.
        Array((try? JSONEncoder().encode(text)) ?? Data())
    }

    public struct ReaderError: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Runs python3 on its own thread (not one of the cooperative pool's) to its end.
    private static func runPython(_ script: String, stdin: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result {
                        let process = Process()
                        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                        process.arguments = ["python3", "-c", script]
                        let input = Pipe()
                        let output = Pipe()
                        let errors = Pipe()
                        process.standardInput = input
                        process.standardOutput = output
                        process.standardError = errors
                        try process.run()
                        input.fileHandleForWriting.write(Data(stdin.utf8))
                        try input.fileHandleForWriting.close()
                        let stdout = output.fileHandleForReading.readDataToEndOfFile()
                        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
                        process.waitUntilExit()
                        guard process.terminationStatus == 0 else {
                            throw ReaderError(description: "python3 failed (\(process.terminationStatus)): \(String(decoding: stderr, as: UTF8.self))")
                        }
                        return String(decoding: stdout, as: UTF8.self)
                    })
            }.start()
        }
    }

    /// Reads each file with both readers and compares type and value of every leaf, and
    /// every key, with the meaning given. No value is printed: the paths say where.
    public static let script = #"""
import json, sys
import yaml
from ruamel.yaml import YAML

modern = YAML(typ="safe", pure=True)
readers = [("PyYAML (YAML 1.1)", yaml.safe_load), ("ruamel.yaml (YAML 1.2)", modern.load)]

def kind(value):
    if value is None: return "null"
    if isinstance(value, bool): return "a boolean"
    if isinstance(value, int): return "an integer"
    if isinstance(value, float): return "a number"
    if isinstance(value, str): return "a string"
    if isinstance(value, (list, tuple)): return "a sequence"
    if isinstance(value, dict): return "a mapping"
    return type(value).__name__

def compare(got, meant, where, out):
    if isinstance(meant, dict) and isinstance(got, dict):
        for key in got:
            if not isinstance(key, str):
                out.append("%s: key read as %s, not a string" % (where, kind(key)))
            elif key not in meant:
                out.append("%s.%s: not meant to be there" % (where, key))
        for key, value in meant.items():
            if key in got:
                compare(got[key], value, "%s.%s" % (where, key), out)
            elif not any(not isinstance(k, str) for k in got):
                out.append("%s.%s: missing" % (where, key))
    elif isinstance(meant, list) and isinstance(got, list) and len(got) == len(meant):
        for index, (g, m) in enumerate(zip(got, meant)):
            compare(g, m, "%s[%d]" % (where, index), out)
    elif kind(got) != kind(meant):
        out.append("%s: read as %s, meant as %s" % (where, kind(got), kind(meant)))
    elif got != meant:
        out.append("%s: read as another %s" % (where, kind(meant)[2:] if kind(meant).startswith("a ") else kind(meant)))

out = []
for item in json.load(sys.stdin):
    with open(item["path"], encoding="utf-8") as handle:
        text = handle.read()
    for name, load in readers:
        found = []
        try:
            compare(load(text), item["meaning"], "", found)
        except Exception as error:
            found.append("cannot read it: %s" % type(error).__name__)
        out.extend("%s: %s: %s" % (item["path"], name, line) for line in found)
print(json.dumps(out))
"""#
}
