import VitalsAdditive
import VitalsEvaluation
import VitalsFeatures
import VitalsFoundation
import VitalsHazard
import VitalsModel

/// The churn score file's rows in SQL, after the features (`ChurnFeatureQuery`): the health
/// state and the Markov columns, imputation, the model's terms, the probability (through the
/// churn curve when the model has one), the risk band, the expected and median days to churn,
/// ARR at risk and the top drivers. Mirrors `ScoredSnapshot` and `ScoreFile.table`.
struct ChurnScoreQuery {
    let model: ModelFile
    let spec: SignalsModelSpec
    var fitted: FittedRiskModel { model.model }
    var terms: ModelTermsSQL { ModelTermsSQL(model: model.model) }
    /// p: the snapshot features (the layout's, then the Markov columns).
    var featureNames: [String] { spec.featureNames }

    static func col(_ table: String, _ name: String) -> SQLExpression { .column(table, name) }
    static func x(_ j: Int) -> String { "x\(j)" }

    func ctes() throws(ScoringSQL.Failure) -> [(name: String, select: SQLSelect)] {
        var out = ChurnFeatureQuery(recipe: spec.recipe).ctes()
        out.append(("design", design))
        out.append(("contributions", contributions))
        out += try probabilityCTEs()
        out += driverCTEs()
        return out
    }

    // MARK: state, Markov columns and imputation

    /// The health chain's rule and columns, when the model has them.
    var chain: HealthStateColumns? { spec.accountChain }

    /// The state index (0 onboarding, then the bands best first) from the raw features
    /// (`FittedHealthStateRule.state`).
    func stateIndex() -> SQLExpression? {
        guard let chain else { return nil }
        let rule = chain.rule, f = { Self.col("f", $0) }
        let layoutNames = Set(spec.layout.featureNames)
        var sum: SQLExpression = .double(0), weight: SQLExpression = .double(0)
        for (k, component) in rule.rule.components.enumerated() where layoutNames.contains(component.feature) {
            let x = f(component.feature)
            sum = sum + .when(x.isNull, then: .double(0),
                              else: .double(component.weight) * (x - .double(rule.means[k])) / .double(rule.scales[k]))
            weight = weight + .when(x.isNull, then: .double(0), else: .double(abs(component.weight)))
        }
        let e = sum / weight
        var below: SQLExpression = .integer(0)
        for threshold in rule.thresholds.reversed() { below = below + .when(e.less(.double(threshold)), then: .integer(1), else: .integer(0)) }
        let bands = rule.rule.bands.count
        return .cases([
            SQLWhen(f(FittedHealthStateRule.tenureFeature).less(.double(Double(rule.rule.onboardingDays))), .integer(0)),
            SQLWhen(weight.equals(.double(0)), .integer(1 + bands / 2)),
        ], otherwise: .integer(1) + below)
    }

    /// The imputed design: one column per snapshot feature (`x0` …), NULL replaced by the
    /// training median (`FeatureImputer`), the Markov columns from the state.
    var design: SQLSelect {
        let f = { Self.col("f", $0) }
        var outputs: [SQLSelect.Output] = [.init(f("account_id"), as: "account_id"), .init(f("arr"), as: "arr"),
                                           .init(f("renewal_days"), as: "renewal_days")]
        let state = stateIndex()
        outputs.append(.init(state ?? .integer(-1), as: "state"))
        outputs += ImputedDesign.columns(spec: spec, state: state, raw: f)
        return SQLSelect(outputs, from: "features", as: "f")
    }

    // MARK: terms

    /// The terms the drivers name (`ScoredSnapshot.termNames`): the features, then the pairs.
    var termNames: [String] {
        let all = fitted.termNames
        guard let curve = spec.churnCurve else { return all }
        let p = featureNames.count, t = curve.terms.names.count
        return Array(all[0..<p] + all[(p + t)...])
    }

    /// Per term its contribution (`c0` …, in `termNames` order) and η: the intercept plus every
    /// term (for a churn curve, η₁: the first month's period terms too).
    var contributions: SQLSelect {
        let d = { Self.col("d", $0) }
        let p = featureNames.count
        var outputs: [SQLSelect.Output] = ["account_id", "arr", "renewal_days", "state"].map { .init(d($0), as: $0) }
        // The renewal term's feature, imputed, for the curve's period terms.
        let renewal = spec.churnCurve?.terms.renewalFeature.flatMap { featureNames.firstIndex(of: $0) }
        outputs.append(.init(renewal.map { d(Self.x($0)) } ?? .null(.double), as: "renewal_x"))
        var values: [SQLExpression] = (0..<p).map { terms.contribution(feature: $0, x: d(Self.x($0))) }
        for (k, pair) in (fitted.shapes?.pairs ?? []).enumerated() {
            values.append(terms.pairContribution(k, a: d(Self.x(pair.first)), b: d(Self.x(pair.second))))
        }
        for (k, v) in values.enumerated() { outputs.append(.init(v, as: "c\(k)")) }
        // η is summed from these in the next step, where they are columns.
        return SQLSelect(outputs, from: "design", as: "d")
    }

