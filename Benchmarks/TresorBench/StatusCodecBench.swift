import Foundation
import TresorCore

/// Status files written and read both ways in one run: the hand-built tree and reader
/// tresor uses for ``SecretStatus``, and the generic Codable path the other state files
/// take (``CodableStatus``: the same members with compiler-written conformances). The
/// figure that justifies keeping the hand-built path.
func statusCodecBenchmark(root: URL) throws {
    let count = 10_000
    let template = try StatusCoding.decode(SecretStatus.self, from: Array(statusTemplate.utf8))
    let codableTemplate = try StatusCoding.decode(CodableStatus.self, from: Array(statusTemplate.utf8))
    let statuses: [SecretStatus] = (0..<count).map { index in
        var status = template
        status.name = "secret-\(index)"
        return status
    }
    let codableStatuses: [CodableStatus] = (0..<count).map { index in
        var status = codableTemplate
        status.name = "secret-\(index)"
        return status
    }
    let directory = root.appendingPathComponent("status-codec")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

    // Encoding and decoding are timed apart from the files, whose cost is the same both ways.
    var handBytes: [[UInt8]] = []
    let handEncode = try seconds { handBytes = try statuses.map { try StatusCoding.encodeBytes($0) } }
    var codableBytes: [[UInt8]] = []
    let codableEncode = try seconds { codableBytes = try codableStatuses.map { try StatusCoding.encodeBytes($0) } }
    let handWrite = try seconds {
        for (index, bytes) in handBytes.enumerated() { try Data(bytes).write(to: directory.appendingPathComponent("hand-\(index).yaml")) }
    }
    let codableWrite = try seconds {
        for (index, bytes) in codableBytes.enumerated() { try Data(bytes).write(to: directory.appendingPathComponent("codable-\(index).yaml")) }
    }
    guard handBytes == codableBytes else {
        print("status codec benchmark: the two writers disagree")
        exit(1)
    }
    var handFiles: [[UInt8]] = []
    let handLoad = try seconds {
        handFiles = try (0..<count).map { Array(try Data(contentsOf: directory.appendingPathComponent("hand-\($0).yaml"))) }
    }
    var codableFiles: [[UInt8]] = []
    let codableLoad = try seconds {
        codableFiles = try (0..<count).map { Array(try Data(contentsOf: directory.appendingPathComponent("codable-\($0).yaml"))) }
    }
    var handRead: [SecretStatus] = []
    let handDecode = try seconds { handRead = try handFiles.map { try StatusCoding.decode(SecretStatus.self, from: $0) } }
    var codableRead: [CodableStatus] = []
    let codableDecode = try seconds { codableRead = try codableFiles.map { try StatusCoding.decode(CodableStatus.self, from: $0) } }
    guard handRead == statuses, codableRead == codableStatuses else {
        print("status codec benchmark: a reader does not read back what was written")
        exit(1)
    }
    let peak = peakMemoryMiB()
    report("status encode 10,000, hand-built tree", seconds: handEncode, peakMiB: peak, target: "-")
    report("status encode 10,000, through Codable", seconds: codableEncode, peakMiB: peak, target: "-")
    report("status decode 10,000, hand-built reader", seconds: handDecode, peakMiB: peak, target: "-")
    report("status decode 10,000, through Codable", seconds: codableDecode, peakMiB: peak, target: "-")
    print(String(format: "  (the files themselves, the same both ways: written %.3f / %.3f s, read %.3f / %.3f s)",
        handWrite, codableWrite, handLoad, codableLoad))
}

/// A status as `apply` leaves it for a secret with a sync target and two versions.
private let statusTemplate = """
    name: template
    type: basicAuth
    state: active
    observedGeneration: "34ad98dcd885937c"
    sourceProfile: bao
    appliedInputs: "hmac-sha256:6f8ae21db88c06a3ffaf66fc67243efc45e8c366c2c48699a905347d2bed2660"
    lastReconciledAt: "2026-12-07T11:27:29.498Z"
    conditions:
      - type: Ready
        status: "True"
        reason: Reconciled
        message: "bao holds version 2"
        lastTransitionTime: "2026-12-07T06:14:15.662Z"
      - type: Synced
        status: "True"
        reason: Synced
        message: "every sync target holds version 2"
        lastTransitionTime: "2026-12-07T06:14:15.662Z"
    targets:
      bao:
        role: source
        path: apps/payments/db
        fingerprint: "hmac-sha256:2d75fbfc77379a6ce8180fdaaf2886b02a646608e47c80f1def64a39479b0529"
        vaultVersion: "2"
        lastSyncedAt: "2026-12-07T06:14:15.662Z"
      aws:
        role: sync
        path: apps/payments/db
        fingerprint: "hmac-sha256:2d75fbfc77379a6ce8180fdaaf2886b02a646608e47c80f1def64a39479b0529"
        vaultVersion: "b7c6a3e0-5d1e-4a8c-9f0e-1d2c3b4a5e6f"
        lastSyncedAt: "2026-12-07T06:14:15.662Z"
    versions:
      - number: 1
        fingerprint: "hmac-sha256:0d75fbfc77379a6ce8180fdaaf2886b02a646608e47c80f1def64a39479b0529"
        vaultProfile: bao
        vaultVersion: "1"
        createdAt: "2026-12-06T06:14:15.662Z"
      - number: 2
        fingerprint: "hmac-sha256:2d75fbfc77379a6ce8180fdaaf2886b02a646608e47c80f1def64a39479b0529"
        vaultProfile: bao
        vaultVersion: "2"
        createdAt: "2026-12-07T06:14:15.662Z"
    labels:
      team: payments
    origin:
      column: 9
      file: manifests/payments.yaml
      line: 5

    """
