import Foundation
import ArgumentParser
import VitalsViews


struct AtRiskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "at-risk",
        abstract: "The CSM's at-risk list: which accounts need a call, what changed, and why.",
        discussion: """
            Scores every active account with a churn model as of --as-of and lists the top N: rank, account, CSM, \
            segment, ARR, churn probability and risk band (the model's evaluation.risk_bands), the change since the \
            previous run in the score history, the health state, the expected days to churn, and the top \
            three drivers in words. N marks accounts new in the top 50 (of the same filters and order, whatever --top) \
            since that run, and "Left the top 50" lists those that dropped out, with their probability then and now; R \
            marks a renewal within the model's horizon. The history: --history FILE, else --scores DIR/history.sqlite, \
            else scores/history.sqlite beside the signals directory when it exists. --csm and --segment take any case \
            or a unique prefix. Colour only on a terminal; NO_COLOR turns it off.
            Exit codes: 0 done; 64 usage; 65 bad data or model file, or not a churn model; 66 input or history unreadable.
            """
    )

    @OptionGroup var input: SignalsInputOptions
    @OptionGroup var output: ListOutputOptions

    @Option(help: "How many accounts to list.")
    var top = 20

    @Option(help: "Only this CSM's accounts (as in accounts.csv, any case, or a unique prefix: quinn).")
    var csm: String?

    @Option(help: "Only this segment's accounts (any case, or a unique prefix: ent).")
    var segment: String?

    @Option(help: "probability, arr-at-risk (ARR × probability) or change (biggest rise first).")
    var sort: AtRiskSort = .probability

    @OptionGroup var history: HistoryLookupOptions

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be ≥ 1, got \(top)") }
    }

    func run() throws {
        let list = try input.run { scoring in
            try AtRiskRequest(input: scoring, historyPath: history.path(signals: input.directory, quiet: input.logging.quiet), query: AtRiskQuery(top: top, csm: csm, segment: segment, sort: sort)).run()
        }
        try output.emit(list)
    }
}
