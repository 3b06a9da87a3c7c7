import VitalsFoundation
import VitalsSignals

/// A file's rows grouped by entity and, within each entity, sorted by date: one
/// counting sort over the whole file, so every snapshot date afterwards is a binary
/// search, never a re-scan.
///
/// Rows of one date are ordered by the data, when `sameDay` says how (`sameDay(a, b)`: row a
/// goes before row b), else by file order. Where a feature reads "the latest" row, the data
/// must decide it: a warehouse table has no file order, and the exported SQL must pick the
/// same row (`vitals export-sql`).
///
/// - Complexity: O(rows + entities) plus a sort of any entity whose rows are not
///   already in date order (exports are usually sorted by date, so rarely).
struct GroupedRows: Sendable {
    /// entities + 1 offsets into `rows`.
    let start: [Int]
    /// Row indices, entity by entity, each entity's in ascending date order.
    let rows: [Int32]

    init(entities: [Int32], entityCount: Int, dates: [Int32], sameDay: ((Int32, Int32) -> Bool)? = nil) {
        // The order within an entity: by date, then by `sameDay`, then by file order.
        func before(_ a: Int32, _ b: Int32) -> Bool {
            let (da, db) = (dates[Int(a)], dates[Int(b)])
            if da != db { return da < db }
            if let sameDay {
                if sameDay(a, b) { return true }
                if sameDay(b, a) { return false }
            }
            return a < b
        }
        var counts = [Int](repeating: 0, count: entityCount + 1)
        for e in entities { counts[Int(e) + 1] += 1 }
        for k in 1..<counts.count { counts[k] += counts[k - 1] }
        var next = counts
        var rows = [Int32](repeating: 0, count: entities.count)
        for (r, e) in entities.enumerated() {
            rows[next[Int(e)]] = Int32(r)
            next[Int(e)] += 1
        }
        for e in 0..<entityCount where counts[e + 1] - counts[e] > 1 {
            let range = counts[e]..<counts[e + 1]
            var sorted = true
            for k in range.dropFirst() where !before(rows[k - 1], rows[k]) {
                sorted = false
                break
            }
            if !sorted {
                let slice = rows[range].sorted(by: before)
                rows.replaceSubrange(range, with: slice)
            }
        }
        self.start = counts
        self.rows = rows
    }

    func range(_ entity: Int) -> Range<Int> { start[entity]..<start[entity + 1] }

    /// The number of the entity's rows dated on or before `day` (rows are date-sorted).
    func countThrough(_ entity: Int, _ day: Int32, dates: [Int32]) -> Int {
        var lo = start[entity], hi = start[entity + 1]
        while lo < hi {
            let mid = (lo + hi) / 2
            if dates[Int(rows[mid])] <= day { lo = mid + 1 } else { hi = mid }
        }
        return lo - start[entity]
    }
}
