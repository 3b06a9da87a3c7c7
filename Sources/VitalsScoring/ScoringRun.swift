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
/// the output directory. The score files are written first, each atomically; the history
/// append is one transaction after them, so a crash leaves the history as it was.
public struct ScoringRun: Sendable {
    public var input: ScoringInput
    /// Where the score files go (created when missing).
    public var outDirectory: String
    /// The history file; nil to keep none.
    public var historyPath: String?
    /// Receives the stage timings (index, features, score, score_rows, write, history).
    public var logger: Logger

    public init(input: ScoringInput, outDirectory: String, historyPath: String?, logger: Logger = .silent) {
        self.input = input
        self.outDirectory = outDirectory
        self.historyPath = historyPath
        self.logger = logger
    }

    public struct Outcome: Sendable {
        public let written: [String]
        public let warnings: [String]
        public let snapshot: ScoredSnapshot
        public let scores: ScoreTable
        /// Where the changes came from, or why there are none.
        public let changesNote: String
        public let historyNote: String?
    }

    public func run() throws -> Outcome {
        // An existing history gives the previous scores; a new one is created only after the score
        // files are written, so a run that fails leaves no empty history behind.
        let existing = try historyPath.flatMap { FileManager.default.fileExists(atPath: $0) ? try ScoreHistory(path: $0) : nil }
        let (snapshot, warnings) = try input.snapshot(logger: logger)
        let task = snapshot.task, day = snapshot.asOf
        let previous = try existing.flatMap { try PreviousScores.history($0, task: task, before: day) }
            ?? PreviousScores.scoreFiles(in: outDirectory, task: task, before: day)
        let scores = logger.timed("score_rows") { ScoreFile.table(snapshot, previous: previous?.probabilities ?? [:]) }
        let written = try logger.timed("write") { try scores.write(directory: outDirectory, stem: ScoreFile.stem(task: task, asOf: day)) }
        var historyNote: String?
        if let history = try existing ?? historyPath.map({ try ScoreHistory(path: $0) }) {
            let records = HistoryRecords.scores(snapshot)
            let run = ScoreHistory.Run(task: task.rawValue, asOf: "\(day)", modelID: snapshot.model.modelID,
                                       scoreFile: (written[0] as NSString).lastPathComponent, rows: records.count)
            try logger.timed("history") { try history.append(run, scores: records) }
            historyNote = "recorded \(records.count) scores as of \(day) in \(history.path)"
        }
        let changesNote = previous.map { "changes since \($0.source)" }
            ?? "no earlier run in the history or score file in \(outDirectory): no changes to show"
        return Outcome(written: written, warnings: warnings, snapshot: snapshot, scores: scores, changesNote: changesNote, historyNote: historyNote)
    }
}

/// What the history keeps of a scored snapshot: per entity the probability, the log-odds,
/// the state and, for accounts, the band and ARR.
public enum HistoryRecords {
    public static func scores(_ snapshot: ScoredSnapshot) -> [ScoreHistory.Score] {
        let arr = snapshot.dataset.accounts.arr
        let isChurn = snapshot.task == .churn
        return (0..<snapshot.rowCount).map { r in
            ScoreHistory.Score(
                entityID: snapshot.ids[r], probability: snapshot.probabilities[r], riskBand: isChurn ? snapshot.band(r).rawValue : nil,
                healthState: snapshot.stateName(r), arr: isChurn ? arr?[Int(snapshot.table.entities[r])] : nil,
                logOdds: snapshot.decisionValues[r])
        }
    }
}
