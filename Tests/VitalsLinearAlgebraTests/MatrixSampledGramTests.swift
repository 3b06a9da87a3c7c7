import Foundation
import Testing
import VitalsLinearAlgebra
import VitalsTestSupport

/// The blocked kernels behind Newton's Hessian, on more rows than one block (8,192)
/// so block boundaries are crossed, against plain loops.
@Suite struct MatrixSampledGramTests {
    static func random(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
        var rng = SeededGenerator(seed: seed)
        return Matrix(rows: rows, columns: columns, elements: (0..<rows * columns).map { _ in Double.random(in: -2...2, using: &rng) })
    }

    /// Σ over rows 0, k, 2k, … of wᵣ [xᵣ 1][xᵣ 1]ᵀ, by loops.
    static func naiveAugmentedGram(_ x: Matrix, _ w: [Double], stride k: Int) -> [Double] {
        let width = x.columns + 1
        var g = [Double](repeating: 0, count: width * width)
        for (r, i) in stride(from: 0, to: x.rows, by: k).enumerated() {
            let row = (0..<x.columns).map { x[i, $0] } + [1]
            for a in 0..<width { for b in 0..<width { g[a * width + b] += w[r] * row[a] * row[b] } }
        }
        return g
    }

    @Test(arguments: [1, 3, 10])
    func interceptAugmentedGramMatchesLoops(stride k: Int) throws {
        let x = Self.random(20_001, 3, seed: 11)
        let sampled = (x.rows + k - 1) / k
        var rng = SeededGenerator(seed: 12)
        let w = (0..<sampled).map { _ in Double.random(in: 0...2, using: &rng) }
        let gram = try x.interceptAugmentedGram(weights: w, rowStride: k)
        #expect(gram.rows == 4 && gram.columns == 4)
        assertClose(gram.elements, Self.naiveAugmentedGram(x, w, stride: k), rtol: 1e-11, atol: 1e-9)
        #expect(gram == gram.transposed)
        #expect(throws: LinearAlgebraError.self) { try x.interceptAugmentedGram(weights: [1, 2], rowStride: k) }
    }

    @Test func plainGramAcrossBlocksMatchesLoops() throws {
        let x = Self.random(17_000, 2, seed: 13)
        let w = (0..<x.rows).map { Double($0 % 5) }
        let gram = try x.gram(weights: w)
        for a in 0..<2 {
            for b in 0..<2 {
                let expected = (0..<x.rows).reduce(0.0) { $0 + w[$1] * x[$1, a] * x[$1, b] }
                assertClose(gram[a, b], expected, rtol: 1e-11)
            }
        }
    }

    @Test(arguments: [1, 4, 7])
    func multiplySampledRowsPicksEveryKthRow(stride k: Int) throws {
        let x = Self.random(50, 3, seed: 14)
        let v = [0.5, -1.0, 2.0]
        let result = try x.multiplySampledRows(v, rowStride: k, adding: 0.25)
        let expected = stride(from: 0, to: 50, by: k).map { i in 0.25 + (0..<3).reduce(0.0) { $0 + x[i, $1] * v[$1] } }
        assertClose(result, expected, rtol: 1e-13, atol: 1e-14)
        #expect(throws: LinearAlgebraError.self) { try x.multiplySampledRows(v, rowStride: 0) }
    }

    @Test func columnStatisticsArePopulationMeansAndDeviations() throws {
        // Columns: an offset large enough that Σx² − n x̄² would cancel badly, a constant, and 1…n.
        let n = 1_000
        let x = Matrix(rows: n, columns: 3, elements: (0..<n).flatMap { i in [1e9 + Double(i % 2), 7, Double(i + 1)] })
        let (means, deviations) = try x.columnMeansAndStandardDeviations()
        assertClose(means, [1e9 + 0.5, 7, Double(n + 1) / 2], rtol: 1e-15)
        // 0/1 alternating: sd 0.5; constant: 0; 1…n: sqrt((n² − 1) / 12).
        assertClose(deviations, [0.5, 0, (Double(n * n - 1) / 12).squareRoot()], rtol: 1e-12, atol: 1e-12)
        let (nanMeans, _) = try Matrix([[1, 2], [.nan, 3]]).columnMeansAndStandardDeviations()
        #expect(nanMeans[0].isNaN && nanMeans[1] == 2.5)
    }
}
