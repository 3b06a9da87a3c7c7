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

/// A source's rows ready for the trainer: the design matrix of the rows it fits on, in time
/// order, and the later rows held out for the calibration, with what the model file and the
/// summary need to say where they came from.
struct TrainingRows {
    struct HeldOut {
        let x: Matrix
        let y: [Double]
        /// "4117 snapshots" / "1000 rows", for log lines.
        let description: String
    }

    /// A churn curve's snapshots behind its person-period rows: the rows are the hazard's
    /// (one per snapshot and month whose fate is known), these are what the curve's own
    /// figures and its tail are computed on.
    struct CurveRows {
        let terms: PeriodTerms
        var periods: HazardPeriods { terms.periods }
        /// The fitting snapshots' design (n × p) and follow-ups.
        let fitSnapshots: Matrix
        let fitFollowUps: [FollowUp]
        /// The held-out snapshots' design and follow-ups (0 rows without a held-out set).
        let heldOutSnapshots: Matrix
        let heldOutFollowUps: [FollowUp]
        /// Snapshots left out because not one month after them is known by the cutoff.
        let unobserved: Int
        /// Every known snapshot's follow-up (landmarks or not), in the table's order.
        let allFollowUps: [FollowUp]
        /// The landmarks' share of the fitting dates' snapshots (1 / `curve_landmark_every`).
        let every: Int
    }

    /// The snapshot feature that says when the next contract anniversary falls.
    static let renewalFeature = "days_to_renewal"

    /// An overrun model's two risks on the same rows: hours above budget × (1 + T), and
    /// ending after the planned end + G (1 or 0; the combined label is 1 when either is).
    struct RiskLabels {
        let fitHours: [Double]
        let fitLate: [Double]
        let heldOutHours: [Double]
        let heldOutLate: [Double]
    }

    /// What the model file and the summary say of the snapshot table. Kept instead of the
    /// table, which is as large as the design and would stay through the cross-validation.
    struct SnapshotSummary {
        let first: Day
        let last: Day
        let rowCount: Int
        /// The labels' sum: the rows labelled 1 (NaN for a curve's rows, which have no label).
        let labelSum: Double
        let censored: Int
        let excluded: Int
        /// The last date fitted on (nil when every date is held out).
        let lastFit: Day?

        init(_ table: SnapshotTable, fitDates: [Day]) {
            (first, last, rowCount) = (table.dates.first!, table.dates.last!, table.rowCount)
            labelSum = table.labels.reduce(0, +)
            (censored, excluded, lastFit) = (table.censored, table.excluded, fitDates.last)
        }
    }

    /// How a signals model's rows were made.
    struct SignalsOrigin {
        let directory: String
        let snapshots: SnapshotSummary
        let cutoff: Day
        let until: Day?
        let recipe: FeatureRecipe
        /// The families the config chose (which decide the files the model needs).
        let families: [FeatureFamily]
        let imputer: FeatureImputer
        let riskBands: RiskBands
        /// Overrun: the hours and end-date models (`projectModels`).
        let hoursCorrection: ForecastCorrection?
        let hoursInterval: ForecastInterval?
        let endCorrection: ForecastCorrection?
        let endInterval: ForecastInterval?
    }

    /// How a table model's rows were made.
    struct TableOrigin {
        let path: String
        let rowCount: Int
        let positives: Int
        let labelColumn: String
        let idColumn: String?
        let encoder: TableEncoder
    }

    enum Origin {
        case signals(SignalsOrigin)
        case table(TableOrigin)
    }

    /// How the rows are cut into cross-validation folds.
    enum FoldPlan {
        /// Snapshots: forward in time and grouped by entity (one date and entity per row).
        case snapshots(dates: [Day], entities: [Int])
        /// A table in time order.
        case timeOrdered
        /// A table in no particular order.
        case stratified
    }

    let x: Matrix
    let y: [Double]
    let featureNames: [String]
    /// The declared direction of each feature (all `.either` when `model.monotone` is off).
    let directions: [RiskDirection]
    let foldPlan: FoldPlan
    let heldOut: HeldOut?
    /// Every row is fitted on, and the calibration comes from out-of-fold predictions.
    let crossFittedCalibration: Bool
    let warnings: [String]
    let origin: Origin
    /// Churn with a curve: the rows are person-periods, the period the last feature.
    let curve: CurveRows?
    /// Overrun: the two risks' labels, for their own models.
    var risks: RiskLabels? = nil

