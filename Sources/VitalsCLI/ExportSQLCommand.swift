import Foundation
import ArgumentParser
import VitalsFoundation
import VitalsModel
import VitalsSQL

/// The typed `--dialect` option.
extension SQLDialect: ExpressibleByArgument {}
extension ScoringSQL.Stage: ExpressibleByArgument {}

struct ExportSQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-sql",
        abstract: "Write the daily scoring as one SQL query for DuckDB, Spark SQL or PostgreSQL.",
        discussion: """
            The query reads tables named after the signals files (accounts, usage, tickets, nps, projects, \
            timesheets, milestones, change_orders) with the contract's column names and types (--schema writes \
            their CREATE TABLE statements), computes the model's features as of the date, applies the model, its \
            calibration and risk bands, and returns the score file's rows (churn models: one per active account; \
            overrun models: one per project in flight, with both risks and the forecasts). See docs/SCALE.md. Exit codes: 0 done; \
            64 usage (an unknown dialect); 65 the model cannot be compiled (damaged, or a term the dialect cannot \
            express); 66 the model cannot be read; 73 the output cannot be written.
            """
    )

    @Option(help: "The model file.")
    var model: String

    @Option(help: "duckdb, spark or postgres.")
    var dialect: SQLDialect

    @Option(help: ArgumentHelp("The scoring date, written into the query (default: the engine's current date).", valueName: "YYYY-MM-DD"))
    var asOf: Day?

    @Option(help: ArgumentHelp("features: stop at the point-in-time features (to check them); scores: the score file's rows.", visibility: .hidden))
    var stage: ScoringSQL.Stage = .scores

    @Flag(help: "Write the CREATE TABLE statements of the signals tables instead of the query.")
    var schema = false

    @Option(help: "The .sql file to write.")
    var out: String

    @Flag(help: "Replace --out if it exists.")
    var force = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        _ = logging.setUp()
        try checkOutput(out, force: force)
        let text: String
        if schema {
            text = ContractTables.ddl(dialect)
        } else {
            let file = try runReporting { try ModelFile.load(path: model) }
            do {
                text = try ScoringSQL.query(model: file, dialect: dialect, asOf: asOf, stage: stage)
            } catch {
                printError("error: \(error.description)")
                throw VitalsExitCode.dataError
            }
        }
        try ensureParentDirectory(out)
        try runReporting { try AtomicFile.write(Data(text.utf8), to: out) }
    }
}
