import Foundation
import VitalsFoundation
import VitalsLinearAlgebra
import VitalsLogistic

/// How the additive model's shapes are made: basis size, degree and the two penalties.
public struct ShapeSettings: Sendable, Equatable {
    /// Columns per spline feature (cumulative basis functions, K − 1). Default 8; range 2…32.
    public var columnsPerFeature: Int
    /// The spline degree for features with more distinct values than `columnsPerFeature` + 1.
    /// Default 3; range 1…3. Features with fewer values get a degree-1 basis on their values.
    public var degree: Int
    /// Weight of the smoothness penalty Σⱼ (δⱼ₊₁ − δⱼ)² (second differences of the B-spline
    /// coefficients). Default 1; range [0, 1e6].
    public var smoothing: Double
    /// Weight of the ridge Σⱼ δⱼ² on a spline's coefficients, and of w² on a line's
    /// (standardized) coefficient. Default 1; range (0, 1e6].
    public var ridge: Double

    /// From this many training rows on, the fit is on discretized values (`BinnedDesign`), and
    /// knots and centres come from a systematic sample of `knotSampleRows` rows. Default
    /// 200,000; ≥ 1.
    public var binningRows: Int
    /// Cells between consecutive knots when binning. Default 64; range 2…1024.
    public var cellsPerInterval: Int

    /// Rows the knots and centres are taken from on binned fits (every k-th row).
    public static let knotSampleRows = 100_000

    public init(columnsPerFeature: Int = 8, degree: Int = 3, smoothing: Double = 1, ridge: Double = 1,
                binningRows: Int = 200_000, cellsPerInterval: Int = BinnedDesign.defaultCellsPerInterval) {
        self.columnsPerFeature = columnsPerFeature
        self.degree = degree
        self.smoothing = smoothing
        self.ridge = ridge
        self.binningRows = binningRows
        self.cellsPerInterval = cellsPerInterval
    }

    /// Whether a fit on `rows` rows is binned.
    public func bins(rows: Int) -> Bool { rows >= binningRows }

    public func validate() throws(LogisticRegressionError) {
        guard (2...32).contains(columnsPerFeature) else {
            throw .invalidParameter(name: "basis_columns", value: "\(columnsPerFeature)", rule: "must be an integer from 2 to 32")
        }
        guard (1...3).contains(degree) else { throw .invalidParameter(name: "spline_degree", value: "\(degree)", rule: "must be 1, 2 or 3") }
        guard smoothing >= 0, smoothing <= 1e6 else {
            throw .invalidParameter(name: "smoothing", value: "\(smoothing)", rule: "must be a number from 0 to 1e6")
        }
        guard ridge > 0, ridge <= 1e6 else { throw .invalidParameter(name: "ridge", value: "\(ridge)", rule: "must be a number above 0, up to 1e6") }
        guard binningRows >= 1 else { throw .invalidParameter(name: "binning_rows", value: "\(binningRows)", rule: "must be an integer ≥ 1") }
        guard (2...1024).contains(cellsPerInterval) else {
            throw .invalidParameter(name: "cells_per_interval", value: "\(cellsPerInterval)", rule: "must be an integer from 2 to 1024")
        }
    }
}

/// The additive model's design: one `ShapeTerm` per input feature, in input order, and the
/// columns, penalty and bounds they give the logistic core.
///
/// - Shapes: an n × p input matrix becomes an n × q design, q = Σ `columnCount`; the penalty
///   is q × q and block diagonal (one block per term); the bounds have q entries.
public struct AdditiveExpansion: Sendable, Equatable, Codable {
    public let terms: [ShapeTerm]
    /// Interactions, after the terms' columns (none by default).
    public let pairs: [PairTerm]
    /// The spline weights the penalty was built with (recorded for the model card).
    public let smoothing: Double
    public let ridge: Double

    /// A pair's coefficients weigh this many times the ridge: an interaction has to earn its
    /// place against the main effects.
    public static let pairRidgeFactor = 4.0

    public init(terms: [ShapeTerm], pairs: [PairTerm] = [], smoothing: Double, ridge: Double) {
        self.terms = terms
        self.pairs = pairs
        self.smoothing = smoothing
        self.ridge = ridge
    }

