import Foundation
import VitalsSignals
import VitalsSimulation
import VitalsTestSupport

/// One simulated book, written once and read back with the real reader, shared
/// by the statistical tests.
final class SimulatedWorld: @unchecked Sendable {
    static let config = SimulationConfig(accounts: 500, months: 24, seed: 2024)

    let signals: String
    let truth: String
    let dataset: SignalsDataset
    let report: SignalsReadReport

    private init() throws {
        let dir = try TemporaryDirectory("simulated-world")
        signals = dir.path("signals")
        truth = dir.path("truth")
        _ = try Simulator(config: Self.config).write(signalsDirectory: signals, truthDirectory: truth, overwrite: false)
        let result = try SignalsReader().read(directory: signals)
        dataset = result.dataset
        report = result.report
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: SimulatedWorld?

    static func shared() throws -> SimulatedWorld {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let world = try SimulatedWorld()
        cached = world
        return world
    }

    /// Rows of a truth CSV (simple: the truth files hold no quoted fields).
    func truthRows(_ name: String) throws -> [[String]] {
        try String(contentsOfFile: truth + "/" + name, encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }
}
