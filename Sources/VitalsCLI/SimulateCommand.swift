import ArgumentParser
import VitalsFoundation
import VitalsSignals
import VitalsSimulation

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write a simulated book of business as a signals directory.",
        discussion: """
            The same options and seed give byte-identical files. The latent truth (health states, \
            project complexity) goes to --truth, never into the signals directory.
            """
    )

    @Option(help: "The signals directory to create.")
    var out: String

    @Option(help: "Where to write the latent truth (optional; a separate folder).")
    var truth: String?

    @Option(help: "Number of accounts (1–1,000,000).")
    var accounts = SimulationConfig().accounts

    @Option(help: "Months of history (1–120).")
    var months = SimulationConfig().months

    @Option(help: "Random seed.")
    var seed = SimulationConfig().seed

    @Option(help: ArgumentHelp("First day of the data window.", valueName: "YYYY-MM-DD"))
    var start: Day = SimulationConfig().start

    @Flag(help: "Replace the output directories when they exist.")
    var force = false

    func validate() throws {
        do { try config.validate() } catch { throw ValidationError("\(error)") }
        if let truth, truth == out { throw ValidationError("--truth must be a different folder from --out") }
    }

    private var config: SimulationConfig {
        SimulationConfig(accounts: accounts, months: months, seed: seed, start: start)
    }

    func run() throws {
        let summary: SimulationSummary
        do {
            summary = try Simulator(config: config).write(signalsDirectory: out, truthDirectory: truth, overwrite: force)
        } catch {
            if case .destinationExists = error { printError("error: \(error) (pass --force to replace it)") } else { printError("error: \(error)") }
            throw VitalsExitCode.cannotCreate
        }
        print(summary)
    }
}
