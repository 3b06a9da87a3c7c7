import Foundation
import Logging
import VitalsSignals
import VitalsEvaluation
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsModel

/// `vitals train --table`: a model from a data team's own feature table.
///
/// The table's rows are taken to be in time order. The latest `calibration_fraction`
/// of them are held out: the model never trains on them, the calibration is fitted on
/// them, and the held-out figures in the summary are computed on them before calibration.
/// The encoding (types, levels, imputation) is learned on the training rows only.
public struct TableTraining: Sendable {
    public var tablePath: String
    public var labelColumn: String
    public var idColumn: String?
    /// Only the `model.*` and `seed` keys apply to a table.
    public var config: TrainingConfig
    public var program: String

    public init(tablePath: String, labelColumn: String, idColumn: String?, config: TrainingConfig, program: String) {
        self.tablePath = tablePath
        self.labelColumn = labelColumn
        self.idColumn = idColumn
        self.config = config
        self.program = program
    }

    public struct Result: Sendable {
        public let model: ModelFile
        public let summary: String
        public let warnings: [String]
    }

    public func run(logger: Logger = .silent) throws -> Result {
        logger.info("reading \(tablePath)")
        let table = try FeatureTable.read(path: tablePath)
        let labels = try table.labels(labelColumn)
        if let idColumn, table.columnIndex(idColumn) == nil {
            throw TableError(path: tablePath, message: "no id column named \(idColumn)")
        }
        let n = table.rowCount
        let calibrating = config.calibration != .none
        let heldOut = calibrating ? Int((Double(n) * config.calibrationFraction).rounded()) : 0
        let fitRows = n - heldOut
        guard fitRows >= 2 else { throw TableError(path: tablePath, message: "\(n) rows are too few to train on") }
        let train = table.rows(0..<fitRows)
        let (encoder, encodingWarnings) = try TableEncoder.fit(train, excluding: Set([labelColumn] + (idColumn.map { [$0] } ?? [])))
        let names = encoder.featureNames
        let x = try encoder.transform(train)
        let y = Array(labels[0..<fitRows])

        var estimator = config.estimator
        var selection = ""
        if config.selectC {
            logger.info("selecting C over \(config.cGrid) by \(config.cvFolds)-fold time-ordered cross-validation")
            let (c, candidates) = try PenaltySelection(grid: config.cGrid, folds: config.cvFolds)
                .select(estimator: estimator, x: x, y: y, featureNames: names, logger: logger)
            estimator.c = c
            selection = "C = \(c) by time-ordered CV (mean held-out log loss: "
                + candidates.map { "C=\($0.c): " + ($0.logLoss.map { String(format: "%.4f", $0) } ?? "n/a") }.joined(separator: ", ") + ")"
        }
        logger.info("fitting on \(fitRows) rows × \(names.count) features")
        var model = try estimator.fit(x: x, y: y, featureNames: names)
        var warnings = encodingWarnings + model.warnings
        var metrics: [String: Double] = [:]
        if let auc = RankingMetrics.rocAUC(labels: y, scores: try model.probabilities(x)) { metrics["train_auc"] = auc }

        if heldOut > 0 {
            let holdout = table.rows(fitRows..<n)
            let hx = try encoder.transform(holdout), hy = Array(labels[fitRows..<n])
            let raw = try model.probabilities(hx)
            if let auc = RankingMetrics.rocAUC(labels: hy, scores: raw) {
                metrics["holdout_auc"] = auc
                metrics["holdout_log_loss_uncalibrated"] = CalibrationMetrics.logLoss(labels: hy, probabilities: raw.map { min(max($0, 1e-15), 1 - 1e-15) })
                logger.info("calibrating (\(config.calibration.rawValue)) on the latest \(heldOut) rows")
                model = try model.calibrated(heldOutX: hx, y: hy, method: config.calibration)
            } else {
                warnings.append("the latest \(heldOut) rows have one class only, so no calibration was fitted; lower model.calibration_fraction or add data")
            }
        }
        let positives = Int(labels.reduce(0, +))
        let fingerprint = try DataFingerprint.of(
            files: [((tablePath as NSString).lastPathComponent, tablePath)], range: "rows 1–\(n)", rows: n, positives: positives)
        var flat = config.flattened.filter { $0.key.hasPrefix("model.") || $0.key == "seed" }
        flat["model.c"] = "\(estimator.c)"
        let file = try ModelFile(
            task: .table, createdBy: program, encoding: encoder, labelColumn: labelColumn, idColumn: idColumn,
            model: model, config: flat, data: fingerprint, metrics: metrics
        ).sealed()

        var summary = "trained \(file.modelID) on \(fitRows) rows (\(Int(y.reduce(0, +))) positive), \(names.count) features"
        if heldOut > 0 { summary += "; \(heldOut) later rows held out for calibration (\(model.calibration.method.rawValue))" }
        summary += "\n\(model.solver.rawValue): \(model.iterations) iterations, converged \(model.converged), gradient norm \(String(format: "%.2e", model.gradientNorm))"
        if !selection.isEmpty { summary += "\n" + selection }
        for key in metrics.keys.sorted() { summary += "\n\(key): \(String(format: "%.4f", metrics[key]!))" }
        let top = model.coefficients.indices.sorted { abs(model.coefficients[$0]) > abs(model.coefficients[$1]) || (abs(model.coefficients[$0]) == abs(model.coefficients[$1]) && $0 < $1) }.prefix(8)
        summary += "\ntop coefficients (standardized):"
        for j in top { summary += "\n  \(names[j].padding(toLength: max(28, names[j].count + 1), withPad: " ", startingAt: 0))\(String(format: "%+.4f", model.coefficients[j]))" }
        return Result(model: file, summary: summary, warnings: warnings)
    }
}

