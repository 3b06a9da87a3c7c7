import Testing
import VitalsAdditive
import VitalsFoundation

@Suite struct ValidationFoldsTests {
    /// Snapshots: no entity on both sides of a fold, no training date after a scored one, and
    /// every entity scored in some fold.
    @Test func snapshotFoldsKeepEntitiesApartAndTimeForward() {
        var dates: [Day] = [], groups: [Int] = []
        let start = Day(year: 2024, month: 1, day: 31)!
        for month in 0..<12 {
            for entity in 0..<50 where (entity + month) % 7 != 0 {
                dates.append(start.adding(months: month))
                groups.append(entity)
            }
        }
        let folds = ValidationFolds.groupedTimeOrdered(dates: dates, groups: groups, folds: 3, seed: 42)
        #expect(folds.count == 3)
        var scored = Set<Int>()
        for fold in folds {
            #expect(!fold.train.isEmpty && !fold.test.isEmpty)
            #expect(Set(fold.train.map { groups[$0] }).isDisjoint(with: fold.test.map { groups[$0] }))
            #expect(fold.train.map { dates[$0] }.max()! < fold.test.map { dates[$0] }.min()!)
            scored.formUnion(fold.test.map { groups[$0] })
        }
        #expect(scored.count == 50)
        #expect(ValidationFolds.groupedTimeOrdered(dates: dates, groups: groups, folds: 3, seed: 42) == folds)
    }

    @Test func stratifiedFoldsPartitionTheRowsAndKeepTheClassMix() {
        let labels = (0..<1_000).map { $0 % 10 < 2 ? 1.0 : 0.0 }
        let folds = ValidationFolds.stratified(labels: labels, folds: 5, seed: 1)
        #expect(folds.flatMap(\.test).sorted() == Array(0..<1_000))
        for fold in folds {
            #expect(fold.test.count == 200 && fold.test.filter { labels[$0] == 1 }.count == 40)
            #expect(Set(fold.train).isDisjoint(with: fold.test) && fold.train.count == 800)
        }
        #expect(ValidationFolds.stratified(labels: labels, folds: 5, seed: 2) != folds)
    }

    @Test func timeOrderedFoldsChainForward() {
        let folds = ValidationFolds.timeOrdered(rows: 100, folds: 3)
        #expect(folds.map(\.train.count) == [25, 50, 75] && folds.map(\.test.count) == [25, 25, 25])
        for fold in folds { #expect(fold.train.max()! < fold.test.min()!) }
    }
}
