import VitalsAdditive
import VitalsFoundation
import VitalsLogistic

/// A fitted model's pieces as SQL expressions of the imputed features: each term's
/// contribution to the log-odds, and the calibration map. Every expression mirrors the Swift
/// that `vitals score` runs (`FittedRiskModel.contribution`, `pairContribution`,
/// `ProbabilityCalibration.probability`) operation for operation, except that spline shapes
/// are piecewise polynomials (`PiecewisePolynomial`), equal to the de Boor evaluation to a
/// few units in the last place.
struct ModelTermsSQL {
    let model: FittedRiskModel

    /// Feature j's contribution at x (the imputed value, never NULL).
    func contribution(feature j: Int, x: SQLExpression) -> SQLExpression {
        let core = model.core
        guard let shapes = model.shapes else {
            let w = core.coefficients[j]
            return w == 0 ? .double(0) : .double(w) * (x - .double(core.means[j])) / .double(core.scales[j])
        }
        let term = shapes.terms[j], range = shapes.columnRanges[j]
        switch term.kind {
        case let .line(mean, scale):
            let c = range.lowerBound, w = core.coefficients[c]
            // 0 + w (column − mean_c) / scale_c, as the Swift sum over the term's one column.
            return w == 0 ? .double(0) : .double(0) + .double(w) * ((x - .double(mean)) / .double(scale) - .double(core.means[c])) / .double(core.scales[c])
        case let .spline(basis, _):
            guard range.contains(where: { core.coefficients[$0] != 0 }) else { return .double(0) }
            let shape = PiecewisePolynomial(breakpoints: [basis.lower] + basis.interiorKnots + [basis.upper], degree: basis.degree) {
                model.contribution(feature: j, value: $0)
            }
            return shape.sql(x)
        }
    }

    /// Interaction k's contribution at the imputed values of its two features.
    func pairContribution(_ k: Int, a: SQLExpression, b: SQLExpression) -> SQLExpression {
        guard let shapes = model.shapes else { return .double(0) }
        let pair = shapes.pairs[k], range = shapes.pairRanges[k]
        let left = axisColumns(pair.firstAxis, a), right = axisColumns(pair.secondAxis, b)
        var sum: SQLExpression = .double(0)
        var offset = 0
        for l in left {
            for r in right {
                let w = model.core.coefficients[range.lowerBound + offset]
                if w != 0 { sum = sum + .double(w) * (l * r - .double(pair.centres[offset])) }
                offset += 1
            }
        }
        return sum
    }

    /// An axis's columns at x: a step, or the ramps of a degree-1 cumulative basis; 1 − c when flipped.
    private func axisColumns(_ axis: PairAxis, _ x: SQLExpression) -> [SQLExpression] {
        let columns: [SQLExpression]
        switch axis.kind {
        case let .step(threshold):
            columns = [.when(x.greaterOrEqual(.double(threshold)), then: .double(1), else: .double(0))]
        case let .ramps(basis):
            let breakpoints = [basis.lower] + basis.interiorKnots + [basis.upper]
            columns = (0..<basis.cumulativeCount).map { i in
                PiecewisePolynomial(breakpoints: breakpoints, degree: 1) { basis.cumulative(at: $0)[i] }.sql(x)
            }
        }
        return axis.flipped ? columns.map { .double(1) - $0 } : columns
    }

    /// The calibrated probability for a decision value η (`ProbabilityCalibration.probability`),
    /// as steps: each takes the previous step's value (a column) to the next, so that no
    /// formula is written inside another that repeats it (the query stays small).
    func probabilitySteps() -> [(SQLExpression) -> SQLExpression] {
        let floor = ProbabilityCalibration.floor
        func squeezed(_ p: SQLExpression) -> SQLExpression { .double(floor) + .double(1 - 2 * floor) * p }
        switch model.calibration {
        case .none: return [{ squeezed(.sigmoid($0)) }]
        case let .platt(platt): return [{ .double(platt.a) * $0 + .double(platt.b) }, { squeezed(.sigmoid(-$0)) }]
        case let .beta(beta):
            // s = σ(e), e = η kept within ±etaLimit: ln s = −softplus(−e), −ln(1 − s) = softplus(e).
            let limit = BetaCalibration.etaLimit
            func softplus(_ x: SQLExpression) -> SQLExpression {
                .when(x.greater(.double(0)), then: x + .log1p(.function(.exp, [-x])), else: .log1p(.function(.exp, [x])))
            }
            return [
                { .smaller(.larger($0, .double(-limit)), .double(limit)) },
                { .double(beta.a) * -softplus(-$0) + .double(beta.b) * softplus($0) + .double(beta.c) },
                { squeezed(.sigmoid($0)) },
            ]
        case let .isotonic(isotonic):
            let knots = isotonic.knots, values = isotonic.values
            let lo = ProbabilityCalibration.isotonicFloor
            return [
                { eta in
                    var whens = [SQLWhen(eta.lessOrEqual(.double(knots[0])), .double(values[0])),
                                 SQLWhen(eta.greaterOrEqual(.double(knots[knots.count - 1])), .double(values[values.count - 1]))]
                    for i in 0..<(knots.count - 1) {
                        let t = (eta - .double(knots[i])) / .double(knots[i + 1] - knots[i])
                        whens.append(SQLWhen(eta.less(.double(knots[i + 1])), .double(values[i]) + t * .double(values[i + 1] - values[i])))
                    }
                    return .cases(whens, otherwise: .double(values[values.count - 1]))
                },
                { .smaller(.larger($0, .double(lo)), .double(1 - lo)) },
            ]
        }
    }
}
