import VitalsAdditive
import VitalsEvaluation
import VitalsFeatures
import VitalsFoundation
import VitalsModel

/// The overrun score file's rows in SQL, after the features (`ProjectFeatureQuery`): the phase
/// and the Markov columns, imputation, the model's terms and calibration, the two risk models
/// and the combined probability within their bounds (`ScoredSnapshot.scores`), the drivers,
/// and the forecasts (`ProjectForecast`, `SignalsModelSpec.hoursForecast`/`endForecast`,
/// `EarnedValue`). Mirrors `ScoreFile.table` for overrun.
struct OverrunScoreQuery {
    let model: ModelFile
    let spec: SignalsModelSpec
    var fitted: FittedRiskModel { model.model }
    var featureNames: [String] { spec.featureNames }

    static func col(_ table: String, _ name: String) -> SQLExpression { .column(table, name) }
    static func x(_ j: Int) -> String { "x\(j)" }
    static let d = SQLExpression.asOf

    func ctes() throws(ScoringSQL.Failure) -> [(name: String, select: SQLSelect)] {
        var out = ProjectFeatureQuery(recipe: spec.recipe).ctes()
        out.append(("design", design))
        out += probabilityCTEs(ModelTermsSQL(model: fitted), prefix: "", output: "probability", keepContributions: true)
        if let hours = spec.hoursOverrunModel, let late = spec.lateModel {
            out += probabilityCTEs(ModelTermsSQL(model: hours), prefix: "hours_", output: "probability", keepContributions: false)
            out += probabilityCTEs(ModelTermsSQL(model: late), prefix: "late_", output: "probability", keepContributions: false)
        }
        out += DriverSQL(termNames: fitted.termNames, key: "project_id").ctes()
        out += forecastCTEs
        return out
    }

    // MARK: phase, Markov columns and imputation

    /// The phase (0 on_track, 1 watch, 2 off_track): the worst vote of the signals present
    /// (`ProjectPhaseRule.state`).
    func phase(_ f: (String) -> SQLExpression) -> SQLExpression? {
        guard let chain = spec.projectChain else { return nil }
        let rule = chain.rule
        func vote(_ x: SQLExpression, _ watch: SQLExpression, _ off: SQLExpression) -> SQLExpression {
            .cases([SQLWhen(x.isNull, .integer(0)), SQLWhen(watch, .integer(0)), SQLWhen(off, .integer(1))], otherwise: .integer(2))
        }
        let burn = f(rule.burnFeature), schedule = f(rule.scheduleFeature), change = f(rule.changeFeature)
        let votes = [
            vote(burn, burn.lessOrEqual(.double(rule.burnWatch)), burn.lessOrEqual(.double(rule.burnOffTrack))),
            vote(schedule, schedule.greaterOrEqual(.double(rule.scheduleWatch)), schedule.greaterOrEqual(.double(rule.scheduleOffTrack))),
            vote(change, change.lessOrEqual(.double(rule.changeWatch)), change.lessOrEqual(.double(rule.changeOffTrack))),
        ]
        return .larger(.larger(votes[0], votes[1]), votes[2])
    }

    /// The imputed design (`x0` …) with the forecast inputs; the phase is computed in the
    /// features step's columns, the Markov columns from it.
    var design: SQLSelect {
        let f = { Self.col("f", $0) }
        var outputs: [SQLSelect.Output] = ["project_id", "account_id", "start_date", "planned_end_date", "budget", "logged", "logged_before",
                                           "window_days", "elapsed"].map { .init(f($0), as: $0) }
        outputs.append(.init(f("cost_performance_index"), as: "cpi"))
        outputs.append(.init(f("schedule_performance_index"), as: "spi"))
        outputs.append(.init(f("change_order_hours_ratio"), as: "change_ratio"))
        let state = phase(f)
        // The phase's index, carried to the score file's `phase` (NULL without a phase chain).
        outputs.append(.init(state ?? .null(.integer), as: "phase_index"))
        outputs += ImputedDesign.columns(spec: spec, state: state, raw: f)
        return SQLSelect(outputs, from: "features", as: "f")
    }

