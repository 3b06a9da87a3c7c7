import Foundation
import Logging
import VitalsFeatures
import VitalsFoundation
import VitalsModel
import VitalsSignals

/// What every scoring of a signals directory starts from (score files, lists,
/// explanations): the model, the signals (indexed), the as-of date, and whether missing signal
/// files are allowed.
public struct ScoringInput: Sendable {
    public var model: ModelFile
    /// The signals, indexed for point-in-time questions (usage folded into daily series).
    public var index: SignalsIndex
    /// Where the signals were read from (to check the files the model needs).
    public var directory: String
    /// Default: the end of the data.
    public var asOf: Day?
    /// Score without a signal file the model was trained on, its features missing.
    public var allowMissingSignals: Bool

    /// The signals, less the usage table (see `SignalsIndex`).
    public var dataset: SignalsDataset { index.dataset }

    /// Indexes `dataset` (stage `index` on `logger`); given its only copy, the usage table is
    /// released as it is folded in.
    ///
    /// - Parameter asOfOnly: keep only the usage days scoring `asOf` reads, a quarter of a
    ///   year's book, for a run that asks about no other date (not for explanations since an
    ///   earlier date, which score that date too).
    public init(model: ModelFile, dataset: consuming SignalsDataset, directory: String, asOf: Day?, allowMissingSignals: Bool,
                asOfOnly: Bool = false, logger: Logger = .silent) {
        self.model = model
        self.directory = directory
        self.asOf = asOf
        self.allowMissingSignals = allowMissingSignals
        let usageDays: UsageDays = asOfOnly ? .asOf(asOf) : .all
        var handed: SignalsDataset? = consume dataset
        index = logger.timed("index") { SignalsIndex(handed.take()!, usageDays: usageDays) }
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
        let day = asOf ?? index.dataEnd
        try ScoringError.check(day, "as-of date", first: index.dataStart, last: index.dataEnd)
        if let spec = model.signals, day <= spec.lastSnapshot {
            warnings.append("\(day) is inside the model's training snapshots (\(spec.firstSnapshot) … \(spec.lastSnapshot)): "
                            + "its scores there are in-sample, better than it will do on new dates")
        }
        return (try ScoredSnapshot(model: model, index: index, asOf: day, logger: logger), warnings)
    }
}
