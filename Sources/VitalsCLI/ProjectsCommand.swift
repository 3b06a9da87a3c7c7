import Foundation
import ArgumentParser
import VitalsViews

struct ProjectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projects",
        abstract: "The PSO lead's list: in-flight projects by overrun probability, with earned-value forecasts.",
        discussion: """
            Scores every project in flight with an overrun model as of --as-of and lists the top N: budget, hours \
            logged and change-order hours; the forecast hours at completion (the earned-value EAC = budget / CPI, as the \
            model corrects it from finished projects) with its 80 % range; the \
            forecast overrun %; the model's overrun probability and risk band (the model's evaluation.risk_bands); the \
            change since the previous run in the score history, with N marking projects new in the top 50 by probability \
            (of the same filters, whatever --top) and "Left the top 50" those that dropped out; the history is --history \
            FILE, else --scores DIR/history.sqlite, else scores/history.sqlite beside the signals directory when it exists; \
            the forecast end date against the baseline; the delivery phase and the top drivers in words.
            Exit codes: 0 done; 64 usage; 65 bad data or model file, or not an overrun model; 66 input or history unreadable.
            """
    )

    @OptionGroup var input: SignalsInputOptions
    @OptionGroup var output: ListOutputOptions

    @Option(help: "How many projects to list.")
    var top = 20

    @Option(help: "Only this account's projects (its account_id, any case).")
    var account: String?

    @Option(help: "Only projects of this type (as in projects.csv, any case).")
    var type: String?

    @Option(help: "Only projects in this delivery phase (e.g. off_track; any case).")
    var phase: String?

    @Option(help: "probability, hours (largest forecast overrun first), late (most days late first) or change (biggest rise first).")
    var sort: ProjectSort = .probability

    @OptionGroup var history: HistoryLookupOptions

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be ≥ 1, got \(top)") }
    }

    func run() throws {
        let list = try input.run { scoring in
            try ProjectListRequest(input: scoring, historyPath: history.path(signals: input.directory, quiet: input.logging.quiet),
                                   query: ProjectQuery(top: top, account: account, type: type, phase: phase, sort: sort)).run()
        }
        try output.emit(list)
    }
}