    // MARK: probabilities

    /// A model's contributions (`c0` …), η and its calibrated probability, keyed by project:
    /// CTEs `<prefix>contributions`, `<prefix>eta`, …, `<prefix>scores`.
    func probabilityCTEs(_ terms: ModelTermsSQL, prefix: String, output: String, keepContributions: Bool) -> [(String, SQLSelect)] {
        let d = { Self.col("d", $0) }
        let p = featureNames.count
        var values: [SQLExpression] = (0..<p).map { terms.contribution(feature: $0, x: d(Self.x($0))) }
        for (k, pair) in (terms.model.shapes?.pairs ?? []).enumerated() {
            values.append(terms.pairContribution(k, a: d(Self.x(pair.first)), b: d(Self.x(pair.second))))
        }
        let contributions = SQLSelect([.init(d("project_id"), as: "project_id")] + values.enumerated().map { .init($1, as: "c\($0)") },
                                      from: "design", as: "d")
        let c = { Self.col("c", $0) }
        var eta: SQLExpression = .double(terms.model.intercept)
        for k in values.indices { eta = eta + c("c\(k)") }
        let carried = ["project_id"] + (keepContributions ? values.indices.map { "c\($0)" } : [])
        let etaSelect = SQLSelect(carried.map { .init(c($0), as: $0) } + [.init(eta, as: "eta")], from: prefix + "contributions", as: "c")
        return [(prefix + "contributions", contributions), (prefix + "eta", etaSelect)]
            + terms.calibratedCTEs(from: prefix + "eta", carried: carried, inputs: ["eta"], outputs: [output], last: prefix + "scores")
    }

    // MARK: forecasts

    /// exp(clamp(b + Σ wⱼ (xⱼ − meanⱼ) / scaleⱼ, ±5)) over the design (`ForecastCorrection.factor`), 1 without one.
    func factor(_ correction: ForecastCorrection?, _ x: (String) -> SQLExpression) -> SQLExpression {
        guard let correction else { return .double(1) }
        var s: SQLExpression = .double(correction.intercept)
        for j in correction.weights.indices {
            s = s + .double(correction.weights[j]) * (x(Self.x(j)) - .double(correction.means[j])) / .double(correction.scales[j])
        }
        return .function(.exp, [.smaller(.larger(s, .double(-5)), .double(5))])
    }

    /// The interval band's lower and upper ratios for an elapsed share (`ForecastInterval.interval`).
    func band(_ interval: ForecastInterval, elapsed: SQLExpression) -> (lower: SQLExpression, upper: SQLExpression) {
        let v = SQLExpression.function(.coalesce, [elapsed, .double(0)])
        func pick(_ value: (SplitConformal) -> Double) -> SQLExpression {
            .cases(interval.elapsedEdges.indices.map { SQLWhen(v.less(.double(interval.elapsedEdges[$0])), .double(value(interval.bands[$0]))) },
                   otherwise: .double(value(interval.bands[interval.elapsedEdges.count])))
        }
        return (pick(\.lower), pick(\.upper))
    }

    /// The days from D to the end for `hours` in all at the project's pace (`EarnedValue.endDate`),
    /// with `rate` the pace column (NULL when none is positive).
    static func endDays(hours: SQLExpression, logged: SQLExpression, rate: SQLExpression) -> SQLExpression {
        let remaining = hours - logged
        return .cases([SQLWhen(remaining.lessOrEqual(.double(0)), .integer(0)), SQLWhen(rate.isNull, .integer(1))],
                      otherwise: .larger(.integer(1), .cast(.function(.ceil, [remaining / rate]), .integer)))
    }

