// VitalsCLI: the `vitals` executable, a thin front end. Typed options, one core value built
// and called per command, progress on standard error, and exit codes from error types.

import ArgumentParser

@main
struct VitalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitals",
        abstract: "Predictive customer health: churn and project-overrun risk from product, support, NPS and delivery signals.",
        discussion: """
            Exit codes: 0 success; 64 bad command-line usage, or a date the data cannot answer; 65 the input \
            data breaks the signals contract (or a model file or score history is invalid); 66 an input file or \
            directory cannot be read; 73 an output cannot be created; 75 the score history stayed locked by \
            another program (try again); 78 a training or alerts config is invalid; 69 and 79 `vitals alerts` could \
            deliver no event or only some to its webhook; 70 an internal error; 130 interrupted \
            (Ctrl-C; 143 for SIGTERM), with every unfinished output removed.
            """,
        version: vitalsVersionText,
        subcommands: [SimulateCommand.self, ValidateCommand.self, FeaturesCommand.self, MarkovCommand.self, TrainCommand.self, EvaluateCommand.self, ScoreCommand.self,
                      AtRiskCommand.self, ProjectsCommand.self, ExplainCommand.self, HistoryCommand.self, ExportSQLCommand.self,
                      AlertsCommand.self, DigestCommand.self]
    )

    static func main() {
        InterruptHandling.install()
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
