import Foundation
import Logging
import VitalsFeatures
import VitalsFoundation
import VitalsModel
import VitalsSignals

/// What every scoring of a signals directory starts from (score files, lists,
/// explanations): the model, the signals, the as-of date, and whether missing signal files
/// are allowed.
public struct ScoringInput: Sendable {
    public var model: ModelFile
    public var dataset: SignalsDataset
    /// Where the signals were read from (to check the files the model needs).
    public var directory: String
    /// Default: the end of the data.
    public var asOf: Day?
    /// Score without a signal file the model was trained on, its features missing.
    public var allowMissingSignals: Bool

    public init(model: ModelFile, dataset: SignalsDataset, directory: String, asOf: Day?, allowMissingSignals: Bool) {
        self.model = model
        self.dataset = dataset
        self.directory = directory
        self.asOf = asOf
        self.allowMissingSignals = allowMissingSignals
    }

    /// The signal files the model needs and the directory lacks, as warnings.
    ///
    /// - Throws: `SignalsModelError.missingSignalFile` for the first of them unless
    ///   missing signals are allowed; `.notASignalsModel` for a table model.
    public func checkSignalFiles() throws(SignalsModelError) -> [String] {
        let spec = try ScoredSnapshot.spec(of: model)
        var warnings: [String] = []
        for file in spec.requiredFiles where SignalsFileText.path(of: file, in: directory) == nil {
            guard allowMissingSignals else { throw .missingSignalFile(directory: directory, file: file, model: model.modelID) }
            warnings.append("\(directory) has no \(file), which the model was trained on; its features are scored as missing")
        }
        return warnings
    }

    /// Every entity scored as of the date, and the warnings on the way.
    ///
    /// - Throws: `ScoringError.dateOutsideData` for an as-of date before the data's first day
    ///   or after its last: there is nothing to score there.
    public func snapshot(logger: Logger = .silent) throws -> (snapshot: ScoredSnapshot, warnings: [String]) {
        var warnings = try checkSignalFiles()
        let index = logger.timed("index") { SignalsIndex(dataset) }
        let day = asOf ?? index.dataEnd
        try ScoringError.check(day, "as-of date", first: index.dataStart, last: index.dataEnd)
        if let spec = model.signals, day <= spec.lastSnapshot {
            warnings.append("\(day) is inside the model's training snapshots (\(spec.firstSnapshot) … \(spec.lastSnapshot)): "
                            + "its scores there are in-sample, better than it will do on new dates")
        }
        return (try ScoredSnapshot(model: model, index: index, asOf: day, logger: logger), warnings)
    }
}
