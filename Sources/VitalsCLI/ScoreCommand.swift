import Foundation
import ArgumentParser
import VitalsFeatures
import VitalsFoundation
import VitalsModel
import VitalsScoring
import VitalsSignals
import VitalsViews

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Write score files: a probability and its top drivers for every account or project.",
        discussion: """
            From a signals directory: vitals score DIR --model MODEL [--as-of D] --out OUTDIR writes \
            <task>-scores-<as-of>.csv and .jsonl (the contract's columns), each written whole or not at all, and \
            records the run in the score history (--history, default OUTDIR/history.sqlite; one transaction). \
            previous_probability and change come from the history's newest earlier run, else from the newest \
            earlier score file in OUTDIR. The score files and the history run land together or not at all; runs \
            into one folder take turns; a run killed midway is finished or undone by the next run into the folder.
            From a feature table: vitals score --model MODEL --table FILE --out OUTDIR writes table-scores.csv and .jsonl.
            Exit codes: 0 done; 64 usage, or an as-of date outside the data; 65 bad data, model file or history, or a \
            signal file the model needs is missing; 66 input unreadable; 73 output cannot be written; 75 the \
            history stayed locked for 30 s.
            """
    )

    @Argument(help: "The signals directory to score (or use --table).")
    var directory: String?

    @Option(help: "The model file.")
    var model: String

    @Option(help: ArgumentHelp("Score as of this date (default: the end of the data).", valueName: "YYYY-MM-DD"))
    var asOf: Day?

    @Option(help: "A CSV feature table to score.")
    var table: String?

    @Option(help: "The directory for the score files (created if missing).")
    var out: String

    @Option(help: "The SQLite score history to append the run to (default: history.sqlite in the --out directory).")
    var history: String?

    @Flag(help: "Keep no score history.")
    var noHistory = false

    @Flag(help: "Score even when a signal file the model was trained on is missing (with a warning).")
    var allowMissingSignals = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard (directory == nil) != (table == nil) else { throw ValidationError("give a signals directory or --table, not both") }
        if noHistory, history != nil { throw ValidationError("--history and --no-history contradict each other") }
    }

    func run() throws {
        let logger = logging.setUp()
        // The model first: a damaged model file is refused before a large book is read.
        let file = try runReporting { try ModelFile.load(path: model) }
        // Scoring one known date reads only its usage window's rows (and what the earlier rows
        // say): the index would keep no more (asOfOnly), and the whole table need never be held.
        let options = SignalsReadOptions(usageWindow: asOf.map { SignalsIndex.usageWindow(asOf: $0) })
        var dataset = try directory.map { try readSignals($0, logger: logger, options: options) }
        let (paths, notes): ([String], [String]) = try runReporting {
            // The output directory and the history are created only once there is something to write.
            if let directory, dataset != nil {
                let historyPath = noHistory ? nil : history ?? (out as NSString).appendingPathComponent("history.sqlite")
                // The dataset is handed over (taken, not copied), so the index can release the usage
                // table as it folds it in; a score run asks about its as-of date alone.
                let input = ScoringInput(model: file, dataset: dataset.take()!, directory: directory, asOf: asOf,
                                         allowMissingSignals: allowMissingSignals, asOfOnly: true, logger: logger)
                let outcome = try ScoringRun(input: input, outDirectory: out, historyPath: historyPath, logger: logger,
                                                 describeDrivers: RankedDriver.describer()).run()
                return (outcome.written, (outcome.recoveryNote.map { ["note: \($0)"] } ?? []) + outcome.warnings.map { "warning: \($0)" }
                    + (outcome.replacedNote.map { [$0] } ?? [])
                    + [outcome.changesNote] + (outcome.historyNote.map { [$0] } ?? []))
            }
            let scoring = TableScoring(model: file, tablePath: table!)
            do {
                return (try scoring.run().write(directory: out, stem: scoring.stem), [])
            } catch let error as ModelKindError {
                printError("error: \(error); score it with vitals score DIR")
                throw VitalsExitCode.dataError
            }
        }
        for note in notes { printError(note) }
        for path in paths { print("wrote \(path)") }
    }
}
