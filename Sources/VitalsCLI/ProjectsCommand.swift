import Foundation
import ArgumentParser
import VitalsViews

struct ProjectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projects",
        abstract: "The PSO lead's list: in-flight projects by overrun probability, with earned-value forecasts.",
        discussion: """
            Scores every project in flight with an overrun model as of --as-of and lists the top N: budget, hours \
            logged and change-order hours; the forecast hours at completion (EAC = budget / CPI) with its range; the \
            forecast overrun %; the model's overrun probability; the forecast end date against the baseline; the \
            delivery phase and the top drivers in words.
            Exit codes: 0 done; 64 usage; 65 bad data or model file, or not an overrun model; 66 input unreadable.
            """
    )

    @OptionGroup var input: SignalsInputOptions
    @OptionGroup var output: ListOutputOptions

    @Option(help: "How many projects to list.")
    var top = 20

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be ≥ 1, got \(top)") }
    }

    func run() throws {
        let list = try input.run { scoring in try ProjectListRequest(input: scoring, top: top).run() }
        try output.emit(list)
    }
}
