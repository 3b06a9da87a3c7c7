import Foundation
import Testing
import VitalsLinearAlgebra
import VitalsMarkov
import VitalsTestSupport

@Suite struct MarkovChainEstimationTests {
    static let space = try! StateSpace(
        transient: ["onboarding", "healthy", "neutral", "at_risk"], absorbing: ["churned"],
        forbidden: [("healthy", "onboarding"), ("neutral", "onboarding"), ("at_risk", "onboarding")])

    /// Random monthly state sequences: start in onboarding or a random state, move at random
    /// among allowed states, and stop at churn.
    static func sequences(_ count: Int, seed: UInt64) -> [[Int]] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            var state = Int.random(in: 0...3, using: &rng)
            var sequence = [state]
            for _ in 0..<Int.random(in: 1...24, using: &rng) {
                let allowed = (0..<5).filter { space.allowed[state][$0] }
                state = allowed.randomElement(using: &rng)!
                sequence.append(state)
                if state == 4 { break }
            }
            return sequence
        }
    }

    static func counts(_ sequences: some Sequence<[Int]>) throws -> TransitionCounts {
        var counts = TransitionCounts(space: space)
        for s in sequences { try counts.add(sequence: s) }
        return counts
    }

    @Test(arguments: [1 as UInt64, 2, 3])
    func everyEstimatedRowIsStochastic(seed: UInt64) throws {
        for smoothing in [0.0, 0.5, 3.0] {
            let chain = try MarkovChainEstimator(smoothing: smoothing).fit(Self.counts(Self.sequences(200, seed: seed)))
            for i in 0..<5 {
                let row = (0..<5).map { chain.probability(from: i, to: $0) }
                #expect(row.allSatisfy { $0 >= 0 })
                assertClose(row.reduce(0, +), 1, rtol: 0, atol: 1e-14)
                for j in 0..<5 where !Self.space.allowed[i][j] { #expect(row[j] == 0) }
            }
            #expect(chain.probability(from: 4, to: 4) == 1)
        }
    }

    /// Counts are additive: the chain from the merged counts of two halves is exactly the
    /// chain from all the data, bit for bit.
    @Test func mergingHalvesGivesTheWholeChainExactly() throws {
        let all = Self.sequences(500, seed: 7)
        let first = try Self.counts(all.prefix(230)), second = try Self.counts(all.dropFirst(230))
        let merged = try first + second
        let whole = try Self.counts(all)
        #expect(merged == whole)
        let estimator = MarkovChainEstimator()
        #expect(try estimator.fit(merged) == estimator.fit(whole))
        #expect(merged.total == all.reduce(0) { total, s in
            total + (s.firstIndex(of: 4).map { $0 } ?? s.count - 1)
        })
    }

    /// Maximum likelihood with smoothing 0 is nᵢⱼ / nᵢ; smoothing s adds s to every allowed cell.
    @Test func smoothingIsAdditiveOnAllowedCells() throws {
        var counts = TransitionCounts(space: Self.space)
        for (from, to, n) in [(0, 0, 3), (0, 1, 5), (1, 1, 8), (1, 3, 2), (2, 2, 4), (3, 4, 1), (3, 2, 1)] {
            for _ in 0..<n { try counts.add(from: from, to: to) }
        }
        let mle = try MarkovChainEstimator(smoothing: 0).fit(counts)
        assertClose((0..<5).map { mle.probability(from: 1, to: $0) }, [0, 0.8, 0, 0.2, 0], rtol: 1e-15)
        let smoothed = try MarkovChainEstimator(smoothing: 1).fit(counts)
        // Row healthy: 4 allowed cells (not onboarding), counts 0, 8, 0, 2, 0 → (0, 9, 1, 3, 1) / 14.
        assertClose((0..<5).map { smoothed.probability(from: 1, to: $0) }, [0, 9.0 / 14, 1.0 / 14, 3.0 / 14, 1.0 / 14], rtol: 1e-15)
    }

    /// A segment with no data is the global chain; one with a lot of data approaches its own
    /// MLE; κ = 0 is the segment fitted alone.
    @Test func segmentsShrinkTowardTheGlobalChain() throws {
        let estimator = MarkovChainEstimator(smoothing: 0.5, shrinkage: 20)
        let global = try estimator.fit(Self.counts(Self.sequences(400, seed: 11)))
        let empty = try estimator.fit(TransitionCounts(space: Self.space), shrinkingToward: global)
        assertClose(empty.transitions.elements, global.transitions.elements, rtol: 1e-15, atol: 1e-17)

        // A segment whose healthy accounts always stay healthy: 20 transitions pull halfway, 2,000 nearly all the way.
        for (n, expected) in [(20, 0.5), (2_000, 2_000.0 / 2_020)] {
            var counts = TransitionCounts(space: Self.space)
            for _ in 0..<n { try counts.add(from: 1, to: 1) }
            let segment = try estimator.fit(counts, shrinkingToward: global)
            let p = segment.probability(from: 1, to: 1)
            assertClose(p, expected + (1 - expected) * global.probability(from: 1, to: 1), rtol: 1e-14)
        }
        let alone = try MarkovChainEstimator(smoothing: 0.5, shrinkage: 0)
        let segmentCounts = try Self.counts(Self.sequences(50, seed: 12))
        #expect(try alone.fit(segmentCounts, shrinkingToward: global) == alone.fit(segmentCounts))
    }

    @Test func invalidInputIsReported() throws {
        #expect(throws: MarkovError.invalidParameter(name: "smoothing", value: "-1.0", rule: "must be a finite number ≥ 0")) {
            try MarkovChainEstimator(smoothing: -1).fit(TransitionCounts(space: Self.space))
        }
        #expect(throws: MarkovError.emptyRow(state: "onboarding")) {
            try MarkovChainEstimator(smoothing: 0).fit(TransitionCounts(space: Self.space))
        }
        var counts = TransitionCounts(space: Self.space)
        #expect(throws: MarkovError.self) { try counts.add(from: 2, to: 0) }  // back into onboarding
        #expect(throws: MarkovError.self) { try StateSpace(transient: ["a", "a"], absorbing: []) }
        #expect(throws: MarkovError.unknownState("b")) { try StateSpace(transient: ["a"], absorbing: ["c"], forbidden: [("a", "b")]) }
        // A sequence stops counting at absorption.
        try counts.add(sequence: [1, 4, 1])
        #expect(counts.total == 1)
    }
}
