import Foundation
import ArgumentParser
import VitalsFeatures
import VitalsFoundation
import VitalsSignals
import VitalsTraining

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model and write it as a self-describing JSON model file.",
        discussion: """
            From a signals directory: vitals train DIR --task churn|overrun [--config FILE] [--until D] --out MODEL.json. \
            Trains on every snapshot whose label is known by --until (default: the end of the data); the latest \
            model.calibration_fraction of the snapshot dates are held out to fit the probability calibration.
            From your own feature table: vitals train --table FILE.csv --label COL [--id COL] --out MODEL.json. \
            Numeric columns are used as they are, text columns are one-hot encoded, missing values get indicators \
            and imputation; rows are taken to be in time order.
            Exit codes: 0 trained; 64 usage; 65 bad data; 66 input unreadable; 73 output exists or cannot be written; 78 bad config.
            """
    )

    @Argument(help: "The signals directory to train on (or use --table).")
    var directory: String?

    @Option(help: "churn or overrun (with a signals directory).")
    var task: RiskTask?

    @Option(help: ArgumentHelp("Train only on labels known by this date.", valueName: "YYYY-MM-DD"))
    var until: Day?

    @Option(help: "A CSV feature table to train on.")
    var table: String?

    @Option(help: "The label column of --table.")
    var label: String?

    @Option(help: "An id column of --table, carried into score files and never used as a feature.")
    var id: String?

    @Option(help: ArgumentHelp("A column of --table that orders its rows in time (dates or numbers); never a feature.", valueName: "column"))
    var time: String?

    @Option(help: ArgumentHelp("A column of --table never used as a feature (repeat, or separate with commas).", valueName: "column"))
    var exclude: [String] = []

    @Option(help: "A training config (YAML); see Training/README.md.")
    var config: String?

    @Option(help: "Where to write the model file.")
    var out: String

    @Flag(help: "Replace --out if it exists.")
    var force = false

    func validate() throws {
        guard (directory == nil) != (table == nil) else { throw ValidationError("give a signals directory or --table, not both") }
        if table != nil, label == nil { throw ValidationError("--table needs --label") }
        if table == nil, time != nil || !exclude.isEmpty { throw ValidationError("--time and --exclude go with --table") }
        if directory != nil, config == nil, task == nil { throw ValidationError("give --task churn|overrun (or a --config that sets it)") }
    }

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let logger = logging.setUp()
        try checkOutput(out, force: force)
        try ensureParentDirectory(out)
        // The config first: a bad one is refused before a large book is read.
        var settings = try runReporting { try config.map { try TrainingConfig.load(path: $0) } ?? TrainingConfig(task: task ?? .churn) }
        var dataset = try directory.map { try readSignals($0, logger: logger) }
        let result: (summary: String, warnings: [String]) = try runReporting {
            let source: TrainingSource
            if let directory, dataset != nil {
                if let task, task != settings.task {
                    if config != nil { throw ValidationError("--task \(task.rawValue) contradicts the config's task: \(settings.task.rawValue)") }
                    settings = TrainingConfig(task: task)
                }
                // Handed over (taken, not copied), so the index releases the usage table as it folds it in.
                let index = logger.timed("index") { SignalsIndex(dataset.take()!) }
                source = .signals(directory: directory, index: index, until: until)
            } else {
                let excluded = exclude.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
                source = .table(path: table!, label: label!, id: id, time: time, exclude: excluded)
            }
            // Consumed: the index goes once the rows are built.
            let result = try Trainer(config: settings, program: vitalsProgram).train(consume source, logger: logger)
            try logger.timed("write") { try result.model.write(to: out) }
            return (result.summary, result.warnings)
        }
        for warning in result.warnings { printError("warning: \(warning)") }
        printText(result.summary)
        print("wrote \(out)")
    }
}
