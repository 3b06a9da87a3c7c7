import ArgumentParser
import Foundation
import VitalsEvaluation
import VitalsLogistic
import VitalsMarkov
import VitalsModel
import VitalsTraining

/// Runs a core step and turns its typed errors into a message on stderr and the
/// documented exit code; anything unexpected is an internal error (70).
func runReporting<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        printError("error: \(error)")
        throw ExitCode.validationFailure
    } catch let error as ConfigError {
        printError("error: \(error)")
        throw VitalsExitCode.configError
    } catch let error as ModelFileError {
        printError("error: \(error)")
        switch error {
        case .unreadable: throw VitalsExitCode.noInput
        case .cannotWrite: throw VitalsExitCode.cannotCreate
        case .malformed, .newerFormat, .tampered: throw VitalsExitCode.dataError
        }
    } catch let error as TableError {
        printError("error: \(error)")
        throw error.message.hasPrefix("cannot read") ? VitalsExitCode.noInput : VitalsExitCode.dataError
    } catch let error as LogisticRegressionError {
        printError("error: \(error)")
        throw VitalsExitCode.dataError
    } catch let error as MarkovError {
        // A state rule or option the data cannot support (an unknown segment, too few months).
        printError("error: \(error)")
        throw ExitCode.validationFailure
    } catch let error as SignalsModelError {
        printError("error: \(error)")
        throw VitalsExitCode.dataError
    } catch let error as EvaluationReport.Failure {
        printError("error: \(error)")
        throw VitalsExitCode.dataError
    } catch let error as AtomicFile.WriteError {
        printError("error: cannot write \(error)")
        throw VitalsExitCode.cannotCreate
    } catch {
        printError("error: \(error)")
        throw VitalsExitCode.software
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
