import VitalsLinearAlgebra

/// What the additive expansion needs to know of each training column before it chooses a
/// term: whether every value is finite, the range, the sorted distinct values with their
/// counts while there are at most `distinctLimit` of them, and the values of a systematic
/// row sample (every k-th row) for the knots.
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
    /// How many rows hold each of `distinct`'s values.
    let counts: [[Double]]
    /// Per column, its values on the rows 0, k, 2k, … (k = the sample stride).
    let sample: [[Double]]

    /// One chunk's findings. The distinct values sit in flat arrays, `limit` slots per column,
    /// so counting a value is a short scan with no nested array to copy.
    private struct Partial {
        let limit: Int
        var finite: [Bool], minimum: [Double], maximum: [Double], collecting: [Bool]
        var sizes: [Int], values: [Double], counts: [Double]

        init(columns p: Int, limit: Int) {
            self.limit = limit
            finite = [Bool](repeating: true, count: p)
            minimum = [Double](repeating: .infinity, count: p)
            maximum = [Double](repeating: -.infinity, count: p)
            collecting = [Bool](repeating: true, count: p)
            sizes = [Int](repeating: 0, count: p)
            values = [Double](repeating: 0, count: p * limit)
            counts = [Double](repeating: 0, count: p * limit)
        }

        /// Counts `weight` more rows of v in column j, or stops collecting past the limit.
        mutating func add(_ v: Double, weight: Double, column j: Int) {
            guard collecting[j], !v.isNaN else { return }
            let base = j * limit, size = sizes[j]
            for k in 0..<size where values[base + k] == v {
                counts[base + k] += weight
                return
            }
            guard size < limit else {
                collecting[j] = false
                return
            }
            values[base + size] = v
            counts[base + size] = weight
            sizes[j] = size + 1
        }

        /// Column j's distinct values, sorted, with their counts (nil once past the limit).
        func distinct(_ j: Int) -> (values: [Double], counts: [Double])? {
            guard collecting[j] else { return nil }
            let base = j * limit
            let order = (0..<sizes[j]).sorted { values[base + $0] < values[base + $1] }
            return (order.map { values[base + $0] }, order.map { counts[base + $0] })
        }
    }

    init(_ x: Matrix, distinctLimit limit: Int, sampleStride k: Int = 1) {
        let p = x.columns
        let partials = x.elements.withUnsafeBufferPointer { buffer -> [Partial] in
            nonisolated(unsafe) let a = buffer
            return RowChunks(rows: x.rows).map { range in
                var part = Partial(columns: p, limit: limit)
                for i in range {
                    for j in 0..<p {
                        let v = a[i * p + j]
                        if !v.isFinite { part.finite[j] = false }
                        part.minimum[j] = Swift.min(part.minimum[j], v)
                        part.maximum[j] = Swift.max(part.maximum[j], v)
                        if part.collecting[j] { part.add(v, weight: 1, column: j) }
                    }
                }
                return part
            }
        }
        var merged = Partial(columns: p, limit: limit)
        for part in partials {
            for j in 0..<p {
                merged.finite[j] = merged.finite[j] && part.finite[j]
                merged.minimum[j] = Swift.min(merged.minimum[j], part.minimum[j])
                merged.maximum[j] = Swift.max(merged.maximum[j], part.maximum[j])
                if let (values, counts) = part.distinct(j) {
                    for (v, c) in zip(values, counts) { merged.add(v, weight: c, column: j) }
                } else {
                    merged.collecting[j] = false
                }
            }
        }
        (finite, minimum, maximum) = (merged.finite, merged.minimum, merged.maximum)
        let found = (0..<p).map { merged.distinct($0) }
        distinct = found.map { $0?.values }
        counts = found.map { $0?.counts ?? [] }
        // The sample's columns, read row by row.
        var columns = [[Double]](repeating: [], count: p)
        for j in 0..<p { columns[j].reserveCapacity((x.rows + k - 1) / k) }
        x.elements.withUnsafeBufferPointer { a in
            for i in Swift.stride(from: 0, to: x.rows, by: k) { for j in 0..<p { columns[j].append(a[i * p + j]) } }
        }
        sample = columns
    }
}
