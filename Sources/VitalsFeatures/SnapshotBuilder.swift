import Dispatch
import Foundation
import Logging
import VitalsFoundation
import VitalsSignals

/// Builds snapshot tables: for a task and a list of snapshot dates, one row per eligible
/// entity per date with its point-in-time features and its label.
///
/// Labels (docs/SIGNALS.md):
/// - churn, horizon H: an account that is a customer on D (started on or before D, not
///   churned by D) is 1 when `churn_date` ∈ (D, D + H] and 0 when not, provided the whole
///   window ends within the data (or `labelCutoff`); otherwise censored, whatever happened.
/// - overrun, tolerance T, grace G: a project in flight on D (started on or before D, not
///   ended by D) is 1 when it completed with total hours above budget × (1 + T) or ended
///   after planned end + G, else 0. Cancelled projects and projects not finished by the end
///   of the data have no label.
///
/// Features are computed in parallel over fixed chunks of rows; the table is the same
/// whatever the core count.
public struct SnapshotBuilder: Sendable {
    public let index: SignalsIndex
    public var horizonDays: Int
    public var tolerance: Double
    public var graceDays: Int
    /// Labels are what is known on this day (default: the end of the data). Training with
    /// `--until D` sets it, so no label uses an outcome after D.
    public var labelCutoff: Day

    /// The label settings when none are given (the training config's defaults too).
    public static let defaultHorizonDays = 90
    public static let defaultTolerance = 0.10
    public static let defaultGraceDays = 14

    public init(index: SignalsIndex, horizonDays: Int = defaultHorizonDays, tolerance: Double = defaultTolerance,
                graceDays: Int = defaultGraceDays, labelCutoff: Day? = nil) {
        self.index = index
        self.horizonDays = horizonDays
        self.tolerance = tolerance
        self.graceDays = graceDays
        self.labelCutoff = min(labelCutoff ?? index.dataEnd, index.dataEnd)
    }

    /// A layout whose one-hot levels are those in the data (sorted), for training. A column
    /// with more than `FeatureLayout.maximumLevels` distinct values is an identifier, not a
    /// category: it gets no columns (`identifierLikeColumns` names it, for a warning).
    public func layout(task: RiskTask, families: [FeatureFamily]? = nil) -> FeatureLayout {
        let (segments, types) = (levels(index.dataset.accounts.segment), levels(index.dataset.projects?.type))
        return FeatureLayout(task: task, families: families ?? FeatureLayout.defaultFamilies(task), segmentLevels: segments, projectTypeLevels: types)
    }

    /// The distinct values of a one-hot column, sorted; none when there are too many to be a category.
    func levels(_ column: TextColumn?) -> [String] {
        guard let column else { return [] }
        let levels = Set(column.codes.filter { $0 >= 0 }.map { column.levels[Int($0)] }).sorted()
        return levels.count <= FeatureLayout.maximumLevels ? levels : []
    }

    /// The one-hot columns `layout` leaves out, with their number of distinct values.
    public var identifierLikeColumns: [(column: String, values: Int)] {
        [("segment", index.dataset.accounts.segment), ("project type", index.dataset.projects?.type)].compactMap { name, column in
            guard let column else { return nil }
            let count = Set(column.codes.filter { $0 >= 0 }).count
            return count > FeatureLayout.maximumLevels ? (name, count) : nil
        }
    }

    /// The label of an account on D: 1, 0, or NaN (censored); nil when not a customer on D.
    public func churnLabel(account a: Int, asOf day: Day) -> Double? {
        let accounts = index.dataset.accounts
        guard accounts.contractStart[a] <= day else { return nil }
        let churn = accounts.churnDate.flatMap { $0[a] }
        if let churn, churn <= day { return nil }
        // The whole window (D, D + H] must be observed, whatever happened in it: keeping the
        // snapshots whose early churn is already known would over-represent churners at the end.
        guard day + horizonDays <= labelCutoff else { return .nan }
        if let churn, churn - day <= horizonDays { return 1 }
        return 0
    }

    /// What is known of an account after D for time to churn (the hazard model's
    /// person-period rows): the days from D to its churn, when it churned by `labelCutoff`,
    /// and the days the data covers after D (up to `labelCutoff`). Nil when it is not a
    /// customer on D. Unlike `churnLabel`, nothing is censored whole: the rows it gives are
    /// cut where the observation ends.
    public func followUp(account a: Int, asOf day: Day) -> (eventDay: Int?, observedDays: Int)? {
        let accounts = index.dataset.accounts
        guard accounts.contractStart[a] <= day else { return nil }
        let churn = accounts.churnDate.flatMap { $0[a] }
        if let churn, churn <= day { return nil }
        let observed = max(labelCutoff - day, 0)
        guard let churn, churn <= labelCutoff else { return (nil, observed) }
        return (churn - day, observed)
    }

