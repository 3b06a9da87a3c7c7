import Foundation
import Logging
import VitalsFeatures
import VitalsLinearAlgebra
import VitalsMarkov
import VitalsModel
import VitalsSignals

/// A model trained on signals, applied to a signals directory.
public enum SignalsModelError: Error, Equatable, CustomStringConvertible {
    case notASignalsModel(String)
    case missingSignalFile(directory: String, file: String, model: String)
    case featureMismatch(String)
    case overlap(from: String, lastTrained: String)

    public var description: String {
        switch self {
        case let .notASignalsModel(id): return "model \(id) was trained on a feature table; use --table"
        case let .missingSignalFile(directory, file, model):
            return "\(directory) has no \(file), which model \(model) was trained on; add it, or pass --allow-missing-signals to score without it"
        case let .featureMismatch(message): return message
        case let .overlap(from, last):
            return "the evaluation window starts \(from), inside the model's training snapshots (up to \(last)); evaluate on later dates or pass --allow-overlap"
        }
    }
}

/// The model's feature table for some dates: point-in-time features, the stored Markov
/// figures per state, and the training imputation.
struct SignalsFeaturizer {
    let model: ModelFile
    let spec: SignalsModelSpec
    let index: SignalsIndex

    init(model: ModelFile, index: SignalsIndex) throws {
        guard let spec = model.signals else { throw SignalsModelError.notASignalsModel(model.modelID) }
        self.model = model
        self.spec = spec
        self.index = index
    }

    var builder: SnapshotBuilder {
        SnapshotBuilder(index: index, horizonDays: spec.horizonDays, tolerance: spec.tolerance, graceDays: spec.graceDays)
    }

    /// The table (features not yet imputed) and each row's Markov state index (−1 without a chain).
    func table(dates: [Day], requireLabels: Bool, logger: Logger = .silent) throws -> (table: SnapshotTable, states: [Int]) {
        var table = builder.table(layout: spec.layout, dates: dates, requireLabels: requireLabels, logger: logger)
        var states = [Int](repeating: -1, count: table.rowCount)
        if let chain = spec.accountChain {
            let position = Dictionary(uniqueKeysWithValues: table.featureNames.enumerated().map { ($1, $0) })
            guard let tenure = position["tenure_days"] else {
                throw SignalsModelError.featureMismatch("model \(model.modelID) has a health-state chain but no tenure_days feature to place accounts in it; retrain it")
            }
            let base = table
            for r in 0..<base.rowCount {
                let row = base.row(r)
                states[r] = chain.rule.state(churned: false, tenureDays: Int(row[row.startIndex + tenure])) { name in
                    position[name].flatMap { row[row.startIndex + $0].isNaN ? nil : row[row.startIndex + $0] }
                }
            }
            let transient = chain.states.count - 1
            table = base.appendingColumns(Array(spec.featureNames.suffix(transient + 2))) { r in
                (0..<transient).map { $0 == states[r] ? 1.0 : 0.0 } + [chain.churnProbability[states[r]], chain.expectedMonths[states[r]]]
            }
        } else if let chain = spec.projectChain {
            let base = table
            for r in 0..<base.rowCount { states[r] = ProjectPhaseChain.state(chain.rule, base, row: r) }
            table = base.appendingColumns(Array(spec.featureNames.suffix(5))) { r in
                (0..<3).map { $0 == states[r] ? 1.0 : 0.0 } + [chain.overrunProbability[states[r]], chain.expectedWeeks[states[r]]]
            }
        }
        guard table.featureNames == spec.featureNames else {
            let k = zip(table.featureNames, spec.featureNames).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(table.featureNames.count, spec.featureNames.count)
            let here = k < table.featureNames.count ? "\"\(table.featureNames[k])\"" : "nothing"
            let there = k < spec.featureNames.count ? "\"\(spec.featureNames[k])\"" : "nothing"
            throw SignalsModelError.featureMismatch(
                "model \(model.modelID) has \(spec.featureNames.count) features, but this vitals computes \(table.featureNames.count) from its "
                    + "feature layout (feature \(k + 1) is \(there) in the model and \(here) here): the model was trained by another "
                    + "version of vitals; retrain it")
        }
        return (table, states)
    }

