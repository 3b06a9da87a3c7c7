// VitalsTraining: the training config (one key table for defaults, parsing, the model file's
// copy and the docs) and the one `Trainer`, for signals and for tables. Only the CLI imports
// this module.

import Foundation
import Logging
import VitalsAdditive
import VitalsEvaluation
import VitalsFeatures
import VitalsFoundation
import VitalsHazard
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsModel
import VitalsSignals

/// Where a model learns from: a signals directory (a task's snapshots), or a data team's
/// own feature table.
public enum TrainingSource: Sendable {
    /// Snapshots of the config's task from the signals in `directory` (indexed), with labels
    /// known by `until` (default: the end of the data).
    case signals(directory: String, index: SignalsIndex, until: Day?)
    /// The rows of a CSV table (in time order); `label` is the 0/1 column, `id` a column
    /// carried into score files and never used as a feature.
    /// `time` names the column that orders the rows (else the config's `features.time_column`,
    /// else file order); `exclude` columns are never features (with the config's).
    case table(path: String, label: String, id: String?, time: String? = nil, exclude: [String] = [])
}

extension TrainingSource {
    /// Snapshots from a dataset not yet indexed (the caller keeps its copy of the usage table;
    /// hand a `SignalsIndex` the only copy to have it released as it is folded in).
    public static func signals(directory: String, dataset: SignalsDataset, until: Day?) -> TrainingSource {
        .signals(directory: directory, index: SignalsIndex(dataset), until: until)
    }
}

/// The one trainer: `vitals train` on signals and on tables.
///
/// 1. The source gives the rows in time order with their features (signals: point-in-time
///    features and the Markov columns fitted on the same period, then the training medians
///    for missing values; tables: the encoding learned on the training rows), each feature's
///    declared direction, and the rows held out for the calibration: the latest
///    `model.calibration_fraction` (signals: of the snapshot dates), or none when the
///    calibration is cross-fitted (a table without a time column, by default).
/// 2. C is chosen by cross-validation over the source's folds (`ValidationFolds`: forward in
///    time and grouped by entity for snapshots, stratified or forward in time for tables),
///    and the model is fitted on every training row.
/// 3. Interactions (additive shape): the strongest pairs a screen of the main-effects
///    model's residuals finds are tried by the same folds, and kept when they lower the mean
///    held-out log loss by `interactionGain` or more.
/// 4. The calibration is fitted on the held-out rows, or on the out-of-fold decision values
///    of the cross-validation fits.
/// 5. Every figure is computed on rows used neither for fitting nor for calibrating what is
///    measured: `holdout_*` on the held-out rows, `cv_*` on the out-of-fold predictions, and
///    the calibrated log loss and Brier score cross-fitted over `calibrationFolds` blocks.
/// 6. The model file records the config, a fingerprint of the data, the figures and, for
///    signals, the feature recipe; its id is the hash of its content.
public struct Trainer: Sendable {
    public var config: TrainingConfig
    /// The program recorded in the model file, e.g. `vitals 0.1.0`.
    public var program: String

    /// How many blocks of the held-out rows the calibrated figures are cross-fitted over.
    public static let calibrationFolds = 5
    /// The least relative drop in the mean CV log loss that keeps the interactions tried: a
    /// gain inside the folds' noise is not worth a harder model to explain.
    public static let interactionGain = 0.005

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