    /// The label of a project on D: 1, 0 or NaN (no label: cancelled or unfinished); nil when not in flight on D.
    public func overrunLabel(project p: Int, asOf day: Day) -> Double? {
        overrunRisks(project: p, asOf: day).map { $0.hours.isNaN ? .nan : max($0.hours, $0.late) }
    }

    /// The two risks the overrun label joins, each 1, 0 or NaN (no label) as the label is:
    /// `hours`, final hours above budget × (1 + T); `late`, ending after the planned end + G.
    /// Nil when the project is not in flight on D.
    public func overrunRisks(project p: Int, asOf day: Day) -> (hours: Double, late: Double)? {
        guard let projects = index.dataset.projects, projects.startDate[p] <= day else { return nil }
        let end = index.endDate(project: p)
        if let end, end <= day.ordinal { return nil }
        guard let end, end <= labelCutoff.ordinal, projects.status[p] == .completed else { return (.nan, .nan) }
        let total = index.hoursLogged(project: p, through: labelCutoff.ordinal)
        let over = total > projects.budgetHours[p] * (1 + tolerance)
        let late = end > projects.plannedEndDate[p].ordinal + Int32(graceDays)
        return (over ? 1 : 0, late ? 1 : 0)
    }

    /// The table over `dates`. With `requireLabels`, rows without a label are left out and
    /// counted (`censored` for the label window past the data, `excluded` for cancelled
    /// projects); without, every eligible row is kept and unknown labels are NaN.
    public func table(layout: FeatureLayout, dates: [Day], requireLabels: Bool, logger: Logger = .silent) -> SnapshotTable {
        var entities: [Int32] = [], rowDates: [Day] = [], labels: [Double] = []
        var censored = 0, excluded = 0
        let count = layout.task == .churn ? index.dataset.accounts.count : (index.dataset.projects?.count ?? 0)
        for day in dates {
            for e in 0..<count {
                let label = layout.task == .churn ? churnLabel(account: e, asOf: day) : overrunLabel(project: e, asOf: day)
                guard let label else { continue }
                if requireLabels && label.isNaN {
                    if layout.task == .overrun, index.dataset.projects!.status[e] == .cancelled { excluded += 1 } else { censored += 1 }
                    continue
                }
                entities.append(Int32(e))
                rowDates.append(day)
                labels.append(label)
            }
        }
        let names = layout.featureNames
        let width = names.count
        var features = [Double](repeating: .nan, count: entities.count * width)
        let extractors = FeatureRegistry.extractors(for: layout, index: index, tolerance: tolerance, graceDays: graceDays)
        let rows = entities.count
        let (rowEntities, days) = (entities, rowDates)
        let chunks = max(1, min(64, rows / 256))
        let finished = NSLock()
        nonisolated(unsafe) var rowsDone = 0
        features.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for r in (chunk * rows / chunks)..<((chunk + 1) * rows / chunks) {
                    var writer = FeatureWriter(UnsafeMutableBufferPointer(rebasing: out[(r * width)..<((r + 1) * width)]))
                    for extractor in extractors { extractor.write(entity: Int(rowEntities[r]), asOf: days[r], into: &writer) }
                    precondition(writer.position == width, "extractors wrote \(writer.position) of \(width) features")
                }
                finished.lock()
                rowsDone += (chunk + 1) * rows / chunks - chunk * rows / chunks
                logger.progress("building \(layout.task.rawValue) snapshots", done: rowsDone, total: rows, unit: "rows")
                finished.unlock()
            }
        }
        return SnapshotTable(layout: layout, featureNames: names, entities: entities, dates: rowDates, features: features,
                             labels: labels, censored: censored, excluded: excluded)
    }

    /// How much data a snapshot needs behind it: the first snapshot date is this many days after
    /// the start of the data, so every window of up to 90 days is filled.
    public static let warmUpDays = 90

    /// The snapshot dates of `cadence` from the first date with `warmUpDays` of data behind it
    /// through `through` (default: the end of the data).
    public func defaultDates(cadence: Cadence, through: Day? = nil) -> [Day] {
        cadence.dates(from: index.dataStart + Self.warmUpDays, through: through ?? index.dataEnd)
    }
}
