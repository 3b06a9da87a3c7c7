import Foundation
import ArgumentParser

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
    /// A training config breaks its rules (EX_CONFIG).
    static let configError = ExitCode(78)
}

/// The program's name and version, recorded in every model file.
let vitalsProgram = "vitals 0.1.0"

/// Prints a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