    /// What one row is, for log lines.
    var noun: (singular: String, plural: String) {
        switch origin {
        case .signals: return ("snapshot", "snapshots")
        case .table: return ("row", "rows")
        }
    }
}

extension TrainingRows {
    /// The folds the forecasts' intervals are cross-fitted over, by project.
    static let forecastFolds = 5

    /// The hours and end-date models of an overrun model, on every finished project's
    /// snapshots of the training window (fitting and held-out dates): each forecast's
    /// correction fitted on all of them, and the 80 % interval around the corrected forecast
    /// calibrated on out-of-fold residuals, each snapshot's forecast corrected by a fit that
    /// never saw its project (cross-conformal, `forecastFolds` folds by project). Every date
    /// takes part: the latest dates' finished projects alone are the ones that finished soon,
    /// whose residuals are small, and an interval calibrated on them alone is too narrow for
    /// the projects still running. Without enough finished snapshots, no corrections, and the
    /// hours interval around the plain EAC (a formula, fitted to none).
    ///
    /// - Parameters: xFit, xHeld: the imputed designs of `fit` and `heldOut`.
    static func projectModels(fit: SnapshotTable, heldOut: SnapshotTable, xFit: Matrix, xHeld: Matrix, index: SignalsIndex) throws
        -> (hours: (correction: ForecastCorrection?, interval: ForecastInterval?), end: (correction: ForecastCorrection?, interval: ForecastInterval?)) {
        let fitting = FinishedProjectSnapshots(table: fit, index: index), calibrating = FinishedProjectSnapshots(table: heldOut, index: index)
        let snapshots = fitting.snapshots + calibrating.snapshots
        let finalHours = fitting.finalHours + calibrating.finalHours, daysLeft = fitting.daysLeft + calibrating.daysLeft
        let earned = snapshots.map(\.earnedValue.point), elapsed = snapshots.map(\.elapsed)
        let projects = fitting.rows.map { Int(fit.entities[$0]) } + calibrating.rows.map { Int(heldOut.entities[$0]) }
        guard Set(projects).count >= forecastFolds, snapshots.count >= 2 * ForecastInterval.minimumPerBand else {
            return ((nil, ForecastInterval.fit(forecasts: earned, actuals: finalHours, elapsed: elapsed)), (nil, nil))
        }
        var x = Matrix(rows: snapshots.count, columns: xFit.columns)
        for (k, (design, r)) in (fitting.rows.map { (xFit, $0) } + calibrating.rows.map { (xHeld, $0) }).enumerated() {
            for j in 0..<x.columns { x[k, j] = design[r, j] }
        }
        let daysLeftAt = { (s: ProjectSnapshot, hours: Double) in Double(s.endDate(hours: hours) - s.asOf) }
        // The two corrections fitted on `rows`, and the forecasts they give on `target`.
        func corrected(fitOn rows: [Int], apply target: [Int]) throws -> (hours: [Double], days: [Double], models: (ForecastCorrection?, ForecastCorrection?)) {
            let xRows = x.selectingRows(rows), xTarget = target.isEmpty ? xRows : x.selectingRows(target)
            let hours = try ForecastCorrection.fit(x: xRows, forecasts: rows.map { earned[$0] }, actuals: rows.map { finalHours[$0] })
            let fittedHours = rows.indices.map { earned[rows[$0]] * (hours?.factor(xRows, row: $0) ?? 1) }
            let end = try ForecastCorrection.fit(x: xRows, forecasts: rows.indices.map { daysLeftAt(snapshots[rows[$0]], fittedHours[$0]) },
                                                 actuals: rows.map { daysLeft[$0] })
            let targetHours = target.indices.map { earned[target[$0]] * (hours?.factor(xTarget, row: $0) ?? 1) }
            let targetDays = target.indices.map { daysLeftAt(snapshots[target[$0]], targetHours[$0]) * (end?.factor(xTarget, row: $0) ?? 1) }
            return (targetHours, targetDays, (hours, end))
        }
        // Folds by project (a project's snapshots are never on both sides), in a fixed order.
        let fold = projects.map { $0 % forecastFolds }
        var outOfFoldHours = [Double](repeating: 0, count: snapshots.count), outOfFoldDays = outOfFoldHours
        for f in 0..<forecastFolds {
            let held = fold.indices.filter { fold[$0] == f }, rest = fold.indices.filter { fold[$0] != f }
            guard !held.isEmpty else { continue }
            let (hours, days, _) = try corrected(fitOn: rest, apply: held)
            for (k, i) in held.enumerated() { (outOfFoldHours[i], outOfFoldDays[i]) = (hours[k], days[k]) }
        }
        let all = Array(snapshots.indices)
        let models = try corrected(fitOn: all, apply: []).models
        return ((models.0, ForecastInterval.fit(forecasts: outOfFoldHours, actuals: finalHours, elapsed: elapsed)),
                (models.1, ForecastInterval.fit(forecasts: outOfFoldDays, actuals: daysLeft, elapsed: elapsed)))
    }
}

