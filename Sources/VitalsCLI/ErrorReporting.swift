import Foundation
import ArgumentParser
import VitalsEvaluation
import VitalsFeatures
import VitalsFoundation
import VitalsHistory
import VitalsLogistic
import VitalsMarkov
import VitalsModel
import VitalsScoring
import VitalsSignals
import VitalsTraining
import VitalsViews

/// Runs a core step and turns its typed errors into a message on stderr and the
/// documented exit code (`exitCode(for:)`); anything unexpected is an internal error (70).
func runReporting<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as AtomicFile.WriteError {
        printError("error: cannot write \(error)")
        throw VitalsExitCode.cannotCreate
    } catch {
        printError("error: \(error)")
        throw exitCode(for: error)
    }
}

/// The README's exit code for each type of failure.
func exitCode(for error: any Error) -> ExitCode {
    switch error {
    case is ValidationError, is MarkovError:
        // Bad options, or a state rule or option the data cannot support (an unknown segment).
        return .validationFailure
    case is ConfigError: return VitalsExitCode.configError
    case let error as ModelFileError:
        switch error {
        case .unreadable: return VitalsExitCode.noInput
        case .cannotWrite: return VitalsExitCode.cannotCreate
        case .malformed, .newerFormat, .tampered, .altered: return VitalsExitCode.dataError
        }
    case let error as TableError:
        switch error.kind {
        case .unreadable: return VitalsExitCode.noInput
        case .invalid: return VitalsExitCode.dataError
        }
    case is LogisticRegressionError, is SignalsModelError, is FeaturizerError, is EvaluationReport.Failure, is InsightError:
        return VitalsExitCode.dataError
    case is ScoreHistory.Missing, is ScoreHistory.Unreadable: return VitalsExitCode.noInput
    default: return VitalsExitCode.software
    }
}

/// Refuses to replace an existing output unless `force` (exit 73).
func checkOutput(_ path: String, force: Bool) throws {
    if FileManager.default.fileExists(atPath: path) && !force {
        printError("error: \(path) exists; pass --force to replace it")
        throw VitalsExitCode.cannotCreate
    }
}

/// Creates the folder an output file goes into, as `--out DIR` does for score files (exit 73 if it cannot).
func ensureParentDirectory(_ path: String) throws {
    let parent = (path as NSString).deletingLastPathComponent
    guard !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) else { return }
    do {
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    } catch {
        printError("error: cannot create \(parent): \(error.localizedDescription)")
        throw VitalsExitCode.cannotCreate
    }
}
