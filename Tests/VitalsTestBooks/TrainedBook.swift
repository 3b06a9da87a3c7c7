import Foundation
import VitalsFoundation
import VitalsModel
import VitalsSimulation
import VitalsTestSupport
import VitalsTraining

/// A simulated book with churn and overrun models trained on it in process, with the
/// shipped configs (Training/*.yaml) and labels known by `cutoff`, as `make demo` trains
/// them: what the scoring and view tests score with.
public final class TrainedBook: @unchecked Sendable {
    public static let config = SimulationConfig(accounts: 700, months: 24, seed: 42)
    /// The training cutoff (`--until`).
    public static let cutoff = Day("2025-06-30")!

    public let book: TestBook
    public let churn: Trainer.Result
    public let overrun: Trainer.Result

    private init() throws {
        book = try TestBook.shared(Self.config)
        churn = try Self.train(.churn, book)
        overrun = try Self.train(.overrun, book)
    }

    /// Trains a task's model on `book` with its shipped config, changed by `configure`.
    public static func train(_ task: RiskTask, _ book: TestBook, until: Day = cutoff, configure: (inout TrainingConfig) -> Void = { _ in }) throws
        -> Trainer.Result
    {
        var config = try TrainingConfig.load(path: Fixtures.packageRoot.appendingPathComponent("Training/\(task.rawValue).yaml").path)
        configure(&config)
        return try Trainer(config: config, program: "vitals test").train(.signals(directory: book.signals, dataset: book.dataset, until: until))
    }

    private static let cache = BuiltOnce<TrainedBook>()

    public static func shared() throws -> TrainedBook { try cache.value(TrainedBook.init) }
}