    enum CodingKeys: String, CodingKey { case terms, pairs, smoothing, ridge }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        terms = try c.decode([ShapeTerm].self, forKey: .terms)
        pairs = try c.decodeIfPresent([PairTerm].self, forKey: .pairs) ?? []
        smoothing = try c.decode(Double.self, forKey: .smoothing)
        ridge = try c.decode(Double.self, forKey: .ridge)
        for pair in pairs where !(terms.indices.contains(pair.first) && terms.indices.contains(pair.second) && pair.first != pair.second
                                  && pair.centres.count == pair.columnCount) {
            throw DecodingError.dataCorruptedError(forKey: .pairs, in: c, debugDescription: "a pair names features \(pair.first) and \(pair.second) of \(terms.count), with \(pair.centres.count) centres for \(pair.columnCount) columns")
        }
    }

    /// Without pairs the file has no `pairs` key, as before interactions existed.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(terms, forKey: .terms)
        if !pairs.isEmpty { try c.encode(pairs, forKey: .pairs) }
        try c.encode(smoothing, forKey: .smoothing)
        try c.encode(ridge, forKey: .ridge)
    }

    public var featureNames: [String] { terms.map(\.feature) }
    /// `first × second` for each pair.
    public var pairNames: [String] { pairs.map { "\(terms[$0.first].feature) × \(terms[$0.second].feature)" } }
    public var columnNames: [String] {
        terms.flatMap(\.columnNames) + zip(pairs, pairNames).flatMap { pair, name in (1...pair.columnCount).map { "\(name)~\($0)" } }
    }
    public var columnCount: Int { terms.reduce(0) { $0 + $1.columnCount } + pairs.reduce(0) { $0 + $1.columnCount } }

    /// Each pair's columns in the design, after every term's.
    public var pairRanges: [Range<Int>] {
        var start = terms.reduce(0) { $0 + $1.columnCount }
        return pairs.map { pair in
            defer { start += pair.columnCount }
            return start..<(start + pair.columnCount)
        }
    }

    /// This expansion with `pairs` added (their centres from the training rows `x`).
    public func adding(pairs chosen: [(Int, Int)], x: Matrix) -> AdditiveExpansion {
        var built: [PairTerm] = []
        for (a, b) in chosen {
            let axes = [a, b].map { j -> PairAxis in
                let values = (0..<x.rows).map { x[$0, j] }.sorted()
                var distinct: [Double] = []
                for v in values where distinct.last != v { distinct.append(v) }
                return PairAxis.fit(sortedValues: values, distinct: distinct, direction: terms[j].direction)
            }
            let draft = PairTerm(first: a, second: b, firstAxis: axes[0], secondAxis: axes[1],
                                 centres: [Double](repeating: 0, count: axes[0].columnCount * axes[1].columnCount),
                                 nonNegative: terms[a].direction != .either || terms[b].direction != .either)
            var centres = draft.centres
            for i in 0..<x.rows {
                for (k, v) in draft.columns(a: x[i, a], b: x[i, b]).enumerated() { centres[k] += v }
            }
            built.append(PairTerm(first: a, second: b, firstAxis: axes[0], secondAxis: axes[1], centres: centres.map { $0 / Double(x.rows) },
                                  nonNegative: draft.nonNegative))
        }
        return AdditiveExpansion(terms: terms, pairs: pairs + built, smoothing: smoothing, ridge: ridge)
    }

    /// Each term's columns in the design.
    public var columnRanges: [Range<Int>] {
        var start = 0
        return terms.map { term in
            defer { start += term.columnCount }
            return start..<(start + term.columnCount)
        }
    }

    /// The n × q design of an n × p input (p = `terms.count`).
    public func design(_ x: Matrix) throws -> Matrix {
        guard x.columns == terms.count else {
            throw LogisticRegressionError.invalidData("x has \(x.columns) columns, the model's shapes \(terms.count)")
        }
        let q = columnCount, p = terms.count
        let ranges = columnRanges, knots = terms.map(\.fullKnots), pairSpans = pairRanges
        var z = Matrix(rows: x.rows, columns: q)
        x.elements.withUnsafeBufferPointer { a in
            z.elements.withUnsafeMutableBufferPointer { d in
                nonisolated(unsafe) let (input, out) = (a, d)
                _ = RowChunks(rows: x.rows).map { rows in
                    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: ShapeTerm.scratchCount)
                    defer { scratch.deallocate() }
                    // Term by term over the chunk's rows, so each term's knots are bound once.
                    for t in 0..<p {
                        let range = ranges[t], term = terms[t]
                        knots[t].withUnsafeBufferPointer { k in
                            for i in rows {
                                term.columns(at: input[i * p + t], knots: k,
                                             into: UnsafeMutableBufferPointer(rebasing: out[(i * q + range.lowerBound)..<(i * q + range.upperBound)]),
                                             scratch: scratch)
                            }
                        }
                    }
                    for (pair, range) in zip(pairs, pairSpans) {
                        for i in rows {
                            for (k, v) in pair.columns(a: input[i * p + pair.first], b: input[i * p + pair.second]).enumerated() {
                                out[i * q + range.lowerBound + k] = v
                            }
                        }
                    }
                }
            }
        }
        return z
    }

    /// The q × q penalty matrix S (before the 1 / (C W) the fit multiplies it by): for a
    /// spline's block, `smoothing` · DᵀD + `ridge` · I, D the first differences of δ; for a
    /// line, `ridge`.
    public var penalty: Matrix {
        let q = columnCount
        var s = Matrix(rows: q, columns: q)
        for range in pairRanges { for j in range { s[j, j] += ridge * Self.pairRidgeFactor } }
        for (term, range) in zip(terms, columnRanges) {
            let m = range.count, o = range.lowerBound
            for j in 0..<m { s[o + j, o + j] += ridge }
            guard case .spline = term.kind, m > 1 else { continue }
            for j in 0..<(m - 1) {
                s[o + j, o + j] += smoothing
                s[o + j + 1, o + j + 1] += smoothing
                s[o + j, o + j + 1] -= smoothing
                s[o + j + 1, o + j] -= smoothing
            }
        }
        return s
    }

    /// Each column's bounds from its term's direction: every column of a term grows with
    /// the feature, so one sign on all of them makes the shape monotone.
    public var bounds: CoefficientBounds {
        var lower: [Double] = [], upper: [Double] = []
        for term in terms {
            let (l, u) = term.direction.coefficientBounds
            lower += [Double](repeating: l, count: term.columnCount)
            upper += [Double](repeating: u, count: term.columnCount)
        }
        for pair in pairs {
            lower += [Double](repeating: pair.nonNegative ? 0 : -.infinity, count: pair.columnCount)
            upper += [Double](repeating: .infinity, count: pair.columnCount)
        }
        return CoefficientBounds(lower: lower, upper: upper)
    }

    /// The order statistics of `values` at increasing `positions` (0-based), as a sort would
    /// give them, by Hoare's selection with a median-of-three pivot: O(n) each. `values` is
    /// rearranged.
    public static func orderStatistics(_ values: inout [Double], _ positions: [Int]) -> [Double] {
        var out: [Double] = [], from = 0
        values.withUnsafeMutableBufferPointer { a in
            for k in positions {
                var low = from, high = a.count - 1
                while low < high {
                    let mid = low + (high - low) / 2
                    // Median of three as the pivot value.
                    let (x, y, z) = (a[low], a[mid], a[high])
                    let pivot = max(min(x, y), min(max(x, y), z))
                    var i = low, j = high
                    while i <= j {
                        while a[i] < pivot { i += 1 }
                        while a[j] > pivot { j -= 1 }
                        if i <= j {
                            a.swapAt(i, j)
                            i += 1
                            j -= 1
                        }
                    }
                    if k <= j { high = j } else if k >= i { low = i } else { break }
                }
                out.append(a[k])
                from = k  // everything before k is ≤ a[k]: the next, later position lies at or after it
            }
        }
        return out
    }

    /// The training mean of each cumulative column of `basis` on column `j` of x, summed in
    /// fixed row chunks on every core and added in chunk order (the same bits on any machine).
    static func centres(_ basis: SplineBasis, x: Matrix, column j: Int) -> [Double] {
        let width = basis.cumulativeCount, knots = basis.fullKnots, p = x.columns, sampled = x.rows
        let partials = x.elements.withUnsafeBufferPointer { buffer -> [[Double]] in
            nonisolated(unsafe) let input = buffer
            return RowChunks(rows: sampled).map { rows in
                var sums = [Double](repeating: 0, count: width), row = sums, scratch = [Double](repeating: 0, count: ShapeTerm.scratchCount)
                knots.withUnsafeBufferPointer { knotBuffer in
                    row.withUnsafeMutableBufferPointer { r in
                        scratch.withUnsafeMutableBufferPointer { s in
                            for i in rows {
                                basis.cumulative(at: input[i * p + j], knots: knotBuffer, into: r, scratch: s.baseAddress!)
                                for c in 0..<width { sums[c] += r[c] }
                            }
                        }
                    }
                }
                return sums
            }
        }
        var total = [Double](repeating: 0, count: width)
        for partial in partials { for c in 0..<width { total[c] += partial[c] } }
        return total.map { $0 / Double(sampled) }
    }

    /// Learns the terms from the training rows: a line for features with two distinct values
    /// (or one: the fit drops it), a degree-1 basis on the values themselves for features with
    /// at most `columnsPerFeature` + 1 of them, and otherwise a basis of the settings' degree
    /// with interior knots at the training quantiles (equal steps in rank, duplicates merged).
    /// From `binningRows` rows on, the quantiles are those of a systematic sample of
    /// `knotSampleRows` rows, and the centres are left to `BinnedDesign`, which takes them
    /// from its cells.
    ///
    /// - Parameters:
    ///   - x: n × p training features, finite.
    ///   - directions: p declared directions.
    public static func fit(x: Matrix, featureNames: [String], directions: [RiskDirection], settings: ShapeSettings) throws -> AdditiveExpansion {
        try settings.validate()
        guard featureNames.count == x.columns, directions.count == x.columns else {
            throw LogisticRegressionError.invalidData("\(featureNames.count) names and \(directions.count) directions for \(x.columns) columns")
        }
        let n = x.rows, p = x.columns
        let binned = settings.bins(rows: n)
        // Binned fits take their knots from every k-th row.
        let stride = binned ? max(1, n / ShapeSettings.knotSampleRows) : 1
        let profile = ColumnProfile(x, distinctLimit: settings.columnsPerFeature + 1, sampleStride: stride)
        // The knots' order statistics of the many-valued columns, a column per core at a time.
        let m = max(settings.columnsPerFeature - settings.degree, 0)
        var quantilesOf = [[Double]](repeating: [], count: p)
        quantilesOf.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: p) { j in
                guard profile.distinct[j] == nil, profile.finite[j], m > 0 else { return }
                var sample = profile.sample[j]
                let s = sample.count
                out[j] = Self.orderStatistics(&sample, (1...m).map { Int((Double($0) * Double(s - 1) / Double(m + 1)).rounded(.down)) })
            }
        }
        var terms: [ShapeTerm] = []
        for j in 0..<p {
            guard profile.finite[j] else {
                throw LogisticRegressionError.invalidData("feature \(featureNames[j]) is not finite in every row (no NaN or infinity)")
            }
            // The distinct values, kept only while there are few (a one-value-per-column basis).
            let few = profile.distinct[j]
            if let few, few.count <= 2 {
                // From the (at most two) values' counts.
                let counts = profile.counts[j], rows = Double(max(n, 1))
                let mean = zip(few, counts).reduce(0.0) { $0 + $1.0 * $1.1 } / rows
                let variance = zip(few, counts).reduce(0.0) { $0 + $1.1 * ($1.0 - mean) * ($1.0 - mean) } / rows
                let scale = variance > 0 ? variance.squareRoot() : 1
                terms.append(ShapeTerm(feature: featureNames[j], kind: .line(mean: mean, scale: scale), direction: directions[j]))
                continue
            }
            let lower = profile.minimum[j], upper = profile.maximum[j]
            let basis: SplineBasis
            if let few {
                basis = SplineBasis(degree: 1, lower: lower, upper: upper, interiorKnots: Array(few.dropFirst().dropLast()))
            } else {
                // K − 1 = m + k columns: m = columns − k interior knots at equal steps in rank,
                // the order statistics ⌊i (s − 1) / (m + 1)⌋ of the s rows (all, or the binned
                // fit's sample), found by selection, not a sort.
                let quantiles = quantilesOf[j]
                var knots: [Double] = []
                for q in quantiles where q > lower && q < upper && (knots.last.map { q > $0 } ?? true) { knots.append(q) }
                basis = SplineBasis(degree: settings.degree, lower: lower, upper: upper, interiorKnots: knots)
            }
            terms.append(ShapeTerm(feature: featureNames[j], kind: .spline(basis: basis, centres: binned
                                       ? [Double](repeating: 0, count: basis.cumulativeCount) : Self.centres(basis, x: x, column: j)),
                                   direction: directions[j]))
        }
        return AdditiveExpansion(terms: terms, pairs: [], smoothing: settings.smoothing, ridge: settings.ridge)
    }
}
