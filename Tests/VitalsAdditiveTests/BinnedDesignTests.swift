import Foundation
import Testing
@testable import VitalsAdditive
import VitalsFoundation
import VitalsLinearAlgebra
import VitalsLogistic
import VitalsTestSupport

/// The binned design against the dense design it stands for (the same expansion on the
/// values moved to their cells' means), and the binned fit against the exact one.
@Suite struct BinnedDesignTests {
    /// A continuous U-shape, a step, a few-valued count, a skewed amount, an indicator and a constant.
    static func problem(rows: Int, seed: UInt64 = 3) -> (x: Matrix, y: [Double]) {
        var rng = SeededGenerator(seed: seed)
        var x = Matrix(rows: rows, columns: 6), y = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            let a = Double.random(in: -3...3, using: &rng), b = Double(Int.random(in: 0...3, using: &rng))
            let c = Double(Int.random(in: 0...6, using: &rng)), d = exp(Double.random(in: 0...6, using: &rng))
            let e: Double = Double.random(in: 0...1, using: &rng) < 0.3 ? 1 : 0
            (x[i, 0], x[i, 1], x[i, 2], x[i, 3], x[i, 4], x[i, 5]) = (a, b, c, d, e, 7)
            let eta = -1 + 0.4 * a * a - 1.2 * (b >= 2 ? 1 : 0) + 0.2 * c - 0.3 * log(d) + 0.8 * e
            y[i] = Double.random(in: 0..<1, using: &rng) < LogisticLoss.sigmoid(eta) ? 1 : 0
        }
        return (x, y)
    }

    static let names = ["a", "b", "c", "d", "e", "k"]

    @Test func productsEqualTheDenseDesignOfTheCellMeans() throws {
        let (x, _) = Self.problem(rows: 5_000)
        let settings = ShapeSettings(binningRows: 1_000)
        let fitted = try AdditiveExpansion.fit(x: x, featureNames: Self.names, directions: [RiskDirection](repeating: .either, count: 6),
                                               settings: settings)
            .adding(pairs: [(0, 4)], x: x)
        let binned = try BinnedDesign(expansion: fitted, x: x, cellsPerInterval: 16)
        let dense = try binned.expansion.design(binned.representativeInput())
        #expect(binned.rows == dense.rows && binned.columns == dense.columns)

        var rng = SeededGenerator(seed: 8)
        let w = (0..<dense.columns).map { _ in Double.random(in: -1...1, using: &rng) }
        let r = (0..<dense.rows).map { _ in Double.random(in: -1...1, using: &rng) }
        assertClose(try binned.linearPredictor(w, intercept: 0.3), try dense.linearPredictor(w, intercept: 0.3), rtol: 1e-12, atol: 1e-12)
        assertClose(try binned.transposedProduct(r, alpha: 0.5), try dense.transposedProduct(r, alpha: 0.5), rtol: 1e-10, atol: 1e-10)
        assertClose(try binned.sampledLinearPredictor(w, intercept: -1, rowStride: 7),
                    try dense.sampledLinearPredictor(w, intercept: -1, rowStride: 7), rtol: 1e-12, atol: 1e-12)
        let weights = (0..<((dense.rows + 6) / 7)).map { _ in Double.random(in: 0...1, using: &rng) }
        let gram = try binned.interceptAugmentedGram(weights: weights, rowStride: 7)
        let denseGram = try dense.interceptAugmentedGram(weights: weights, rowStride: 7)
        assertClose(gram.elements, denseGram.elements, rtol: 1e-12, atol: 1e-12)
        let (means, deviations) = try binned.columnMeansAndStandardDeviations()
        let (denseMeans, denseDeviations) = try dense.columnMeansAndStandardDeviations()
        assertClose(means, denseMeans, rtol: 1e-9, atol: 1e-12)
        assertClose(deviations, denseDeviations, rtol: 1e-9, atol: 1e-12)
        // Centred on the design's rows: every spline column averages 0.
        for (term, range) in zip(binned.expansion.terms, binned.expansion.columnRanges) {
            guard case .spline = term.kind else { continue }
            for j in range { #expect(abs(means[j]) < 1e-12, "\(term.feature) column \(j) averages \(means[j])") }
        }
    }

    /// A value moves at most one cell width, and values of few-valued features do not move.
    @Test func valuesMoveWithinTheirCell() throws {
        let (x, _) = Self.problem(rows: 4_000)
        let g = 32
        let expansion = try AdditiveExpansion.fit(x: x, featureNames: Self.names, directions: [RiskDirection](repeating: .either, count: 6),
                                                  settings: ShapeSettings(binningRows: 1_000))
        let binned = try BinnedDesign(expansion: expansion, x: x, cellsPerInterval: g)
        let moved = binned.representativeInput()
        for t in 0..<6 {
            let values = (0..<x.rows).map { x[$0, t] }
            let breaks = BinnedDesign.breakpoints(expansion.terms[t], minimum: values.min()!, maximum: values.max()!)
            let widest = zip(breaks.dropFirst(), breaks).map { $0 - $1 }.max() ?? 0
            for i in 0..<x.rows {
                if [1, 2, 4, 5].contains(t) {
                    #expect(moved[i, t] == x[i, t], "feature \(t) row \(i): \(x[i, t]) moved to \(moved[i, t])")
                } else {
                    #expect(abs(moved[i, t] - x[i, t]) <= widest / Double(g) * (1 + 1e-12), "feature \(t) row \(i)")
                }
            }
        }
    }

    /// The binned fit scores like the exact one: probabilities within 0.01 on every row, the
    /// same held-out log loss to 0.1 %, and the same bits on a second fit. 40,000 rows, so the
    /// binned fit's Newton steps are the refined ones (a 15,000-row Hessian sample); with
    /// declared directions too, through the projected solver.
    @Test(arguments: [false, true])
    func binnedFitScoresLikeTheExactFit(directed: Bool) throws {
        let (x, y) = Self.problem(rows: 40_000)
        let (test, testY) = Self.problem(rows: 5_000, seed: 4)
        let directions: [RiskDirection]? = directed ? [.either, .decreasing, .increasing, .decreasing, .increasing, .either] : nil
        let core = LogisticRegression(tolerance: 1e-9)
        let exact = try RiskModelEstimator(logistic: core, shape: .additive, shapeSettings: ShapeSettings())
            .fit(x: x, y: y, featureNames: Self.names, directions: directions)
        let binnedEstimator = RiskModelEstimator(logistic: core, shape: .additive, shapeSettings: ShapeSettings(binningRows: 10_000))
        let binned = try binnedEstimator.fit(x: x, y: y, featureNames: Self.names, directions: directions)
        #expect(exact.converged && binned.converged)
        let (p, q) = (try exact.probabilities(test), try binned.probabilities(test))
        let gap = zip(p, q).map { abs($0 - $1) }.max()!
        #expect(gap < 0.01, "largest probability gap \(gap)")
        func logLoss(_ probabilities: [Double]) -> Double {
            zip(probabilities, testY).reduce(0.0) { $0 - ($1.1 == 1 ? log($1.0) : log(1 - $1.0)) } / Double(testY.count)
        }
        #expect(abs(logLoss(p) - logLoss(q)) < 1e-3 * logLoss(p), "log loss \(logLoss(p)) exact, \(logLoss(q)) binned")
        let again = try binnedEstimator.fit(x: x, y: y, featureNames: Self.names, directions: directions)
        #expect(again.core == binned.core && again.shapes == binned.shapes)
    }

    @Test func columnProfileIsWhatTheColumnsSay() {
        var rng = SeededGenerator(seed: 2)
        let rows = 70_000  // several row chunks, merged
        var x = Matrix(rows: rows, columns: 4)
        for i in 0..<rows {
            x[i, 0] = Double.random(in: -1...1, using: &rng)
            x[i, 1] = Double(Int.random(in: 0...4, using: &rng))
            x[i, 2] = Double(Int.random(in: 0...5, using: &rng))
            x[i, 3] = i == 50_000 ? .nan : 1
        }
        let profile = ColumnProfile(x, distinctLimit: 5)
        #expect(profile.finite == [true, true, true, false])
        #expect(profile.distinct[0] == nil && profile.distinct[1] == [0, 1, 2, 3, 4] && profile.distinct[2] == nil && profile.distinct[3] == [1])
        for j in 0..<3 {
            let values = (0..<rows).map { x[$0, j] }
            #expect(profile.minimum[j] == values.min()! && profile.maximum[j] == values.max()!)
        }
    }
}
