import Foundation
import VitalsLinearAlgebra

/// Ranks candidate interactions by what a main-effects model leaves unexplained, in the spirit
/// of EBM's FAST (Lou et al. 2013): every pair of features is binned on a coarse grid, and a
/// pair scores the weighted sum of squares its cells explain in the model's working residuals
/// beyond its two margins,
///
///     S(a, b) = Σ_cells R²/W − Σ_rows(a) R²/W − Σ_cols(b) R²/W + R_total²/W_total,
///
/// with r = y − p̂ and w = p̂ (1 − p̂) summed per cell (R, W): about twice the log-likelihood
/// one Newton step on that pair's cells would gain. Cheap (one pass over the rows per pair),
/// so every pair of up to `maximumFeatures` features is scored.
public enum InteractionScreening {
    public struct Candidate: Sendable, Equatable {
        public let first: Int
        public let second: Int
        public let score: Double
    }

    /// The group of a feature name: one-hot levels (`plan=pro`) and missing indicators
    /// (`seats__missing`) belong with their source, and a pair within a group is no interaction.
    public static func group(of name: String) -> String {
        if let equals = name.firstIndex(of: "=") { return String(name[..<equals]) }
        if name.hasSuffix("__missing") { return String(name.dropLast("__missing".count)) }
        return name
    }

    /// Every pair of the `maximumFeatures` strongest features, best first (ties by position).
    ///
    /// - Parameters:
    ///   - x: n × p training features; y: n labels; probabilities: the main-effects model's
    ///     (uncalibrated) probabilities on those rows.
    ///   - strengths: p numbers whose sizes rank the features when there are too many.
    public static func rank(x: Matrix, y: [Double], probabilities: [Double], featureNames: [String], strengths: [Double],
                            maximumFeatures: Int = 64, bins: Int = 8) -> [Candidate] {
        let n = x.rows, p = x.columns
        let features = Array(strengths.indices.sorted { abs(strengths[$0]) > abs(strengths[$1]) || (abs(strengths[$0]) == abs(strengths[$1]) && $0 < $1) }
            .prefix(maximumFeatures)).sorted()
        // Each feature's bin per row: quantile edges over its distinct values.
        var binOf = [[UInt8]](repeating: [], count: p), binCount = [Int](repeating: 0, count: p)
        for j in features {
            let column = (0..<n).map { x[$0, j] }
            let sorted = column.sorted()
            var edges: [Double] = []
            for b in 1..<bins {
                let edge = sorted[b * (n - 1) / bins]
                if edge > sorted[0], edges.last.map({ edge > $0 }) ?? true { edges.append(edge) }
            }
            binCount[j] = edges.count + 1
            binOf[j] = column.map { value in UInt8(edges.firstIndex { value < $0 } ?? edges.count) }
        }
        let r = zip(y, probabilities).map { $0 - $1 }, w = probabilities.map { max($0 * (1 - $0), 1e-12) }
        let total = r.reduce(0, +), totalW = w.reduce(0, +)
        func explained(_ sums: [Double], _ weights: [Double]) -> Double {
            var out = 0.0
            for k in sums.indices where weights[k] > 0 { out += sums[k] * sums[k] / weights[k] }
            return out
        }
        var candidates: [Candidate] = []
        for (ia, a) in features.enumerated() where binCount[a] > 1 {
            for b in features[(ia + 1)...] where binCount[b] > 1 && group(of: featureNames[a]) != group(of: featureNames[b]) {
                let width = binCount[b]
                var cellR = [Double](repeating: 0, count: binCount[a] * width), cellW = cellR
                for i in 0..<n {
                    let cell = Int(binOf[a][i]) * width + Int(binOf[b][i])
                    cellR[cell] += r[i]
                    cellW[cell] += w[i]
                }
                var rowR = [Double](repeating: 0, count: binCount[a]), rowW = rowR, colR = [Double](repeating: 0, count: width), colW = colR
                for cell in cellR.indices {
                    rowR[cell / width] += cellR[cell]; rowW[cell / width] += cellW[cell]
                    colR[cell % width] += cellR[cell]; colW[cell % width] += cellW[cell]
                }
                let score = explained(cellR, cellW) - explained(rowR, rowW) - explained(colR, colW) + total * total / totalW
                candidates.append(Candidate(first: a, second: b, score: score))
            }
        }
        return candidates.sorted { $0.score > $1.score || ($0.score == $1.score && ($0.first, $0.second) < ($1.first, $1.second)) }
    }
}
