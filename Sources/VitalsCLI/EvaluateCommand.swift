import ArgumentParser
import Foundation
import VitalsModel
import VitalsTraining

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a model on labelled data it was not trained on.",
        discussion: """
            With --table, scores the rows of a labelled feature table (the model's label column) and prints \
            AUC, PR AUC, log loss, Brier, ECE, precision/recall@k and the decile lift; --json writes the same \
            with stable keys. Exit codes: 0 done; 64 usage; 65 bad data or model file; 66 input unreadable.
            """
    )

    @Option(help: "The model file.")
    var model: String

    @Option(help: "A labelled CSV feature table.")
    var table: String

    @Option(help: "k of precision@k and recall@k.")
    var capacity = 50

    @Flag(help: "Print the figures as JSON.")
    var json = false

    func validate() throws {
        guard capacity >= 1 else { throw ValidationError("--capacity must be ≥ 1, got \(capacity)") }
    }

    func run() throws {
        let report = try runReporting {
            try TableEvaluation(model: try ModelFile.load(path: model), tablePath: table, capacity: capacity).run()
        }
        if json {
            print(String(decoding: try report.json(), as: UTF8.self))
        } else {
            print(report.text(), terminator: "")
        }
    }
}
