import ArgumentParser
import Foundation
import VitalsModel
import VitalsTraining

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Write score files: a probability and its top drivers for every row.",
        discussion: """
            With --table, scores every row of a feature table and writes <task>-scores.csv and \
            <task>-scores.jsonl into --out, each written whole or not at all. Exit codes: 0 done; 64 usage; \
            65 bad data or model file; 66 input unreadable; 73 output cannot be written.
            """
    )

    @Option(help: "The model file.")
    var model: String

    @Option(help: "A CSV feature table to score.")
    var table: String

    @Option(help: "The directory for the score files (created if missing).")
    var out: String

    func run() throws {
        let paths = try runReporting {
            let file = try ModelFile.load(path: model)
            let scores = try TableScoring(model: file, tablePath: table).run()
            do {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            } catch {
                throw AtomicFile.WriteError(path: out, reason: "cannot create the directory")
            }
            return try scores.write(directory: out, stem: "\(file.task.rawValue)-scores")
        }
        for path in paths { print("wrote \(path)") }
    }
}