    /// Handed the source's only copy, the signals index (the usage series above all) is released
    /// once the rows are built, before the cross-validation, which needs the memory most.
    public func train(_ source: consuming TrainingSource, logger: Logger = .silent) throws -> Result {
        let rows: TrainingRows
        switch consume source {
        case let .signals(directory, index, until):
            rows = try TrainingRows.signals(directory: directory, index: index, until: until, config: config, logger: logger)
        case let .table(path, label, id, time, exclude):
            rows = try TrainingRows.table(path: path, labelColumn: label, idColumn: id, timeColumn: time, excluded: exclude, config: config,
                                          logger: logger)
        }
        var warnings = rows.warnings
        var estimator = config.estimator
        var selection = ""
        var outOfFold: [Double?] = []
        let tryPairs = estimator.shape == .additive && (config.interactions > 0 || !config.declaredInteractions.isEmpty)
        let (folds, scheme) = validationFolds(rows)
        var mainLoss: Double?
        if config.selectC || rows.crossFittedCalibration || tryPairs {
            let grid = config.selectC ? config.cGrid : [estimator.c]
            logger.info("cross-validating C over \(grid) by \(config.cvFolds)-fold \(scheme) folds")
            let (c, candidates, values) = try logger.timed("select_c") {
                try PenaltySelection(grid: grid)
                    .select(estimator: estimator, x: rows.x, y: rows.y, featureNames: rows.featureNames, directions: rows.directions,
                            folds: folds, logger: logger)
            }
            estimator.c = c
            outOfFold = values
            mainLoss = candidates.first { $0.c == c }?.logLoss
            let scores = candidates.map { "C=\($0.c): " + ($0.logLoss.map { String(format: "%.4f", $0) } ?? "n/a") }
            if config.selectC { selection = "C = \(c) by \(scheme) CV (mean held-out log loss: " + scores.joined(separator: ", ") + ")" }
        }
        // The knots: at the chosen C, each other basis size of the grid by the same folds.
        let sizes = config.basisGrid.filter { $0 != estimator.shapeSettings.columnsPerFeature }
        if config.selectC, estimator.shape == .additive, !sizes.isEmpty, let loss = mainLoss {
            var scores = ["\(estimator.shapeSettings.columnsPerFeature): " + String(format: "%.4f", loss)]
            var best = (columns: estimator.shapeSettings.columnsPerFeature, loss: loss, values: outOfFold)
            for columns in sizes {
                var candidate = estimator
                candidate.shapeSettings.columnsPerFeature = columns
                logger.info("cross-validating \(columns) basis columns per feature at C = \(estimator.c)")
                let (_, candidates, values) = try logger.timed("select_basis") {
                    try PenaltySelection(grid: [estimator.c])
                        .select(estimator: candidate, x: rows.x, y: rows.y, featureNames: rows.featureNames, directions: rows.directions,
                                folds: folds, logger: logger)
                }
                guard let candidateLoss = candidates[0].logLoss else { continue }
                scores.append("\(columns): " + String(format: "%.4f", candidateLoss))
                // Ties go to fewer columns: the simpler shapes.
                if candidateLoss < best.loss || (candidateLoss == best.loss && columns < best.columns) { best = (columns, candidateLoss, values) }
            }
            estimator.shapeSettings.columnsPerFeature = best.columns
            (mainLoss, outOfFold) = (best.loss, best.values)
            selection += (selection.isEmpty ? "" : "\n") + "\(best.columns) basis columns per feature by the same CV (mean held-out log loss: "
                + scores.joined(separator: ", ") + ")"
        }
        logger.info("fitting \(estimator.shape.rawValue) shapes on \(rows.x.rows) \(rows.noun.plural) × \(rows.x.columns) features")
        var model = try logger.timed("fit") {
            try estimator.fit(x: rows.x, y: rows.y, featureNames: rows.featureNames, directions: rows.directions)
        }
        if tryPairs, let mainLoss {
            let pairs = try interactionCandidates(rows, model: model)
            if !pairs.isEmpty {
                var withPairs = estimator
                withPairs.pairs = pairs
                logger.info("trying \(pairs.count) interactions by the same cross-validation")
                let (_, candidates, values) = try logger.timed("interactions") {
                    try PenaltySelection(grid: [estimator.c])
                        .select(estimator: withPairs, x: rows.x, y: rows.y, featureNames: rows.featureNames, directions: rows.directions,
                                folds: folds, logger: logger)
                }
                let names = pairs.map { "\(rows.featureNames[$0.first]) × \(rows.featureNames[$0.second])" }
                let losses = String(format: "%.4f without, %.4f with; kept from a %.1f %% drop", mainLoss, candidates[0].logLoss ?? .nan,
                                    100 * Self.interactionGain)
                if let loss = candidates[0].logLoss, loss < mainLoss * (1 - Self.interactionGain) {
                    estimator = withPairs
                    outOfFold = values
                    model = try logger.timed("fit") {
                        try estimator.fit(x: rows.x, y: rows.y, featureNames: rows.featureNames, directions: rows.directions)
                    }
                    selection += (selection.isEmpty ? "" : "\n") + "interactions kept by CV (mean held-out log loss \(losses)): " + names.joined(separator: ", ")
                } else {
                    selection += (selection.isEmpty ? "" : "\n") + "interactions tried and left out by CV (mean held-out log loss \(losses)): "
                        + names.joined(separator: ", ")
                }
            }
        }
        warnings += model.warnings
        var metrics: [String: Double] = ["train_rows": Double(rows.x.rows), "train_positives": rows.y.reduce(0, +)]
        if let auc = RankingMetrics.rocAUC(labels: rows.y, scores: try model.probabilities(rows.x)) { metrics["train_auc"] = auc }
        if rows.crossFittedCalibration {
            // Out-of-fold decision values: each row scored by a fit that never saw it.
            let scored = outOfFold.indices.filter { outOfFold[$0] != nil }
            let eta = scored.map { outOfFold[$0]! }, labels = scored.map { rows.y[$0] }
            metrics["cv_rows"] = Double(scored.count)
            metrics["cv_positives"] = labels.reduce(0, +)
            if let auc = RankingMetrics.rocAUC(labels: labels, scores: eta) {
                metrics["cv_auc"] = auc
                metrics["cv_log_loss_uncalibrated"] = CalibrationMetrics.clippedLogLoss(
                    labels: labels, probabilities: eta.map { ProbabilityCalibration.none.probability(decisionValue: $0) })
                logger.info("calibrating (\(config.calibration.rawValue)) on the out-of-fold predictions of \(scored.count) \(rows.noun.plural)")
                model = try logger.timed("calibrate") { try model.calibrated(outOfFold: eta, labels: labels, method: config.calibration) }
                if let calibrated = try ProbabilityCalibration.crossFitted(method: model.calibration.method, decisionValues: eta, labels: labels,
                                                                           folds: Self.calibrationFolds) {
                    metrics["cv_log_loss"] = CalibrationMetrics.clippedLogLoss(labels: labels, probabilities: calibrated)
                    metrics["cv_brier"] = CalibrationMetrics.brierScore(labels: labels, probabilities: calibrated)
                }
            } else {
                warnings.append("the out-of-fold predictions cover one class only, so no calibration was fitted; add data or lower model.cv_folds")
            }
        }
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
        var curveSpec: HazardCurveSpec?
        if let curve = rows.curve {
            let spec = try HazardCurveSpec(terms: curve.terms, tailDays: 1).withTail(model: model, snapshots: curve.fitSnapshots)
            curveSpec = spec
            if curve.heldOutSnapshots.rows > 0 {
                let curves = try FittedHazardModel(model: model, curve: spec, personPeriods: rows.y.count).curves(curve.heldOutSnapshots)
                for (key, value) in Self.curveFigures(curves: curves, followUps: curve.heldOutFollowUps, reach: curve.periods.reachDays) {
                    metrics["holdout_" + key] = value
                }
            }
        }
        // Overrun: the two risks the label joins, each its own model with the chosen settings.
        var riskModels: (hours: FittedRiskModel, late: FittedRiskModel)?
        if let risks = rows.risks {
            let hours = try riskModel("hours_overrun", y: risks.fitHours, heldOut: risks.heldOutHours, rows: rows, estimator: estimator,
                                      metrics: &metrics, warnings: &warnings, logger: logger)
            let late = try riskModel("late", y: risks.fitLate, heldOut: risks.heldOutLate, rows: rows, estimator: estimator,
                                     metrics: &metrics, warnings: &warnings, logger: logger)
            if let hours, let late { riskModels = (hours, late) }
        }
        var flat = rows.configEntries(config)
        flat["model.c"] = "\(estimator.c)"
        flat["model.basis_columns"] = "\(estimator.shapeSettings.columnsPerFeature)"
        let file = try rows.modelFile(model: model, curveSpec: curveSpec, riskModels: riskModels, config: flat, metrics: metrics, program: program).sealed()
        // A model the loader would refuse is never written.
        if let problem = file.soundnessProblem() { throw TrainingError.unsoundModel(problem) }
        if let key = metrics.first(where: { !$0.value.isFinite })?.key { throw TrainingError.unsoundModel("the figure \(key) is not finite") }
        return Result(model: file, summary: rows.summary(file: file, model: model, selection: selection, metrics: metrics), warnings: warnings)
    }

