import Foundation
import Testing
import VitalsEvaluation
import VitalsFeatures
import VitalsFoundation
import VitalsHazard
import VitalsModel
import VitalsScoring
import VitalsTestBooks
import VitalsTestSupport

/// The shipped churn config's curve, scored: every horizon from one curve, days that agree
/// with it; and the overrun model's two risks beside the combined one.
@Suite struct ChurnCurveScoringTests {
    static func snapshot(_ model: ModelFile) throws -> ScoredSnapshot {
        let trained = try TrainedBook.shared()
        return try ScoredSnapshot(model: model, index: trained.book.index, asOf: trained.book.index.dataEnd)
    }

    /// Each row: P(churn) never falls as the horizon grows, the contract's probability is the
    /// 90-day one, the renewal's sits between the horizons around the renewal, the median is
    /// where S crosses ½ (or absent while S(365) > ½), and the score file writes the same.
    @Test func everyHorizonComesFromOneCurve() throws {
        let snapshot = try Self.snapshot(TrainedBook.shared().churn.model)
        let curves = try #require(snapshot.curves)
        #expect(snapshot.spec.horizonDays == 90 && curves.count == snapshot.rowCount && snapshot.rowCount > 100)
        let file = ScoreFile.table(snapshot, previous: [:])
        let column = { (name: String) in file.columns.firstIndex(of: name)! }
        for r in 0..<snapshot.rowCount {
            let p = ScoreFile.curveHorizons.map { snapshot.churnProbability(r, withinDays: Double($0))! }
            #expect(zip(p, p.dropFirst()).allSatisfy { $0 <= $1 } && p[0] > 0 && p[3] < 1)
            #expect(snapshot.probabilities[r] == p[1])
            let days = snapshot.nextRenewal(r) - snapshot.asOf
            let byRenewal = try #require(snapshot.churnProbabilityByRenewal(r))
            #expect(days > 0 && days <= 366)
            if days <= 30 { #expect(byRenewal <= p[0]) }
            if days >= 90 { #expect(byRenewal >= p[1]) }
            if let median = curves[r].medianDays {
                assertClose(curves[r].survival(atDays: median), 0.5, rtol: 1e-9)
                #expect(snapshot.medianDaysToChurn(r) == Int(median.rounded()))
            } else {
                #expect(curves[r].survival(atDays: 365.25) > 0.5 && snapshot.medianDaysToChurn(r) == nil)
            }
            let row = file.rows[r]
            #expect(row[column("churn_probability_90d")] == .number(p[1]) && row[column("churn_probability")] == .number(p[1]))
            #expect(row[column("churn_probability_by_renewal")] == .number(byRenewal))
            #expect(row[column("expected_days_to_churn")] == .integer(snapshot.expectedDaysToChurn(r)!))
        }
    }

    /// The days to churn follow the curves: a curve below another everywhere has no more
    /// expected days; across the book they take hundreds of values and fall as the 365-day
    /// risk rises (Spearman ≤ −0.8).
    @Test func expectedDaysAgreeWithTheCurves() throws {
        let snapshot = try Self.snapshot(TrainedBook.shared().churn.model)
        let curves = try #require(snapshot.curves)
        let days = (0..<snapshot.rowCount).map { snapshot.expectedDaysToChurn($0)! }
        #expect(Set(days).count >= 100, "\(Set(days).count) distinct expected days")
        var ordered = 0
        for i in stride(from: 0, to: curves.count, by: 7) {
            for j in stride(from: 1, to: curves.count, by: 11) where i != j {
                let below = zip(curves[i].survival, curves[j].survival).allSatisfy { $0 <= $1 }
                if below {
                    ordered += 1
                    #expect(days[i] <= days[j], "row \(i) lies below row \(j) but has more expected days")
                }
            }
        }
        #expect(ordered > 100)
        let p365 = (0..<snapshot.rowCount).map { snapshot.churnProbability($0, withinDays: 365)! }
        let rho = Self.spearman(days.map(Double.init), p365)
        #expect(rho <= -0.8, "Spearman \(rho)")
    }

    /// Worse signals never lower the risk at any horizon (a metamorphic test): usage falling
    /// against its 90-day level and a lower last NPS, both declared risk-raising when lower,
    /// move every horizon up or leave it.
    @Test func aWorseAccountHasAHigherCurve() throws {
        let snapshot = try Self.snapshot(TrainedBook.shared().churn.model)
        let model = snapshot.model.model, spec = snapshot.spec
        let worse = ["active_users_30d_over_90d": -0.5, "nps_last_score": -4.0]
        var x = snapshot.x
        for (name, delta) in worse {
            let j = try #require(spec.featureNames.firstIndex(of: name))
            for r in 0..<x.rows { x[r, j] += delta }
        }
        let before = try #require(snapshot.curves)
        let after = try #require(try ScoredSnapshot.scores(x: x, model: model, spec: spec).curves)
        for r in 0..<snapshot.rowCount {
            for h in ScoreFile.curveHorizons {
                #expect(after[r].churnProbability(withinDays: Double(h)) >= before[r].churnProbability(withinDays: Double(h)) - 1e-12)
            }
        }
    }

    /// Spearman's ρ: Pearson's correlation of the mid-ranks.
    static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        func ranks(_ v: [Double]) -> [Double] {
            let order = v.indices.sorted { v[$0] < v[$1] }
            var out = [Double](repeating: 0, count: v.count), i = 0
            while i < order.count {
                var j = i
                while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
                for k in i...j { out[order[k]] = Double(i + j) / 2 }
                i = j + 1
            }
            return out
        }
        let (x, y) = (ranks(a), ranks(b))
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }, syy = y.reduce(0) { $0 + ($1 - my) * ($1 - my) }
        return sxy / (sxx * syy).squareRoot()
    }

