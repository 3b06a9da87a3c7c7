import Foundation
import Logging
import VitalsEvaluation
import VitalsFeatures
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsMarkov
import VitalsModel
import VitalsSignals

/// `vitals train DIR --task churn|overrun`: the model of a task from a signals directory.
///
/// 1. Snapshot dates on the config's cadence, from 90 days into the data to `until`
///    (default: the end of the data); only labels known by `until` are used.
/// 2. Point-in-time features of the configured families, plus the Markov layer (the health
///    chain for churn, the phase chain for overrun), fitted on the same period.
/// 3. Missing values: the family indicators the extractors set, then training medians.
/// 4. The latest `model.calibration_fraction` of the snapshot dates are held out: the model
///    trains on the earlier ones (C chosen by forward-chained CV when asked), and the
///    calibration is fitted on the held-out ones.
public struct SignalsTraining: Sendable {
    public var directory: String
    public var dataset: SignalsDataset
    public var config: TrainingConfig
    public var until: Day?
    public var program: String

    public init(directory: String, dataset: SignalsDataset, config: TrainingConfig, until: Day?, program: String) {
        self.directory = directory
        self.dataset = dataset
        self.config = config
        self.until = until
        self.program = program
    }

    public struct Result: Sendable {
        public let model: ModelFile
        public let summary: String
        public let warnings: [String]
    }

    /// The signal files a task's families read.
    public static func requiredFiles(task: TrainingConfig.Task, families: [String]) -> [String] {
        var files = ["accounts.csv"]
        if task == .overrun {
            files += ["projects.csv", "timesheets.csv", "milestones.csv", "change_orders.csv"]
            if families.contains("support") { files.append("tickets.csv") }
            if families.contains("nps") { files.append("nps.csv") }
            return files
        }
        if families.contains("usage") { files.append("usage.csv") }
        if families.contains("support") { files.append("tickets.csv") }
        if families.contains("nps") { files.append("nps.csv") }
        if families.contains("delivery") { files += ["projects.csv", "timesheets.csv", "change_orders.csv"] }
        return files
    }

    /// The feature families of the layout for a config.
    static func layoutFamilies(_ config: TrainingConfig) -> [FeatureFamily] {
        if config.task == .overrun { return [.project] }
        return [FeatureFamily.account, .usage, .support, .nps, .delivery].filter { config.families.contains($0.rawValue) }
    }

