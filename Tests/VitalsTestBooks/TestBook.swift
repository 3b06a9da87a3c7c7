import Foundation
import VitalsFeatures
import VitalsFoundation
import VitalsSignals
import VitalsSimulation
import VitalsTestSupport

/// A simulated book written once per test process (per configuration) and read with the
/// real reader, shared by the suites that need one.
public final class TestBook: @unchecked Sendable {
    /// The feature tests' small book.
    public static let small = SimulationConfig(accounts: 400, months: 24, seed: 77)

    public let config: SimulationConfig
    public let directory: TemporaryDirectory
    /// The signals directory.
    public let signals: String
    /// The latent truth (`--truth`), which models never read.
    public let truth: String
    public let dataset: SignalsDataset
    public let index: SignalsIndex

    private init(config: SimulationConfig) throws {
        self.config = config
        directory = try TemporaryDirectory("book-\(config.accounts)-\(config.seed)")
        signals = directory.path("signals")
        truth = directory.path("truth")
        _ = try Simulator(config: config).write(signalsDirectory: signals, truthDirectory: truth, overwrite: false)
        dataset = try SignalsReader().read(directory: signals).dataset
        index = SignalsIndex(dataset)
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: [String: TestBook] = [:]

    /// The book of `config`, simulated on first use.
    public static func shared(_ config: SimulationConfig = small) throws -> TestBook {
        lock.lock()
        defer { lock.unlock() }
        let key = "\(config.accounts)-\(config.months)-\(config.seed)-\(config.start)"
        if let book = cached[key] { return book }
        let book = try TestBook(config: config)
        cached[key] = book
        return book
    }
}