    func matrix(_ table: SnapshotTable) -> Matrix {
        var features = table.features
        spec.imputer.apply(to: &features)
        return Matrix(rows: table.rowCount, columns: table.columnCount, elements: features)
    }

    /// Files the model was trained on that the directory lacks.
    static func missingFiles(_ spec: SignalsModelSpec, directory: String) -> [String] {
        spec.requiredFiles.filter { !FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent($0)) }
    }
}

/// `vitals score DIR --model MODEL [--as-of D] --out OUTDIR`: the score file of a task as
/// of a date (docs/SIGNALS.md, "What the engine writes").
public struct SignalsScoring: Sendable {
    public var model: ModelFile
    public var dataset: SignalsDataset
    public var directory: String
    public var asOf: Day?
    public var outDirectory: String
    public var allowMissingSignals: Bool
    /// Receives the stage timings (index, features, score).
    public var logger: Logger
    public init(model: ModelFile, dataset: SignalsDataset, directory: String, asOf: Day?, outDirectory: String, allowMissingSignals: Bool,
                logger: Logger = .silent) {
        self.model = model
        self.dataset = dataset
        self.directory = directory
        self.asOf = asOf
        self.outDirectory = outDirectory
        self.allowMissingSignals = allowMissingSignals
        self.logger = logger
    }

    public struct Result: Sendable {
        public let scores: ScoreTable
        public let snapshot: ScoredSnapshot
        public let stem: String
        public let asOf: Day
        public let warnings: [String]
        /// Where previous_probability came from: a score file name or the history.
        public let previousSource: String?
    }

    /// The warnings for signal files the model needs and the directory lacks; throws
    /// unless `allowMissing`.
    public static func checkSignalFiles(model: ModelFile, directory: String, allowMissing: Bool) throws -> [String] {
        guard let spec = model.signals else { throw SignalsModelError.notASignalsModel(model.modelID) }
        var warnings: [String] = []
        for file in SignalsFeaturizer.missingFiles(spec, directory: directory) {
            guard allowMissing else { throw SignalsModelError.missingSignalFile(directory: directory, file: file, model: model.modelID) }
            warnings.append("\(directory) has no \(file), which the model was trained on; its features are scored as missing")
        }
        return warnings
    }

    /// An earlier run's probabilities by entity id, and where they came from.
    public typealias PreviousScores = (source: String, probabilities: [String: Double])

    /// Scores as of `asOf` (default: the end of the data). `previous` is asked, with that
    /// date, for the run to compare with (the score history); when it has none, the newest
    /// earlier score file in `outDirectory` is used.
    public func run(previous: (Day) throws -> PreviousScores? = { _ in nil }) throws -> Result {
        let warnings = try Self.checkSignalFiles(model: model, directory: directory, allowMissing: allowMissingSignals)
        let index = logger.timed("index") { SignalsIndex(dataset) }
        let snapshot = try ScoredSnapshot(model: model, index: index, asOf: asOf ?? index.dataEnd, logger: logger)
        let day = snapshot.asOf
        let earlier: (String?, [String: Double]) = try previous(day).map { ($0.source, $0.probabilities) }
            ?? Self.previousScores(in: outDirectory, task: model.task.rawValue, before: day)
        let scores = logger.timed("score_rows") { Self.scoreTable(snapshot, previous: earlier.1) }
        return Result(scores: scores, snapshot: snapshot, stem: "\(model.task.rawValue)-scores-\(day)", asOf: day, warnings: warnings,
                      previousSource: earlier.0)
    }