    public func run(logger: Logger = .silent) throws -> Result {
        let index = logger.timed("index") { SignalsIndex(dataset) }
        let cutoff = min(until ?? index.dataEnd, index.dataEnd)
        let task: FeatureLayout.Task = config.task == .churn ? .churn : .overrun
        let builder = SnapshotBuilder(index: index, horizonDays: config.horizonDays, tolerance: config.tolerance,
                                      graceDays: config.graceDays, labelCutoff: cutoff)
        let cadence: SnapshotCadence = config.cadence == .monthly ? .monthly : .weekly
        let dates = cadence.dates(from: index.dataStart + 90, through: cutoff)
        let layout = builder.layout(task: task, families: Self.layoutFamilies(config))
        logger.info("building \(task.rawValue) snapshots over \(dates.count) dates up to \(cutoff)")
        var table = logger.timed("snapshots") { builder.table(layout: layout, dates: dates, requireLabels: true, logger: logger) }
        guard table.rowCount > 0, table.labels.contains(1), table.labels.contains(0) else {
            throw LogisticRegressionError.invalidData(
                "no labelled \(task.rawValue) snapshots with both outcomes up to \(cutoff) (\(table.rowCount) rows); train on more history or a later --until")
        }
        var warnings: [String] = []
        var accountChain: SignalsModelSpec.AccountChain?, projectChain: SignalsModelSpec.ProjectChain?
        if config.families.contains("markov") {
            logger.info("fitting the Markov chain")
            if task == .churn {
                let months = SnapshotCadence.monthly.dates(from: index.dataStart, through: cutoff)
                let chain = try AccountHealthChain.fit(index: index, rule: config.healthStates, estimator: config.chain, months: months)
                let markov = try AccountMarkovFeatures(chain: chain, horizonDays: config.horizonDays)
                table = markov.appending(to: table)
                accountChain = .init(rule: chain.rule, states: chain.space.names, transitions: Self.rows(chain.chain),
                                     churnProbability: markov.churnProbability, expectedMonths: markov.expectedMonths,
                                     horizonMonths: markov.horizonMonths)
            } else {
                let weeks = SnapshotCadence.weekly.dates(from: index.dataStart, through: cutoff)
                let phases = try ProjectPhaseChain.fit(index: index, rule: config.projectPhases, estimator: config.chain, weeks: weeks,
                                                       tolerance: config.tolerance, graceDays: config.graceDays)
                table = phases.appending(to: table)
                projectChain = .init(rule: phases.rule, states: phases.chain.space.names, transitions: Self.rows(phases.chain),
                                     overrunProbability: phases.overrunProbability, expectedWeeks: phases.expectedWeeks)
            }
        }

        // Hold out the latest dates for calibration; everything is fitted on the earlier ones.
        let distinctDates = Array(Set(table.dates)).sorted()
        let heldOutDates = config.calibration == .none ? 0 : max(1, Int((Double(distinctDates.count) * config.calibrationFraction).rounded()))
        let firstHeldOut = heldOutDates > 0 && distinctDates.count > heldOutDates ? distinctDates[distinctDates.count - heldOutDates] : nil
        let fitTable = table.filteringRows { firstHeldOut == nil || table.dates[$0] < firstHeldOut! }
        let heldOut = table.filteringRows { firstHeldOut != nil && table.dates[$0] >= firstHeldOut! }
        let imputer = FeatureImputer.fit(features: fitTable.features, columns: fitTable.columnCount, names: fitTable.featureNames)
        if !imputer.allMissing.isEmpty {
            warnings.append("no training row has a value for \(imputer.allMissing.joined(separator: ", ")); imputed with 0")
        }
        var fitFeatures = fitTable.features
        imputer.apply(to: &fitFeatures)
        let x = Matrix(rows: fitTable.rowCount, columns: fitTable.columnCount, elements: fitFeatures)
        var estimator = config.estimator
        var selection = ""
        if config.selectC {
            logger.info("selecting C over \(config.cGrid) by \(config.cvFolds)-fold time-ordered cross-validation")
            let (c, candidates) = try logger.timed("select_c") {
                try PenaltySelection(grid: config.cGrid, folds: config.cvFolds)
                    .select(estimator: estimator, x: x, y: fitTable.labels, featureNames: fitTable.featureNames, logger: logger)
            }
            estimator.c = c
            selection = "C = \(c) by time-ordered CV (mean held-out log loss: "
                + candidates.map { "C=\($0.c): " + ($0.logLoss.map { String(format: "%.4f", $0) } ?? "n/a") }.joined(separator: ", ") + ")"
        }
        logger.info("fitting on \(fitTable.rowCount) snapshots × \(fitTable.columnCount) features")
        var model = try logger.timed("fit") { try estimator.fit(x: x, y: fitTable.labels, featureNames: fitTable.featureNames) }
        warnings += model.warnings
        var metrics: [String: Double] = ["train_rows": Double(fitTable.rowCount), "train_positives": fitTable.labels.reduce(0, +)]
        if heldOut.rowCount > 0 {
            var heldOutFeatures = heldOut.features
            imputer.apply(to: &heldOutFeatures)
            let hx = Matrix(rows: heldOut.rowCount, columns: heldOut.columnCount, elements: heldOutFeatures)
            let raw = try model.probabilities(hx)
            if let auc = RankingMetrics.rocAUC(labels: heldOut.labels, scores: raw) {
                metrics["holdout_auc"] = auc
                metrics["holdout_rows"] = Double(heldOut.rowCount)
                logger.info("calibrating (\(config.calibration.rawValue)) on the latest \(heldOutDates) snapshot dates")
                model = try logger.timed("calibrate") { try model.calibrated(heldOutX: hx, y: heldOut.labels, method: config.calibration) }
                let calibrated = try model.probabilities(hx).map { min(max($0, 1e-15), 1 - 1e-15) }
                metrics["holdout_log_loss"] = CalibrationMetrics.logLoss(labels: heldOut.labels, probabilities: calibrated)
            } else {
                warnings.append("the held-out snapshots have one class only, so no calibration was fitted")
            }
        }
        let required = Self.requiredFiles(task: config.task, families: config.families)
        let present = required.filter { FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent($0)) }
        let positives = Int(table.labels.reduce(0, +))
        let fingerprint = try DataFingerprint.of(
            files: present.map { ($0, (directory as NSString).appendingPathComponent($0)) },
            range: "\(table.dates.first!) … \(table.dates.last!)", rows: table.rowCount, positives: positives)
        let spec = SignalsModelSpec(
            layout: layout, featureNames: table.featureNames, imputer: imputer, horizonDays: config.horizonDays,
            tolerance: config.tolerance, graceDays: config.graceDays, requiredFiles: present, accountChain: accountChain,
            projectChain: projectChain, riskBands: config.riskBands, firstSnapshot: "\(table.dates.first!)", lastSnapshot: "\(table.dates.last!)")
        var flat = config.flattened
        flat["model.c"] = "\(estimator.c)"
        if let until { flat["until"] = "\(until)" }
        var file = ModelFile(task: task == .churn ? .churn : .overrun, createdBy: program, encoding: nil, labelColumn: nil, idColumn: nil,
                             model: model, config: flat, data: fingerprint, metrics: metrics)
        file.signals = spec
        file = try file.sealed()