extension TrainingRows {
    /// A task's snapshots from a signals directory: dates on the config's cadence from 90 days
    /// into the data to `until` (default: the end of the data), labels known by `until`, the
    /// configured families plus the Markov columns fitted on the same period, and the latest
    /// `calibration_fraction` of the snapshot dates held out.
    static func signals(directory: String, index: SignalsIndex, until: Day?, config: TrainingConfig, logger: Logger) throws -> TrainingRows {
        let cutoff = min(until ?? index.dataEnd, index.dataEnd)
        let task = config.task
        let pointInTime = SnapshotBuilder(index: index)
        var recipe = FeatureRecipe(
            layout: pointInTime.layout(task: task, families: FeatureLayout.families(for: task, chosen: config.families)),
            horizonDays: config.horizonDays, tolerance: config.tolerance, graceDays: config.graceDays, markov: nil)
        let dates = pointInTime.defaultDates(cadence: config.cadence, through: cutoff)
        let periods = task == .churn && config.curveMonths > 0 ? HazardPeriods(count: config.curveMonths) : nil
        logger.info("building \(task.rawValue) snapshots over \(dates.count) dates up to \(cutoff)")
        var base = logger.timed("snapshots") {
            Featurizer(recipe: recipe, index: index).pointInTimeTable(dates: dates, requireLabels: periods == nil, labelCutoff: cutoff, logger: logger)
        }
        // A curve learns from every snapshot with a month of known fate after it: the eligible
        // rows and their follow-ups. A plain model learns from the rows with a label.
        var followUps: [FollowUp] = []
        var unobserved = 0
        if let periods {
            let builder = Featurizer(recipe: recipe, index: index).builder(labelCutoff: cutoff)
            let all = (0..<base.rowCount).map { r in
                let known = builder.followUp(account: Int(base.entities[r]), asOf: base.dates[r])
                return FollowUp(eventDay: known?.eventDay, observedDays: known?.observedDays ?? 0)
            }
            let counted = all.map { PersonPeriods.rowCount(of: $0, periods: periods) }
            unobserved = counted.filter { $0 == 0 }.count
            base = base.filteringRows { counted[$0] > 0 }
            followUps = all.indices.filter { counted[$0] > 0 }.map { all[$0] }
            let events = followUps.filter { PersonPeriods.eventPeriod(of: $0, periods: periods) != nil }.count
            guard events > 0, events < followUps.count else {
                throw TrainingError.noLabelledSnapshots(task: task, cutoff: cutoff, rows: base.rowCount)
            }
        } else {
            guard base.rowCount > 0, base.labels.contains(1), base.labels.contains(0) else {
                throw TrainingError.noLabelledSnapshots(task: task, cutoff: cutoff, rows: base.rowCount)
            }
        }
        if config.families.contains(.markov) {
            logger.info("fitting the Markov chain")
            recipe.markov = task == .churn
                ? try MarkovColumns.fitHealth(index: index, rule: config.healthStates, estimator: config.chain, through: cutoff,
                                              horizonDays: config.horizonDays)
                : try MarkovColumns.fitPhase(index: index, rule: config.projectPhases, estimator: config.chain, through: cutoff,
                                             tolerance: config.tolerance, graceDays: config.graceDays)
        }
        let table = try Featurizer(recipe: recipe, index: index).appendingMarkov(to: base).table

        // Hold out the latest dates for calibration; everything is fitted on the earlier ones.
        let distinctDates = Array(Set(table.dates)).sorted()
        let crossFitted = config.calibration != .none && config.calibrationData == .crossFitted
        let heldOutDates = config.calibration == .none || crossFitted ? 0
            : max(1, Int((Double(distinctDates.count) * config.calibrationFraction).rounded()))
        let firstHeldOut = heldOutDates > 0 && distinctDates.count > heldOutDates ? distinctDates[distinctDates.count - heldOutDates] : nil
        // A curve fits on landmarks: one account's snapshots a month apart share eleven of their
        // twelve months ahead, so each account keeps every n-th date, staggered across accounts
        // so that every date stays. The calibration, which costs little, takes every held-out row.
        let every = periods == nil ? 1 : config.curveLandmarkEvery
        let dateIndex = Dictionary(uniqueKeysWithValues: dates.enumerated().map { ($1, $0) })
        let isLandmark = { (r: Int) in (dateIndex[table.dates[r]]! + Int(table.entities[r])) % every == 0 }
        let isHeldOut = { (r: Int) in firstHeldOut != nil && table.dates[r] >= firstHeldOut! }
        let isFitRow = { (r: Int) in !isHeldOut(r) && isLandmark(r) }
        let fitTable = table.filteringRows(isFitRow)
        let heldOutTable = table.filteringRows(isHeldOut)
        let imputer = FeatureImputer.fit(features: fitTable.features, columns: fitTable.columnCount, names: fitTable.featureNames)
        var warnings = pointInTime.identifierLikeColumns.map {
            "\($0.column) has \($0.values) distinct values (more than \(FeatureLayout.maximumLevels)); left out as an identifier, not a category"
        }
        if !imputer.allMissing.isEmpty {
            warnings.append("no training row has a value for \(imputer.allMissing.joined(separator: ", ")); imputed with 0")
        }
        let (fitX, heldOutX) = (imputer.design(fitTable), imputer.design(heldOutTable))
        let directions = fitTable.featureNames.map { config.monotone ? FeatureCatalog.direction(of: $0) : .either }
        typealias Pair = (correction: ForecastCorrection?, interval: ForecastInterval?)
        let none: (hours: Pair, end: Pair) = ((nil, nil), (nil, nil))
        let models: (hours: Pair, end: Pair) = task == .overrun
            ? try projectModels(fit: fitTable, heldOut: heldOutTable, xFit: fitX, xHeld: heldOutX, index: index) : none
        let origin = SignalsOrigin(directory: directory, snapshots: SnapshotSummary(table, fitDates: fitTable.dates), cutoff: cutoff, until: until,
                                   recipe: recipe, families: config.families, imputer: imputer,
                                   riskBands: config.riskBands, hoursCorrection: models.hours.correction,
                                   hoursInterval: models.hours.interval, endCorrection: models.end.correction,
                                   endInterval: models.end.interval)
        guard let periods else {
            let heldOut = heldOutTable.rowCount > 0
                ? HeldOut(x: heldOutX, y: heldOutTable.labels, description: "\(heldOutDates) snapshot dates") : nil
            var rows = TrainingRows(
                x: fitX, y: fitTable.labels, featureNames: fitTable.featureNames, directions: directions,
                foldPlan: .snapshots(dates: fitTable.dates, entities: fitTable.entities.map(Int.init)), heldOut: heldOut,
                crossFittedCalibration: crossFitted, warnings: warnings, origin: .signals(origin), curve: nil)
            if task == .overrun {
                let builder = Featurizer(recipe: recipe, index: index).builder(labelCutoff: cutoff)
                let risks = { (t: SnapshotTable) in (0..<t.rowCount).map { builder.overrunRisks(project: Int(t.entities[$0]), asOf: t.dates[$0])! } }
                let (fit, held) = (risks(fitTable), risks(heldOutTable))
                rows.risks = RiskLabels(fitHours: fit.map(\.hours), fitLate: fit.map(\.late), heldOutHours: held.map(\.hours),
                                        heldOutLate: held.map(\.late))
            }
            return rows
        }
        // The curve: each snapshot becomes its person-months, the month a feature of its own.
        let fitFollowUps = (0..<table.rowCount).filter(isFitRow).map { followUps[$0] }
        let heldOutFollowUps = (0..<table.rowCount).filter(isHeldOut).map { followUps[$0] }
        // Churn comes at renewals: the month an anniversary falls in is a term of its own.
        let renewalColumn = fitTable.featureNames.firstIndex(of: Self.renewalFeature)
        let terms = PeriodTerms(periods: periods, renewalFeature: renewalColumn.map { _ in Self.renewalFeature })
        let fitPeriods = PersonPeriods(snapshots: fitX, followUps: fitFollowUps, terms: terms, renewalColumn: renewalColumn)
        let heldOutPeriods = PersonPeriods(snapshots: heldOutX, followUps: heldOutFollowUps, terms: terms, renewalColumn: renewalColumn)
        let heldOut = heldOutPeriods.y.isEmpty ? nil
            : HeldOut(x: heldOutPeriods.x, y: heldOutPeriods.y, description: "\(heldOutDates) snapshot dates (\(heldOutPeriods.y.count) person-months)")
        return TrainingRows(
            x: fitPeriods.x, y: fitPeriods.y, featureNames: fitTable.featureNames + terms.names,
            directions: directions + terms.names.map { _ in .either },
            foldPlan: .snapshots(dates: fitPeriods.source.map { fitTable.dates[$0] }, entities: fitPeriods.source.map { Int(fitTable.entities[$0]) }),
            heldOut: heldOut, crossFittedCalibration: crossFitted, warnings: warnings, origin: .signals(origin),
            curve: CurveRows(terms: terms, fitSnapshots: fitX, fitFollowUps: fitFollowUps, heldOutSnapshots: heldOutX,
                             heldOutFollowUps: heldOutFollowUps, unobserved: unobserved, allFollowUps: followUps, every: every))
    }