    /// One of an overrun model's two risks: fitted with the combined model's settings (C,
    /// knots, interactions) on the same rows, calibrated on the same held-out rows, with its
    /// held-out AUC before calibration as `holdout_auc_<name>`. Nil, with a warning, when the
    /// fitting rows hold one class only.
    func riskModel(_ name: String, y: [Double], heldOut: [Double], rows: TrainingRows, estimator: RiskModelEstimator,
                   metrics: inout [String: Double], warnings: inout [String], logger: Logger) throws -> FittedRiskModel? {
        guard y.contains(1), y.contains(0) else {
            warnings.append("no \(name.replacingOccurrences(of: "_", with: " ")) risk model: the training rows hold one class only")
            return nil
        }
        logger.info("fitting the \(name.replacingOccurrences(of: "_", with: " ")) risk")
        var model = try logger.timed("fit_\(name)") {
            try estimator.fit(x: rows.x, y: y, featureNames: rows.featureNames, directions: rows.directions)
        }
        guard let held = rows.heldOut, config.calibration != .none, heldOut.contains(1), heldOut.contains(0) else { return model }
        metrics["holdout_positives_\(name)"] = heldOut.reduce(0, +)
        metrics["holdout_auc_\(name)"] = RankingMetrics.rocAUC(labels: heldOut, scores: try model.probabilities(held.x))
        model = try model.calibrated(heldOutX: held.x, y: heldOut, method: config.calibration)
        return model
    }

