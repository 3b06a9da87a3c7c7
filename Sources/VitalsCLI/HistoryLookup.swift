import Foundation
import ArgumentParser

/// Where at-risk, projects and explain find the score history their changes, new flags and
/// "left the list" come from. The rule (README, "Where the lists find the history"):
/// `--history FILE`; else `--scores DIR`, the folder `vitals score --out DIR` wrote (its
/// history.sqlite); else, when it exists, `scores/history.sqlite` beside the signals directory
/// (`book/signals` → `book/scores/history.sqlite`, the layout of the README and `make demo`),
/// named on standard error (unless `--quiet`); `--no-history` compares with nothing.
struct HistoryLookupOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The score history `vitals score` appends to (default: scores/history.sqlite beside the signals directory, if there).",
                               valueName: "FILE"))
    var history: String?

    @Option(help: ArgumentHelp("The folder `vitals score --out` wrote: its history.sqlite is the history.", valueName: "DIR"))
    var scores: String?

    @Flag(help: "Compare with no score history: nothing new, left or changed.")
    var noHistory = false

    func validate() throws {
        if noHistory, history != nil || scores != nil { throw ValidationError("--no-history contradicts --history and --scores") }
        if history != nil, scores != nil { throw ValidationError("give --history FILE or --scores DIR, not both") }
    }

    /// The history to read for signals directory `signals`, or nil for none. A history named by
    /// an option must exist (the core says so, exit 66); the one beside the signals is used only
    /// when it is there.
    func path(signals: String, quiet: Bool) -> String? {
        if noHistory { return nil }
        if let history { return history }
        if let scores { return (scores as NSString).appendingPathComponent("history.sqlite") }
        // The signals folder's parent: by name for a path such as book/signals (so the note reads as typed),
        // through the absolute path for `.` or `..`.
        let typed = (signals as NSString).standardizingPath
        let parent = [".", "..", ""].contains((typed as NSString).lastPathComponent)
            ? URL(fileURLWithPath: typed).standardizedFileURL.deletingLastPathComponent().path
            : (typed as NSString).deletingLastPathComponent
        let beside = ((parent.isEmpty ? "." : parent) as NSString).appendingPathComponent("scores/history.sqlite")
        guard FileManager.default.fileExists(atPath: beside) else { return nil }
        if !quiet { printError("… comparing with the score history \(beside) (beside the signals; --history, --scores or --no-history to choose)") }
        return beside
    }
}