    /// A data team's table: the rows in time order when a time column is given (and then the
    /// time column is no feature), else in file order; the latest `calibration_fraction` of them
    /// held out; the encoding (types, levels, imputation) learned on the training rows only.
    static func table(path: String, labelColumn: String, idColumn: String?, timeColumn: String?, excluded: [String],
                      config: TrainingConfig, logger: Logger) throws -> TrainingRows {
        logger.info("reading \(path)")
        let read = try FeatureTable.read(path: path)
        let timeColumn = timeColumn ?? config.timeColumn
        let table = try timeColumn.map { try read.rows(read.timeOrder($0)) } ?? read
        let labels = try table.labels(labelColumn, positive: config.positiveLabels, negative: config.negativeLabels)
        if let idColumn, table.columnIndex(idColumn) == nil {
            throw TableError(path: path, message: "no id column named \(idColumn)")
        }
        let excluded = excluded + config.excludedColumns
        for name in excluded where table.columnIndex(name) == nil {
            throw TableError(path: path, message: "the column to exclude, \(name), is not in the table (the header has \(table.header.joined(separator: ", ")))")
        }
        let n = table.rowCount
        let crossFitted = config.calibration != .none
            && (config.calibrationData == .crossFitted || (config.calibrationData == .automatic && timeColumn == nil))
        let heldOutRows = config.calibration != .none && !crossFitted ? Int((Double(n) * config.calibrationFraction).rounded()) : 0
        let fitRows = n - heldOutRows
        guard fitRows >= 2 else { throw TableError(path: path, message: "\(n) rows are too few to train on") }
        let train = table.rows(0..<fitRows)
        let (encoder, warnings) = try TableEncoder.fit(
            train, excluding: Set([labelColumn] + [idColumn, timeColumn].compactMap { $0 } + excluded),
            categorical: Set(config.categoricalColumns), missingValues: config.missingValues)
        let heldOut = heldOutRows > 0
            ? HeldOut(x: try encoder.transform(table.rows(fitRows..<n)), y: Array(labels[fitRows..<n]), description: "\(heldOutRows) rows") : nil
        return TrainingRows(
            x: try encoder.transform(train), y: Array(labels[0..<fitRows]), featureNames: encoder.featureNames,
            directions: try tableDirections(encoder: encoder, config: config, path: path), foldPlan: timeColumn == nil ? .stratified : .timeOrdered,
            heldOut: heldOut, crossFittedCalibration: crossFitted, warnings: warnings,
            origin: .table(TableOrigin(path: path, rowCount: n, positives: Int(labels.reduce(0, +)), labelColumn: labelColumn,
                                       idColumn: idColumn, encoder: encoder)), curve: nil)
    }
}