    /// A curve's figures on snapshots it was not fitted on, at each horizon h within its
    /// reach (`SurvivalEvaluation.horizons`): `auc_<h>d` and `calibration_ratio_<h>d` (mean
    /// predicted ÷ observed rate) over the rows `SurvivalEvaluation`'s censoring rule counts;
    /// `rows_<h>d` counts them.
    static func curveFigures(curves: [SurvivalCurve], followUps: [FollowUp], reach: Double) -> [String: Double] {
        let horizons = SurvivalEvaluation.horizons.filter { Double($0) <= reach + 1 }
        let evaluation = SurvivalEvaluation.evaluate(
            predicted: curves.map { c in horizons.map { c.churnProbability(withinDays: Double($0)) } }, horizons: horizons,
            followUps: followUps.map { RowFollowUp(eventDay: $0.eventDay, observedDays: $0.observedDays) },
            bands: curves.map { _ in "all" }, bandOrder: ["all"], survivalGrid: [], predictedSurvival: curves.map { _ in [] })
        var figures: [String: Double] = [:]
        for h in evaluation.horizons {
            figures["rows_\(h.days)d"] = Double(h.rows)
            guard let auc = h.auc else { continue }
            figures["auc_\(h.days)d"] = auc
            figures["calibration_ratio_\(h.days)d"] = h.calibrationRatio
        }
        return figures
    }

    /// The interactions to try: the declared pairs (by feature name), then the strongest a
    /// screen of the main-effects model's residuals finds, up to `model.interactions` in all.
    func interactionCandidates(_ rows: TrainingRows, model: FittedRiskModel) throws -> [RiskModelEstimator.Pair] {
        var pairs: [RiskModelEstimator.Pair] = []
        for (a, b) in config.declaredInteractions {
            guard let i = rows.featureNames.firstIndex(of: a), let j = rows.featureNames.firstIndex(of: b) else {
                throw TrainingError.unknownInteraction(a, b, known: rows.featureNames)
            }
            pairs.append(RiskModelEstimator.Pair(i, j))
        }
        let screened = InteractionScreening.rank(x: rows.x, y: rows.y, probabilities: try model.uncalibratedProbabilities(rows.x),
                                                 featureNames: rows.featureNames, strengths: model.featureStrengths)
        // The period terms never enter an interaction: the curves would cross.
        let snapshotFeatures = rows.featureNames.count - (rows.curve?.terms.names.count ?? 0)
        for candidate in screened where pairs.count < max(config.interactions, config.declaredInteractions.count)
            && max(candidate.first, candidate.second) < snapshotFeatures {
            if !pairs.contains(where: { Set([$0.first, $0.second]) == Set([candidate.first, candidate.second]) }) {
                pairs.append(RiskModelEstimator.Pair(candidate.first, candidate.second))
            }
        }
        return pairs
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
