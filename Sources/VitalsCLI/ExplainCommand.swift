import Foundation
import ArgumentParser
import VitalsFoundation
import VitalsViews

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

    @Option(help: ArgumentHelp("Compare with this date instead of the history's previous run.", valueName: "YYYY-MM-DD"))
    var since: Day?

    @OptionGroup var history: HistoryLookupOptions

    /// Only the formats explain prints, so `--help` lists these two and ArgumentParser refuses csv (exit 64).
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @Option(help: "table (for people) or json (for tools).")
    var format: Format = .table

    @Option(help: "The layout's width: 80 or 120 columns (default: the terminal's, else 80); 120 adds the features' column names.")
    var width: Int?

    func validate() throws {
        guard (account == nil) != (project == nil) else { throw ValidationError("give --account or --project") }
        if let width, !(60...1000).contains(width) { throw ValidationError("--width must be from 60 to 1000, got \(width)") }
    }

    func run() throws {
        let explanation = try input.run { scoring in
            let kind = scoring.model.kind
            if account != nil, kind != .signals(.churn) { throw ValidationError("--account needs a churn model; \(input.model) is \(kind.name)") }
            if project != nil, kind != .signals(.overrun) { throw ValidationError("--project needs an overrun model; \(input.model) is \(kind.name)") }
            return try ExplainRequest(input: scoring, id: account ?? project!, since: since, historyPath: history.path(signals: input.directory, quiet: input.logging.quiet)).run()
        }
        if format == .json {
            print(try explanation.json(), terminator: "")
        } else {
            print(explanation.table(style: ListOutputOptions.style(width: width), sinceOption: "--since"), terminator: "")
        }
    }
}
