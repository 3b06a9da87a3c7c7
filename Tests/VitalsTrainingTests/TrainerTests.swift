import Foundation
import Testing
import VitalsAdditive
import VitalsEvaluation
import VitalsFeatures
import VitalsFoundation
import VitalsHazard
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsModel
import VitalsTestBooks
import VitalsTestSupport
import VitalsTraining

/// The one trainer, in process: on a table and on a signals book it fits on the earlier
/// rows, calibrates on the later ones, and records figures that can be recomputed from
/// those rows independently.
@Suite struct TrainerTests {
    /// 300 rows in time order: a numeric and a text column, the label, an id.
    static func table(in directory: TemporaryDirectory) throws -> String {
        var rows = ["customer,seats,plan,churned"]
        for i in 0..<300 {
            let churned = i % 7 == 0 || i % 37 < 4 || (i % 3 == 2 && i % 5 == 0)
            rows.append("C\(i),\(i % 37 + 1),\(["basic", "pro", "team"][i % 3]),\(churned ? "yes" : "no")")
        }
        return try directory.write("train.csv", rows.joined(separator: "\n") + "\n")
    }

    @Test func aTableTrainsOnTheEarlierRowsAndCalibratesOnTheLater() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Self.table(in: directory)
        var config = TrainingConfig(task: .churn)
        config.calibration = .platt
        config.selectC = false
        config.calibrationData = .holdout
        config.interactions = 0
        let result = try Trainer(config: config, program: "vitals test").train(.table(path: path, label: "churned", id: "customer"))
        let file = result.model
        let id = try file.computedID()
        #expect(file.kind == .table && file.modelID.hasPrefix("table-") && file.modelID == id)
        #expect(file.model.calibrationRows == 60 && file.model.calibration.method == .platt)
        #expect(file.data.rows == 300 && file.config["model.c"] == "1.0" && file.config["seed"] == "42" && file.config["task"] == nil)
        #expect(result.summary.hasPrefix("trained \(file.modelID) on 240 rows"))

        // The same fit and figures from the same rows, by hand.
        let table = try FeatureTable.read(path: path)
        let labels = try table.labels("churned")
        let (encoder, _) = try TableEncoder.fit(table.rows(0..<240), excluding: ["churned", "customer"])
        #expect(file.encoding == encoder)
        let x = try encoder.transform(table.rows(0..<240)), heldOut = try encoder.transform(table.rows(240..<300))
        let fitted = try config.estimator.fit(x: x, y: Array(labels[0..<240]), featureNames: encoder.featureNames)
        #expect(fitted.core.coefficients == file.model.core.coefficients && fitted.intercept == file.model.intercept)
        let raw = try fitted.probabilities(heldOut)
        #expect(file.metrics["holdout_auc"] == RankingMetrics.rocAUC(labels: Array(labels[240...]), scores: raw))
        #expect(file.metrics["train_auc"] == RankingMetrics.rocAUC(labels: Array(labels[0..<240]), scores: try fitted.probabilities(x)))
        let calibrated = try fitted.calibrated(heldOutX: heldOut, y: Array(labels[240...]), method: .platt)
        #expect(file.model.calibration == calibrated.calibration)
        #expect(file.metrics["holdout_log_loss_uncalibrated"] == CalibrationMetrics.clippedLogLoss(labels: Array(labels[240...]), probabilities: raw))

