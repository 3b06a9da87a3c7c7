import Foundation
import ArgumentParser
import VitalsFoundation
import VitalsModel
import VitalsScoring
import VitalsViews

struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Per-CSM digests as HTML pages: each CSM's at-risk accounts, what changed, renewals, trends; projects for PSO leads.",
        discussion: """
            Writes into --out one self-contained HTML page per CSM named in accounts.csv (csm-<name>.html: the CSM's \
            at-risk list as `vitals at-risk --csm NAME --top N` gives it, with the change since the score history's \
            previous run, the accounts new on the list and those that left it, the drivers in words, the renewals within \
            the model's horizon, the ARR at risk and each account's probability over the history's runs as a sparkline), \
            an index.html linking them, and with an overrun model a projects.html for PSO leads (`vitals projects --top N`'s \
            list). --model takes one churn model, one overrun model, or one of each. The pages load nothing from anywhere \
            (inline CSS and SVG, no scripts) and fit a phone and an email column. The folder is written whole or not at \
            all; an existing one is replaced only when it holds nothing but .html files.
            Exit codes: 0 done; 64 usage (two models of one task); 65 bad data or model file; 66 input or history \
            unreadable; 73 the folder cannot be written.
            """
    )

    @Argument(help: "The signals directory.")
    var directory: String

    @Option(help: "A churn or an overrun model file; repeat it for one of each.")
    var model: [String] = []

    @Option(help: ArgumentHelp("As of this date (default: the end of the data).", valueName: "YYYY-MM-DD"))
    var asOf: Day?

    @Option(help: "The score history that `vitals score` appends to: changes, new and left accounts, and trends come from it.")
    var history: String

    @Option(help: "The folder to write the pages to.")
    var out: String

    @Option(help: "How many accounts each CSM page lists, and how many projects the PSO page lists.")
    var top = 20

    @Flag(help: "Go on when a signal file a model was trained on is missing (with a warning).")
    var allowMissingSignals = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be ≥ 1, got \(top)") }
        guard (1...2).contains(model.count) else {
            throw ValidationError("--model takes one churn model, one overrun model, or one of each; got \(model.count)")
        }
    }

    func run() throws {
        let logger = logging.setUp()
        // The models first: a damaged model file or two of one task is refused before the book is read.
        var byTask: [RiskTask: (path: String, file: ModelFile)] = [:]
        for path in model {
            let file = try runReporting { try ModelFile.load(path: path) }
            guard let task = file.signals?.task else {
                printError("error: model \(file.modelID) (\(path)) was trained on a feature table; a digest needs models trained on signals")
                throw VitalsExitCode.dataError
            }
            if let other = byTask[task] {
                throw ValidationError("--model: \(other.path) and \(path) are both \(task.rawValue) models; give one churn model and/or one overrun model")
            }
            byTask[task] = (path, file)
        }
        let first = byTask[.churn] ?? byTask[.overrun]!
        let shared = ScoringInput(model: first.file, dataset: try readSignals(directory, logger: logger), directory: directory, asOf: asOf,
                                 allowMissingSignals: allowMissingSignals, logger: logger)
        // One reading of the signals for both models: the second input shares the first's index.
        func input(for task: RiskTask) -> ScoringInput? {
            guard let file = byTask[task]?.file else { return nil }
            var copy = shared
            copy.model = file
            return copy
        }
        let request = DigestRequest(churn: input(for: .churn), overrun: input(for: .overrun), historyPath: history, top: top)
        let (digest, warnings) = try runReporting { try request.run() }
        for warning in warnings { printError("warning: \(warning)") }
        let pages = digest.pages()
        try runReporting {
            try AtomicDirectory.write(pages.map { ($0.fileName, Data($0.html.utf8)) }, to: out, replaceable: { $0.hasSuffix(".html") })
        }
        let csms = digest.churn?.csms.count ?? 0
        print("wrote \(pages.count) page\(pages.count == 1 ? "" : "s") to \(out): \(csms) CSM page\(csms == 1 ? "" : "s")"
              + (digest.projects == nil ? "" : ", projects.html") + "; open \((out as NSString).appendingPathComponent(HealthDigest.indexFile))")
    }
}
