import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The "returns within 1 s" property, in CPU time spent by the process on one input. A
/// loaded machine stretches wall-clock time, not CPU time, so a busy CI cannot fail it;
/// libFuzzer's wall-clock `-timeout` stays as a backstop for an input that never returns.
///
///     let budget = CPUBudget()
///     defer { budget.check() }
public struct CPUBudget {
    /// `FUZZ_CPU_SECONDS` (Fuzz/run.sh sets it from FUZZ_TIMEOUT), else 1.
    static let seconds: Double = ProcessInfo.processInfo.environment["FUZZ_CPU_SECONDS"].flatMap(Double.init) ?? 1

    private let start: Double

    public init() {
        start = Self.processCPUSeconds()
    }

    public func check() {
        let spent = Self.processCPUSeconds() - start
        property(spent <= Self.seconds, "the input took \(spent) s of CPU time, more than the \(Self.seconds) s budget")
    }

    static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
