import Foundation
import ArgumentParser
import VitalsFoundation
import VitalsModel
import VitalsScoring
import VitalsSignals
import VitalsViews

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// `--format` and `--width` for the lists people read, and the terminal they print to.
struct ListOutputOptions: ParsableArguments {
    @Option(help: "table (for people), csv or json (for tools).")
    var format: OutputFormat = .table

    @Option(help: "The table layout's width: 80 or 120 columns (default: the terminal's, else 80).")
    var width: Int?

    func validate() throws {
        if let width, !(60...1000).contains(width) { throw ValidationError("--width must be from 60 to 1000, got \(width)") }
    }

    var style: TerminalStyle { Self.style(width: width) }

    /// Standard output's style: colour only on a TTY and only when NO_COLOR is unset or
    /// empty; the width given, else the terminal's, else 80.
    static func style(width: Int?) -> TerminalStyle {
        let tty = isatty(STDOUT_FILENO) == 1
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return TerminalStyle(width: width ?? terminalWidth(tty: tty), color: tty && !noColor)
    }

    /// Prints `list` in the chosen format on standard output.
    func emit(_ list: some RenderedList) throws {
        switch format {
        case .table: print(list.table(style: style), terminator: "")
        // CSV goes out exact to a file or a pipe; on a terminal its control characters are shown escaped.
        case .csv: isatty(STDOUT_FILENO) == 1 ? printText(list.csv(), terminator: "") : print(list.csv(), terminator: "")
        case .json: print(try list.json(), terminator: "")
        }
    }

    /// The terminal's width (or COLUMNS), within the 60…1000 the layouts take; 80 when unknown.
    static func terminalWidth(tty: Bool) -> Int {
        if tty {
            var size = winsize()
            if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return min(max(Int(size.ws_col), 60), 1000) }
        }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns >= 60 { return min(columns, 1000) }
        return 80
    }
}

/// Reads the model and the signals, as `score` does.
struct SignalsInputOptions: ParsableArguments {
    @Argument(help: "The signals directory.")
    var directory: String

    @Option(help: "The model file.")
    var model: String

    @Option(help: ArgumentHelp("As of this date (default: the end of the data).", valueName: "YYYY-MM-DD"))
    var asOf: Day?

    @Flag(help: "Go on when a signal file the model was trained on is missing (with a warning).")
    var allowMissingSignals = false

    @OptionGroup var logging: LoggingOptions

    /// Sets up logging, reads the signals and the model, runs `request` on them, and prints
    /// its warnings; errors get their message and exit code.
    func run<T>(_ request: (ScoringInput) throws -> (T, warnings: [String])) throws -> T {
        let logger = logging.setUp()
        // The model first: a damaged model file is refused before a large book is read.
        let file = try runReporting { try ModelFile.load(path: model) }
        // Handed over, not copied: the index releases the usage table as it folds it in.
        let input = ScoringInput(model: file, dataset: try readSignals(directory, logger: logger), directory: directory, asOf: asOf,
                                 allowMissingSignals: allowMissingSignals, logger: logger)
        let (result, warnings) = try runReporting { try request(input) }
        for warning in warnings { printError("warning: \(warning)") }
        return result
    }
}