        var summary = "trained \(file.modelID) on \(fitTable.rowCount) \(task == .churn ? "account" : "project")-snapshots "
            + "(\(Int(fitTable.labels.reduce(0, +))) positive) from \(table.dates.first!) to \(fitTable.dates.last ?? table.dates.last!), \(table.columnCount) features"
        if heldOut.rowCount > 0 { summary += "; \(heldOut.rowCount) later snapshots held out for calibration (\(model.calibration.method.rawValue))" }
        summary += "\nleft out: \(table.censored) snapshots whose label is not known by \(cutoff)" + (table.excluded > 0 ? ", \(table.excluded) of cancelled projects" : "")
        summary += "\n\(model.solver.rawValue): \(model.iterations) iterations, converged \(model.converged), gradient norm \(String(format: "%.2e", model.gradientNorm))"
        if !selection.isEmpty { summary += "\n" + selection }
        for key in metrics.keys.sorted() where key.hasPrefix("holdout_auc") || key.hasPrefix("holdout_log") {
            summary += "\n\(key): \(String(format: "%.4f", metrics[key]!))"
        }
        let names = table.featureNames
        let top = model.coefficients.indices.sorted {
            abs(model.coefficients[$0]) > abs(model.coefficients[$1]) || (abs(model.coefficients[$0]) == abs(model.coefficients[$1]) && $0 < $1)
        }.prefix(10)
        summary += "\ntop coefficients (standardized):"
        for j in top { summary += "\n  \(names[j].padding(toLength: max(36, names[j].count + 1), withPad: " ", startingAt: 0))\(String(format: "%+.4f", model.coefficients[j]))" }
        return Result(model: file, summary: summary, warnings: warnings)
    }

    static func rows(_ chain: MarkovChain) -> [[Double]] {
        (0..<chain.space.count).map { i in (0..<chain.space.count).map { chain.probability(from: i, to: $0) } }
    }
}
