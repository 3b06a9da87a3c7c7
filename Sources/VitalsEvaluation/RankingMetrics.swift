import Foundation

/// Metrics of how well scores rank positives above negatives.
///
/// Labels are 0 or 1; scores are any real numbers (probabilities for the
/// calibration metrics). Ties in the scores are handled exactly: tied rows
/// share a threshold, so no metric depends on the order of tied rows.
public enum RankingMetrics {
    /// The area under the ROC curve: the probability that a random positive
    /// scores above a random negative, ties counting one half (Mann–Whitney).
    ///
    /// - Returns: `nil` when either class is absent (the area is undefined).
    /// - Complexity: O(n log n).
    public static func rocAUC(labels: [Double], scores: [Double]) -> Double? {
        precondition(labels.count == scores.count, "\(labels.count) labels for \(scores.count) scores")
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSumPositives = 0.0, positives = 0.0
        var i = 0
        while i < order.count {
            // A run of tied scores shares the average of its ranks (1-based).
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j + 2) / 2
            for k in i...j where labels[order[k]] == 1 {
                rankSumPositives += averageRank
                positives += 1
            }
            i = j + 1
        }
        let negatives = Double(labels.count) - positives
        guard positives > 0, negatives > 0 else { return nil }
        return (rankSumPositives - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// Average precision, the area under the precision–recall curve as a step
    /// sum: AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ over the distinct score thresholds, highest first
    /// (the definition of `sklearn.metrics.average_precision_score`).
    ///
    /// - Returns: `nil` when there is no positive.
    public static func averagePrecision(labels: [Double], scores: [Double]) -> Double? {
        precondition(labels.count == scores.count, "\(labels.count) labels for \(scores.count) scores")
        let totalPositives = labels.reduce(0, +)
        guard totalPositives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var truePositives = 0.0, seen = 0.0, previousRecall = 0.0, ap = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            for k in i...j {
                truePositives += labels[order[k]]
                seen += 1
            }
            let recall = truePositives / totalPositives
            ap += (recall - previousRecall) * (truePositives / seen)
            previousRecall = recall
            i = j + 1
        }
        return ap
    }

    /// The rows in ranking order: descending score, ties in row order (a stable sort).
    public static func rankingOrder(_ scores: [Double]) -> [Int] {
        scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    }

    /// What the k highest-scored rows catch (a CSM's capacity of k calls).
    public struct AtK: Sendable, Equatable {
        /// Positives among the top k, over k.
        public let precision: Double
        /// Positives among the top k, over all positives.
        public let recall: Double
        /// ARR of the positives among the top k, over the ARR of all positives:
        /// the share of revenue at risk that the list catches.
        public let arrRecall: Double
    }

    /// Precision, recall and ARR-weighted recall of the top k rows.
    ///
    /// - Precondition: 1 ≤ k ≤ n; at least one positive with positive ARR.
    public static func atK(_ k: Int, labels: [Double], scores: [Double], arr: [Double]) -> AtK {
        precondition(k >= 1 && k <= labels.count, "k must be 1…\(labels.count)")
        let top = rankingOrder(scores).prefix(k)
        let caught = top.reduce(0) { $0 + labels[$1] }
        let caughtARR = top.reduce(0) { $0 + labels[$1] * arr[$1] }
        let totalARR = zip(labels, arr).reduce(0) { $0 + $1.0 * $1.1 }
        return AtK(precision: caught / Double(k), recall: caught / labels.reduce(0, +), arrRecall: caughtARR / totalARR)
    }

    /// The positive rate of each tenth of the ranking over the overall positive
    /// rate. Group sizes follow `numpy.array_split`: the first n mod 10 groups hold one more row.
    public static func liftPerDecile(labels: [Double], scores: [Double]) -> [Double] {
        let order = rankingOrder(scores)
        let n = order.count, base = labels.reduce(0, +) / Double(n)
        var groups: [Double] = []
        var start = 0
        for g in 0..<10 {
            let size = n / 10 + (g < n % 10 ? 1 : 0)
            let rate = size == 0 ? 0 : order[start..<(start + size)].reduce(0) { $0 + labels[$1] } / Double(size)
            groups.append(rate / base)
            start += size
        }
        return groups
    }
}
