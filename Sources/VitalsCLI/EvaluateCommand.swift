import ArgumentParser
import Foundation
import VitalsModel
import VitalsReport
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

    @Option(help: "Also write a self-contained HTML report with charts to this file.")
    var report: String?

    func validate() throws {
        guard capacity >= 1 else { throw ValidationError("--capacity must be ≥ 1, got \(capacity)") }
    }

    func run() throws {
        let (result, file) = try runReporting {
            let file = try ModelFile.load(path: model)
            return (try TableEvaluation(model: file, tablePath: table, capacity: capacity).run(), file)
        }
        if json {
            print(String(decoding: try result.report.json(), as: UTF8.self))
        } else {
            print(result.report.text(), terminator: "")
        }
        if let report {
            try runReporting {
                let page = HTMLReport(
                    title: "Evaluation of \(file.modelID)",
                    facts: ["\(file.task.rawValue) model trained on \(file.data.range) of \(file.data.files.map(\.name).joined(separator: ", ")) (\(file.data.rows) rows, \(file.data.positives) positive)",
                            "evaluated on \(table)", "written by \(vitalsProgram)"],
                    report: result.report, labels: result.labels, probabilities: result.probabilities,
                    coefficients: zip(file.model.featureNames, file.model.coefficients).map { ($0, $1) })
                try AtomicFile.write(Data(try page.render().utf8), to: report)
            }
            print("wrote \(report)")
        }
    }
}
