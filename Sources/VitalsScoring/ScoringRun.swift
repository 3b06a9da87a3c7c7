import Foundation
import Logging
import VitalsFoundation
import VitalsHistory
import VitalsModel
import VitalsSignals

/// `vitals score DIR --model MODEL --out OUTDIR [--history FILE]`: scores a signals
/// directory, writes the score files, and records the run in the score history.
///
/// previous_probability and change come from the history's newest run of the task before
/// the as-of date; with no such run (or no history), from the newest earlier score file in
/// the output directory. The score files and the history run land as one unit
/// (`ScoreFolder.publish`): both files and the run, or nothing. Runs into one folder take
/// turns (the folder's lock); a run that fails leaves the folder and the history as they
/// were, and removes a folder or history it created.
public struct ScoringRun: Sendable {
    public var input: ScoringInput
    /// Where the score files go (created when missing).
    public var outDirectory: String
    /// The history file; nil to keep none.
    public var historyPath: String?
    /// Receives the stage timings (index, features, score, score_rows, write, history) and notes.
    public var logger: Logger
    /// Names each row's top drivers in words (the views' phrases, which the CLI hands in);
    /// nil writes the drivers without phrases.
    public var describeDrivers: ScoreFile.DriverDescriber?

    public init(input: ScoringInput, outDirectory: String, historyPath: String?, logger: Logger = .silent,
                describeDrivers: ScoreFile.DriverDescriber? = nil) {
        self.input = input
        self.outDirectory = outDirectory
        self.historyPath = historyPath
        self.logger = logger
        self.describeDrivers = describeDrivers
    }

    public struct Outcome: Sendable {
        public let written: [String]
        public let warnings: [String]
        public let snapshot: ScoredSnapshot
        public let scores: ScoreTable
        /// Where the changes came from, or why there are none.
        public let changesNote: String
        public let historyNote: String?
        /// What recovering an interrupted earlier run did, if there was one.
        public let recoveryNote: String?
        /// The one-line notice that this run replaced the history's run of the same task, date and model.
        public let replacedNote: String?
    }

    /// The size of the file at `path`, nil when there is none.
    static func size(of path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.map { $0.intValue }
    }

    public func run() throws -> Outcome {
        // A history that is there is identified first, read-only: a foreign or newer file is
        // refused before any scoring, and nothing in it is touched. An empty file is judged only
        // under the folder's lock: outside it, it may be one a concurrent run is creating.
        if let historyPath, Self.size(of: historyPath).map({ $0 > 0 }) ?? false {
            _ = try ScoreHistory(path: historyPath, access: .read)
        }
        let (snapshot, warnings) = try input.snapshot(logger: logger)
        let task = snapshot.task, day = snapshot.asOf

        let folder = ScoreFolder(directory: outDirectory)
        let createdFolder = try folder.create()
        var createdHistory = false
        do {
            let lock = try folder.lock(logger: logger)
            defer { lock.release() }
            let recoveryNote = try folder.recover()
            createdHistory = historyPath.map { !FileManager.default.fileExists(atPath: $0) } ?? false
            // Under the lock no run is half-way through creating it: an empty file is someone else's.
            if let historyPath, Self.size(of: historyPath) == 0 { throw ScoreHistory.NotAHistory.empty(historyPath) }
            let history = try historyPath.map { try ScoreHistory(path: $0, access: .write) }
            let previous = try history.flatMap { try PreviousScores.history($0, task: task, before: day) }
                ?? PreviousScores.scoreFiles(in: outDirectory, task: task, before: day)
            let scores = logger.timed("score_rows") { ScoreFile.table(snapshot, previous: previous?.probabilities ?? [:], describe: describeDrivers) }
            let stem = ScoreFile.stem(task: task, asOf: day)
            let records = HistoryRecords.scores(snapshot, table: scores)
            // Scoring the same task, date and model again replaces that run: said, not done silently.
            let replaced = try history.flatMap { try $0.run(task: task.rawValue, asOf: "\(day)", modelID: snapshot.model.modelID) }
            let entry = history.map {
                ScoreFolder.HistoryRun(history: $0, run: ScoreHistory.Run(task: task.rawValue, asOf: "\(day)", modelID: snapshot.model.modelID,
                                                                         scoreFile: stem + ".csv", rows: records.count),
                                       scores: records)
            }
            let written = try logger.timed("write") { try folder.publish(try scores.files(stem: stem), history: entry) }
            let changesNote = previous.map { "changes since \($0.source)" }
                ?? "no earlier run in the history or score file in \(outDirectory): no changes to show"
            let replacedNote = replaced.map {
                "note: this run replaces the history's earlier \(task.rawValue) run as of \($0.asOf) with model \($0.modelID)"
                    + ($0.createdAt.map { " (recorded \($0))" } ?? "")
            }
            return Outcome(written: written, warnings: warnings, snapshot: snapshot, scores: scores, changesNote: changesNote,
                           historyNote: history.map { "recorded \(records.count) scores as of \(day) in \($0.path)" }, recoveryNote: recoveryNote,
                           replacedNote: replacedNote)
        } catch {
            if let failure = error as? ScoreFolder.Failure, failure.afterCommit { throw error }
            // Whatever this run created goes with it.
            if createdHistory, let historyPath {
                for suffix in ["", "-journal", "-wal", "-shm"] { unlink(historyPath + suffix) }
            }
            if createdFolder { try? FileManager.default.removeItem(atPath: outDirectory) }
            throw error
        }
    }
}

/// What the history keeps of a scored snapshot: per entity the probability, the log-odds,
/// the band, the state (phase), the top drivers as the score file writes them (`table`'s
/// `top_drivers`, when given) and, for accounts, the ARR.
public enum HistoryRecords {
    public static func scores(_ snapshot: ScoredSnapshot, table: ScoreTable? = nil) -> [ScoreHistory.Score] {
        let arr = snapshot.dataset.accounts.arr
        let isChurn = snapshot.task == .churn
        let driversColumn = table?.columns.firstIndex(of: "top_drivers")
        return (0..<snapshot.rowCount).map { r in
            var drivers: String?
            if let table, let driversColumn, case let .drivers(d) = table.rows[r][driversColumn] { drivers = ScoreTable.driversText(d) }
            return ScoreHistory.Score(
                entityID: snapshot.ids[r], probability: snapshot.probabilities[r], riskBand: snapshot.band(r).rawValue,
                healthState: snapshot.stateName(r), arr: isChurn ? arr?[Int(snapshot.table.entities[r])] : nil,
                logOdds: snapshot.decisionValues[r], topDrivers: drivers)
        }
    }
}
