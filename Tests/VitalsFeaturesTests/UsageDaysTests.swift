import Foundation
import Testing
import VitalsFeatures
import VitalsFoundation
import VitalsMarkov
import VitalsSignals
import VitalsTestBooks
import VitalsTestSupport

/// An index that keeps only the usage days scoring one date reads (what `vitals score`
/// builds, a quarter of a year's book) gives that date's features bit for bit as the index of
/// every day does: windows, the last active day before the window, and whether any row is.
@Suite struct UsageDaysTests {
    static func same(_ a: SnapshotTable, _ b: SnapshotTable) -> Bool {
        a.featureNames == b.featureNames && a.entities == b.entities
            && zip(a.features, b.features).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    /// The hand-computed book's usage: two rows of one day, rows out of date order, a row after
    /// the date, and (for the later dates) every row of an account before the window.
    @Test(arguments: ["2024-05-10", "2024-06-30", "2024-07-05", "2024-08-15", "2024-09-30", "2025-03-01"])
    func handBookFeaturesAreTheSame(_ date: String) throws {
        let day = try #require(Day(date))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (name, text) in HandComputedFeatureTests.files { try directory.write(name, text) }
        let dataset = try SignalsReader().read(directory: directory.path).dataset
        let all = SignalsIndex(dataset), scoring = SignalsIndex(dataset, usageDays: .asOf(day))
        #expect(all.dataset.usage == nil && scoring.dataset.usage == nil)
        let layout = SnapshotBuilder(index: all).layout(task: .churn)
        let a = SnapshotBuilder(index: all).table(layout: layout, dates: [day], requireLabels: false)
        let b = SnapshotBuilder(index: scoring).table(layout: layout, dates: [day], requireLabels: false)
        #expect(a.rowCount > 0)
        #expect(Self.same(a, b), "features as of \(date) differ")
    }

    /// The simulated book with the Markov columns, at the end of the data and earlier dates.
    @Test func simulatedBookFeaturesAreTheSame() throws {
        let book = try TestBook.shared()
        let cutoff = book.index.dataEnd
        let recipe = try FeaturizerTests.recipe(.churn, index: book.index, cutoff: cutoff)
        for months in [0, -3, -11] {
            let day = cutoff.adding(months: months)
            let a = try Featurizer(recipe: recipe, index: book.index).table(dates: [day], requireLabels: false).table
            let windowed = SignalsIndex(book.dataset, usageDays: .asOf(day))
            let b = try Featurizer(recipe: recipe, index: windowed).table(dates: [day], requireLabels: false).table
            #expect(a.rowCount > 100)
            #expect(Self.same(a, b), "features as of \(day) differ")
        }
        // nil: the end of the data.
        let end = SignalsIndex(book.dataset, usageDays: .asOf(nil))
        let a = try Featurizer(recipe: recipe, index: book.index).table(dates: [cutoff], requireLabels: false).table
        #expect(Self.same(a, try Featurizer(recipe: recipe, index: end).table(dates: [cutoff], requireLabels: false).table))
    }

    /// usage.csv read through the scoring window (`SignalsReadOptions.usageWindow`, what `vitals
    /// score --as-of D` reads with), on every core in small chunks: the table holds only the
    /// window's rows, and the features, the data's span and the problems are the whole read's.
    @Test(arguments: ["2024-05-10", "2024-06-30", "2024-08-15", "2025-03-01"])
    func aWindowedReadGivesTheSameFeatures(_ date: String) throws {
        let day = try #require(Day(date))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (name, text) in HandComputedFeatureTests.files { try directory.write(name, text) }
        try Self.expectSameAsWholeRead(directory.path, day: day, chunkBytes: 64)
    }

    @Test func theSimulatedBookReadThroughAWindowGivesTheSameFeatures() throws {
        let book = try TestBook.shared()
        for months in [0, -3, -11] {
            try Self.expectSameAsWholeRead(book.signals, day: book.index.dataEnd.adding(months: months), chunkBytes: 1 << 16)
        }
    }

    /// The second, independently generated book (date first, quoted dates and ids, CRLF):
    /// data this reader was not built around, at its end and a year before.
    @Test func theSecondBookReadThroughAWindowGivesTheSameFeatures() throws {
        let directory = Fixtures.path("second-book")
        let end = SignalsIndex(try SignalsReader().read(directory: directory).dataset).dataEnd
        for months in [0, -6, -12] { try Self.expectSameAsWholeRead(directory, day: end.adding(months: months), chunkBytes: 1 << 12) }
    }

    static func expectSameAsWholeRead(_ directory: String, day: Day, chunkBytes: Int) throws {
        let whole = try SignalsReader().read(directory: directory)
        let options = SignalsReadOptions(parallelMinimumBytes: 0, parallelChunkBytes: chunkBytes, usageWindow: SignalsIndex.usageWindow(asOf: day))
        let windowed = try SignalsReader(options: options).read(directory: directory)
        let window = SignalsIndex.usageWindow(asOf: day)
        let usage = try #require(windowed.dataset.usage)
        #expect(usage.window != nil)
        #expect(usage.date.allSatisfy { window.contains($0) })
        #expect(usage.count == whole.dataset.usage!.date.filter { window.contains($0) }.count)
        #expect(windowed.report.problemCount == whole.report.problemCount)
        #expect(windowed.report[.usage].rowsKept == whole.report[.usage].rowsKept)
        let all = SignalsIndex(whole.dataset)
        let scoring = SignalsIndex(windowed.dataset, usageDays: .asOf(day))
        #expect(scoring.dataStart == all.dataStart && scoring.dataEnd == all.dataEnd)
        let layout = SnapshotBuilder(index: all).layout(task: .churn)
        let a = SnapshotBuilder(index: all).table(layout: layout, dates: [day], requireLabels: false)
        let b = SnapshotBuilder(index: scoring).table(layout: layout, dates: [day], requireLabels: false)
        #expect(a.rowCount > 0)
        #expect(same(a, b), "features as of \(day) differ")
    }
}
