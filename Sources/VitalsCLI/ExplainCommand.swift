import ArgumentParser
import Foundation
import VitalsInsight
import VitalsModel
import VitalsSignals

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Why one account or project scores as it does, and what moved it.",
        discussion: """
            Prints every feature's value, its percentile among all entities scored that day and its contribution to \
            the log-odds (they add up, with the intercept, to the model's log-odds exactly), the Markov state at each \
            of the last 12 month-ends, and the split of the log-odds change since the previous run in the history \
            (or since --since) into per-feature parts.
            Exit codes: 0 done; 64 usage; 65 bad data or model file, or an unknown or unscored id; 66 input or history unreadable.
            """
    )

    @OptionGroup var input: SignalsInputOptions

    @Option(help: "The account to explain (with a churn model).")
    var account: String?

    @Option(help: "The project to explain (with an overrun model).")
    var project: String?

    @Option(help: "Compare with this date instead of the history's previous run (YYYY-MM-DD).")
    var since: String?

    @Option(help: "The score history; its previous run is the comparison.")
    var history: String?

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    @Option(help: "The layout's width (80 or 120 columns).")
    var width: Int?

    func validate() throws {
        guard (account == nil) != (project == nil) else { throw ValidationError("give --account or --project") }
        guard format != .csv else { throw ValidationError("explain prints a table or json") }
        try checkDates([("--since", since)])
    }

    func run() throws {
        let explanation = try input.run { model, dataset in
            if account != nil, model.task != .churn { throw ValidationError("--account needs a churn model; \(input.model) is \(model.task.rawValue)") }
            if project != nil, model.task != .overrun { throw ValidationError("--project needs an overrun model; \(input.model) is \(model.task.rawValue)") }
            return try ExplainRequest(model: model, dataset: dataset, directory: input.directory, id: account ?? project!, asOf: input.asOfDay,
                                      since: since.flatMap(Day.init), historyPath: history, allowMissingSignals: input.allowMissingSignals).run()
        }
        if format == .json {
            print(try explanation.json(), terminator: "")
        } else {
            print(explanation.table(style: ListOutputOptions.style(width: width)), terminator: "")
        }
    }
}