    /// The overrun model's two risks: their own labels (the combined label is 1 exactly when
    /// either is), their own models, and the combined probability within the range they allow.
    @Test func overrunCarriesItsTwoRisks() throws {
        let trained = try TrainedBook.shared()
        let file = trained.overrun.model
        let spec = try #require(file.signals)
        #expect(spec.hoursOverrunModel != nil && spec.lateModel != nil && spec.hoursOverrunModel != spec.lateModel)
        #expect(file.metrics["holdout_auc_hours_overrun"] != nil && file.metrics["holdout_auc_late"] != nil)
        let builder = try spec.featurizer(index: trained.book.index, modelID: file.modelID).builder(labelCutoff: TrainedBook.cutoff)
        let projects = trained.book.dataset.projects!
        var both = (hours: 0, late: 0, neither: 0)
        for p in 0..<projects.count {
            for day in [TrainedBook.cutoff.adding(months: -6), TrainedBook.cutoff.adding(months: -9)] {
                guard let risks = builder.overrunRisks(project: p, asOf: day), let label = builder.overrunLabel(project: p, asOf: day) else { continue }
                if label.isNaN { #expect(risks.hours.isNaN && risks.late.isNaN); continue }
                #expect(label == max(risks.hours, risks.late))
                if risks.hours == 1 { both.hours += 1 }
                if risks.late == 1 { both.late += 1 }
                if label == 0 { both.neither += 1 }
            }
        }
        #expect(both.hours > 0 && both.late > 0 && both.neither > 0 && both.hours != both.late)
        let snapshot = try Self.snapshot(file)
        let risks = try #require(snapshot.risks)
        for r in 0..<snapshot.rowCount {
            let (h, l, p) = (risks.hours[r], risks.late[r], snapshot.probabilities[r])
            #expect(p >= max(h, l) && p <= min(1, h + l) + 1e-15)
        }
        let table = ScoreFile.table(snapshot, previous: [:])
        let hours = table.columns.firstIndex(of: "hours_overrun_probability")!, late = table.columns.firstIndex(of: "late_probability")!
        #expect(table.columns.last == "model_id" && late == hours + 1)
        #expect(table.rows.indices.allSatisfy { table.rows[$0][hours] == .number(risks.hours[$0]) && table.rows[$0][late] == .number(risks.late[$0]) })
    }
}
