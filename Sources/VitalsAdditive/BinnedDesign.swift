import Foundation
import VitalsLinearAlgebra
import VitalsLogistic

/// The additive design on many rows, fitted on discretized covariates (the idea of mgcv's
/// `bam(discrete = TRUE)`, Wood, Li, Shaddick & Augustin 2017): each feature's range is cut
/// into cells, `cellsPerInterval` equal cells between consecutive knots (fewer when that
/// would make more than 256 cells, so a cell index is one byte, as the 255 bins of LightGBM
/// and EBM), every value stands for the mean of the training values in its cell, and the
/// design keeps one cell index per row and feature plus each term's columns at its cells'
/// means.
///
/// The design is then the dense design of those means, exactly, but its products never
/// form that n × q matrix:
///
///     (X w)ᵢ = Σₜ vₜ[cellᵢₜ],      vₜ = Bₜ wₜ   (Bₜ: a term's cells × columns table)
///     (Xᵀ r)ₜ = Bₜᵀ hₜ,           hₜ[d] = Σ_{i: cellᵢₜ = d} rᵢ
///
/// so a pass costs n · p lookups instead of n · q multiply-adds (q ≈ 8 p), and the memory
/// read is n p bytes instead of 8 n q. The Hessian's systematic row sample is formed
/// densely once per stride and kept. Interactions keep dense columns (of the cells' means).
///
/// What changes against the exact fit: each value moves to its cell's mean, which is within
/// 1 / `cellsPerInterval` of a knot interval of it; the model stored is the same kind of
/// model (knots and coefficients) and scores exact values.
///
/// - Shapes: n × q, q = `expansion.columnCount`; the input x is n × p, p = the terms.
public struct BinnedDesign: DesignMatrix {
    public let expansion: AdditiveExpansion
    public let rows: Int
    public var columns: Int { expansion.columnCount }
    /// Each row's cell in each term, row-major n × p.
    let cells: [UInt8]
    /// Per term: where its cells start in the flat cell arrays, and their count.
    let cellOffsets: [Int]
    let cellCounts: [Int]
    /// Per cell: the mean of the training values in it, and how many rows it holds.
    public let representatives: [Double]
    let occupancy: [Double]
    /// Per term: its columns at each of its cells' means, cells × columns, row-major.
    let tables: [[Double]]
    let columnOffsets: [Int]
    /// The pairs' columns, dense (n × the pairs' columns), or nil without pairs.
    let pairColumns: Matrix?
    private let sampleCache = DenseSampleCache()

    /// Equal cells between consecutive knots (or across a line's range). Default 64.
    public static let defaultCellsPerInterval = 64
    /// The most cells a term has: its cell index is one byte.
    public static let maximumCells = 256

    /// The cells per interval of a term cut at `breakpoints` breakpoints: g, or fewer so that
    /// the term has at most `maximumCells`.
    static func perInterval(_ g: Int, breakpoints: Int) -> Int {
        breakpoints > 1 ? max(1, min(g, maximumCells / (breakpoints - 1))) : 1
    }

    /// The breakpoints a term's cells are cut between: the spline's range and interior knots;
    /// a line's training minimum and maximum.
    static func breakpoints(_ term: ShapeTerm, minimum: Double, maximum: Double) -> [Double] {
        switch term.kind {
        case let .spline(basis, _): return [basis.lower] + basis.interiorKnots + [basis.upper]
        case .line: return minimum < maximum ? [minimum, maximum] : [minimum]
        }
    }

    /// The cell of x among `breaks` (b₀ < … < bₘ): (interval j) · g + ⌊(x − bⱼ) · sⱼ⌋, clamped
    /// to the interval's g cells, with sⱼ = g / (bⱼ₊₁ − bⱼ) in `scales`.
    @inline(__always)
    static func cell(of x: Double, breaks: UnsafePointer<Double>, scales: UnsafePointer<Double>, count: Int, perInterval g: Int) -> Int {
        let intervals = count - 1
        guard intervals > 0 else { return 0 }
        // The interval by counting the inner breakpoints at or below x: no data-dependent branch.
        var j = 0
        for k in 1..<intervals { j &+= Int(unsafeBitCast(x >= breaks[k], to: UInt8.self)) }
        let position = (x - breaks[j]) * scales[j]
        let sub = position >= 0 ? min(Int(position), g - 1) : 0  // NaN-free: x is finite
        return j * g + sub
    }