extension TrainingRows {
    /// Each model feature's direction from `features.monotone`: a numeric column's own
    /// feature takes the declared direction; its missing indicator and every other feature go
    /// either way. A declared column that is not a numeric feature is an error.
    static func tableDirections(encoder: TableEncoder, config: TrainingConfig, path: String) throws -> [RiskDirection] {
        var byFeature: [String: RiskDirection] = [:]
        for (column, direction) in config.tableDirections where config.monotone {
            guard let encoded = encoder.columns.first(where: { $0.source == column }) else {
                throw TableError(path: path, message: "features.monotone names \(column), which is not a feature column of the table")
            }
            guard case .numeric = encoded.encoding else {
                throw TableError(path: path, message: "features.monotone names \(column), which is categorical; only numeric columns have a direction")
            }
            byFeature[column] = direction
        }
        return encoder.featureNames.map { byFeature[$0] ?? .either }
    }

    /// The config as the model file records it: every key for signals (and `until`), the
    /// model's keys and the seed for a table.
    func configEntries(_ config: TrainingConfig) -> [String: String] {
        switch origin {
        case let .signals(origin):
            var flat = config.flattened
            if let until = origin.until { flat["until"] = "\(until)" }
            return flat
        case .table:
            let tableKeys: Set<String> = ["seed", "labels.positive", "labels.negative", "features.categorical", "features.exclude",
                                          "features.missing_values", "features.time_column"]
            return config.flattened.filter { $0.key.hasPrefix("model.") || $0.key.hasPrefix("features.monotone.") || tableKeys.contains($0.key) }
        }
    }

