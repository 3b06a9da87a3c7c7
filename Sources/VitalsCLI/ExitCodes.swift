import Foundation
import ArgumentParser
import VitalsFoundation
import VitalsModel

/// The documented exit codes (README, "Exit codes"); BSD sysexits values.
enum VitalsExitCode {
    /// The input data breaks the signals contract (EX_DATAERR).
    static let dataError = ExitCode(65)
    /// An input file or directory cannot be opened or read (EX_NOINPUT).
    static let noInput = ExitCode(66)
    /// An internal error (EX_SOFTWARE).
    static let software = ExitCode(70)
    /// An output cannot be created (EX_CANTCREAT).
    static let cannotCreate = ExitCode(73)
    /// Another program held the score history past the wait; try again (EX_TEMPFAIL).
    static let temporaryFailure = ExitCode(75)
    /// A training or alerts config breaks its rules (EX_CONFIG).
    static let configError = ExitCode(78)
    /// `vitals alerts --webhook`: every attempted delivery failed (EX_UNAVAILABLE: the receiver
    /// could not be reached or refused them all); nothing new was recorded.
    static let deliveryFailed = ExitCode(69)
    /// `vitals alerts --webhook`: some events were delivered (and recorded), others failed;
    /// a rerun sends only those. Just past the sysexits range, so it means nothing else.
    static let someDeliveriesFailed = ExitCode(79)
}

/// The program's name and version, recorded in every model file.
let vitalsProgram = "vitals 0.1.0"

/// `vitals --version`: the version, the git commit it was built from (`vitalsBuildCommit`,
/// written at build time by Plugins/BuildCommit; "unknown" outside a git checkout, "-dirty"
/// when tracked files differed from it) and the model file format this build writes and reads.
let vitalsVersionText = "\(vitalsProgram) (commit \(vitalsBuildCommit)), model format_version \(ModelFile.currentFormatVersion)"

/// Prints a line to standard error, with any control character from data shown escaped.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((TerminalText.escaped(message, keepingNewlines: true) + "\n").utf8))
}

/// Prints text that may hold data (names, ids, column names) on standard output, with its
/// control characters shown escaped; for renderings without colour of their own.
func printText(_ text: String, terminator: String = "\n") {
    print(TerminalText.escaped(text, keepingNewlines: true), terminator: terminator)
}
