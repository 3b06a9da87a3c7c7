import Foundation

// What every benchmark here shares: a seeded generator, a monotonic clock, and the
// machine facts each run prints (the machine is shared, so the load matters).

// The seeded generator is VitalsFoundation's SplitMix64, with the draws synthetic data needs.
@_exported import VitalsFoundation

extension SplitMix64 {
    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    /// Uniform in 0..<n.
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u = max(unit(), 0x1p-60), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

public func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

public func cpuModel() -> String {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
    return line?.split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
}

/// The 1-, 5- and 15-minute load averages: the machine is shared, so they say how quiet it was.
public func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

