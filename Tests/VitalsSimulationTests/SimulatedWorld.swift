import Foundation
import VitalsFoundation
import VitalsSignals
import VitalsSimulation
import VitalsTestSupport

/// One simulated book, written once with its truth and read back with the real
/// reader, shared by the contract and statistical tests.
final class SimulatedWorld: @unchecked Sendable {
    static let config = SimulationConfig(accounts: 500, months: 24, seed: 2024)

    let signals: String
    let truth: String
    let summary: SimulationSummary
    let dataset: SignalsDataset
    let report: SignalsReadReport

    private init() throws {
        let dir = try TemporaryDirectory("simulated-world")
        signals = dir.path("signals")
        truth = dir.path("truth")
        summary = try Simulator(config: Self.config).write(signalsDirectory: signals, truthDirectory: truth, overwrite: false)
        let result = try SignalsReader().read(directory: signals)
        dataset = result.dataset
        report = result.report
    }

    private static let cache = BuiltOnce<SimulatedWorld>()

    static func shared() throws -> SimulatedWorld { try cache.value(SimulatedWorld.init) }

    /// A truth file as rows of named fields. The truth files hold no quoted fields
    /// (ids, words, dates and numbers only), so splitting on commas is exact.
    func truthRows(_ file: TruthFile) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: truth + "/" + file.fileName, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        precondition(header.joined(separator: ",") == file.header, "\(file.fileName) header")
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }
}
