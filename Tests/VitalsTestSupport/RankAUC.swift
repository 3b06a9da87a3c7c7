/// The Mann–Whitney AUC of `scores` (higher = riskier) against 0/1 labels, ties counting
/// half, rows with a NaN score or label left out: an independent check for the tests that
/// rank simulated books, sharing no code with VitalsEvaluation.
public func rankAUC(_ scores: [Double], _ labels: [Double]) -> Double {
    let rows = zip(scores, labels).filter { !$0.0.isNaN && !$0.1.isNaN }
    let negatives = rows.filter { $0.1 == 0 }.map(\.0).sorted(), positives = rows.filter { $0.1 == 1 }.map(\.0)
    var wins = 0.0
    for p in positives {
        var lo = 0, hi = negatives.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if negatives[mid] < p { lo = mid + 1 } else { hi = mid }
        }
        var equal = lo
        while equal < negatives.count && negatives[equal] == p { equal += 1 }
        wins += Double(lo) + 0.5 * Double(equal - lo)
    }
    return wins / Double(positives.count * negatives.count)
}
