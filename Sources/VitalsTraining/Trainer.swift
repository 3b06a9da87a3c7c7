// VitalsTraining: the training config (one key table for defaults, parsing, the model file's
// copy and the docs) and the one `Trainer`, for signals and for tables. Only the CLI imports
// this module.

import Foundation
import Logging
import VitalsAdditive
import VitalsEvaluation
import VitalsFeatures
import VitalsFoundation
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsModel
import VitalsSignals

/// Where a model learns from: a signals directory (a task's snapshots), or a data team's
/// own feature table.
public enum TrainingSource: Sendable {
    /// Snapshots of the config's task from the signals in `directory`, with labels known by
    /// `until` (default: the end of the data).
    case signals(directory: String, dataset: SignalsDataset, until: Day?)
    /// The rows of a CSV table (in time order); `label` is the 0/1 column, `id` a column
    /// carried into score files and never used as a feature.
    /// `time` names the column that orders the rows (else the config's `features.time_column`,
    /// else file order); `exclude` columns are never features (with the config's).
    case table(path: String, label: String, id: String?, time: String? = nil, exclude: [String] = [])
}

/// The one trainer: `vitals train` on signals and on tables.
///
/// 1. The source gives the rows in time order with their features (signals: point-in-time
///    features and the Markov columns fitted on the same period, then the training medians
///    for missing values; tables: the encoding learned on the training rows) and holds out
///    the latest `model.calibration_fraction` of them (signals: of the snapshot dates).
/// 2. C is chosen on the earlier rows by time-ordered cross-validation when asked
///    (`PenaltySelection`), and the model is fitted on them.
/// 3. The calibration is fitted on the held-out rows (`FittedLogisticRegression.calibrated`,
///    the one place a model's calibration is fitted).
/// 4. Every held-out figure is computed on rows used neither for fitting nor for calibrating
///    what is measured: the uncalibrated model's AUC and log loss on the held-out rows, and
///    the calibrated log loss and Brier score cross-fitted over `calibrationFolds` blocks of
///    them (`ProbabilityCalibration.crossFitted`).
/// 5. The model file records the config, a fingerprint of the data, the figures and, for
///    signals, the feature recipe; its id is the hash of its content.
public struct Trainer: Sendable {
    public var config: TrainingConfig
    /// The program recorded in the model file, e.g. `vitals 0.1.0`.
    public var program: String

    /// How many blocks of the held-out rows the calibrated figures are cross-fitted over.
    public static let calibrationFolds = 5

    public init(config: TrainingConfig, program: String) {
        self.config = config
        self.program = program
    }

    public struct Result: Sendable {
        public let model: ModelFile
        /// What a person reads after training: rows, solver, choice of C, figures, coefficients.
        public let summary: String
        public let warnings: [String]
    }

