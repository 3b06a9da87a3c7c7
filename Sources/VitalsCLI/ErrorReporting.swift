import Foundation
import ArgumentParser
import VitalsAlerts
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
import VitalsConfig

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
        printError("error: \(message(for: error))")
        throw exitCode(for: error)
    }
}

/// What to print for an error: the core's sentence, and for the errors a command-line option
/// can get past, that option (the core never names flags).
func message(for error: any Error) -> String {
    switch error {
    case let error as SignalsModelError:
        switch error {
        case let .notASignalsModel(id): return "model \(id) was trained on a feature table; use --table"
        case let .missingSignalFile(directory, file, model):
            return "\(directory) has no \(file), which model \(model) was trained on; add it, or pass --allow-missing-signals to score without it"
        case .overlap: return "\(error) or pass --allow-overlap"
        case .featureMismatch: return "\(error)"
        }
    case let error as EvaluationReport.Failure:
        switch error {
        case .noPositives, .noNegatives: return "\(error) (--from/--to)"
        case .shapeMismatch: return "\(error)"
        }
    case let error as InsightError:
        // A filter value the data does not hold is a usage error; the option that gave it is named.
        if case let .filterMismatch(field, _, _, _) = error { return "--\(field): \(error)" }
        return "\(error)"
    case let error as ScoreHistory.Missing: return "no score history at \(error.path); `vitals score --history \(error.path)` creates it"
    case let error as TrainingError:
        switch error {
        case let .noLabelledSnapshots(task, cutoff, rows):
            return "no labelled \(task.rawValue) snapshots with both outcomes up to \(cutoff) (\(rows) rows); train on more history or a later --until"
        case .unsoundModel, .unknownInteraction: return "\(error)"
        }
    default: return "\(error)"
    }
}

/// The README's exit code for each type of failure.
func exitCode(for error: any Error) -> ExitCode {
    switch error {
    case let error as InsightError where error.isUsage: return .validationFailure
    case is ValidationError, is MarkovError, is ScoringError:
        // Bad options, or a state rule or option the data cannot support (an unknown segment).
        return .validationFailure
    case let error as ConfigError: return error.unreadable ? VitalsExitCode.noInput : VitalsExitCode.configError
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
    case is LogisticRegressionError, is SignalsModelError, is FeaturizerError, is EvaluationReport.Failure, is InsightError, is TrainingError,
         is ModelKindError:
        return VitalsExitCode.dataError
    case is ScoreHistory.Missing, is ScoreHistory.Unreadable: return VitalsExitCode.noInput
    case is ScoreHistory.NotAHistory, is ScoreTable.NonFinite: return VitalsExitCode.dataError
    case let error as ScoreHistory.WriteFailure: return error.kind == .busy ? VitalsExitCode.temporaryFailure : VitalsExitCode.cannotCreate
    case is ScoreFolder.Failure: return VitalsExitCode.cannotCreate
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
