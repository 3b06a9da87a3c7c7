/// The curves behind the ranking metrics, for charts: one point per distinct score
/// threshold, highest first, so tied rows move together (a diagonal step on the ROC).
public enum Curves {
    public struct Point: Sendable, Equatable {
        public let x: Double
        public let y: Double
        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// Cumulative (negatives, positives) counts after each distinct threshold, highest first.
    static func steps(labels: [Double], scores: [Double]) -> [(negatives: Double, positives: Double, seen: Double)] {
        let order = RankingMetrics.rankingOrder(scores)
        var out: [(Double, Double, Double)] = []
        var negatives = 0.0, positives = 0.0, seen = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            for k in i...j {
                positives += labels[order[k]]
                negatives += 1 - labels[order[k]]
                seen += 1
            }
            out.append((negatives, positives, seen))
            i = j + 1
        }
        return out
    }

    /// ROC: (false-positive rate, true-positive rate) from (0, 0) to (1, 1). Its trapezoid
    /// area is exactly `RankingMetrics.rocAUC`.
    public static func roc(labels: [Double], scores: [Double]) -> [Point] {
        let p = labels.reduce(0, +), n = Double(labels.count) - p
        guard p > 0, n > 0 else { return [] }
        return [Point(x: 0, y: 0)] + steps(labels: labels, scores: scores).map { Point(x: $0.negatives / n, y: $0.positives / p) }
    }

    /// Precision–recall: (recall, precision) at each threshold. The step sum
    /// Σ (Rₖ − Rₖ₋₁) Pₖ over these points is `RankingMetrics.averagePrecision`.
    public static func precisionRecall(labels: [Double], scores: [Double]) -> [Point] {
        let p = labels.reduce(0, +)
        guard p > 0 else { return [] }
        return steps(labels: labels, scores: scores).map { Point(x: $0.positives / p, y: $0.positives / $0.seen) }
    }

    /// Cumulative gains: (share of rows contacted, share of positives caught), from (0, 0).
    public static func gains(labels: [Double], scores: [Double]) -> [Point] {
        let p = labels.reduce(0, +), total = Double(labels.count)
        guard p > 0 else { return [] }
        return [Point(x: 0, y: 0)] + steps(labels: labels, scores: scores).map { Point(x: $0.seen / total, y: $0.positives / p) }
    }

    /// Counts of each class's scores in `bins` equal bins of [0, 1] (probabilities).
    public static func histogram(labels: [Double], probabilities: [Double], bins: Int = 20) -> (negatives: [Int], positives: [Int]) {
        var negatives = [Int](repeating: 0, count: bins), positives = [Int](repeating: 0, count: bins)
        for (y, p) in zip(labels, probabilities) {
            let b = min(bins - 1, max(0, Int(p * Double(bins))))
            if y == 1 { positives[b] += 1 } else { negatives[b] += 1 }
        }
        return (negatives, positives)
    }
}
