import Foundation
import VitalsFoundation

/// One feature's shape function f(x) in the additive model, and how its columns are made.
///
/// - `.line`: f(x) = w (x − mean) / scale, one column: for indicators, one-hot levels and
///   features with two distinct values.
/// - `.spline`: f(x) = Σⱼ δⱼ (Iⱼ(x) − centreⱼ), one column per cumulative basis function,
///   where centreⱼ is Iⱼ's mean over the training rows: a shape minus its training mean.
///
/// Either way the feature's contribution to the log-odds of a row is its column values
/// times its coefficients, and the contributions with the intercept add up to the log-odds.
public struct ShapeTerm: Sendable, Equatable, Codable {
    public enum Kind: Sendable, Equatable {
        case line(mean: Double, scale: Double)
        case spline(basis: SplineBasis, centres: [Double])
    }

    public let feature: String
    public let kind: Kind
    /// The declared direction, enforced by bounds on the term's coefficients.
    public let direction: RiskDirection

    public init(feature: String, kind: Kind, direction: RiskDirection) {
        self.feature = feature
        self.kind = kind
        self.direction = direction
    }

    /// The columns this term adds to the design matrix.
    public var columnCount: Int {
        switch kind {
        case .line: return 1
        case let .spline(basis, _): return basis.cumulativeCount
        }
    }

    /// `feature` for a line; `feature~1` … `feature~m` for a spline's columns.
    public var columnNames: [String] {
        switch kind {
        case .line: return [feature]
        case let .spline(basis, _): return (1...basis.cumulativeCount).map { "\(feature)~\($0)" }
        }
    }

    /// The most scratch `columns(at:knots:into:scratch:)` needs: 3 (k + 1) doubles for k ≤ 3.
    static let scratchCount = 12

    /// The term's column values at x, written into `out` (`columnCount` entries); `knots` is
    /// `fullKnots`, `scratch` holds `scratchCount` doubles. No allocation.
    func columns(at x: Double, knots: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>,
                 scratch: UnsafeMutablePointer<Double>) {
        switch kind {
        case let .line(mean, scale): out[0] = (x - mean) / scale
        case let .spline(basis, centres):
            basis.cumulative(at: x, knots: knots, into: out, scratch: scratch)
            for j in 0..<centres.count { out[j] -= centres[j] }
        }
    }

    /// The term's column values at x.
    public func columns(at x: Double) -> [Double] {
        var out = [Double](repeating: 0, count: columnCount), scratch = [Double](repeating: 0, count: Self.scratchCount)
        let knots = fullKnots
        knots.withUnsafeBufferPointer { k in
            out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { columns(at: x, knots: k, into: o, scratch: $0.baseAddress!) } }
        }
        return out
    }

    /// The spline's full knot vector (empty for a line), computed once per expansion.
    var fullKnots: [Double] {
        if case let .spline(basis, _) = kind { return basis.fullKnots }
        return []
    }

    /// The training range of a spline's feature (nil for a line), beyond which its shape is flat.
    public var range: ClosedRange<Double>? {
        if case let .spline(basis, _) = kind { return basis.lower...basis.upper }
        return nil
    }

    // MARK: Codable: {"feature", "direction", "line": {mean, scale}} or {…, "spline": {basis…, centres}}.

    enum CodingKeys: String, CodingKey { case feature, direction, line, spline }
    enum LineKeys: String, CodingKey { case mean, scale }
    enum SplineKeys: String, CodingKey { case basis, centres }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        feature = try c.decode(String.self, forKey: .feature)
        direction = try c.decode(RiskDirection.self, forKey: .direction)
        if c.contains(.line) {
            let line = try c.nestedContainer(keyedBy: LineKeys.self, forKey: .line)
            let scale = try line.decode(Double.self, forKey: .scale)
            guard scale > 0, scale.isFinite else {
                throw DecodingError.dataCorruptedError(forKey: .scale, in: line, debugDescription: "the scale of \(feature) must be finite and > 0")
            }
            kind = .line(mean: try line.decode(Double.self, forKey: .mean), scale: scale)
        } else {
            let spline = try c.nestedContainer(keyedBy: SplineKeys.self, forKey: .spline)
            let basis = try spline.decode(SplineBasis.self, forKey: .basis)
            let centres = try spline.decode([Double].self, forKey: .centres)
            guard centres.count == basis.cumulativeCount else {
                throw DecodingError.dataCorruptedError(forKey: .centres, in: spline,
                                                       debugDescription: "\(feature) has \(centres.count) centres for \(basis.cumulativeCount) columns")
            }
            kind = .spline(basis: basis, centres: centres)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(feature, forKey: .feature)
        try c.encode(direction, forKey: .direction)
        switch kind {
        case let .line(mean, scale):
            var line = c.nestedContainer(keyedBy: LineKeys.self, forKey: .line)
            try line.encode(mean, forKey: .mean)
            try line.encode(scale, forKey: .scale)
        case let .spline(basis, centres):
            var spline = c.nestedContainer(keyedBy: SplineKeys.self, forKey: .spline)
            try spline.encode(basis, forKey: .basis)
            try spline.encode(centres, forKey: .centres)
        }
    }
}
