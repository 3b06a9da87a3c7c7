import Logging
import VitalsSignals

/// Reads and validates a signals directory, with the reader's exit codes.
func readSignals(_ directory: String, logger: Logger, options: SignalsReadOptions = .init()) throws -> SignalsDataset {
    do {
        return try logger.timed("read") { try SignalsReader(options: options).read(directory: directory, logger: logger).dataset }
    } catch let error as SignalsValidationError {
        printError("error: \(directory) breaks the signals contract:\n\(error)")
        throw VitalsExitCode.dataError
    } catch let error as SignalsIOError {
        printError("error: \(error)")
        throw VitalsExitCode.noInput
    }
}