    var forecastCTEs: [(String, SQLSelect)] {
        let d = { Self.col("d", $0) }
        // The earned-value EAC and bracket (`EarnedValue.hoursAtCompletion`), the corrections and the pace.
        let logged = d("logged"), budget = d("budget"), elapsed = d("elapsed")
        let cpi = SQLExpression.when(d("cpi").greater(.double(0)), then: d("cpi"), else: .null(.double))
        let windowDays = d("window_days")
        let r1 = SQLExpression.when(windowDays.greater(.integer(0)), then: (logged - d("logged_before")) / windowDays.asDouble, else: .double(0))
        let startToD = SQLExpression.daysBetween(from: d("start_date"), to: Self.d)
        let r2 = SQLExpression.when(startToD.greater(.integer(0)), then: logged / startToD.asDouble, else: .double(0))
        let r3 = budget / SQLExpression.larger(SQLExpression.daysBetween(from: d("start_date"), to: d("planned_end_date")), .integer(1)).asDouble
        let rate = SQLExpression.cases([SQLWhen(r1.greater(.double(0)), r1), SQLWhen(r2.greater(.double(0)), r2), SQLWhen(r3.greater(.double(0)), r3)],
                                       otherwise: .null(.double))
        let inputs = SQLSelect([
            .init(d("project_id"), as: "project_id"), .init(d("account_id"), as: "account_id"), .init(budget, as: "budget"),
            .init(logged, as: "logged"), .init(elapsed, as: "elapsed"), .init(cpi, as: "cpi"), .init(d("spi"), as: "spi"),
            .init(.when(d("change_ratio").isNull, then: .double(0), else: d("change_ratio") * budget), as: "change_hours"),
            .init(factor(spec.hoursCorrection, d), as: "hours_factor"), .init(factor(spec.endCorrection, d), as: "end_factor"),
            .init(rate, as: "rate"), .init(d("phase_index"), as: "phase_index"), .init(d("planned_end_date"), as: "planned_end_date"),
        ], from: "design", as: "d")
        let e = { Self.col("e", $0) }
        let noEV = SQLExpression.when(e("elapsed").greater(.double(0)).and(e("logged").greater(.double(0))),
                                      then: e("logged") / .smaller(e("elapsed"), .double(1)), else: .larger(e("budget"), e("logged")))
        let remainingEV = SQLExpression.larger(e("budget") - e("cpi") * e("logged"), .double(0))
        let evPoint = SQLExpression.larger(e("budget") / e("cpi"), e("logged"))
        let atPlan = e("logged") + remainingEV
        let composite = SQLExpression.cases([SQLWhen(e("spi").isNull, evPoint), SQLWhen(e("spi").greater(.double(0.05)), e("logged") + remainingEV / (e("cpi") * e("spi")))],
                                            otherwise: evPoint)
        let earned = SQLSelect(["project_id", "account_id", "budget", "logged", "elapsed", "change_hours", "hours_factor", "end_factor", "rate",
                                "phase_index", "planned_end_date"]
                                .map { .init(e($0), as: $0) } + [
            .init(.when(e("cpi").isNull, then: noEV, else: evPoint), as: "ev_point"),
            .init(.when(e("cpi").isNull, then: noEV, else: .smaller(.smaller(evPoint, atPlan), composite)), as: "ev_low"),
            .init(.when(e("cpi").isNull, then: noEV, else: .larger(.larger(evPoint, atPlan), composite)), as: "ev_high"),
        ], from: "forecast_inputs", as: "e")
        // Hours at completion and its interval (`SignalsModelSpec.hoursForecast`).
        let v = { Self.col("v", $0) }
        let point = SQLExpression.larger(v("ev_point") * v("hours_factor"), v("logged"))
        let hoursPass = ["project_id", "account_id", "budget", "logged", "elapsed", "change_hours", "end_factor", "rate", "phase_index",
                         "planned_end_date"].map { SQLSelect.Output(v($0), as: $0) }
        let pointSelect = SQLSelect(hoursPass + ["ev_low", "ev_high"].map { .init(v($0), as: $0) } + [.init(point, as: "hours_point")],
                                    from: "forecast_earned", as: "v")
        let w = { Self.col("w", $0) }
        let low: SQLExpression, high: SQLExpression
        if let interval = spec.hoursInterval {
            let (lower, upper) = band(interval, elapsed: w("elapsed"))
            low = .larger(w("hours_point") * lower, w("logged"))
            high = .larger(w("hours_point") * upper, w("logged"))
        } else {
            low = .smaller(w("ev_low"), w("hours_point"))
            high = .larger(w("ev_high"), w("hours_point"))
        }
        let pass2 = ["project_id", "account_id", "budget", "logged", "elapsed", "change_hours", "end_factor", "rate", "hours_point", "phase_index",
                     "planned_end_date"]
        let hoursSelect = SQLSelect(pass2.map { .init(w($0), as: $0) } + [.init(low, as: "hours_low"), .init(high, as: "hours_high")],
                                    from: "forecast_points", as: "w")
        // The end dates (`ProjectForecast.init`, `SignalsModelSpec.endForecast`), as days after D.
        let z = { Self.col("z", $0) }
        let endDays = { (hours: SQLExpression) in Self.endDays(hours: hours, logged: z("logged"), rate: z("rate")) }
        let rawLeft = endDays(z("hours_point"))
        let highLeft = endDays(.larger(z("hours_high"), z("hours_point")))
        let daysSelect = SQLSelect((pass2 + ["hours_low", "hours_high"]).map { .init(z($0), as: $0) } + [
            .init(rawLeft, as: "raw_left"), .init(highLeft, as: "high_left"),
            .init(endDays(.smaller(z("hours_low"), z("hours_point"))), as: "low_left"),
        ], from: "forecast_hours", as: "z")
        let y = { Self.col("y", $0) }
        var dates: [SQLSelect.Output] = (pass2 + ["hours_low", "hours_high"]).map { .init(y($0), as: $0) }
        if let interval = spec.endInterval {
            let days = y("raw_left").asDouble * y("end_factor")
            let (lower, upper) = band(interval, elapsed: y("elapsed"))
            let at = { (x: SQLExpression) in SQLExpression.larger(.integer(1), Rounding.half(x)) }
            let done = y("raw_left").lessOrEqual(.integer(0))
            dates.append(.init(.when(done, then: .integer(0), else: at(days)), as: "end_left"))
            dates.append(.init(.when(done, then: .integer(0), else: at(.smaller(.larger(days * lower, .double(1)), days))), as: "end_low_left"))
            // Ending today, while the hours range says hours may remain: the range's top is when they run out.
            dates.append(.init(.when(done, then: y("high_left"), else: at(.larger(.larger(days * upper, .double(1)), days))), as: "end_high_left"))
        } else {
            dates.append(.init(y("raw_left"), as: "end_left"))
            dates.append(.init(y("low_left"), as: "end_low_left"))
            dates.append(.init(y("high_left"), as: "end_high_left"))
        }
        return [("forecast_inputs", inputs), ("forecast_earned", earned), ("forecast_points", pointSelect), ("forecast_hours", hoursSelect),
                ("forecast_days", daysSelect), ("forecasts", SQLSelect(dates, from: "forecast_days", as: "y"))]
    }