/// `vitals score --table`: probabilities and drivers for every row of a feature table.
public struct TableScoring: Sendable {
    public var model: ModelFile
    public var tablePath: String

    public init(model: ModelFile, tablePath: String) {
        self.model = model
        self.tablePath = tablePath
    }

    public func run() throws -> ScoreTable {
        guard let encoder = model.encoding else {
            throw TableError(path: tablePath, message: "model \(model.modelID) was trained on a signals directory, not a table; score it with vitals score DIR")
        }
        let table = try FeatureTable.read(path: tablePath)
        let x = try encoder.transform(table)
        let probabilities = try model.model.probabilities(x)
        let drivers = Drivers(featureNames: model.model.featureNames, encoder: encoder)
        let contributions = drivers.contributions(of: model.model, x: x)
        let idIndex = model.idColumn.flatMap { table.columnIndex($0) }
        var scores = ScoreTable(columns: [model.idColumn ?? "row", "probability", "top_drivers", "model_id"])
        for r in 0..<table.rowCount {
            let id: ScoreTable.Value = idIndex.map { .text(table.columns[$0][r]) } ?? .integer(r + 1)
            scores.rows.append([id, .number(probabilities[r]), .text(drivers.topDrivers(contributions[r])), .text(model.modelID)])
        }
        return scores
    }
}

/// `vitals evaluate --table`: the model's figures on a labelled table.
public struct TableEvaluation: Sendable {
    public var model: ModelFile
    public var tablePath: String
    public var capacity: Int

    public init(model: ModelFile, tablePath: String, capacity: Int) {
        self.model = model
        self.tablePath = tablePath
        self.capacity = capacity
    }

    public struct Result: Sendable {
        public let report: EvaluationReport
        public let labels: [Double]
        public let probabilities: [Double]
    }

    public func run() throws -> Result {
        guard let encoder = model.encoding, let labelColumn = model.labelColumn else {
            throw TableError(path: tablePath, message: "model \(model.modelID) was trained on a signals directory, not a table")
        }
        let table = try FeatureTable.read(path: tablePath)
        let labels = try table.labels(labelColumn)
        let probabilities = try model.model.probabilities(encoder.transform(table))
        let report = try EvaluationReport.evaluate(
            labels: labels, probabilities: probabilities, arr: [Double](repeating: 1, count: labels.count), k: capacity)
        return Result(report: report, labels: labels, probabilities: probabilities)
    }
}
