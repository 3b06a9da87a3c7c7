import VitalsLinearAlgebra

/// What the additive expansion needs to know of each training column before it chooses a
/// term: whether every value is finite, the range, and the sorted distinct values while there
/// are at most `distinctLimit` of them.
///
/// One row-major pass over X in fixed row chunks on every core (reading X by columns would
/// touch a cache line per value); chunks are merged in order, so the result does not depend
/// on the core count. A column stops collecting distinct values once it has more than the
/// limit, so a continuous column costs a flag test per value after its first few rows.
struct ColumnProfile {
    let finite: [Bool]
    let minimum: [Double]
    let maximum: [Double]
    /// Sorted distinct values, or nil when there are more than the limit.
    let distinct: [[Double]?]

    init(_ x: Matrix, distinctLimit limit: Int) {
        let p = x.columns
        struct Partial {
            var finite: [Bool], minimum: [Double], maximum: [Double], distinct: [[Double]?]
        }
        let partials = x.elements.withUnsafeBufferPointer { buffer -> [Partial] in
            nonisolated(unsafe) let a = buffer
            return RowChunks(rows: x.rows).map { range in
                var part = Partial(finite: [Bool](repeating: true, count: p), minimum: [Double](repeating: .infinity, count: p),
                                   maximum: [Double](repeating: -.infinity, count: p), distinct: [[Double]?](repeating: [], count: p))
                for i in range {
                    for j in 0..<p {
                        let v = a[i * p + j]
                        if !v.isFinite { part.finite[j] = false }
                        if v < part.minimum[j] { part.minimum[j] = v }
                        if v > part.maximum[j] { part.maximum[j] = v }
                        if let known = part.distinct[j], !Self.contains(v, known) {
                            part.distinct[j] = Self.inserting(v, into: known, limit: limit)
                        }
                    }
                }
                return part
            }
        }
        var merged = Partial(finite: [Bool](repeating: true, count: p), minimum: [Double](repeating: .infinity, count: p),
                             maximum: [Double](repeating: -.infinity, count: p), distinct: [[Double]?](repeating: [], count: p))
        for part in partials {
            for j in 0..<p {
                merged.finite[j] = merged.finite[j] && part.finite[j]
                merged.minimum[j] = min(merged.minimum[j], part.minimum[j])
                merged.maximum[j] = max(merged.maximum[j], part.maximum[j])
                if let values = part.distinct[j], var into = merged.distinct[j] {
                    for v in values {
                        guard let grown = Self.inserting(v, into: into, limit: limit) else {
                            merged.distinct[j] = nil
                            break
                        }
                        into = grown
                        merged.distinct[j] = into
                    }
                } else {
                    merged.distinct[j] = nil
                }
            }
        }
        (finite, minimum, maximum, distinct) = (merged.finite, merged.minimum, merged.maximum, merged.distinct)
    }

    @inline(__always)
    static func contains(_ v: Double, _ sorted: [Double]) -> Bool {
        for value in sorted where value == v { return true }
        return v.isNaN
    }

    /// `sorted` with v inserted in place (unchanged if present), or nil when that would make
    /// more than `limit` values. A NaN is not a value: the column is reported as not finite.
    static func inserting(_ v: Double, into sorted: [Double], limit: Int) -> [Double]? {
        guard !v.isNaN else { return sorted }
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < v { low = mid + 1 } else { high = mid }
        }
        if low < sorted.count, sorted[low] == v { return sorted }
        if sorted.count == limit { return nil }
        var out = sorted
        out.insert(v, at: low)
        return out
    }
}
