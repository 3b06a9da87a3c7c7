import ArgumentParser
import VitalsFoundation
import VitalsSignals

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a signals directory against the contract and summarize it.",
        discussion: "Exits 0 when the directory is valid, 65 when it breaks a rule, 66 when it cannot be read."
    )

    @Argument(help: "The signals directory (accounts.csv and the optional signal files).")
    var directory: String

    @Flag(help: "Skip rows that break a rule and count them per file and rule, instead of failing.")
    var skipInvalid = false

    @Option(help: "List at most this many problems in full; the rest are counted.")
    var maxProblems = 50

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard maxProblems >= 0 else { throw ValidationError("--max-problems must be ≥ 0, got \(maxProblems)") }
    }

    func run() throws {
        let logger = logging.setUp()
        let validator = SignalsValidator(
            directory: directory, options: SignalsReadOptions(skipInvalid: skipInvalid), maxListedProblems: maxProblems)
        let outcome: SignalsValidator.Outcome
        do {
            outcome = try validator.run(logger: logger)
        } catch let error as SignalsIOError {
            printError("error: \(error)")
            throw VitalsExitCode.noInput
        }
        printText(outcome.text)
        if !outcome.isValid { throw VitalsExitCode.dataError }
    }
}
