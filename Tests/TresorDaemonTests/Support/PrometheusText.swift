import TresorTestSupport

/// A strict reader of the Prometheus text exposition format (0.0.4): `# HELP` and
/// `# TYPE` lines, then samples `name{label="value",…} number`. Throws on any line that
/// is not of that form, so a test that scrapes `/metrics` also checks the format.
struct PrometheusText {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    var types: [String: String] = [:]

    init(_ text: String) throws {
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = String(rawLine)
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                    throw CommandFailed(description: "bad TYPE line: \(line)")
                }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            samples.append(try Self.sample(line))
        }
    }

    /// The sum of the samples of `name` whose labels include `labels`. Throws when there
    /// is none, so that a check for 0 fails when the metric is not exposed at all.
    func value(_ name: String, _ labels: [String: String] = [:]) throws -> Double {
        let matching = samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
        guard !matching.isEmpty else { throw CommandFailed(description: "no sample \(name)\(labels.isEmpty ? "" : " \(labels)") is exposed") }
        return matching.reduce(0) { $0 + $1.value }
    }

    /// A counter's count, 0 when no sample of it is exposed yet: counters with labels
    /// appear at their first increment. For "before" readings only; a check of the count
    /// itself uses ``value(_:_:)``.
    func countSoFar(_ name: String, _ labels: [String: String] = [:]) -> Double {
        (try? value(name, labels)) ?? 0
    }

    func has(_ name: String) -> Bool { samples.contains { $0.name == name } }

    static func sample(_ line: String) throws -> Sample {
        var rest = Substring(line)
        let nameEnd = rest.firstIndex { $0 == "{" || $0 == " " } ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }), !(name.first?.isNumber ?? true)
        else { throw CommandFailed(description: "bad metric name in: \(line)") }
        rest = rest[nameEnd...]
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                guard let equals = rest.firstIndex(of: "=") else { throw CommandFailed(description: "bad labels in: \(line)") }
                let key = String(rest[..<equals])
                rest = rest[rest.index(after: equals)...]
                guard rest.first == "\"" else { throw CommandFailed(description: "unquoted label in: \(line)") }
                rest = rest.dropFirst()
                var value = ""
                while let character = rest.first, character != "\"" {
                    if character == "\\" {
                        rest = rest.dropFirst()
                        guard let escaped = rest.first else { break }
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                    rest = rest.dropFirst()
                }
                guard rest.first == "\"" else { throw CommandFailed(description: "unterminated label in: \(line)") }
                rest = rest.dropFirst()
                labels[key] = value
                if rest.first == "," { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        }
        let fields = rest.split(separator: " ")
        guard fields.count == 1 || fields.count == 2, let value = Double(fields[0]) ?? (fields[0] == "+Inf" ? .infinity : nil) else {
            throw CommandFailed(description: "bad sample value in: \(line)")
        }
        return Sample(name: name, labels: labels, value: value)
    }
}