    // MARK: probability and the curve

    func probabilityCTEs() throws(ScoringSQL.Failure) -> [(String, SQLSelect)] {
        // Every value an expression uses more than once is a column of an earlier CTE, so the
        // query grows with the model, not with the nesting of its formulas.
        let c = { Self.col("c", $0) }
        let termCount = termNames.count
        var eta: SQLExpression = .double(fitted.intercept)
        for k in 0..<termCount { eta = eta + c("c\(k)") }
        let carried = ["account_id", "arr", "renewal_days", "renewal_x", "state"] + (0..<termCount).map { "c\($0)" }
        func pass(_ alias: String, _ names: [String]) -> [SQLSelect.Output] { names.map { .init(Self.col(alias, $0), as: $0) } }
        let e = { Self.col("e", $0) }
        guard let curve = spec.churnCurve else {
            return [("eta", SQLSelect(pass("c", carried) + [.init(eta, as: "eta")], from: "contributions", as: "c"))]
                + calibrated(from: "eta", carried: carried, inputs: ["eta"], outputs: ["probability"], last: "scores")
        }
        // η₁ (the first month's log-odds); month k's log-odds η₁ + part(k) − part(1); its hazard
        // through the calibration, kept inside (1e-12, 1 − 1e-12) (`FittedHazardModel.curves`).
        let K = curve.periods.count
        let hazard = try HazardParts(model: fitted, curve: curve, snapshotFeatures: featureNames.count)
        let first = SQLSelect(pass("c", carried) + [.init(eta + hazard.part(1, renewal: c("renewal_x")), as: "eta1")], from: "contributions", as: "c")
        let logits = SQLSelect(pass("e", carried) + (1...K).map { k in
            .init(e("eta1") + hazard.part(k, renewal: e("renewal_x")) - hazard.part(1, renewal: e("renewal_x")), as: "z\(k)")
        }, from: "eta", as: "e")
        let raw = calibrated(from: "logits", carried: carried, inputs: (1...K).map { "z\($0)" }, outputs: (1...K).map { "q\($0)" },
                             last: "raw_hazards")
        let q = { Self.col("q", $0) }
        let hazards = SQLSelect(pass("q", carried) + (1...K).map {
            .init(.smaller(.larger(q("q\($0)"), .double(1e-12)), .double(1 - 1e-12)), as: "h\($0)")
        }, from: "raw_hazards", as: "q")
        // S(k) = Πⱼ≤ₖ (1 − hⱼ), multiplied in order.
        let h = { Self.col("h", $0) }
        var survival = pass("h", carried + (1...K).map { "h\($0)" })
        var s: SQLExpression = .double(1)
        for k in 1...K {
            s = s * (.double(1) - h("h\(k)"))
            survival.append(.init(s, as: "s\(k)"))
        }
        let curves = CurveSQL(periods: curve.periods, tailDays: curve.tailDays)
        return [("eta", first), ("logits", logits)] + raw + [("hazards", hazards),
                ("curves", SQLSelect(survival, from: "hazards", as: "h")),
                ("scores", curves.scores(horizonDays: spec.horizonDays, passThrough: carried))]
    }

    /// The calibration applied to columns `inputs` of CTE `source`, one CTE per step
    /// (`ModelTermsSQL.probabilitySteps`), the last named `last` with the results as `outputs`.
    func calibrated(from source: String, carried: [String], inputs: [String], outputs: [String], last: String) -> [(String, SQLSelect)] {
        terms.calibratedCTEs(from: source, carried: carried, inputs: inputs, outputs: outputs, last: last)
    }

    // MARK: drivers

    /// The drivers (`DriverSQL`), keyed by account.
    var drivers: DriverSQL { DriverSQL(termNames: termNames, key: "account_id") }

    func driverCTEs() -> [(String, SQLSelect)] { drivers.ctes() }

    // MARK: the score file

