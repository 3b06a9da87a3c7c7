import Testing
import VitalsEvaluation
import VitalsTestSupport

@Suite struct CurvesTests {
    static let labels: [Double] = [1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0]
    static let scores = [0.9, 0.8, 0.8, 0.7, 0.7, 0.7, 0.4, 0.3, 0.3, 0.2, 0.1, 0.1]

    /// The trapezoid area under the ROC points is the Mann–Whitney AUC, ties included;
    /// the PR step sum is average precision.
    @Test func curvesIntegrateToTheMetrics() throws {
        let roc = Curves.roc(labels: Self.labels, scores: Self.scores)
        #expect(roc.first == Curves.Point(x: 0, y: 0) && roc.last == Curves.Point(x: 1, y: 1))
        #expect(roc.count == 1 + Set(Self.scores).count)
        var area = 0.0
        for (a, b) in zip(roc, roc.dropFirst()) { area += (b.x - a.x) * (a.y + b.y) / 2 }
        assertClose(area, try #require(RankingMetrics.rocAUC(labels: Self.labels, scores: Self.scores)), rtol: 1e-14)

        let pr = Curves.precisionRecall(labels: Self.labels, scores: Self.scores)
        var ap = 0.0, previous = 0.0
        for point in pr { ap += (point.x - previous) * point.y; previous = point.x }
        assertClose(ap, try #require(RankingMetrics.averagePrecision(labels: Self.labels, scores: Self.scores)), rtol: 1e-14)
        #expect(pr.first == Curves.Point(x: 0.2, y: 1))  // the top row is a positive: recall 1/5, precision 1

        let gains = Curves.gains(labels: Self.labels, scores: Self.scores)
        #expect(gains.last == Curves.Point(x: 1, y: 1))
        #expect(gains[2] == Curves.Point(x: 3.0 / 12, y: 2.0 / 5))  // after 0.9 and the tied 0.8s
    }

    @Test func histogramCountsEachClass() {
        let (negatives, positives) = Curves.histogram(labels: [1, 0, 0, 1], probabilities: [0.99, 0.0, 1.0, 0.52], bins: 4)
        #expect(negatives == [1, 0, 0, 1])
        #expect(positives == [0, 0, 1, 1])
    }
}