    // MARK: the score file

    /// The final select: the score file's columns (`ScoreFile.columns(.overrun)`), then the
    /// three drivers as names and values, then the rounded forecasts unrounded.
    func final(modelID: String) -> SQLSelect {
        let s = { Self.col("s", $0) }, t = { Self.col("t", $0) }, f = { Self.col("fc", $0) }
        let h = { Self.col("hs", $0) }, l = { Self.col("ls", $0) }
        let risks = spec.hoursOverrunModel != nil && spec.lateModel != nil
        let combined = s("probability")
        let probability: SQLExpression
        if risks {
            let ph = h("probability"), pl = l("probability")
            probability = .smaller(.larger(.larger(combined, ph), pl), .smaller(.double(1), ph + pl))
        } else {
            probability = combined
        }
        let tenth = { (x: SQLExpression) in Rounding.nearest(x * .double(10)).asDouble / .double(10) }
        let share = SQLExpression.when(f("budget").greater(.double(0)), then: f("hours_point") / f("budget") - .double(1), else: .double(0))
        let date = { (days: SQLExpression) in SQLExpression.cast(.addDays(Self.d, days), .text) }
        // The band at the model's cut points and the phase's name, as the churn query does.
        let bands = spec.riskBands
        let band = SQLExpression.cases([SQLWhen(probability.greaterOrEqual(.double(bands.highFrom)), .text(RiskBand.high.rawValue)),
                                        SQLWhen(probability.greaterOrEqual(.double(bands.mediumFrom)), .text(RiskBand.medium.rawValue))],
                                       otherwise: .text(RiskBand.low.rawValue))
        let states = spec.markov?.transientStates ?? []
        let phaseName: SQLExpression = states.isEmpty ? .null(.text)
            : .cases(states.indices.map { SQLWhen(f("phase_index").equals(.integer($0)), .text(states[$0])) }, otherwise: .null(.text))
        // Days late (`ProjectForecast.daysLate`): the forecast end minus the planned end.
        let daysLate = f("end_left") + SQLExpression.daysBetween(from: f("planned_end_date"), to: Self.d)
        var outputs: [SQLSelect.Output] = [
            .init(f("project_id"), as: "project_id"), .init(f("account_id"), as: "account_id"), .init(.cast(.asOf, .text), as: "as_of"),
            .init(probability, as: "overrun_probability"), .init(f("budget"), as: "budget_hours"), .init(f("logged"), as: "hours_logged"),
            .init(f("change_hours"), as: "change_order_hours"), .init(tenth(f("hours_point")), as: "forecast_hours_at_completion"),
            .init(Rounding.nearest(share * .double(1000)).asDouble / .double(10), as: "forecast_overrun_pct"),
            .init(date(f("end_left")), as: "forecast_end_date"), .init(DriverSQL.text(t), as: "top_drivers"),
            .init(tenth(f("hours_low")), as: "forecast_hours_low"), .init(tenth(f("hours_high")), as: "forecast_hours_high"),
            .init(date(f("end_low_left")), as: "forecast_end_low"), .init(date(f("end_high_left")), as: "forecast_end_high"),
            .init(risks ? h("probability") : .null(.double), as: "hours_overrun_probability"),
            .init(risks ? l("probability") : .null(.double), as: "late_probability"),
            .init(band, as: "risk_band"), .init(phaseName, as: "phase"), .init(.cast(f("planned_end_date"), .text), as: "baseline_end_date"),
            .init(daysLate, as: "days_late"),
            // The history is not in the warehouse: the change since the last run stays empty.
            .init(.null(.double), as: "previous_probability"), .init(.null(.double), as: "change"),
            .init(.text(modelID), as: "model_id"),
        ]
        for n in 1...3 {
            outputs.append(.init(t("driver_\(n)"), as: "driver_\(n)"))
            outputs.append(.init(t("driver_\(n)_value"), as: "driver_\(n)_value"))
        }
        // The rounded forecasts before rounding: hours are sums of doubles whose order the
        // engine chooses, so a value on a rounding boundary (697.05 h) may round the other way.
        outputs.append(.init(f("hours_point"), as: "forecast_hours_at_completion_unrounded"))
        outputs.append(.init(share * .double(100), as: "forecast_overrun_pct_unrounded"))
        outputs.append(.init(f("hours_low"), as: "forecast_hours_low_unrounded"))
        outputs.append(.init(f("hours_high"), as: "forecast_hours_high_unrounded"))
        var joins: [SQLSelect.Join] = [.init("scores", as: "s", on: s("project_id").equals(f("project_id"))),
                                       .init("top_drivers", as: "t", on: t("project_id").equals(f("project_id")))]
        if risks {
            joins += [.init("hours_scores", as: "hs", on: h("project_id").equals(f("project_id"))),
                      .init("late_scores", as: "ls", on: l("project_id").equals(f("project_id")))]
        }
        return SQLSelect(outputs, from: "forecasts", as: "fc", joins: joins, orderBy: [SQLOrdering(f("project_id"), text: true)])
    }
}
