import Foundation
import TresorCore
import TresorEngine
import TresorVaults

/// What the JSON written per secret costs: an audit line (an apply writes one per change
/// of every secret) and the two HashiCorp request bodies of a created secret (its data
/// with compare-and-set, its ownership mark as custom metadata). Per item, and as a share
/// of a first apply of 100,000 secrets.
func jsonWriterBenchmark(root: URL) throws {
    let count = 100_000
    let fingerprint = "hmac-sha256:" + String(repeating: "0123456789abcdef", count: 4)
    let events = (0..<count).map { index in
        AuditEvent(
            time: Date(timeIntervalSince1970: 1_800_000_000 + Double(index) / 1000), actor: "user:alice", secret: "secret-\(index)",
            vaultProfile: "bench-bao", operation: "create", outcome: "success", fingerprint: fingerprint, vaultVersion: "1")
    }
    let data = (0..<count).map { ["username": "app", "password": "Generated-Value-\($0)-0123456789/+="] }
    let mark = (0..<count).map { index in
        [
            "managed-by": "tresor", "tresor-secret": "secret-\(index)", "tresor-type": "basicAuth", "tresor-fingerprint": fingerprint,
            "tresor-gen-password": fingerprint,
        ]
    }
    var written = 0
    let lines = seconds {
        for event in events { written += event.jsonLine(previous: AuditChain.genesis).count }
    }
    let bodies = seconds {
        for index in 0..<count {
            written += HashiCorpRequestBody.write(data: data[index], cas: 0).count
            written += HashiCorpRequestBody.metadata(custom: mark[index]).count
        }
    }
    print(String(format: "  (%d bytes written)", written))
    report(
        String(format: "audit line: %.2f µs each", lines / Double(count) * 1e6), seconds: lines, peakMiB: peakMemoryMiB(),
        target: "100,000 lines; vs ~50 s first apply")
    report(
        String(format: "HashiCorp request body: %.2f µs each", bodies / Double(2 * count) * 1e6), seconds: bodies,
        peakMiB: peakMemoryMiB(), target: "200,000 bodies (2 a secret)")
}