    /// The final select: the score file's columns (`ScoreFile.columns(.churn)`), then the three
    /// drivers as names and values.
    func final(modelID: String) -> SQLSelect {
        let s = { Self.col("s", $0) }, t = { Self.col("t", $0) }
        let p = s("probability")
        let bands = spec.riskBands
        let band = SQLExpression.cases([SQLWhen(p.greaterOrEqual(.double(bands.highFrom)), .text(RiskBand.high.rawValue)),
                                        SQLWhen(p.greaterOrEqual(.double(bands.mediumFrom)), .text(RiskBand.medium.rawValue))],
                                       otherwise: .text(RiskBand.low.rawValue))
        let states = spec.markov?.transientStates ?? []
        let stateName: SQLExpression = states.isEmpty ? .null(.text)
            : .cases(states.indices.map { SQLWhen(s("state").equals(.integer($0)), .text(states[$0])) }, otherwise: .null(.text))
        let expected: SQLExpression
        if spec.churnCurve != nil {
            expected = Rounding.half(s("expected_days"))
        } else if let chain = spec.accountChain {
            expected = .cases(chain.expectedMonths.indices.prefix(states.count).map {
                SQLWhen(s("state").equals(.integer($0)), .integer(Int((chain.expectedMonths[$0] * 30.44).rounded())))
            }, otherwise: .null(.integer))
        } else {
            expected = .null(.integer)
        }
        // ARR × p to the cent (`ArrAtRisk`).
        let arrAtRisk = SQLExpression.when(s("arr").isNull, then: .null(.double),
                                           else: Rounding.half(s("arr") * p * .double(100)).asDouble / .double(100))
        let drivers = DriverSQL.text(t)
        var outputs: [SQLSelect.Output] = [
            .init(s("account_id"), as: "account_id"), .init(.cast(.asOf, .text), as: "as_of"), .init(p, as: "churn_probability"),
            .init(band, as: "risk_band"), .init(stateName, as: "health_state"), .init(expected, as: "expected_days_to_churn"),
            .init(s("arr"), as: "arr"), .init(arrAtRisk, as: "arr_at_risk"), .init(drivers, as: "top_drivers"),
            // The history is not in the warehouse: the change since the last run stays empty.
            .init(.null(.double), as: "previous_probability"), .init(.null(.double), as: "change"),
        ]
        if spec.churnCurve != nil {
            for h in ScoringSQLColumns.curveHorizons { outputs.append(.init(s("p\(h)d"), as: "churn_probability_\(h)d")) }
            outputs.append(.init(s("p_by_renewal"), as: "churn_probability_by_renewal"))
            outputs.append(.init(Rounding.half(s("median_days")), as: "median_days_to_churn"))
        } else {
            for h in ScoringSQLColumns.curveHorizons { outputs.append(.init(.null(.double), as: "churn_probability_\(h)d")) }
            outputs.append(.init(.null(.double), as: "churn_probability_by_renewal"))
            outputs.append(.init(.null(.integer), as: "median_days_to_churn"))
        }
        outputs.append(.init(.text(modelID), as: "model_id"))
        for n in 1...3 {
            outputs.append(.init(t("driver_\(n)"), as: "driver_\(n)"))
            outputs.append(.init(t("driver_\(n)_value"), as: "driver_\(n)_value"))
        }
        return SQLSelect(outputs, from: "scores", as: "s", joins: [.init("top_drivers", as: "t", on: t("account_id").equals(s("account_id")))],
                         orderBy: [SQLOrdering(s("account_id"), text: true)])
    }
}

/// The horizons of the score file's curve columns (`ScoreFile.curveHorizons`, which lives
/// above this module, reads the same list).
enum ScoringSQLColumns {
    static var curveHorizons: [Int] { SurvivalEvaluation.horizons }
}

/// Swift's `rounded()` (to nearest, halves away from zero) for values ≥ 0, as a whole number:
/// ⌊x + ½⌋ (PostgreSQL's ROUND on a double rounds halves to even).
enum Rounding {
    static func half(_ x: SQLExpression) -> SQLExpression { .cast(.function(.floor, [x + .double(0.5)]), .integer) }
}

extension Rounding {
    /// Swift's `rounded()` for values of either sign, as a whole number: ⌊x + ½⌋ at or above 0,
    /// −⌊½ − x⌋ below (halves away from zero).
    static func nearest(_ x: SQLExpression) -> SQLExpression {
        .when(x.greaterOrEqual(.double(0)), then: half(x), else: .negate(.cast(.function(.floor, [.double(0.5) - x]), .integer)))
    }
}
