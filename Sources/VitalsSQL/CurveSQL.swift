import VitalsAdditive
import VitalsHazard

/// A churn curve's period terms in SQL (`FittedHazardModel.periodPart`): month k's part of
/// the log-odds, the month term's contribution at k plus, with a renewal term, its
/// contribution at 1 when a contract anniversary falls in month k, else at 0.
struct HazardParts {
    let model: FittedRiskModel
    let curve: HazardCurveSpec
    /// p: the snapshot features before the period terms.
    let snapshotFeatures: Int

    init(model: FittedRiskModel, curve: HazardCurveSpec, snapshotFeatures: Int) throws(ScoringSQL.Failure) {
        guard model.featureNames.count == snapshotFeatures + curve.terms.names.count else {
            throw ScoringSQL.Failure("the churn curve's model has \(model.featureNames.count) features, not the \(snapshotFeatures) snapshot features and \(curve.terms.names.count) period terms")
        }
        self.model = model
        self.curve = curve
        self.snapshotFeatures = snapshotFeatures
    }

    /// part(k) for a row whose renewal feature (imputed) is `renewal`.
    func part(_ k: Int, renewal: SQLExpression) -> SQLExpression {
        let month = model.contribution(feature: snapshotFeatures, value: Double(k))
        guard curve.terms.renewalFeature != nil else { return .double(0) + .double(month) }
        let due = model.contribution(feature: snapshotFeatures + 1, value: 1), notDue = model.contribution(feature: snapshotFeatures + 1, value: 0)
        return .double(0) + .double(month) + .when(renewalDue(renewal, period: k), then: .double(due), else: .double(notDue))
    }

    /// `PeriodTerms.renewalDue`: whether an anniversary d, d + Y, d + 2Y, … (Y = 365.25) falls
    /// in month k's days ((k − 1) L, k L].
    func renewalDue(_ d: SQLExpression, period k: Int) -> SQLExpression {
        let start = Double(k - 1) * curve.periods.days, end = Double(k) * curve.periods.days, year = PeriodTerms.yearDays
        // m = max(0, ⌈(start − d) / Y⌉), plus one when d + m Y is not past the start.
        let m0 = SQLExpression.larger(.double(0), .function(.ceil, [(.double(start) - d) / .double(year)]))
        let m = SQLExpression.when((d + m0 * .double(year)).lessOrEqual(.double(start)), then: m0 + .double(1), else: m0)
        return d.greater(.double(0)).and((d + m * .double(year)).lessOrEqual(.double(end)))
    }
}

/// The score columns read off each account's curve (`SurvivalCurve`), from the `curves` CTE
/// (hazards `h1` … `hK`, survival `s1` … `sK`).
struct CurveSQL {
    let periods: HazardPeriods
    let tailDays: Double

    static func c(_ name: String) -> SQLExpression { .column("c", name) }
    func h(_ k: Int) -> SQLExpression { Self.c("h\(k)") }
    func s(_ k: Int) -> SQLExpression { k == 0 ? .double(1) : Self.c("s\(k)") }

    /// S at a constant number of days (`SurvivalCurve.survival(atDays:)`).
    func survival(atDays t: Double) -> SQLExpression {
        let K = periods.count, position = max(t, 0) / periods.days
        let whole = Int(position.rounded(.down))
        if whole >= K { return s(K) * .function(.power, [.double(1) - h(K), .double(position - Double(K))]) }
        let start = whole == 0 ? SQLExpression.double(1) : s(whole)
        return start * .function(.power, [.double(1) - h(whole + 1), .double(position - Double(whole))])
    }

    /// S at a row's whole number of days `t` (> 0).
    func survival(atDays t: SQLExpression) -> SQLExpression {
        let K = periods.count
        let position = t.asDouble / .double(periods.days)
        let whole = SQLExpression.function(.floor, [position])
        var whens: [SQLWhen] = []
        for w in 0..<K {
            let start = w == 0 ? SQLExpression.double(1) : s(w)
            whens.append(SQLWhen(whole.equals(.double(Double(w))), start * .function(.power, [.double(1) - h(w + 1), position - .double(Double(w))])))
        }
        return .cases(whens, otherwise: s(K) * .function(.power, [.double(1) - h(K), position - .double(Double(K))]))
    }

    /// The restricted mean plus the survivors' tail (`SurvivalCurve.expectedDays`), in days.
    var expectedDays: SQLExpression {
        var total: SQLExpression = .double(0)
        for k in 1...periods.count {
            total = total + s(k - 1) * h(k) / -SQLExpression.log1p(-h(k))
        }
        return total * .double(periods.days) + s(periods.count) * .double(tailDays)
    }

    /// The day S(t) = ½ (`SurvivalCurve.medianDays`), NULL when S stays above ½.
    var medianDays: SQLExpression {
        let whens = (1...periods.count).map { k -> SQLWhen in
            let f = SQLExpression.function(.ln, [.double(0.5) / s(k - 1)]) / .log1p(-h(k))
            return SQLWhen(s(k).lessOrEqual(.double(0.5)), (.double(Double(k - 1)) + .smaller(.larger(f, .double(0)), .double(1))) * .double(periods.days))
        }
        return .cases(whens, otherwise: .null(.double))
    }

    /// The `scores` CTE over `curves`: the pass-through columns, the probability at the model's
    /// horizon, the horizon columns, by the renewal date, expected and median days.
    func scores(horizonDays: Int, passThrough: [String]) -> SQLSelect {
        var outputs: [SQLSelect.Output] = passThrough.map { .init(Self.c($0), as: $0) }
        outputs.append(.init(.double(1) - survival(atDays: Double(horizonDays)), as: "probability"))
        for days in ScoringSQLColumns.curveHorizons { outputs.append(.init(.double(1) - survival(atDays: Double(days)), as: "p\(days)d")) }
        outputs.append(.init(.double(1) - survival(atDays: Self.c("renewal_days")), as: "p_by_renewal"))
        outputs.append(.init(expectedDays, as: "expected_days"))
        outputs.append(.init(medianDays, as: "median_days"))
        return SQLSelect(outputs, from: "curves", as: "c")
    }
}