    /// - Parameters:
    ///   - expansion: the shapes, learnt on the same rows. Each spline's centres are set here
    ///     from the cells (its columns' means over the design's rows), so `self.expansion`
    ///     is the one to store with the fit.
    ///   - x: n × p training features (p = the expansion's terms), finite.
    ///   - cellsPerInterval: g, 2…1024.
    public init(expansion fitted: AdditiveExpansion, x: Matrix, cellsPerInterval g: Int = defaultCellsPerInterval) throws {
        let p = fitted.terms.count, n = x.rows
        guard x.columns == p else {
            throw LogisticRegressionError.invalidData("x has \(x.columns) columns, the model's shapes \(p)")
        }
        guard (2...1024).contains(g) else {
            throw LogisticRegressionError.invalidParameter(name: "cells_per_interval", value: "\(g)", rule: "must be an integer from 2 to 1024")
        }
        self.rows = n
        let (minima, maxima) = Self.ranges(x)
        let breaks = (0..<p).map { Self.breakpoints(fitted.terms[$0], minimum: minima[$0], maximum: maxima[$0]) }
        let perInterval = breaks.map { Self.perInterval(g, breakpoints: $0.count) }
        let counts = (0..<p).map { max(1, (breaks[$0].count - 1) * perInterval[$0]) }
        var offsets: [Int] = [], total = 0
        for c in counts {
            offsets.append(total)
            total += c
        }
        cellOffsets = offsets
        cellCounts = counts

        // One row-major pass: each value's cell, with every cell's sum and count per row chunk,
        // added in chunk order (the same bits on any core count).
        var flatBreaks: [Double] = [], flatScales: [Double] = [], breakStarts: [Int] = [], breakCounts: [Int] = []
        for (b, cellsPer) in zip(breaks, perInterval) {
            breakStarts.append(flatBreaks.count)
            breakCounts.append(b.count)
            flatBreaks += b
            flatScales += b.indices.map { $0 + 1 < b.count ? Double(cellsPer) / (b[$0 + 1] - b[$0]) : 0 }
        }
        var cellIndex = [UInt8](repeating: 0, count: n * p)
        let cellTotal = total, starts = offsets, (firstBreak, breakCount) = (breakStarts, breakCounts)
        let partials = x.elements.withUnsafeBufferPointer { input -> [([Double], [Double])] in
            cellIndex.withUnsafeMutableBufferPointer { out in
                flatBreaks.withUnsafeBufferPointer { breakBuffer in
                    flatScales.withUnsafeBufferPointer { scaleBuffer in
                        nonisolated(unsafe) let (a, o, allBreaks, allScales) = (input, out, breakBuffer.baseAddress!, scaleBuffer.baseAddress!)
                        return RowChunks(rows: n).map { range in
                            var sums = [Double](repeating: 0, count: cellTotal), tally = [Double](repeating: 0, count: cellTotal)
                            sums.withUnsafeMutableBufferPointer { sum in
                                tally.withUnsafeMutableBufferPointer { count in
                                    for i in range {
                                        for t in 0..<p {
                                            let v = a[i * p + t]
                                            let c = Self.cell(of: v, breaks: allBreaks + firstBreak[t], scales: allScales + firstBreak[t],
                                                              count: breakCount[t], perInterval: perInterval[t])
                                            o[i * p + t] = UInt8(truncatingIfNeeded: c)
                                            sum[starts[t] + c] += v
                                            count[starts[t] + c] += 1
                                        }
                                    }
                                }
                            }
                            return (sums, tally)
                        }
                    }
                }
            }
        }
        var sums = [Double](repeating: 0, count: total), tally = [Double](repeating: 0, count: total)
        for (s, c) in partials {
            for k in 0..<total {
                sums[k] += s[k]
                tally[k] += c[k]
            }
        }
        cells = cellIndex
        occupancy = tally
        let means = (0..<total).map { tally[$0] > 0 ? sums[$0] / tally[$0] : 0 }
        representatives = means

        // The splines' centres: their cumulative columns' means over the cells' rows.
        let terms = (0..<p).map { t -> ShapeTerm in
            let term = fitted.terms[t]
            guard case let .spline(basis, _) = term.kind else { return term }
            var centre = [Double](repeating: 0, count: basis.cumulativeCount)
            for d in 0..<counts[t] where tally[offsets[t] + d] > 0 {
                for (c, v) in basis.cumulative(at: means[offsets[t] + d]).enumerated() { centre[c] += tally[offsets[t] + d] * v }
            }
            return ShapeTerm(feature: term.feature, kind: .spline(basis: basis, centres: centre.map { $0 / Double(n) }), direction: term.direction)
        }
        let expansion = AdditiveExpansion(terms: terms, pairs: fitted.pairs, smoothing: fitted.smoothing, ridge: fitted.ridge)
        self.expansion = expansion

        var columnStart: [Int] = [], start = 0
        for term in expansion.terms {
            columnStart.append(start)
            start += term.columnCount
        }
        columnOffsets = columnStart
        tables = (0..<p).map { t in
            let term = expansion.terms[t], k = term.columnCount
            var table = [Double](repeating: 0, count: counts[t] * k)
            for d in 0..<counts[t] where tally[offsets[t] + d] > 0 {
                let values = term.columns(at: means[offsets[t] + d])
                for c in 0..<k { table[d * k + c] = values[c] }
            }
            return table
        }
        if expansion.pairs.isEmpty {
            pairColumns = nil
        } else {
            // Pairs: dense columns, as `AdditiveExpansion.design` makes them, of the cells' means.
            let ranges = expansion.pairRanges, firstPair = ranges[0].lowerBound, width = expansion.columnCount - firstPair
            var dense = Matrix(rows: n, columns: width)
            for i in 0..<n {
                for (pair, range) in zip(expansion.pairs, ranges) {
                    let a = means[offsets[pair.first] + Int(cellIndex[i * p + pair.first])]
                    let b = means[offsets[pair.second] + Int(cellIndex[i * p + pair.second])]
                    for (k, v) in pair.columns(a: a, b: b).enumerated() {
                        dense[i, range.lowerBound - firstPair + k] = v
                    }
                }
            }
            pairColumns = dense
        }
    }