    /// The unsealed model file.
    func modelFile(model: FittedRiskModel, curveSpec: HazardCurveSpec?, riskModels: (hours: FittedRiskModel, late: FittedRiskModel)?,
                   config: [String: String], metrics: [String: Double], program: String) throws
        -> ModelFile
    {
        switch origin {
        case let .signals(origin):
            let snapshots = origin.snapshots, task = origin.recipe.task
            let required = FeatureLayout.requiredFiles(task: task, families: origin.families)
            let present = required.compactMap { name in SignalsFileText.path(of: name, in: origin.directory).map { (name, $0) } }
            // A curve's positives are the snapshots whose churn one of their person-months counts.
            let positives = curve.map { c in c.allFollowUps.filter { PersonPeriods.eventPeriod(of: $0, periods: c.periods) != nil }.count }
                ?? Int(snapshots.labelSum)
            let fingerprint = try DataFingerprint.of(
                files: present,
                range: "\(snapshots.first) … \(snapshots.last)", rows: snapshots.rowCount, positives: positives)
            var file = ModelFile(kind: .signals(task), createdBy: program, encoding: nil, labelColumn: nil, idColumn: nil,
                                 model: model, config: config, data: fingerprint, metrics: metrics)
            file.signals = SignalsModelSpec(recipe: origin.recipe, imputer: origin.imputer, requiredFiles: present.map(\.0), riskBands: origin.riskBands,
                                            firstSnapshot: snapshots.first, lastSnapshot: snapshots.last)
            file.signals?.hoursInterval = origin.hoursInterval
            file.signals?.hoursCorrection = origin.hoursCorrection
            file.signals?.endCorrection = origin.endCorrection
            file.signals?.endInterval = origin.endInterval
            file.signals?.churnCurve = curveSpec
            file.signals?.hoursOverrunModel = riskModels?.hours
            file.signals?.lateModel = riskModels?.late
            return file
        case let .table(origin):
            let fingerprint = try DataFingerprint.of(
                // Named "table", not by the file's name: the model id comes from content only, so the same
                // rows under another name give the same model.
                files: [("table", origin.path)], range: "rows 1–\(origin.rowCount)",
                rows: origin.rowCount, positives: origin.positives)
            return ModelFile(kind: .table, createdBy: program, encoding: origin.encoder, labelColumn: origin.labelColumn,
                             idColumn: origin.idColumn, model: model, config: config, data: fingerprint, metrics: metrics)
        }
    }

