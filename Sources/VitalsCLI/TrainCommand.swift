import ArgumentParser
import Foundation
import VitalsTraining

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model and write it as a self-describing JSON model file.",
        discussion: """
            With --table, trains on your own feature table: one row per example in time order, a label \
            column (1/0, true/false, yes/no), optional id column; numeric columns are used as they are, \
            text columns are one-hot encoded, missing values get indicators and imputation. The latest \
            model.calibration_fraction of the rows are held out to fit the probability calibration.
            Exit codes: 0 trained; 64 usage; 65 bad data; 66 input unreadable; 73 output exists or cannot be written; 78 bad config.
            """
    )

    @Option(help: "A CSV feature table to train on.")
    var table: String

    @Option(help: "The label column of --table.")
    var label: String

    @Option(help: "An id column of --table, carried into score files and never used as a feature.")
    var id: String?

    @Option(help: "A training config (YAML); see Training/README.md. Only model.* and seed apply to --table.")
    var config: String?

    @Option(help: "Where to write the model file.")
    var out: String

    @Flag(help: "Replace --out if it exists.")
    var force = false

    func run() throws {
        try checkOutput(out, force: force)
        let result = try runReporting {
            let settings = try config.map { try TrainingConfig.load(path: $0) } ?? TrainingConfig(task: .churn)
            let training = TableTraining(tablePath: table, labelColumn: label, idColumn: id, config: settings, program: vitalsProgram)
            let result = try training.run { printError("… \($0)") }
            try result.model.write(to: out)
            return result
        }
        for warning in result.warnings { printError("warning: \(warning)") }
        print(result.summary)
        print("wrote \(out)")
    }
}
