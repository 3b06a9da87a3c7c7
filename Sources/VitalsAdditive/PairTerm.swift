import Foundation
import VitalsFoundation

/// One axis of a pair term: a feature's few columns, each rising with the feature in the
/// direction it raises risk (so that non-negative coefficients keep a declared direction).
///
/// - `.step(threshold)`: one column, 1 when x ≥ threshold (a two-valued feature).
/// - `.ramps(basis)`: a degree-1 cumulative basis (ramps between knots at the training
///   quartiles), each column rising from 0 to 1.
/// With `flipped` (a feature declared `decreasing`) each column c becomes 1 − c.
public struct PairAxis: Sendable, Equatable, Codable {
    public enum Kind: Sendable, Equatable, Codable {
        case step(threshold: Double)
        case ramps(basis: SplineBasis)
    }

    public let kind: Kind
    public let flipped: Bool

    public init(kind: Kind, flipped: Bool) {
        self.kind = kind
        self.flipped = flipped
    }

    public var columnCount: Int {
        switch kind {
        case .step: return 1
        case let .ramps(basis): return basis.cumulativeCount
        }
    }

    /// The axis's column values at x (each in [0, 1]).
    public func columns(at x: Double) -> [Double] {
        var out: [Double]
        switch kind {
        case let .step(threshold): out = [x >= threshold ? 1 : 0]
        case let .ramps(basis): out = basis.cumulative(at: x)
        }
        return flipped ? out.map { 1 - $0 } : out
    }

    /// The axis of one feature's training values (sorted), oriented by its direction.
    static func fit(sortedValues v: [Double], distinct: [Double], direction: RiskDirection) -> PairAxis {
        let flipped = direction == .decreasing
        if distinct.count <= 2 { return PairAxis(kind: .step(threshold: distinct.last!), flipped: flipped) }
        let n = v.count, lower = distinct.first!, upper = distinct.last!
        var knots: [Double] = []
        for q in [0.25, 0.5, 0.75] {
            let value = v[Int((q * Double(n - 1)).rounded(.down))]
            if value > lower, value < upper, knots.last.map({ value > $0 }) ?? true { knots.append(value) }
        }
        return PairAxis(kind: .ramps(basis: SplineBasis(degree: 1, lower: lower, upper: upper, interiorKnots: knots)), flipped: flipped)
    }
}

/// An interaction between two features: f(a, b) = Σᵢⱼ θᵢⱼ (Aᵢ(a) Bⱼ(b) − centreᵢⱼ), the
/// products of the two axes' columns centred on their training means, so it averages 0 over
/// the training rows and its value is the pair's contribution to the log-odds.
///
/// When either feature declares a direction, every θᵢⱼ is bounded at 0 from below: with both
/// axes oriented towards risk, the term then never lowers risk as either feature worsens.
public struct PairTerm: Sendable, Equatable, Codable {
    /// The two features' positions among the model's inputs.
    public let first: Int
    public let second: Int
    public let firstAxis: PairAxis
    public let secondAxis: PairAxis
    public let centres: [Double]
    /// θ ≥ 0 (a direction to keep), or free.
    public let nonNegative: Bool

    enum CodingKeys: String, CodingKey {
        case first, second, firstAxis = "first_axis", secondAxis = "second_axis", centres, nonNegative = "non_negative"
    }

    public init(first: Int, second: Int, firstAxis: PairAxis, secondAxis: PairAxis, centres: [Double], nonNegative: Bool) {
        self.first = first
        self.second = second
        self.firstAxis = firstAxis
        self.secondAxis = secondAxis
        self.centres = centres
        self.nonNegative = nonNegative
    }

    public var columnCount: Int { firstAxis.columnCount * secondAxis.columnCount }

    /// The centred products at (a, b), first axis major.
    public func columns(a: Double, b: Double) -> [Double] {
        let left = firstAxis.columns(at: a), right = secondAxis.columns(at: b)
        var out: [Double] = []
        out.reserveCapacity(columnCount)
        for l in left { for r in right { out.append(l * r) } }
        for k in out.indices { out[k] -= centres[k] }
        return out
    }
}
