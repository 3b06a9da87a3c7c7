import Foundation
import VitalsHistory
import VitalsModel
import VitalsSignals
import VitalsTraining

/// `vitals score DIR --model MODEL --out OUTDIR [--history FILE]`: scores a signals
/// directory, writes the score files, and records the run in the score history.
///
/// previous_probability and change come from the history's newest run of the task before
/// the as-of date; with no such run (or no history), from the newest earlier score file in
/// the output directory. The score files are written first, each atomically; the history
/// append is one transaction after them, so a crash leaves the history as it was.
public struct ScoringRun: Sendable {
    /// What to score and where the score files go.
    public var scoring: SignalsScoring
    /// The history file; nil to keep none.
    public var historyPath: String?

    public init(scoring: SignalsScoring, historyPath: String?) {
        self.scoring = scoring
        self.historyPath = historyPath
    }

    public struct Outcome: Sendable {
        public let written: [String]
        public let warnings: [String]
        /// Where the changes came from, or why there are none.
        public let changesNote: String
        public let historyNote: String?
    }

    public func run() throws -> Outcome {
        // An existing history gives the previous scores; a new one is created only after the score
        // files are written, so a run that fails leaves no empty history behind.
        let existing = try historyPath.flatMap { FileManager.default.fileExists(atPath: $0) ? try ScoreHistory(path: $0) : nil }
        let (model, dataset, outDirectory) = (scoring.model, scoring.dataset, scoring.outDirectory)
        let task = model.task.rawValue
        let result = try scoring.run { day in
            try existing?.previousScores(task: task, before: "\(day)").map { run, scores in
                ("\(existing!.path) (run of \(run.asOf), model \(run.modelID))", scores.mapValues(\.probability))
            }
        }
        let written = try scoring.logger.timed("write") { try result.scores.write(directory: outDirectory, stem: result.stem) }
        let history = try existing ?? historyPath.map { try ScoreHistory(path: $0) }
        var historyNote: String?
        if let history {
            let snapshot = result.snapshot
            let arr = dataset.accounts.arr
            let scores = (0..<snapshot.rowCount).map { r -> ScoreHistory.Score in
                let isChurn = model.task == .churn
                return ScoreHistory.Score(
                    entityID: snapshot.ids[r], probability: snapshot.probabilities[r],
                    riskBand: isChurn ? SignalsScoring.band(snapshot.probabilities[r], snapshot.spec.riskBands) : nil,
                    healthState: snapshot.stateName(r), arr: isChurn ? arr?[Int(snapshot.table.entities[r])] : nil,
                    logOdds: snapshot.decisionValues[r])
            }
            let run = ScoreHistory.Run(task: task, asOf: "\(result.asOf)", modelID: model.modelID,
                                       scoreFile: (written[0] as NSString).lastPathComponent, rows: scores.count)
            try scoring.logger.timed("history") { try history.append(run, scores: scores) }
            historyNote = "recorded \(scores.count) scores as of \(result.asOf) in \(history.path)"
        }
        let changesNote = result.previousSource.map { "changes since \($0)" }
            ?? "no earlier run in the history or score file in \(outDirectory): no changes to show"
        return Outcome(written: written, warnings: result.warnings, changesNote: changesNote, historyNote: historyNote)
    }
}