        // The calibrated figures: each block of 12 held-out rows mapped by a Platt fitted on the other 48.
        let eta = try fitted.decisionFunction(heldOut), y = Array(labels[240...])
        var crossFitted: [Double] = []
        for block in 0..<5 {
            let rows = (block * 12)..<(block * 12 + 12), rest = (0..<60).filter { !rows.contains($0) }
            let platt = try PlattCalibration.fit(scores: rest.map { eta[$0] }, labels: rest.map { y[$0] })
            crossFitted += rows.map { 1e-6 + (1 - 2e-6) * platt.probability(eta[$0]) }
        }
        #expect(file.metrics["holdout_log_loss"] == CalibrationMetrics.clippedLogLoss(labels: y, probabilities: crossFitted))
        #expect(file.metrics["holdout_brier"] == CalibrationMetrics.brierScore(labels: y, probabilities: crossFitted))
        // The calibration's own fit on the rows it was fitted on is not what is reported.
        #expect(file.metrics["holdout_log_loss"] != CalibrationMetrics.clippedLogLoss(labels: y, probabilities: try file.model.probabilities(heldOut)))
        #expect(result.summary.contains("held out (rows never trained on; calibrated figures cross-fitted over 5 blocks of them):"))
    }

    /// By default a table without a time column is fitted on every row, and calibrated on the
    /// out-of-fold predictions of the cross-validation fits: recomputed here by hand.
    @Test func aTableIsCalibratedOnOutOfFoldPredictionsByDefault() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Self.table(in: directory)
        var config = TrainingConfig(task: .churn)
        config.selectC = false
        config.interactions = 0
        let result = try Trainer(config: config, program: "vitals test").train(.table(path: path, label: "churned", id: "customer"))
        let file = result.model
        #expect(file.model.calibrationRows == 300 && file.model.calibration.method == .beta)
        #expect(result.summary.contains("on 300 rows") && result.summary.contains("calibrated (beta) on the out-of-fold predictions"))

        let table = try FeatureTable.read(path: path)
        let labels = try table.labels("churned")
        let (encoder, _) = try TableEncoder.fit(table, excluding: ["churned", "customer"])
        let x = try encoder.transform(table)
        var eta = [Double](repeating: .nan, count: 300)
        for fold in ValidationFolds.stratified(labels: labels, folds: config.cvFolds, seed: UInt64(config.seed)) {
            let model = try config.estimator.fit(x: x.selectingRows(fold.train), y: fold.train.map { labels[$0] }, featureNames: encoder.featureNames)
            for (k, value) in try model.decisionFunction(x.selectingRows(fold.test)).enumerated() { eta[fold.test[k]] = value }
        }
        let fitted = try config.estimator.fit(x: x, y: labels, featureNames: encoder.featureNames)
        #expect(fitted.core.coefficients == file.model.core.coefficients)
        #expect(file.model.calibration == (try fitted.calibrated(outOfFold: eta, labels: labels, method: .automatic)).calibration)
        #expect(file.metrics["cv_auc"] == RankingMetrics.rocAUC(labels: labels, scores: eta))
        #expect(file.metrics["cv_rows"] == 300 && file.metrics["holdout_auc"] == nil)
        let crossFitted = try #require(try ProbabilityCalibration.crossFitted(method: .beta, decisionValues: eta, labels: labels, folds: 5))
        #expect(file.metrics["cv_log_loss"] == CalibrationMetrics.clippedLogLoss(labels: labels, probabilities: crossFitted))
    }

    /// With `select_c`, C is chosen at `basis_columns`, then every size of `basis_grid` at that
    /// C by the same folds: the trainer's choice is the one the folds' log losses make by hand,
    /// and the file records it.
    @Test func theBasisSizeIsChosenByTheSameCrossValidation() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Self.table(in: directory)
        var config = TrainingConfig(task: .churn)
        config.interactions = 0
        config.cGrid = [0.1, 1]
        config.basisGrid = [3, 6, 10]
        let result = try Trainer(config: config, program: "vitals test").train(.table(path: path, label: "churned", id: "customer"))

        let table = try FeatureTable.read(path: path)
        let labels = try table.labels("churned")
        let (encoder, _) = try TableEncoder.fit(table, excluding: ["churned", "customer"])
        let x = try encoder.transform(table)
        let folds = ValidationFolds.stratified(labels: labels, folds: config.cvFolds, seed: UInt64(config.seed))
        let (c, _, _) = try PenaltySelection(grid: config.cGrid).select(estimator: config.estimator, x: x, y: labels,
                                                                        featureNames: encoder.featureNames, folds: folds)
        var losses: [Int: Double] = [:]
        for columns in [8] + config.basisGrid {
            var estimator = config.estimator
            estimator.c = c
            estimator.shapeSettings.columnsPerFeature = columns
            losses[columns] = try PenaltySelection(grid: [c]).select(estimator: estimator, x: x, y: labels, featureNames: encoder.featureNames,
                                                                     folds: folds).candidates[0].logLoss
        }
        let best = losses.min { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }!.key
        #expect(Set(losses.values).count == 4, "the sizes give different fits: \(losses)")
        #expect(result.model.config["model.basis_columns"] == "\(best)" && result.model.config["model.c"] == "\(c)")
        #expect(result.summary.contains("\(best) basis columns per feature by the same CV"))
        let seats = try #require(result.model.model.shapes?.terms.first { $0.feature == "seats" })
        #expect(seats.columnCount == min(best, 37), "seats has \(seats.columnCount) columns")
    }

    /// A plain churn model (`labels.curve_months: 0`): one row per snapshot whose label
    /// window ends by the cutoff, the latest 20 % of the dates held out.
    @Test func aSignalsBookTrainsOnEarlierSnapshotsAndCalibratesOnTheLatestDates() throws {
        let trained = try TrainedBook.shared()
        let file = try TrainedBook.train(.churn, trained.book) { $0.curveMonths = 0 }.model
        let spec = try #require(file.signals)
        #expect(file.kind == .signals(.churn) && spec.task == .churn && spec.accountChain != nil && spec.churnCurve == nil)
        #expect(file.model.featureNames == spec.featureNames)
        // Only snapshots whose whole label window ends by the cutoff.
        #expect(spec.lastSnapshot + spec.horizonDays <= TrainedBook.cutoff && spec.lastSnapshot + spec.horizonDays + 31 > TrainedBook.cutoff)
        let rows = try #require(file.metrics["train_rows"]), heldOut = try #require(file.metrics["holdout_rows"])
        #expect(Int(rows + heldOut) == file.data.rows)
        #expect(file.model.calibrationRows == Int(heldOut))
        // The held-out rows are the latest 20 % of the snapshot dates, featurized by the model's own recipe.
        let featurizer = try spec.featurizer(index: trained.book.index, modelID: file.modelID)
        let dates = SnapshotBuilder(index: trained.book.index).defaultDates(cadence: .monthly, through: TrainedBook.cutoff)
        let (table, _) = try featurizer.table(dates: dates, requireLabels: true, labelCutoff: TrainedBook.cutoff)
        #expect(table.rowCount == file.data.rows)
        let distinct = Array(Set(table.dates)).sorted()
        let firstHeldOut = distinct[distinct.count - Int((Double(distinct.count) * 0.2).rounded())]
        let later = table.filteringRows { table.dates[$0] >= firstHeldOut }
        #expect(Double(later.rowCount) == heldOut)
        // The uncalibrated model's AUC on them is the recorded one.
        let raw = try file.model.uncalibratedProbabilities(spec.imputer.design(later))
        #expect(file.metrics["holdout_auc"] == RankingMetrics.rocAUC(labels: later.labels, scores: raw))
    }

    /// The shipped churn config's curve: every snapshot with a whole month known by the
    /// cutoff, expanded into its person-months (recounted here from the follow-ups), the
    /// latest 20 % of the dates' person-months held out for the calibration of the hazard.
    @Test func aChurnCurveTrainsOnPersonMonthsOfEveryKnownSnapshot() throws {
        let trained = try TrainedBook.shared()
        let file = trained.churn.model
        let spec = try #require(file.signals)
        let curve = try #require(spec.churnCurve)
        #expect(curve.terms.names == ["periods_ahead", "renewal_in_period"] && curve.periods.count == 12)
        #expect(file.model.featureNames == spec.featureNames + curve.terms.names)
        #expect(curve.tailDays > 31 && curve.tailDays.isFinite)
        // The last snapshot with a whole month (30.4 days) known by the cutoff.
        #expect(spec.lastSnapshot + 31 <= TrainedBook.cutoff && spec.lastSnapshot + 62 > TrainedBook.cutoff)
        let featurizer = try spec.featurizer(index: trained.book.index, modelID: file.modelID)
        let dates = SnapshotBuilder(index: trained.book.index).defaultDates(cadence: .monthly, through: TrainedBook.cutoff)
        let (all, _) = try featurizer.table(dates: dates, requireLabels: false, labelCutoff: TrainedBook.cutoff)
        let builder = featurizer.builder(labelCutoff: TrainedBook.cutoff)
        // The landmarks: each account's every other date, staggered by the account's row; the
        // held-out dates keep every snapshot, for the calibration.
        let every = try #require(Int(file.config["labels.curve_landmark_every"] ?? ""))
        #expect(every == 2)
        let months = (0..<all.rowCount).map { r -> Int in
            let known = builder.followUp(account: Int(all.entities[r]), asOf: all.dates[r])!
            return PersonPeriods.rowCount(of: FollowUp(eventDay: known.eventDay, observedDays: known.observedDays), periods: curve.periods)
        }
        #expect(months.filter { $0 > 0 }.count == file.data.rows)
        let distinct = Array(Set(all.dates.indices.filter { months[$0] > 0 }.map { all.dates[$0] })).sorted()
        let firstHeldOut = distinct[distinct.count - Int((Double(distinct.count) * 0.2).rounded())]
        let landmark = { (r: Int) in (dates.firstIndex(of: all.dates[r])! + Int(all.entities[r])) % every == 0 }
        let held = all.dates.indices.filter { all.dates[$0] >= firstHeldOut }.reduce(0) { $0 + months[$1] }
        let fitted = all.dates.indices.filter { all.dates[$0] < firstHeldOut && landmark($0) }.reduce(0) { $0 + months[$1] }
        #expect(file.metrics["holdout_rows"] == Double(held) && file.metrics["train_rows"] == Double(fitted))
        #expect(file.model.calibrationRows == held)
        // The curve's own figures at 30 and 90 days on the held-out snapshots, and none beyond the data.
        #expect((file.metrics["holdout_auc_30d"] ?? 0) > 0.7 && (file.metrics["holdout_calibration_ratio_30d"] ?? 0) > 0)
        #expect(file.metrics["holdout_rows_365d"] == 0 && file.metrics["holdout_auc_365d"] == nil)
        #expect(trained.churn.summary.contains("a churn curve over 12 months"))
    }

    @Test func theSameDataAndConfigGiveTheSameBytes() throws {
        let trained = try TrainedBook.shared()
        let again = try TrainedBook.train(.overrun, trained.book)
        let (first, second) = (try trained.overrun.model.serialized(), try again.model.serialized())
        #expect(first == second)
    }

    @Test func tooLittleLabelledHistoryIsRefused() throws {
        let book = try TrainedBook.shared().book
        #expect {
            try TrainedBook.train(.churn, book, until: book.index.dataStart + 100)
        } throws: { error in
            "\(error)".contains("no labelled churn snapshots with both outcomes")
        }
    }
}
