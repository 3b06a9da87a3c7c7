import Foundation
import ArgumentParser
import VitalsFeatures
import VitalsFoundation
import VitalsScoring
import VitalsSignals
import VitalsViews

struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Write point-in-time feature tables (or list the feature catalog).",
        discussion: """
            With --as-of, one row per eligible entity as of that date; with --from/--to, one row per \
            entity per snapshot date in the range (month-ends for churn, Sundays for overrun, or --cadence). \
            Every feature uses only rows dated on or before its date. The label column is filled where the \
            data already knows it; with --labelled-only, rows whose label window runs past the end of the \
            data (censored) are left out and counted. Exit codes: 0 done; 64 usage; 65 bad data; 66 input \
            unreadable; 73 output cannot be written.
            """
    )

    @Argument(help: "The signals directory.")
    var directory: String?

    @Flag(help: "Print the feature catalog: name, family, window and meaning.")
    var list = false

    @Option(help: "churn or overrun.")
    var task: RiskTask = .churn

    @Option(help: ArgumentHelp("One snapshot date.", valueName: "YYYY-MM-DD"))
    var asOf: Day?

    @Option(help: ArgumentHelp("First date of a snapshot range.", valueName: "YYYY-MM-DD"))
    var from: Day?

    @Option(help: ArgumentHelp("Last date of a snapshot range.", valueName: "YYYY-MM-DD"))
    var to: Day?

    @Option(help: "monthly or weekly (default: monthly for churn, weekly for overrun).")
    var cadence: Cadence?

    @Option(help: "Churn horizon in days.")
    var horizon = 90

    @Flag(help: "Leave out rows whose label is not known yet (censored), and say how many.")
    var labelledOnly = false

    @Option(help: "The CSV file to write.")
    var out: String?

    @Flag(help: "Replace --out if it exists.")
    var force = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if list { return }
        guard directory != nil else { throw ValidationError("give a signals directory, or --list") }
        guard out != nil else { throw ValidationError("--out is required") }
        guard asOf == nil || (from == nil && to == nil) else { throw ValidationError("give either --as-of or --from/--to, not both") }
        if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to); give the earlier date first") }
        guard (1...730).contains(horizon) else { throw ValidationError("--horizon must be from 1 to 730 days, got \(horizon)") }
    }

    func run() throws {
        let logger = logging.setUp()
        if list {
            // Within the terminal's width (else 80): the meanings wrap below their features when the lines would not fit.
            print(FeatureCatalogListing.text(width: ListOutputOptions.style(width: nil).width), terminator: "")
            return
        }
        guard let directory, let out else { return }
        try checkOutput(out, force: force)
        let dataset = try readSignals(directory, logger: logger)
        let started = Date()
        let index = SignalsIndex(dataset)
        // The point-in-time features alone, with the default label settings but the horizon.
        let recipe = FeatureRecipe(pointInTime: SnapshotBuilder(index: index).layout(task: task), horizonDays: horizon)
        let dates: [Day]
        if let asOf {
            try runReporting { try ScoringError.check(asOf, "as-of date", first: index.dataStart, last: index.dataEnd) }
            dates = [asOf]
        } else {
            let chosen = cadence ?? task.defaultCadence
            let (first, last) = (from ?? index.dataStart + SnapshotBuilder.warmUpDays, min(to ?? index.dataEnd, index.dataEnd))
            dates = chosen.dates(from: first, through: last)
            guard !dates.isEmpty else {
                printError("error: no \(chosen.rawValue) snapshot date falls in \(first) … \(last) (the data runs \(index.dataStart) … \(index.dataEnd)); "
                           + "widen --from/--to")
                throw ExitCode.validationFailure
            }
        }
        let table = try runReporting {
            try Featurizer(recipe: recipe, index: index).table(dates: dates, requireLabels: labelledOnly, logger: logger).table
        }
        let seconds = Date().timeIntervalSince(started)
        try runReporting { try AtomicFile.write(table.csv(dataset: dataset), to: out) }
        let known = table.labels.filter { !$0.isNaN }
        print("wrote \(out): \(table.rowCount) rows × \(table.columnCount) features over \(dates.count) snapshot date\(dates.count == 1 ? "" : "s") (\(dates.first.map { "\($0)" } ?? "—") … \(dates.last.map { "\($0)" } ?? "—")), data end \(index.dataEnd)")
        print("labels: \(Int(known.reduce(0, +))) positive, \(known.count - Int(known.reduce(0, +))) negative, \(table.rowCount - known.count) not known yet"
              + (labelledOnly ? "; left out: \(table.censored) censored (label window past \(index.dataEnd)), \(table.excluded) cancelled" : ""))
        print(String(format: "built in %.2f s", seconds))
    }
}
