import Foundation
import ArgumentParser
import VitalsFoundation
import VitalsViews

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "One account's or project's scores over time, from the score history.",
        discussion: """
            Reads the SQLite history that `vitals score` appends to (by default history.sqlite beside the score files) \
            and prints every run's probability, the change from the run before, the band, the state and the model.
            Exit codes: 0 done; 64 usage; 65 the id has no scores in the history; 66 the history cannot be read.
            """
    )

    @Option(help: "The score history file.")
    var history: String

    @Option(help: "The account whose churn scores to show.")
    var account: String?

    @Option(help: "The project whose overrun scores to show.")
    var project: String?

    @OptionGroup var output: ListOutputOptions

    func validate() throws {
        guard (account == nil) != (project == nil) else { throw ValidationError("give --account or --project") }
    }

    func run() throws {
        let trend = try runReporting {
            try HistoryRequest(historyPath: history, task: account != nil ? .churn : .overrun, entityID: account ?? project!).run()
        }
        try output.emit(trend)
    }
}
