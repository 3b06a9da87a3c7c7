import Foundation
import Testing
import VitalsFeatures
import VitalsFoundation
import VitalsSignals
import VitalsTestBooks
import VitalsTestSupport

/// On the simulated book the features carry the signal the simulator puts in:
/// falling usage, detractors and fast burn go with churn and overruns.
@Suite struct SeparationTests {
    static func column(_ table: SnapshotTable, _ name: String) -> [Double] {
        let k = table.featureNames.firstIndex(of: name)!
        return (0..<table.rowCount).map { table.features[$0 * table.columnCount + k] }
    }

    @Test func usageTrendDetractorsAndBurnRateSeparateTheClasses() throws {
        let book = try TestBook.shared()
        let builder = SnapshotBuilder(index: book.index)
        let churn = builder.table(layout: builder.layout(task: .churn), dates: builder.defaultDates(cadence: .monthly), requireLabels: true)
        let overrun = builder.table(layout: builder.layout(task: .overrun), dates: builder.defaultDates(cadence: .weekly), requireLabels: true)
        #expect(churn.rowCount > 3_000 && churn.labels.contains(1))
        #expect(overrun.rowCount > 1_000 && overrun.labels.contains(1))
        let trend = rankAUC(Self.column(churn, "usage_trend_90d").map { -$0 }, churn.labels)
        let detractors = rankAUC(Self.column(churn, "nps_detractor_share_180d"), churn.labels)
        let burn = rankAUC(Self.column(overrun, "burn_rate"), overrun.labels)
        print("univariate AUC: −usage_trend_90d \(trend), nps_detractor_share_180d \(detractors), burn_rate \(burn)")
        #expect(trend > 0.6, "usage trend AUC \(trend)")
        #expect(detractors > 0.6, "detractor share AUC \(detractors)")
        #expect(burn > 0.6, "burn rate AUC \(burn)")
    }

    /// Deterministic: two builds of the same table are identical, bit for bit.
    @Test func tablesAreDeterministic() throws {
        let book = try TestBook.shared()
        let builder = SnapshotBuilder(index: book.index)
        let dates = builder.defaultDates(cadence: .monthly)
        let a = builder.table(layout: builder.layout(task: .churn), dates: dates, requireLabels: true)
        let b = SnapshotBuilder(index: SignalsIndex(book.dataset)).table(layout: builder.layout(task: .churn), dates: dates, requireLabels: true)
        #expect(a.csv(dataset: book.dataset) == b.csv(dataset: book.dataset))
        #expect(a.censored == b.censored && a.censored > 0)
    }
}