    /// Each column's minimum and maximum, over every row.
    static func ranges(_ x: Matrix) -> (minima: [Double], maxima: [Double]) {
        let p = x.columns
        let partials = x.elements.withUnsafeBufferPointer { buffer -> [([Double], [Double])] in
            nonisolated(unsafe) let a = buffer
            return RowChunks(rows: x.rows).map { range in
                var low = [Double](repeating: .infinity, count: p), high = [Double](repeating: -.infinity, count: p)
                for i in range {
                    for j in 0..<p {
                        low[j] = min(low[j], a[i * p + j])
                        high[j] = max(high[j], a[i * p + j])
                    }
                }
                return (low, high)
            }
        }
        var low = [Double](repeating: .infinity, count: p), high = [Double](repeating: -.infinity, count: p)
        for (l, h) in partials {
            for j in 0..<p {
                low[j] = min(low[j], l[j])
                high[j] = max(high[j], h[j])
            }
        }
        return (low, high)
    }

    /// The input the design stands for: every value replaced by its cell's mean (n × p). The
    /// dense design of this matrix equals this design.
    public func representativeInput() -> Matrix {
        let p = expansion.terms.count
        var out = Matrix(rows: rows, columns: p)
        for i in 0..<rows { for t in 0..<p { out[i, t] = representatives[cellOffsets[t] + Int(cells[i * p + t])] } }
        return out
    }

    // MARK: DesignMatrix

    /// vₜ[d] = Σ_c Bₜ[d, c] wₜ[c] for every term's cells: one flat array.
    private func cellValues(_ w: [Double]) -> [Double] {
        var v = [Double](repeating: 0, count: representatives.count)
        for t in tables.indices {
            let k = expansion.terms[t].columnCount, o = columnOffsets[t], table = tables[t]
            for d in 0..<cellCounts[t] {
                var s = 0.0
                for c in 0..<k { s += table[d * k + c] * w[o + c] }
                v[cellOffsets[t] + d] = s
            }
        }
        return v
    }