    /// What a person reads after training: the rows, the solver, the choice of C, the figures
    /// and the largest coefficients.
    func summary(file: ModelFile, model: FittedRiskModel, selection: String, metrics: [String: Double]) -> String {
        let positives = Int(y.reduce(0, +))
        var summary: String
        switch origin {
        case let .signals(origin):
            let snapshots = origin.snapshots
            if let curve {
                summary = "trained \(file.modelID), a churn curve over \(curve.periods.count) months, on \(curve.fitSnapshots.rows) account-snapshots "
                    + (curve.every > 1 ? "(landmarks: one date in \(curve.every) per account) " : "")
                    + "as \(x.rows) person-months (\(positives) churned in their month) from \(snapshots.first) "
                    + "to \(snapshots.lastFit ?? snapshots.last), \(featureNames.count - curve.terms.names.count) features and \(curve.terms.names.joined(separator: " and "))"
            } else {
                summary = "trained \(file.modelID) on \(x.rows) \(origin.recipe.task.entity)-snapshots (\(positives) positive) from \(snapshots.first) "
                    + "to \(snapshots.lastFit ?? snapshots.last), \(featureNames.count) features"
            }
        case .table:
            summary = "trained \(file.modelID) on \(x.rows) rows (\(positives) positive), \(featureNames.count) features"
        }
        if let shapes = model.shapes {
            let splines = shapes.terms.filter { if case .spline = $0.kind { return true } else { return false } }.count
            summary += " (\(splines) as splines, \(shapes.terms.count - splines) as lines)"
        }
        if model.directions.contains(where: { $0 != .either }) {
            summary += ", \(model.directions.filter { $0 != .either }.count) with a declared direction"
        }
        if let heldOut { summary += "; \(heldOut.y.count) later \(noun.plural) held out for calibration (\(model.calibration.method.rawValue))" }
        if crossFittedCalibration, model.calibration != .none {
            summary += "; calibrated (\(model.calibration.method.rawValue)) on the out-of-fold predictions of the cross-validation fits"
        }
        if case let .signals(origin) = origin {
            summary += curve.map { "\nleft out: \($0.unobserved) snapshots without a whole month known by \(origin.cutoff)" }
                ?? "\nleft out: \(origin.snapshots.censored) snapshots whose label is not known by \(origin.cutoff)"
                + (origin.snapshots.excluded > 0 ? ", \(origin.snapshots.excluded) of cancelled projects" : "")
        }
        summary += "\n\(model.solver.rawValue): \(model.iterations) iterations, converged \(model.converged), gradient norm \(String(format: "%.2e", model.gradientNorm))"
        if !selection.isEmpty { summary += "\n" + selection }
        for (prefix, heading) in [("holdout_", "held out (\(noun.plural) never trained on; calibrated figures cross-fitted over \(Trainer.calibrationFolds) blocks of them):"),
                                  ("cv_", "cross-validated (each \(noun.singular) scored by a fit that did not see it; calibrated figures cross-fitted over \(Trainer.calibrationFolds) blocks of them):")] {
            let figures = metrics.keys.sorted().filter { $0.hasPrefix(prefix) && !$0.hasSuffix("_rows") && !$0.hasSuffix("_positives") }
            guard !figures.isEmpty else { continue }
            summary += "\n" + heading
            for key in figures { summary += "\n  \(key): \(String(format: "%.4f", metrics[key]!))" }
        }
        if let auc = metrics["train_auc"] { summary += "\ntrain_auc: \(String(format: "%.4f", auc))" }
        let w = model.featureStrengths
        let top = w.indices.sorted { abs(w[$0]) > abs(w[$1]) || (abs(w[$0]) == abs(w[$1]) && $0 < $1) }.prefix(10)
        let width = (top.map { featureNames[$0].count }.max() ?? 0) + 2
        summary += model.shape == .linear ? "\ntop coefficients (standardized):"
            : "\nstrongest shapes (log-odds from the lowest to the highest training value; lines: standardized coefficient):"
        for j in top { summary += "\n  \(featureNames[j].padding(toLength: width, withPad: " ", startingAt: 0))\(String(format: "%+.4f", w[j]))" }
        return summary
    }
}
