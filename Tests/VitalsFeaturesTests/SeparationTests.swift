import Foundation
import Testing
import VitalsFeatures
import VitalsSignals
import VitalsTestSupport

/// On the simulated book the features carry the signal the simulator puts in:
/// falling usage, detractors and fast burn go with churn and overruns.
@Suite struct SeparationTests {
    /// Mann–Whitney AUC of `scores` (higher = riskier) against 0/1 labels, ties counting half;
    /// rows with a NaN score are left out.
    static func auc(_ scores: [Double], _ labels: [Double]) -> Double {
        let rows = zip(scores, labels).filter { !$0.0.isNaN && !$0.1.isNaN }
        let positives = rows.filter { $0.1 == 1 }.map(\.0), negatives = rows.filter { $0.1 == 0 }.map(\.0)
        let sortedNegatives = negatives.sorted()
        var wins = 0.0
        for p in positives {
            var lo = 0, hi = sortedNegatives.count
            while lo < hi { let mid = (lo + hi) / 2; if sortedNegatives[mid] < p { lo = mid + 1 } else { hi = mid } }
            var equal = lo
            while equal < sortedNegatives.count && sortedNegatives[equal] == p { equal += 1 }
            wins += Double(lo) + 0.5 * Double(equal - lo)
        }
        return wins / Double(positives.count * negatives.count)
    }

    static func column(_ table: SnapshotTable, _ name: String) -> [Double] {
        let k = table.featureNames.firstIndex(of: name)!
        return (0..<table.rowCount).map { table.features[$0 * table.columnCount + k] }
    }

    @Test func usageTrendDetractorsAndBurnRateSeparateTheClasses() throws {
        let book = try SimulatedBook.shared()
        let builder = SnapshotBuilder(index: book.index)
        let churn = builder.table(layout: builder.layout(task: .churn), dates: builder.defaultDates(cadence: .monthly), requireLabels: true)
        let overrun = builder.table(layout: builder.layout(task: .overrun), dates: builder.defaultDates(cadence: .weekly), requireLabels: true)
        #expect(churn.rowCount > 3_000 && churn.labels.contains(1))
        #expect(overrun.rowCount > 1_000 && overrun.labels.contains(1))
        let trend = Self.auc(Self.column(churn, "usage_trend_90d").map { -$0 }, churn.labels)
        let detractors = Self.auc(Self.column(churn, "nps_detractor_share_180d"), churn.labels)
        let burn = Self.auc(Self.column(overrun, "burn_rate"), overrun.labels)
        print("univariate AUC: −usage_trend_90d \(trend), nps_detractor_share_180d \(detractors), burn_rate \(burn)")
        #expect(trend > 0.6, "usage trend AUC \(trend)")
        #expect(detractors > 0.6, "detractor share AUC \(detractors)")
        #expect(burn > 0.6, "burn rate AUC \(burn)")
    }

    /// Deterministic: two builds of the same table are identical, bit for bit.
    @Test func tablesAreDeterministic() throws {
        let book = try SimulatedBook.shared()
        let builder = SnapshotBuilder(index: book.index)
        let dates = builder.defaultDates(cadence: .monthly)
        let a = builder.table(layout: builder.layout(task: .churn), dates: dates, requireLabels: true)
        let b = SnapshotBuilder(index: SignalsIndex(book.dataset)).table(layout: builder.layout(task: .churn), dates: dates, requireLabels: true)
        #expect(a.csv(dataset: book.dataset) == b.csv(dataset: book.dataset))
        #expect(a.censored == b.censored && a.censored > 0)
    }
}