    /// Σₜ v[offsetₜ + cellₜ] over one row's p cells, in four running sums so the adds of a
    /// row do not wait on each other.
    @inline(__always)
    static func gather(cells row: UnsafePointer<UInt8>, count p: Int, values: UnsafePointer<Double>, offsets: UnsafePointer<Int>) -> Double {
        var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
        var t = 0
        while t + 4 <= p {
            s0 += values[offsets[t] &+ Int(row[t])]
            s1 += values[offsets[t + 1] &+ Int(row[t + 1])]
            s2 += values[offsets[t + 2] &+ Int(row[t + 2])]
            s3 += values[offsets[t + 3] &+ Int(row[t + 3])]
            t += 4
        }
        while t < p {
            s0 += values[offsets[t] &+ Int(row[t])]
            t += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    private var pairStart: Int { expansion.columnCount - (pairColumns?.columns ?? 0) }

    public func linearPredictor(_ w: [Double], intercept b: Double) throws -> [Double] {
        precondition(w.count == columns, "w has \(w.count) entries, expected \(columns)")
        let v = cellValues(w), p = expansion.terms.count
        var eta: [Double]
        if let pairColumns {
            eta = try pairColumns.multiply(Array(w[pairStart...]), beta: 1, adding: [Double](repeating: b, count: rows))
        } else {
            eta = [Double](repeating: b, count: rows)
        }
        cells.withUnsafeBufferPointer { cellBuffer in
            v.withUnsafeBufferPointer { valueBuffer in
                cellOffsets.withUnsafeBufferPointer { offsetBuffer in
                    eta.withUnsafeMutableBufferPointer { out in
                        nonisolated(unsafe) let (index, values, offsets, e) = (cellBuffer.baseAddress!, valueBuffer.baseAddress!, offsetBuffer.baseAddress!, out)
                        _ = RowChunks(rows: rows).map { range in
                            for i in range { e[i] += Self.gather(cells: index + i &* p, count: p, values: values, offsets: offsets) }
                        }
                    }
                }
            }
        }
        return eta
    }

    public func transposedProduct(_ r: [Double], alpha: Double) throws -> [Double] {
        precondition(r.count == rows, "r has \(r.count) entries, expected \(rows)")
        let p = expansion.terms.count, total = representatives.count
        let partials = cells.withUnsafeBufferPointer { cellBuffer in
            r.withUnsafeBufferPointer { residualBuffer in
                cellOffsets.withUnsafeBufferPointer { offsetBuffer -> [[Double]] in
                    nonisolated(unsafe) let (index, residual, offsets) = (cellBuffer.baseAddress!, residualBuffer, offsetBuffer.baseAddress!)
                    return RowChunks(rows: rows).map { range in
                        var h = [Double](repeating: 0, count: total)
                        h.withUnsafeMutableBufferPointer { buffer in
                            let hp = buffer.baseAddress!
                            for i in range {
                                let ri = residual[i], row = index + i * p
                                for t in 0..<p { hp[offsets[t] &+ Int(row[t])] += ri }
                            }
                        }
                        return h
                    }
                }
            }
        }
        return try product(cellSums: partials, pairResidual: r, alpha: alpha)
    }

    /// α Xᵀ r from each chunk's per-cell sums of r (added in chunk order): α Bₜᵀ hₜ per term,
    /// and the pairs' dense columns times r.
    private func product(cellSums partials: [[Double]], pairResidual r: [Double]?, alpha: Double) throws -> [Double] {
        let total = representatives.count
        var h = [Double](repeating: 0, count: total)
        for partial in partials { for k in 0..<total { h[k] += partial[k] } }
        var g = [Double](repeating: 0, count: columns)
        for t in tables.indices {
            let k = expansion.terms[t].columnCount, o = columnOffsets[t], table = tables[t]
            for d in 0..<cellCounts[t] where h[cellOffsets[t] + d] != 0 {
                let hd = h[cellOffsets[t] + d]
                for c in 0..<k { g[o + c] += table[d * k + c] * hd }
            }
            for c in 0..<k { g[o + c] *= alpha }
        }
        if let pairColumns, let r {
            let pairs = try pairColumns.multiply(r, transposed: true, alpha: alpha)
            for (k, value) in pairs.enumerated() { g[pairStart + k] = value }
        }
        return g
    }

    /// One pass: each row's cells are read once, to gather ηᵢ and to add rᵢ to its cells.
    public func fusedProduct<State: Sendable>(_ w: [Double], intercept b: Double, alpha: Double, start: @Sendable () -> State,
                                              row: @Sendable (inout State, Int, Double) -> Double) throws -> (states: [State], product: [Double])
    {
        precondition(w.count == columns, "w has \(w.count) entries, expected \(columns)")
        let v = cellValues(w), p = expansion.terms.count, total = representatives.count
        // The pairs' part of η first (dense), and r kept for their part of the product.
        let pairEta = try pairColumns.map { try $0.multiply(Array(w[pairStart...]), beta: 1, adding: [Double](repeating: b, count: rows)) }
        var r = [Double](repeating: 0, count: pairColumns == nil ? 0 : rows)
        let results = cells.withUnsafeBufferPointer { cellBuffer in
            v.withUnsafeBufferPointer { valueBuffer in
                cellOffsets.withUnsafeBufferPointer { offsetBuffer in
                    r.withUnsafeMutableBufferPointer { residualBuffer -> [(State, [Double])] in
                        nonisolated(unsafe) let (index, values, offsets, kept) = (cellBuffer.baseAddress!, valueBuffer.baseAddress!, offsetBuffer.baseAddress!, residualBuffer)
                        return RowChunks(rows: rows).map { range in
                            var state = start()
                            var h = [Double](repeating: 0, count: total)
                            h.withUnsafeMutableBufferPointer { buffer in
                                let hp = buffer.baseAddress!
                                for i in range {
                                    let cellsOfRow = index + i &* p
                                    let eta = (pairEta?[i] ?? b) + Self.gather(cells: cellsOfRow, count: p, values: values, offsets: offsets)
                                    let ri = row(&state, i, eta)
                                    if !kept.isEmpty { kept[i] = ri }
                                    for t in 0..<p { hp[offsets[t] &+ Int(cellsOfRow[t])] += ri }
                                }
                            }
                            return (state, h)
                        }
                    }
                }
            }
        }
        return (results.map(\.0), try product(cellSums: results.map(\.1), pairResidual: pairColumns == nil ? nil : r, alpha: alpha))
    }

    /// The rows 0, k, 2k, … as a dense matrix, formed once per stride and kept.
    func denseSample(rowStride k: Int) -> Matrix {
        sampleCache.matrix(rowStride: k) {
            let p = expansion.terms.count, q = columns, sampled = (rows + k - 1) / k
            var out = Matrix(rows: sampled, columns: q)
            out.elements.withUnsafeMutableBufferPointer { z in
                for s in 0..<sampled {
                    let i = s * k
                    for t in 0..<p {
                        let width = expansion.terms[t].columnCount, d = Int(cells[i * p + t]), o = columnOffsets[t]
                        for c in 0..<width { z[s * q + o + c] = tables[t][d * width + c] }
                    }
                    if let pairColumns {
                        for c in 0..<pairColumns.columns { z[s * q + pairStart + c] = pairColumns[i, c] }
                    }
                }
            }
            return out
        }
    }

    public func sampledLinearPredictor(_ w: [Double], intercept b: Double, rowStride: Int) throws -> [Double] {
        try denseSample(rowStride: rowStride).multiply(w, beta: 1, adding: [Double](repeating: b, count: (rows + rowStride - 1) / rowStride))
    }

    public func interceptAugmentedGram(weights: [Double], rowStride: Int) throws -> Matrix {
        try denseSample(rowStride: rowStride).interceptAugmentedGram(weights: weights, rowStride: 1)
    }

    /// From the cells' counts: mean_c = Σ_d count_d Bₜ[d, c] / n, and the deviations about it.
    public func columnMeansAndStandardDeviations() throws -> (means: [Double], standardDeviations: [Double]) {
        var means = [Double](repeating: 0, count: columns), deviations = means
        let n = Double(rows)
        for t in tables.indices {
            let k = expansion.terms[t].columnCount, o = columnOffsets[t], table = tables[t]
            for c in 0..<k {
                var sum = 0.0
                for d in 0..<cellCounts[t] { sum += occupancy[cellOffsets[t] + d] * table[d * k + c] }
                let mean = sum / n
                var squares = 0.0
                for d in 0..<cellCounts[t] {
                    let deviation = table[d * k + c] - mean
                    squares += occupancy[cellOffsets[t] + d] * deviation * deviation
                }
                means[o + c] = mean
                deviations[o + c] = (squares / n).squareRoot()
            }
        }
        if let pairColumns {
            let (m, s) = try pairColumns.columnMeansAndStandardDeviations()
            for k in 0..<m.count {
                means[pairStart + k] = m[k]
                deviations[pairStart + k] = s[k]
            }
        }
        return (means, deviations)
    }
}

/// The dense row sample of a `BinnedDesign`, made on first use for a stride and reused by
/// every Hessian of the fit.
final class DenseSampleCache: @unchecked Sendable {
    private let lock = NSLock()
    private var stride = 0
    private var sample: Matrix?

    func matrix(rowStride k: Int, make: () -> Matrix) -> Matrix {
        lock.lock()
        defer { lock.unlock() }
        if let sample, stride == k { return sample }
        let made = make()
        (stride, sample) = (k, made)
        return made
    }
}
