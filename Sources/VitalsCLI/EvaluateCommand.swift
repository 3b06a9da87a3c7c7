import Foundation
import ArgumentParser
import VitalsEvaluation
import VitalsFoundation
import VitalsModel
import VitalsScoring
import VitalsSignals
import VitalsViews

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a model on labelled data it was not trained on, beside baselines.",
        discussion: """
            From a signals directory: vitals evaluate DIR --model MODEL --from D1 --to D2 scores the snapshots in \
            [D1, D2], which must come after the model's training snapshots (--allow-overlap to override), and prints \
            AUC, PR AUC, log loss, Brier, ECE, precision/recall@k, ARR-weighted recall@k and decile lift, for the model \
            and two baselines: the Markov-only score and a naive rule ("usage dropped" for churn, "burn rate > 1" for \
            overrun). For an overrun model it also scores the hour forecast (EAC) on every snapshot of a finished \
            project against its final hours, beside the budget alone and BAC / CPI alone, and the earned-value \
            bracket's coverage. From a feature table: vitals evaluate --model MODEL --table FILE. --json writes the figures with \
            stable keys; --report writes a self-contained HTML report with charts.
            Exit codes: 0 done; 64 usage; 65 bad data or model file, or an overlapping window; 66 input unreadable; \
            73 the report cannot be written.
            """
    )

    @Argument(help: "The signals directory (or use --table).")
    var directory: String?

    @Option(help: "The model file.")
    var model: String

    @Option(help: ArgumentHelp("First snapshot date to evaluate.", valueName: "YYYY-MM-DD"))
    var from: Day?

    @Option(help: ArgumentHelp("Last snapshot date to evaluate (default: the end of the data).", valueName: "YYYY-MM-DD"))
    var to: Day?

    @Option(help: "A labelled CSV feature table.")
    var table: String?

    @Option(help: "k of precision@k and recall@k (default: the model's evaluation.capacity, or 50).")
    var capacity: Int?

    @Flag(help: "Print the figures as JSON.")
    var json = false

    @Option(help: "Also write a self-contained HTML report with charts to this file.")
    var report: String?

    @Flag(help: "Evaluate even on dates the model was trained on.")
    var allowOverlap = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard (directory == nil) != (table == nil) else { throw ValidationError("give a signals directory or --table, not both") }
        if directory != nil, from == nil { throw ValidationError("--from is required with a signals directory") }
        if let capacity, capacity < 1 { throw ValidationError("--capacity must be ≥ 1, got \(capacity)") }
    }

    func run() throws {
        let logger = logging.setUp()
        // The model first: a damaged model file is refused before a large book is read.
        let file = try runReporting { try ModelFile.load(path: model) }
        let dataset = try directory.map { try readSignals($0, logger: logger) }
        let (result, window): (ModelEvaluation.Result, String) = try runReporting {
            let k = capacity ?? file.config["evaluation.capacity"].flatMap(Int.init) ?? 50
            let evaluation = ModelEvaluation(model: file, capacity: k)
            if let dataset {
                let result = try evaluation.run(.signals(dataset: dataset, from: from!, to: to ?? Day(ordinal: Int32.max - 1), allowOverlap: allowOverlap),
                                                logger: logger)
                let labelled = result.labelledDates
                var window = "\(labelled.count) labelled snapshot date\(labelled.count == 1 ? "" : "s") "
                    + "\(labelled.first.map { "\($0)" } ?? "—") … \(labelled.last.map { "\($0)" } ?? "—") of \(directory!)"
                if result.dates.count > labelled.count || result.censored > 0 {
                    window += " (\(result.dates.count - labelled.count) later date\(result.dates.count - labelled.count == 1 ? "" : "s") of the window "
                        + "and \(result.censored) rows left out: their label is not known yet)"
                }
                return (result, window)
            }
            return (try evaluation.run(.table(path: table!), logger: logger), "rows of \(table!)")
        }
        if json {
            print(String(decoding: try result.report.json(), as: UTF8.self))
        } else {
            printText("\(file.modelID) on \(window)")
            print(result.report.text(), terminator: "")
        }
        if let report {
            try ensureParentDirectory(report)
            try runReporting {
                var chain: (states: [String], transitions: [[Double]])?
                if let account = file.signals?.accountChain { chain = (account.states, account.transitions) }
                if let project = file.signals?.projectChain { chain = (project.states, project.transitions) }
                let page = HTMLReport(
                    title: "Evaluation of \(file.modelID)",
                    facts: ["\(file.kind.name) model trained on \(file.data.range) (\(file.data.rows) rows, \(file.data.positives) positive)",
                            "evaluated on \(window)", "written by \(vitalsProgram)"],
                    report: result.report, labels: result.labels, probabilities: result.probabilities,
                    baselines: result.baselines.map { HTMLReport.Baseline(name: $0.name, scores: $0.scores) },
                    coefficients: zip(file.model.featureNames, file.model.featureStrengths).map { ($0, $1) },
                    coefficientsTitle: file.model.shape == .linear ? "Coefficients (standardized)"
                        : "Shapes: log-odds from the lowest to the highest training value (lines: standardized coefficient)",
                    chain: chain)
                try AtomicFile.write(Data(try page.render().utf8), to: report)
            }
            print("wrote \(report)")
        }
    }
}