    public func train(_ source: TrainingSource, logger: Logger = .silent) throws -> Result {
        let rows: TrainingRows
        switch source {
        case let .signals(directory, dataset, until):
            rows = try TrainingRows.signals(directory: directory, dataset: dataset, until: until, config: config, logger: logger)
        case let .table(path, label, id, time, exclude):
            rows = try TrainingRows.table(path: path, labelColumn: label, idColumn: id, timeColumn: time, excluded: exclude, config: config,
                                          logger: logger)
        }
        var warnings = rows.warnings
        var estimator = config.estimator
        var selection = ""
        if config.selectC {
            let (folds, scheme) = validationFolds(rows)
            logger.info("selecting C over \(config.cGrid) by \(config.cvFolds)-fold \(scheme) cross-validation")
            let (c, candidates) = try logger.timed("select_c") {
                try PenaltySelection(grid: config.cGrid)
                    .select(estimator: estimator, x: rows.x, y: rows.y, featureNames: rows.featureNames, directions: rows.directions,
                            folds: folds, logger: logger)
            }
            estimator.c = c
            let scores = candidates.map { "C=\($0.c): " + ($0.logLoss.map { String(format: "%.4f", $0) } ?? "n/a") }
            selection = "C = \(c) by \(scheme) CV (mean held-out log loss: " + scores.joined(separator: ", ") + ")"
        }
        logger.info("fitting \(estimator.shape.rawValue) shapes on \(rows.x.rows) \(rows.noun.plural) × \(rows.x.columns) features")
        var model = try logger.timed("fit") {
            try estimator.fit(x: rows.x, y: rows.y, featureNames: rows.featureNames, directions: rows.directions)
        }
        warnings += model.warnings
        var metrics: [String: Double] = ["train_rows": Double(rows.x.rows), "train_positives": rows.y.reduce(0, +)]
        if let auc = RankingMetrics.rocAUC(labels: rows.y, scores: try model.probabilities(rows.x)) { metrics["train_auc"] = auc }
        if let heldOut = rows.heldOut {
            metrics["holdout_rows"] = Double(heldOut.y.count)
            metrics["holdout_positives"] = heldOut.y.reduce(0, +)
            let raw = try model.probabilities(heldOut.x)
            if let auc = RankingMetrics.rocAUC(labels: heldOut.y, scores: raw) {
                // The uncalibrated model never saw these rows: its figures on them are held-out figures.
                metrics["holdout_auc"] = auc
                metrics["holdout_log_loss_uncalibrated"] = CalibrationMetrics.clippedLogLoss(labels: heldOut.y, probabilities: raw)
                logger.info("calibrating (\(config.calibration.rawValue)) on the latest \(heldOut.description)")
                model = try logger.timed("calibrate") { try model.calibrated(heldOutX: heldOut.x, y: heldOut.y, method: config.calibration) }
                // The calibration did see them, so its figures come from blocks it was not fitted on.
                if let calibrated = try ProbabilityCalibration.crossFitted(
                    method: model.calibration.method, decisionValues: try model.decisionFunction(heldOut.x), labels: heldOut.y,
                    folds: Self.calibrationFolds)
                {
                    metrics["holdout_log_loss"] = CalibrationMetrics.clippedLogLoss(labels: heldOut.y, probabilities: calibrated)
                    metrics["holdout_brier"] = CalibrationMetrics.brierScore(labels: heldOut.y, probabilities: calibrated)
                }
            } else {
                warnings.append("the \(heldOut.y.count) held-out \(rows.noun.plural) have one class only, so no calibration was fitted; "
                                + "lower model.calibration_fraction or add data")
            }
        }
        var flat = rows.configEntries(config)
        flat["model.c"] = "\(estimator.c)"
        let file = try rows.modelFile(model: model, config: flat, metrics: metrics, program: program).sealed()
        // A model the loader would refuse is never written.
        if let problem = file.soundnessProblem() { throw TrainingError.unsoundModel(problem) }
        if let key = metrics.first(where: { !$0.value.isFinite })?.key { throw TrainingError.unsoundModel("the figure \(key) is not finite") }
        return Result(model: file, summary: rows.summary(file: file, model: model, selection: selection, metrics: metrics), warnings: warnings)
    }

    /// The folds C is chosen over, and the scheme's name for the summary.
    func validationFolds(_ rows: TrainingRows) -> ([ValidationFold], String) {
        switch rows.foldPlan {
        case let .snapshots(dates, entities):
            return (ValidationFolds.groupedTimeOrdered(dates: dates, groups: entities, folds: config.cvFolds, seed: UInt64(config.seed)),
                    "time-ordered, entity-grouped")
        case .timeOrdered: return (ValidationFolds.timeOrdered(rows: rows.x.rows, folds: config.cvFolds), "time-ordered")
        case .stratified: return (ValidationFolds.stratified(labels: rows.y, folds: config.cvFolds, seed: UInt64(config.seed)), "stratified")
        }
    }
}