    /// The contract's score-file rows for a snapshot.
    public static func scoreTable(_ snapshot: ScoredSnapshot, previous: [String: Double]) -> ScoreTable {
        let model = snapshot.model, spec = snapshot.spec, day = snapshot.asOf, table = snapshot.table
        let probabilities = snapshot.probabilities
        let drivers = Drivers(featureNames: model.model.featureNames, encoder: nil)
        let contributions = drivers.contributions(of: model.model, x: snapshot.x)
        var scores: ScoreTable
        if model.task == .churn {
            scores = ScoreTable(columns: ["account_id", "as_of", "churn_probability", "risk_band", "health_state", "expected_days_to_churn",
                                         "arr", "arr_at_risk", "top_drivers", "previous_probability", "change", "model_id"])
            let accounts = snapshot.dataset.accounts
            for r in 0..<table.rowCount {
                let a = Int(table.entities[r]), p = probabilities[r]
                let id = snapshot.ids[r]
                let arr = accounts.arr.flatMap { $0[a] }
                let days = Self.expectedDaysToChurn(snapshot, row: r)
                let before = previous[id]
                scores.rows.append([
                    .text(id), .text("\(day)"), .number(p), .text(Self.band(p, spec.riskBands)), snapshot.stateName(r).map { .text($0) } ?? .missing,
                    days.map { .integer($0) } ?? .missing, arr.map { .number($0) } ?? .missing,
                    arr.map { .number(($0 * p * 100).rounded() / 100) } ?? .missing, .text(drivers.topDrivers(contributions[r])),
                    before.map { .number($0) } ?? .missing, before.map { .number(p - $0) } ?? .missing, .text(model.modelID),
                ])
            }
        } else {
            scores = ScoreTable(columns: ["project_id", "account_id", "as_of", "overrun_probability", "budget_hours", "hours_logged",
                                         "change_order_hours", "forecast_hours_at_completion", "forecast_overrun_pct", "forecast_end_date",
                                         "top_drivers", "model_id"])
            let projects = snapshot.dataset.projects!
            for r in 0..<table.rowCount {
                let p = Int(table.entities[r])
                let f = ProjectForecast(snapshot, row: r)
                scores.rows.append([
                    .text(projects.projectID[p]), .text(snapshot.dataset.accounts.accountID[Int(projects.account[p])]), .text("\(day)"),
                    .number(probabilities[r]), .number(f.budgetHours), .number(f.hoursLogged), .number(f.changeOrderHours),
                    .number((f.hoursAtCompletion * 10).rounded() / 10), .number((f.overrunShare * 1000).rounded() / 10), .text("\(f.endDate)"),
                    .text(drivers.topDrivers(contributions[r])), .text(model.modelID),
                ])
            }
        }
        return scores
    }

    /// The chain's expected time to churn from row `r`'s state, in days (30.44 a month).
    public static func expectedDaysToChurn(_ snapshot: ScoredSnapshot, row r: Int) -> Int? {
        guard snapshot.states[r] >= 0, let chain = snapshot.spec.accountChain else { return nil }
        return Int((chain.expectedMonths[snapshot.states[r]] * 30.44).rounded())
    }

    /// low / medium / high at the model's cut points.
    public static func band(_ p: Double, _ cuts: [Double]) -> String {
        p >= cuts[1] ? "high" : p >= cuts[0] ? "medium" : "low"
    }

    /// The newest `<task>-scores-<date>.csv` in `directory` dated before `day`: id → probability.
    static func previousScores(in directory: String, task: String, before day: Day) throws -> (String?, [String: Double]) {
        let prefix = "\(task)-scores-"
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".csv") }
            .compactMap { name -> (String, Day)? in
                Day(String(name.dropFirst(prefix.count).dropLast(4))).flatMap { $0 < day ? (name, $0) : nil }
            }
        guard let newest = files.max(by: { $0.1 < $1.1 }) else { return (nil, [:]) }
        let path = (directory as NSString).appendingPathComponent(newest.0)
        let scanner = try CSVScanner(path: path)
        guard try scanner.next() else { return (newest.0, [:]) }
        let header = scanner.fields
        guard let idColumn = header.firstIndex(where: { $0 == "account_id" || $0 == "project_id" }),
              let probabilityColumn = header.firstIndex(where: { $0.hasSuffix("_probability") && $0 != "previous_probability" }) else {
            return (newest.0, [:])
        }
        var out: [String: Double] = [:]
        while try scanner.next() {
            guard scanner.fieldCount > max(idColumn, probabilityColumn) else { continue }
            if let p = Double(scanner.string(probabilityColumn)) { out[scanner.string(idColumn)] = p }
        }
        return (newest.0, out)
    }
}
