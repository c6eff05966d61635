import Foundation
import Testing
import TresorCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import TresorEngine

@Suite struct ComplianceReportTests {
    static func status(_ name: String, enforcement: String, rules: [RuleResult], line: Int) -> SecretStatus {
        var status = SecretStatus(name: name, type: .apiKey, sourceProfile: "main")
        status.origin = ManifestOrigin(SourceLocation(file: "secrets/app.yaml", line: line, column: 17))
        status.compliance = ComplianceStatus(
            profile: "baseline", enforcement: enforcement, overall: ComplianceOverall.combining(rules.map(\.result)), rules: rules,
            fingerprint: nil, rulesDigest: "x", checkedAt: Date(timeIntervalSince1970: 0))
        return status
    }

    static let statuses = [
        status(
            "api", enforcement: "deny",
            rules: [
                RuleResult(name: "long", kind: "minLength", result: .nok, message: "spec.content.content has 8 characters; <at least> 24 & \"more\""),
                RuleResult(name: "jwt", kind: "jwt", result: .na, message: "jwt does not apply to apiKey secrets"),
                RuleResult(name: "labels", kind: "requiredLabels", result: .ok, message: "carries team"),
            ], line: 4),
        status(
            "other", enforcement: "audit",
            rules: [RuleResult(name: "store", kind: "keyStore", result: .notAvailable, message: "spec.content.password could not be read")],
            line: 12),
        SecretStatus(name: "plain", type: .generic, sourceProfile: "main"),
    ]

    final class Collector: NSObject, XMLParserDelegate, @unchecked Sendable {
        var elements: [(String, [String: String])] = []
        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append((name, attributes))
        }
    }

    @Test func junitIsWellFormedXMLWithOneCasePerRule() throws {
        let xml = ComplianceReport(Self.statuses).junit()
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        let root = try #require(collector.elements.first)
        #expect(root.0 == "testsuites")
        #expect(root.1["tests"] == "4" && root.1["failures"] == "1" && root.1["errors"] == "1" && root.1["skipped"] == "1")
        let cases = collector.elements.filter { $0.0 == "testcase" }
        #expect(cases.count == 4)
        #expect(cases.first?.1["classname"] == "Secret.api")
        #expect(cases.first?.1["file"] == "secrets/app.yaml" && cases.first?.1["line"] == "4")
        let failure = try #require(collector.elements.first { $0.0 == "failure" })
        #expect(failure.1["message"]?.contains("<at least> 24 & \"more\"") == true)
        #expect(collector.elements.contains { $0.0 == "skipped" } && collector.elements.contains { $0.0 == "error" })
    }

    @Test func githubAnnotationsCarryFileAndLine() {
        let lines = ComplianceReport(Self.statuses).github().split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("::error file=secrets/app.yaml,line=4,col=17,title=compliance%3A api / long::Secret 'api' rule 'long'"))
        #expect(lines[1].hasPrefix("::warning file=secrets/app.yaml,line=12,col=17,"))
        #expect(lines[2] == "compliance: 2 nok (1 without a profile)")
    }

    @Test func describeShowsEveryRule() {
        let text = StatusTables.describe(Self.statuses[0])
        #expect(text.contains("Compliance:    nok  (profile baseline, deny, checked 1970-01-01T00:00:00.000Z)"))
        #expect(text.contains("  long (minLength)  nok: spec.content.content has 8 characters"))
        #expect(!StatusTables.describe(Self.statuses[2]).contains("Compliance:"))
    }

    @Test func summaryAndViolations() {
        let report = ComplianceReport(Self.statuses)
        #expect(report.hasViolations)
        #expect(report.summary() == "compliance: 2 nok (1 without a profile)")
        #expect(report.counts == [.ok: 0, .nok: 2, .na: 0, .notChecked: 0, .failed: 0])
        #expect(report.table().contains("api      baseline   nok       long"))
        let clean = ComplianceReport([Self.status("ok", enforcement: "deny", rules: [RuleResult(name: "a", kind: "jwt", result: .ok, message: "fine")], line: 1)])
        #expect(!clean.hasViolations)
        let json = try? JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any]
        #expect((json?["secrets"] as? [Any])?.count == 2)
    }
}
