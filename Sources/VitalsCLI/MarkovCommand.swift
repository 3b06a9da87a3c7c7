import Foundation
import ArgumentParser
import VitalsFeatures
import VitalsFoundation
import VitalsMarkov
import VitalsModel
import VitalsScoring
import VitalsSignals
import VitalsTraining
import VitalsViews

struct MarkovCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "markov",
        abstract: "The account health chain: transitions with intervals, time to churn, and a forecast of the book.",
        discussion: """
            Fits the chain on the month-ends up to --as-of (default: the end of the data), with the state rule of \
            --config (default: Training/churn.yaml's defaults). Exit codes: 0 done; 64 usage; 65 bad data; \
            66 input unreadable; 78 bad config.
            """
    )

    @Argument(help: "The signals directory.")
    var directory: String

    @Option(help: ArgumentHelp("The as-of date (default: the end of the data).", valueName: "YYYY-MM-DD"))
    var asOf: Day?

    @Option(help: "Analyse one segment's chain (shrunk toward the whole book's); any case, or a unique prefix.")
    var segment: String?

    @Option(help: "A training config (YAML) whose states.* keys define the states.")
    var config: String?

    @Option(help: ArgumentHelp("A churn model with curves: adds the book forecast from each account's own curve beside the chain's.",
                               valueName: "MODEL"))
    var model: String?

    @Flag(help: "Print JSON for dashboards.")
    var json = false

    @Option(help: "The text layout's width in columns (default: the terminal's, else 80); below the full matrix's width, the intervals go in a list.")
    var width: Int?

    func validate() throws {
        if let width, !(60...1000).contains(width) { throw ValidationError("--width must be from 60 to 1000, got \(width)") }
    }

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let logger = logging.setUp()
        let settings = try runReporting { try config.map { try TrainingConfig.load(path: $0) } ?? TrainingConfig(task: .churn) }
        let dataset = try readSignals(directory, logger: logger)
        let report = try runReporting {
            let index = SignalsIndex(dataset)
            if let asOf { try ScoringError.check(asOf, "as-of date", first: index.dataStart, last: index.dataEnd) }
            var report = try MarkovReport.build(index: index, rule: settings.healthStates, estimator: settings.chain, asOf: asOf ?? index.dataEnd,
                                                segment: segment)
            if let model {
                let file = try ModelFile.load(path: model)
                let snapshot = try ScoredSnapshot(model: file, index: index, asOf: asOf ?? index.dataEnd)
                guard let curves = MarkovReport.CurveForecast(snapshot: snapshot, segment: report.segment) else {
                    throw ValidationError("\(model) has no churn curves (a churn model trained with labels.curve_months > 0 has)")
                }
                report.curveForecast = curves
            }
            return report
        }
        if json {
            print(String(decoding: try report.json(), as: UTF8.self))
        } else {
            printText(report.text(width: ListOutputOptions.style(width: width).width), terminator: "")
        }
    }
}
